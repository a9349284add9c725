"""A short fingerprint of where a layout puts its cells and what it names them.

A template keeps the fingerprint of the layout file it was made from (the hidden sheet's
`shape`). When a city changes the file after sending the templates out (a field added, a row
moved) but keeps its `version`, the returns no longer match the layout, and without the
fingerprint a check would tell each department it moved cells it never touched. The
fingerprint covers the sheets and the year sets, the parts of the file that place cells and
name fields; the words shown (labels, texts, titles, prompts, units, formats) and what does not
move a cell (required, rollover, lists, number formats, row heights, column widths) are left
out, so correcting a label does not ask for a new version.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = ["cell_shape"]

# keys that neither place a cell nor name a field, left out
_WORDS = frozenset(
    {
        "label",
        "text",
        "title",
        "note",
        "prompt",
        "description",
        "record_label",
        "level_title",
        "level_label",
        "sentence",
        "count_label",
        "row_label",
        "total",
        "unit",
        "format",
        "style",
        "required",
        "rollover",
        "words",
        "keep_text",
        "list",
        "lines",
        "print",
        "roles",
        "year_roles",
        "header",
        "good",
        "show",
        "join",
        "collapse",
    }
)


def cell_shape(data: Any) -> str:
    """The fingerprint of a layout file's parsed YAML (16 hex digits)."""
    root = data if isinstance(data, dict) else {}
    kept = {"sheets": root.get("sheets"), "year_sets": root.get("year_sets")}
    text = json.dumps(_shape(kept), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _shape(value: Any, key: str = "") -> Any:
    """`value` without the _WORDS keys (written or not, they place no cell)."""
    if isinstance(value, dict):
        return {str(k): _shape(v, str(k)) for k, v in value.items() if str(k) not in _WORDS}
    if isinstance(value, list):
        if key == "columns" and all(isinstance(v, int | float) for v in value):
            return len(value)  # a sheet's column widths: how many, not how wide
        return [_shape(v) for v in value]
    return value
