"""A short fingerprint of where a layout puts its field cells and what it names them.

A template keeps the fingerprint of its layout (the hidden sheet's `shape`). When a city
changes the layout file after sending the templates out (a field added, a row moved) but keeps
its `version`, the returns no longer match the layout, and without the fingerprint a check
would tell each department it moved cells it never touched.

The fingerprint is taken from the layout laid out for its default year, params and an empty
table of each records block: the sheets' names, and each field cell's id, sheet, row and
column, its year as an offset from the year evaluated (so that moving `default_year` on changes
nothing). What does not place a field cell — labels, texts, prompts, formats, `required`,
row heights, column widths, print settings — does not change it: correcting a label asks for
no new version.
"""

from __future__ import annotations

import hashlib
import json

from xlsxsheet.core.memo import derived
from xlsxsheet.layout.model import Layout
from xlsxsheet.plan.workbook_plan import build_plan

__all__ = ["cell_shape"]


def cell_shape(layout: Layout) -> str:
    """The fingerprint of `layout`'s field cells (16 hex digits), worked out once a layout."""
    kept = derived(layout)
    found = kept.get("cell_shape")
    if found is None:
        plan = build_plan(layout, layout.default_year, layout.default_params())
        cells = sorted(
            (
                slot.field.id,
                None if slot.year is None else slot.year - plan.year,
                -1 if slot.unit is None else slot.unit,
                slot.sheet,
                slot.row,
                slot.col,
            )
            for slot in plan.slots.values()
        )
        text = json.dumps([[s.name for s in plan.sheets], cells], ensure_ascii=False)
        found = kept["cell_shape"] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return found
