"""The labels a layout's template prints around each field: what a city's sheet is searched by.

Nothing here is written per layout: for each field cell of the plan, the texts the template
paints to its left (section, row labels, 数値区分), the heading above its column (a year, a
judgement, a column heading) or, for a field with no label beside it, the heading right above.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlsxsheet.core.fiscal_year import column_label
from xlsxsheet.layout import model as m
from xlsxsheet.plan.workbook_plan import PlanCell, Slot, WorkbookPlan

_NOT_LABELS = {"unit", "note", "title_note"}


@dataclass(frozen=True)
class Wanted:
    """One field cell of the template and the labels that find it."""

    slot: Slot
    row_labels: tuple[str, ...]  # outer first; empty when the label is above
    column_label: str | None  # the heading above the column (a year: its column label)
    year: int | None
    above: str | None  # the heading above a field with no label beside it
    ordinal: int = 0  # the n-th field after the same label in its row
    siblings: tuple[str, ...] = ()  # the other headings of a table's heading row

    @property
    def path(self) -> str:
        parts = list(self.row_labels) or ([self.above] if self.above else [])
        if self.column_label:
            parts.append(self.column_label)
        return " > ".join(parts)


def wanted_fields(plan: WorkbookPlan) -> list[Wanted]:
    """Every single-cell field of the plan (records tables aside), in plan order."""
    kinds = _block_kinds(plan.layout)
    out: list[Wanted] = []
    for sheet in plan.sheets:
        texts = [c for c in sheet.cells if c.slot is None and c.text and c.style not in _NOT_LABELS]
        slots = [c for c in sheet.cells if c.slot is not None and c.slot.unit is None]
        for cell in slots:
            slot = cell.slot
            assert slot is not None
            kind = next((k for p, k in kinds.items() if slot.field.id.startswith(p)), "form")
            out.append(_wanted(slot, texts, slots, kind))
    return out


def template_texts(plan: WorkbookPlan) -> set[str]:
    """Every text the template prints (normalised): where a block of text typed below a
    heading stops."""
    from xlsxsheet.label_import.label_text import normalise

    return {
        normalise(c.text)
        for sheet in plan.sheets
        for c in sheet.cells
        if c.slot is None and c.text and c.style not in _NOT_LABELS
    }


def _block_kinds(layout: m.Layout) -> dict[str, str]:
    """Field id prefix -> "year" (year table), "table" or "form"."""
    kinds = {}
    for sheet in layout.sheets:
        for b in sheet.blocks:
            if isinstance(b, m.YearTableBlock):
                kinds[b.id + "."] = "year"
            elif isinstance(b, m.TableBlock):
                kinds[b.id + "."] = "table"
    return kinds


def _wanted(slot: Slot, texts: list[PlanCell], slots: list[PlanCell], kind: str) -> Wanted:
    left = [t for t in texts if t.row <= slot.row <= t.last_row and t.last_col < slot.col]
    left.sort(key=lambda t: t.col)
    heading = _heading_above(slot, texts)
    if kind == "form":
        # a form row: the label nearest before the field; fields after one label count on
        if not left:
            # fields side by side under one heading (番号 | 名称): the n-th of them
            ordinal = sum(
                1
                for s in slots
                if s.row == slot.row
                and s.col < slot.col
                and _heading_above(s.slot, texts) == heading  # type: ignore[arg-type]
                and not [t for t in texts if t.row <= s.row <= t.last_row and t.last_col < s.col]
            )
            return Wanted(slot, (), None, None, heading, ordinal)
        label = left[-1]
        ordinal = sum(1 for s in slots if s.row == slot.row and label.last_col < s.col < slot.col)
        return Wanted(slot, (label.text,), None, None, None, ordinal)
    row_labels = tuple(t.text for i, t in enumerate(left) if i == 0 or t.text != left[i - 1].text)
    if slot.year is not None:
        return Wanted(slot, row_labels, column_label(slot.year), slot.year, None)
    if kind == "year" and slot.field.type != "choice":  # a text across the year columns
        return Wanted(slot, row_labels, None, None, None)
    if kind == "table" and heading is not None:
        head = max(
            (t for t in texts if t.last_row < slot.row and t.col <= slot.col <= t.last_col),
            key=lambda t: t.last_row,
        )
        siblings = tuple(
            t.text for t in texts if t.row == head.row and t is not head and t.style == "header"
        )
        return Wanted(slot, row_labels, heading, None, None, siblings=siblings)
    return Wanted(slot, row_labels, heading, None, None)


def _heading_above(slot: Slot, texts: list[PlanCell]) -> str | None:
    above = [t for t in texts if t.last_row < slot.row and t.col <= slot.col <= t.last_col]
    return max(above, key=lambda t: t.last_row).text if above else None
