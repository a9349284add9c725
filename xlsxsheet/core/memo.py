"""Data derived from an object that does not change once made, kept while the object lives.

A plan is shared by every return of one template, a layout block by every plan of its layout,
and a read workbook's content and values are final: what is worked out from one of them (an
index of its cells, a memo, parsed records) is worked out once and kept here, under the
object's identity (never its value: two objects never share what is kept), and dropped when the
object goes.
"""

from __future__ import annotations

import weakref
from typing import Any

_DERIVED: dict[int, tuple[weakref.ref[Any], dict[str, Any]]] = {}


def derived(owner: object) -> dict[str, Any]:
    """The dict of what has been derived from `owner` so far (empty at first)."""
    key = id(owner)
    entry = _DERIVED.get(key)
    if entry is not None and entry[0]() is owner:
        return entry[1]

    def drop(ref: weakref.ref[Any], key: int = key, kept: dict[int, Any] = _DERIVED) -> None:
        # the store is bound here: at interpreter exit the module's globals may be gone first
        found = kept.get(key)
        if found is not None and found[0] is ref:
            del kept[key]

    data: dict[str, Any] = {}
    _DERIVED[key] = (weakref.ref(owner, drop), data)
    return data


def forget_all() -> None:
    """Drop everything kept (tests start from a fresh state with it)."""
    _DERIVED.clear()
