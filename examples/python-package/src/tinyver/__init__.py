"""Parse, compare, bump and match dotted version strings such as ``1.4.0rc2``.

The package depends on the standard library only and supports Python 3.6 and
later, so the oldest leg of the example pipeline can run its tests without pip.
"""

from tinyver.version import InvalidVersion, Version, parse
from tinyver.bump import bump
from tinyver.spec import InvalidSpecifier, satisfies

__all__ = ["InvalidSpecifier", "InvalidVersion", "Version", "bump", "parse", "satisfies"]
__version__ = "0.1.0"
