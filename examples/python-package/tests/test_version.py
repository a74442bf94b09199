"""Tests for parsing and ordering versions.

Written with ``unittest`` so the same files run under pytest (3.11 and later)
and under the standard library alone (the 3.6 leg).
"""

import unittest

from tinyver import InvalidVersion, Version, parse


class ParseTest(unittest.TestCase):
    def test_full_version(self):
        self.assertEqual(parse("1.4.2").release, (1, 4, 2))

    def test_missing_parts_are_zero(self):
        self.assertEqual(parse("3").release, (3, 0, 0))
        self.assertEqual(parse("3.1").release, (3, 1, 0))

    def test_leading_v_and_spaces(self):
        self.assertEqual(str(parse("  v2.0.1 ")), "2.0.1")

    def test_pre_release_spellings(self):
        self.assertEqual(parse("1.0.0rc2").pre, ("rc", 2))
        self.assertEqual(parse("1.0.0-RC2").pre, ("rc", 2))
        self.assertEqual(parse("1.0.0.b1").pre, ("b", 1))
        self.assertEqual(parse("1.0a3").pre, ("a", 3))

    def test_invalid_strings(self):
        for text in ("", "1.", "a.b.c", "1.2.3.4", "1.0rc", "1.0-dev1"):
            with self.subTest(text=text):
                with self.assertRaises(InvalidVersion) as caught:
                    parse(text)
                self.assertIn(repr(text), str(caught.exception))

    def test_non_string_rejected(self):
        with self.assertRaises(InvalidVersion):
            parse(1.2)

    def test_invalid_constructor_arguments(self):
        with self.assertRaises(InvalidVersion):
            Version(-1)
        with self.assertRaises(InvalidVersion):
            Version(1, 0, 0, ("dev", 1))


class OrderTest(unittest.TestCase):
    def test_release_order(self):
        texts = ["1.10.0", "1.2.0", "1.2.10", "1.2.9", "0.9"]
        ordered = [str(v) for v in sorted(parse(t) for t in texts)]
        self.assertEqual(ordered, ["0.9.0", "1.2.0", "1.2.9", "1.2.10", "1.10.0"])

    def test_pre_releases_before_final(self):
        texts = ["2.0.0", "2.0.0rc1", "2.0.0a1", "2.0.0b2", "2.0.0a10"]
        ordered = [str(v) for v in sorted(parse(t) for t in texts)]
        self.assertEqual(ordered, ["2.0.0a1", "2.0.0a10", "2.0.0b2", "2.0.0rc1", "2.0.0"])

    def test_equal_spellings_are_equal(self):
        self.assertEqual(parse("1.2"), parse("v1.2.0"))
        self.assertEqual(hash(parse("1.2")), hash(parse("1.2.0")))
        self.assertNotEqual(parse("1.2.0"), parse("1.2.0rc1"))

    def test_comparison_with_other_types(self):
        self.assertFalse(parse("1.0") == "1.0")
        with self.assertRaises(TypeError):
            parse("1.0") < "1.0"


if __name__ == "__main__":
    unittest.main()
