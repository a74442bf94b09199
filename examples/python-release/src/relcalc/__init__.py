"""Count release-note lines by kind and choose the next version from them."""

from importlib.metadata import PackageNotFoundError, version as _version

KINDS = ("breaking", "feature", "fix")

try:
    __version__ = _version("relcalc")
except PackageNotFoundError:  # imported from the sources, not installed
    __version__ = "0.0.0"


def count_changes(lines):
    """Returns how many lines start with each kind, as 'kind: text'."""
    counts = {kind: 0 for kind in KINDS}
    for line in lines:
        kind, sep, _ = line.partition(":")
        kind = kind.strip().lower()
        if sep and kind in counts:
            counts[kind] += 1
    return counts


def next_version(current, counts):
    """Bumps major for breaking changes, minor for features, patch otherwise."""
    major, minor, patch = (int(part) for part in current.split("."))
    if counts.get("breaking"):
        return "%d.0.0" % (major + 1)
    if counts.get("feature"):
        return "%d.%d.0" % (major, minor + 1)
    return "%d.%d.%d" % (major, minor, patch + 1)
