"""Tests for ``tinyver.bump``."""

import unittest

from tinyver import InvalidVersion, bump, parse


class BumpTest(unittest.TestCase):
    def test_each_kind_on_final_release(self):
        cases = [
            ("major", "2.0.0"),
            ("minor", "1.5.0"),
            ("patch", "1.4.3"),
            ("pre", "1.4.3rc1"),
        ]
        for kind, expected in cases:
            with self.subTest(kind=kind):
                self.assertEqual(str(bump("1.4.2", kind)), expected)

    def test_patch_releases_a_pre_release(self):
        self.assertEqual(str(bump("1.2.0rc3", "patch")), "1.2.0")

    def test_pre_counts_up(self):
        self.assertEqual(str(bump(parse("1.2.0b1"), "pre")), "1.2.0b2")

    def test_result_is_greater(self):
        for text in ("0.1", "1.2.0rc3", "9.9.9"):
            for kind in ("major", "minor", "patch", "pre"):
                with self.subTest(text=text, kind=kind):
                    self.assertGreater(bump(text, kind), parse(text))

    def test_unknown_kind(self):
        with self.assertRaises(ValueError) as caught:
            bump("1.0", "micro")
        self.assertIn("'micro'", str(caught.exception))

    def test_wrong_type(self):
        with self.assertRaises(InvalidVersion):
            bump(10, "major")


if __name__ == "__main__":
    unittest.main()
