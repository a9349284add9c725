"""xlsxsheet: round-trip the Excel evaluation sheets of Japanese city halls.

The public API is in `xlsxsheet.api` and named here: `make_template`, `read`, `check`, `fix`,
`fix_folder`, `collect`, `rollover`, `layouts`. They are loaded on first use, so that importing
one stage (`xlsxsheet.reading.safe_open`, say) does not load them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xlsxsheet.core.version import __version__

if TYPE_CHECKING:
    from xlsxsheet.api import (
        check,
        collect,
        fix,
        fix_folder,
        layouts,
        make_template,
        read,
        rollover,
    )

__all__ = [
    "__version__",
    "check",
    "collect",
    "fix",
    "fix_folder",
    "layouts",
    "make_template",
    "read",
    "rollover",
]

_API = frozenset(__all__) - {"__version__"}


def __getattr__(name: str) -> Any:
    if name in _API:
        from xlsxsheet import api

        return getattr(api, name)
    raise AttributeError(f"module 'xlsxsheet' has no attribute {name!r}")
