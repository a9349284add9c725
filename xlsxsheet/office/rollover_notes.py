"""Rollover carries a return's notes to next year's template on the cells it carries; the
notes of cleared cells are listed with what else the template leaves behind (left_behind)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from xlsxsheet.copies.workbook_copy import CellEdit, patched_copy
from xlsxsheet.core.cells import a1
from xlsxsheet.office.left_behind import CARRIED_HEAD, Note
from xlsxsheet.plan.document import document_values
from xlsxsheet.plan.workbook_plan import WorkbookPlan

Key = tuple[str, int | None]


def carry_notes(
    template: Path, plan: WorkbookPlan, doc: Mapping[str, Any], notes: list[tuple[Key | None, Note]]
) -> tuple[int, list[Note]]:
    """Add to the template at `template` the notes whose cell it carries (a value in `doc`);
    (how many were carried, the notes left behind)."""
    values = document_values(plan, doc) if notes else {}
    edits, left = [], []
    for key, note in notes:
        slot = plan.slots.get(key) if key is not None else None
        if slot is None or values.get(key) in (None, ""):
            left.append(note)
            continue
        edits.append(CellEdit(slot.sheet, a1(slot.row, slot.col), None, CARRIED_HEAD + note.text))
    if edits:
        copy = patched_copy(template, edits, name=template.name)
        left += [Note(e.sheet, e.ref, e.note) for e in copy.skipped]
        template.write_bytes(copy.data)
    return len(edits), left
