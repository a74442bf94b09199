"""Computing the next version for a release."""

from tinyver.version import InvalidVersion, Version, parse

BUMP_KINDS = ("major", "minor", "patch", "pre")


def bump(version, kind):
    """Return the version after ``version`` for a release of ``kind``.

    ``kind`` is ``major``, ``minor``, ``patch`` or ``pre``. Bumping a
    pre-release by ``patch`` releases it, so ``1.2.0rc1`` becomes ``1.2.0``.
    ``pre`` counts the pre-release number up, or starts ``rc1`` on the next
    patch for a final release. ``version`` may be a ``Version`` or a string, and
    the result is always a ``Version``. Raises ``ValueError`` for another kind.
    """
    if isinstance(version, str):
        version = parse(version)
    if not isinstance(version, Version):
        raise InvalidVersion("expected a Version or a version string, got {!r}".format(version))

    if kind == "major":
        return Version(version.major + 1, 0, 0)
    if kind == "minor":
        return Version(version.major, version.minor + 1, 0)
    if kind == "patch":
        if version.is_prerelease:
            return Version(version.major, version.minor, version.patch)
        return Version(version.major, version.minor, version.patch + 1)
    if kind == "pre":
        if version.is_prerelease:
            label, number = version.pre
            return Version(version.major, version.minor, version.patch, (label, number + 1))
        return Version(version.major, version.minor, version.patch + 1, ("rc", 1))
    raise ValueError("invalid bump kind {!r}: expected one of {}".format(kind, ", ".join(BUMP_KINDS)))
