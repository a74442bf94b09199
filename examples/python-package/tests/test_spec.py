"""Tests for ``tinyver.satisfies``."""

import unittest

from tinyver import InvalidSpecifier, satisfies


class SatisfiesTest(unittest.TestCase):
    def test_range(self):
        self.assertTrue(satisfies("1.7.3", ">=1.2,<2"))
        self.assertFalse(satisfies("2.0", ">=1.2,<2"))
        self.assertFalse(satisfies("1.1.9", ">=1.2,<2"))

    def test_each_operator(self):
        cases = [
            ("==1.0", True),
            ("!=1.0", False),
            (">0.9", True),
            ("<1.0.1", True),
            ("<=1.0", True),
            (">=1.0.1", False),
        ]
        for specifier, expected in cases:
            with self.subTest(specifier=specifier):
                self.assertIs(satisfies("1.0.0", specifier), expected)

    def test_spaces_and_empty_clauses(self):
        self.assertTrue(satisfies("1.5", " >= 1.0 , , < 2 "))
        self.assertTrue(satisfies("1.5", ""))

    def test_pre_release_needs_pre_release_bound(self):
        self.assertFalse(satisfies("2.0.0rc1", ">=1.0"))
        self.assertTrue(satisfies("2.0.0rc1", ">=2.0.0rc1"))
        self.assertTrue(satisfies("2.0.0rc2", ">=2.0.0rc1,<2.0.0"))

    def test_invalid_clauses(self):
        for specifier in ("1.0", ">=", "=>1.0", "~=1.0", ">=1.x"):
            with self.subTest(specifier=specifier):
                with self.assertRaises(InvalidSpecifier):
                    satisfies("1.0", specifier)


if __name__ == "__main__":
    unittest.main()
