"""Matching a version against a comma-separated specifier such as ``>=1.2,<2``."""

import operator
import re

from tinyver.version import InvalidVersion, parse

# Longest operators first, so ``>=`` is not read as ``>`` followed by ``=1.2``.
_OPERATORS = (
    (">=", operator.ge),
    ("<=", operator.le),
    ("==", operator.eq),
    ("!=", operator.ne),
    (">", operator.gt),
    ("<", operator.lt),
)

_CLAUSE_PATTERN = re.compile(r"^\s*(>=|<=|==|!=|>|<)\s*(\S.*?)\s*$")


class InvalidSpecifier(ValueError):
    """Raised when a specifier clause has no operator or an invalid version."""


def _parse_clause(clause):
    match = _CLAUSE_PATTERN.match(clause)
    if match is None:
        raise InvalidSpecifier(
            "invalid specifier clause {!r}: expected an operator (>=, <=, ==, !=, >, <) "
            "followed by a version, e.g. '>=1.2'".format(clause)
        )
    symbol, version_text = match.groups()
    try:
        bound = parse(version_text)
    except InvalidVersion as error:
        raise InvalidSpecifier("invalid specifier clause {!r}: {}".format(clause, error))
    return dict(_OPERATORS)[symbol], bound


def satisfies(version, specifier):
    """Return True when ``version`` matches every clause of ``specifier``.

    Clauses are separated by commas and all must hold, as in PEP 440. A
    pre-release matches only when a clause names a pre-release itself, so
    ``2.0.0rc1`` does not satisfy ``>=1.0`` but does satisfy ``>=2.0.0rc1``.
    An empty specifier matches every final release.
    """
    if isinstance(version, str):
        version = parse(version)

    clauses = [part for part in specifier.split(",") if part.strip()]
    bounds = [_parse_clause(clause) for clause in clauses]
    if version.is_prerelease and not any(bound.is_prerelease for _, bound in bounds):
        return False
    return all(compare(version, bound) for compare, bound in bounds)
