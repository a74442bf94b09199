"""The ``Version`` value type and the parser that builds it."""

import re

# MAJOR[.MINOR[.PATCH]] with an optional pre-release of a, b or rc and a number,
# a subset of PEP 440 that most libraries use in practice.
_VERSION_PATTERN = re.compile(
    r"^\s*v?(?P<major>\d+)(?:\.(?P<minor>\d+))?(?:\.(?P<patch>\d+))?"
    r"(?:[-.]?(?P<label>a|b|rc)(?P<number>\d+))?\s*$",
    re.IGNORECASE,
)

# Pre-release labels in release order; a final release sorts after all of them.
PRE_RELEASE_LABELS = ("a", "b", "rc")


class InvalidVersion(ValueError):
    """Raised when a string is not a version that ``parse`` accepts."""


class Version(object):
    """A parsed version: three release numbers and an optional pre-release."""

    __slots__ = ("major", "minor", "patch", "pre")

    def __init__(self, major, minor=0, patch=0, pre=None):
        for name, value in (("major", major), ("minor", minor), ("patch", patch)):
            if not isinstance(value, int) or value < 0:
                raise InvalidVersion("{} must be a non-negative integer, got {!r}".format(name, value))
        if pre is not None:
            label, number = pre
            if label not in PRE_RELEASE_LABELS or not isinstance(number, int) or number < 0:
                raise InvalidVersion("pre-release must be ('a'|'b'|'rc', N), got {!r}".format(pre))
            pre = (label, number)
        self.major = major
        self.minor = minor
        self.patch = patch
        self.pre = pre

    @property
    def is_prerelease(self):
        """True for versions such as ``2.0.0rc1``."""
        return self.pre is not None

    @property
    def release(self):
        """The ``(major, minor, patch)`` triple without the pre-release."""
        return (self.major, self.minor, self.patch)

    def _sort_key(self):
        # A final release sorts after every pre-release of the same numbers,
        # so it takes a label index one past the last pre-release label.
        if self.pre is None:
            return self.release + (len(PRE_RELEASE_LABELS), 0)
        label, number = self.pre
        return self.release + (PRE_RELEASE_LABELS.index(label), number)

    def __eq__(self, other):
        if not isinstance(other, Version):
            return NotImplemented
        return self._sort_key() == other._sort_key()

    def __ne__(self, other):
        if not isinstance(other, Version):
            return NotImplemented
        return self._sort_key() != other._sort_key()

    def __lt__(self, other):
        if not isinstance(other, Version):
            return NotImplemented
        return self._sort_key() < other._sort_key()

    def __le__(self, other):
        if not isinstance(other, Version):
            return NotImplemented
        return self._sort_key() <= other._sort_key()

    def __gt__(self, other):
        if not isinstance(other, Version):
            return NotImplemented
        return self._sort_key() > other._sort_key()

    def __ge__(self, other):
        if not isinstance(other, Version):
            return NotImplemented
        return self._sort_key() >= other._sort_key()

    def __hash__(self):
        return hash(self._sort_key())

    def __str__(self):
        text = "{}.{}.{}".format(self.major, self.minor, self.patch)
        if self.pre is not None:
            text += "{}{}".format(*self.pre)
        return text

    def __repr__(self):
        return "Version({!r})".format(str(self))


def parse(text):
    """Parse ``text`` such as ``"1.4"``, ``"v2.0.1"`` or ``"3.0.0rc2"`` into a ``Version``.

    Missing minor and patch numbers count as zero. Raises ``InvalidVersion``
    with the offending text when it does not match.
    """
    if not isinstance(text, str):
        raise InvalidVersion("expected a version string, got {!r}".format(text))
    match = _VERSION_PATTERN.match(text)
    if match is None:
        raise InvalidVersion(
            "invalid version {!r}: expected MAJOR[.MINOR[.PATCH]][a|b|rcN], e.g. '1.4.0rc1'".format(text)
        )

    pre = None
    if match.group("label"):
        pre = (match.group("label").lower(), int(match.group("number")))
    return Version(
        int(match.group("major")),
        int(match.group("minor") or 0),
        int(match.group("patch") or 0),
        pre,
    )
