"""Lay a layout out on the grid for one fiscal year: every cell, style, merge and field slot.

The plan is the single source of cell positions: the template writer paints it, and the reader
falls back to it where a defined name is missing. It knows nothing of xlsxwriter or openpyxl.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from xlsxsheet.core.errors import LayoutError
from xlsxsheet.core.names import field_name
from xlsxsheet.layout import model as m
from xlsxsheet.layout.labels import render_label
from xlsxsheet.layout.year_table_keys import UNIT_SUFFIX
from xlsxsheet.plan import records_plan as plan_records
from xlsxsheet.plan.formula_links import link_year_table, refuse_formula_cycles
from xlsxsheet.plan.model import (
    LINE_HEIGHT,
    VERTICAL_LABEL_ROWS,
    PlanCell,
    SheetPlan,
    Slot,
    WorkbookPlan,
)
from xlsxsheet.plan.year_roles import column_heading

__all__ = [
    "LINE_HEIGHT",
    "VERTICAL_LABEL_ROWS",
    "PlanCell",
    "SheetPlan",
    "Slot",
    "WorkbookPlan",
    "build_plan",
    "cached_plan",
]


def build_plan(
    layout: m.Layout,
    year: int,
    params: dict[str, Any] | None = None,
    shapes: dict[str, Any] | None = None,
) -> WorkbookPlan:
    """Place every block of every sheet for the given evaluation year and params.

    `shapes` gives each records table (by dotted path) its body: the rows of a document's
    records (plan_records.table_shape) or the number of rows a workbook's table has.
    """
    merged = layout.default_params() | (params or {})
    plan = WorkbookPlan(layout, year, merged, [], {}, shapes=dict(shapes or {}))
    for sheet in layout.sheets:
        try:
            plan.sheets.append(_SheetPlanner(plan, sheet).run())
        except LayoutError as exc:
            if exc.file:
                raise
            # a label only rendering finds wrong (layout.labels): said with its file
            raise LayoutError(layout.source.name, exc.place, exc.problem, exc.fix) from exc
    return plan


_PLANS: OrderedDict[tuple[int, int, str, str], WorkbookPlan] = OrderedDict()
_MAX_PLANS = 32


def cached_plan(
    layout: m.Layout,
    year: int,
    params: dict[str, Any] | None = None,
    shapes: dict[str, Any] | None = None,
) -> WorkbookPlan:
    """build_plan, kept per (layout, year, params, shapes) (LRU): a folder of returns shares
    a few plans, and laying one out costs more than reading a return. Do not change it."""
    merged = layout.default_params() | (params or {})
    key = (id(layout), year, repr(sorted(merged.items())), repr(sorted((shapes or {}).items())))
    found = _PLANS.get(key)
    if found is not None and found.layout is layout:
        _PLANS.move_to_end(key)
        return found
    plan = build_plan(layout, year, params, shapes)
    _PLANS[key] = plan
    while len(_PLANS) > _MAX_PLANS:
        _PLANS.popitem(last=False)
    return plan


class _SheetPlanner:
    def __init__(self, plan: WorkbookPlan, sheet: m.SheetDef) -> None:
        self.plan, self.sheet = plan, sheet
        self.out = SheetPlan(sheet, sheet.name)
        self.row = 0

    # --- helpers ---------------------------------------------------------------------
    def label(self, text: str, **extra: Any) -> str:
        return render_label(text, self.plan.year, self.plan.params, **extra)

    def put(
        self,
        row: int,
        col: int,
        span: int,
        style: str,
        text: str = "",
        rows: int = 1,
        slot: Slot | None = None,
    ) -> PlanCell:
        cell = PlanCell(row, col, row + rows - 1, col + span - 1, style, text, slot)
        self.out.cells.append(cell)
        if slot is not None:
            slot.last_row, slot.last_col = cell.last_row, cell.last_col
        return cell

    def slot(self, fdef: m.FieldDef, year: int | None, row: int, col: int, label: str) -> Slot:
        slot = Slot(fdef, year, self.sheet.name, row, col, field_name(fdef.path, year), label)
        if slot.key in self.plan.slots:
            raise LayoutError(
                self.plan.layout.source.name,
                fdef.place,
                f"項目「{fdef.id}」が2回配置されています",
                "id を見直してください",
            )
        self.plan.slots[slot.key] = slot
        self.plan.parts.append(slot)
        return slot

    def height(self, row: int, lines: int) -> None:
        current = self.out.row_heights.get(row, LINE_HEIGHT + 4)
        self.out.row_heights[row] = max(current, lines * LINE_HEIGHT + 4)

    def run(self) -> SheetPlan:
        for block in self.sheet.blocks:
            handler = {
                m.TitleBlock: self.title,
                m.HeadingBlock: self.heading,
                m.FormBlock: self.form,
                m.TableBlock: self.table,
                m.YearTableBlock: self.year_table,
                m.RecordsBlock: self.records,
                m.TallyBlock: self.tally,
            }[type(block)]
            handler(block)
        self.out.rows = self.row
        return self.out

    # --- blocks ----------------------------------------------------------------------
    def records(self, block: m.RecordsBlock) -> None:
        plan_records.place_records(self, block)

    def tally(self, block: m.TallyBlock) -> None:
        plan_records.place_tally(self, block)

    def title(self, block: m.TitleBlock) -> None:
        width = self.sheet.width
        note_span = 4 if block.note else 0
        self.put(self.row, 0, width - note_span, "title", self.label(block.text))
        if block.note:
            self.put(self.row, width - note_span, note_span, "title_note", self.label(block.note))
        self.out.row_heights[self.row] = 28
        self.row += 1

    def heading(self, block: m.HeadingBlock) -> None:
        self.put(self.row, 0, self.sheet.width, "heading", self.label(block.text))
        self.out.row_heights[self.row] = 20
        self.row += 1

    def form(self, block: m.FormBlock) -> None:
        for cells in block.rows:
            col = 0
            for cell in cells:
                if cell.field is not None:
                    label = self.label(cell.field.label)
                    slot = self.slot(cell.field, None, self.row, col, label)
                    style = "input_text" if cell.field.type == "text" else "input"
                    self.put(self.row, col, cell.span, style, slot=slot)
                    self.height(self.row, cell.field.lines)
                elif cell.list_labels is not None:
                    ldef = self.plan.layout.lists[cell.list_labels]
                    lines = [f"{v}:{self.label(ldef.labels.get(v, ''))}" for v in ldef.values]
                    self.put(self.row, col, cell.span, "note", "\n".join(lines))
                    self.height(self.row, len(lines))
                else:
                    text = self.label(cell.text or "")
                    self.put(self.row, col, cell.span, cell.style, text)
                    if "\n" in text:
                        self.height(self.row, text.count("\n") + 1)
                col += cell.span
            self.row += 1

    def table(self, block: m.TableBlock) -> None:
        width = self.sheet.width
        if block.title:
            self.put(self.row, 0, width, "subheading", self.label(block.title))
            self.row += 1
        col = 0
        for i, span in enumerate(block.level_spans):
            self.put(
                self.row, col, span, "header", self.label(block.level_header) if i == 0 else ""
            )
            col += span
        for column in block.columns:
            self.put(self.row, col, column.span, "header", self.label(column.label))
            col += column.span
        self.row += 1
        combos = _combinations(block.levels)
        start = self.row
        for combo in combos:
            col = 0
            for _lv, span in zip(combo, block.level_spans, strict=True):
                col += span
            col_pos = col
            for column in block.columns:
                path = tuple(block.id.split(".")) + tuple(lv.key for lv in combo) + (column.id,)
                fdef = self.plan.layout.fields[".".join(path)]
                slot = self.slot(fdef, None, self.row, col_pos, self.label(fdef.label))
                style = "input_text" if fdef.type == "text" else "input"
                self.put(self.row, col_pos, column.span, style, slot=slot)
                self.height(self.row, column.lines)
                col_pos += column.span
            self.row += 1
        self._level_labels(
            start,
            [tuple(self.label(lv.label) for lv in c) for c in combos],
            list(block.level_spans),
            0,
        )

    def _level_labels(
        self,
        start: int,
        labels: list[tuple[str, ...]],
        spans: list[int],
        first_col: int,
        style: str = "label",
    ) -> None:
        """Write row labels, merging equal runs down each column and the last part across."""
        if not labels:
            return
        depth = len(spans)
        col_starts = [first_col + sum(spans[:i]) for i in range(depth)]
        for level in range(depth):
            run_start = 0
            for i in range(1, len(labels) + 1):
                same = (
                    i < len(labels)
                    and len(labels[i]) > level
                    and labels[i][: level + 1] == labels[run_start][: level + 1]
                    and (len(labels[i]) - 1 == level) == (len(labels[run_start]) - 1 == level)
                )
                if same:
                    continue
                parts = labels[run_start]
                if len(parts) > level:
                    last = len(parts) - 1 == level
                    span = sum(spans[level:]) if last else spans[level]
                    rows = i - run_start
                    # a section label down many rows reads top to bottom, as on paper
                    vertical = level == 0 and not last and rows >= VERTICAL_LABEL_ROWS
                    self.put(
                        start + run_start,
                        col_starts[level],
                        span,
                        "vlabel" if vertical else style,
                        parts[level],
                        rows=rows,
                    )
                run_start = i

    def year_table(self, block: m.YearTableBlock) -> None:
        years = self.plan.layout.year_sets[block.years].years(self.plan.year, self.plan.params)
        label_width = sum(block.label_spans)
        year_col = label_width + block.unit_span
        side_col = year_col + len(years)
        side_labels = max((s.judgements for s in block.sections), key=len, default=())
        if side_col + len(side_labels) > self.sheet.width:
            raise LayoutError(
                self.plan.layout.source.name,
                f"year_table {block.id}",
                f"年度列と判定列で {side_col + len(side_labels)} 列が必要ですが、シートは"
                f" {self.sheet.width} 列です",
                "columns を増やしてください",
            )
        # header
        col = 0
        for text, span in zip(block.header, block.label_spans, strict=False):
            self.put(self.row, col, span, "header", self.label(text))
            col += span
        if block.unit_span:
            self.put(self.row, label_width, block.unit_span, "header", "単位")
        year_set = self.plan.layout.year_sets[block.years]
        for i, y in enumerate(years):
            self.put(
                self.row, year_col + i, 1, "header", column_heading(year_set, y, self.plan.year)
            )
        for i, judgement in enumerate(side_labels):
            self.put(self.row, side_col + i, 1, "header", self.label(judgement.label))
        self.row += 1
        for section in block.sections:
            self._year_section(block, section, years, year_col, side_col, len(side_labels))
        link_year_table(self.plan.slots, block)
        refuse_formula_cycles(self.plan.slots, block, self.plan.layout.source.name)

    def _year_section(
        self,
        block: m.YearTableBlock,
        section: m.YearSection,
        years: tuple[int, ...],
        year_col: int,
        side_col: int,
        side_count: int,
    ) -> None:
        start = self.row
        labels: list[tuple[str, ...]] = []
        base = (*tuple(block.id.split(".")), section.id)
        year_set = self.plan.layout.year_sets[block.years]
        headings = [column_heading(year_set, y, self.plan.year) for y in years]
        for combo in _combinations(section.levels):
            item_path = base + tuple(lv.key for lv in combo)
            item_start = self.row
            combo_labels = tuple(
                self.label(section.level_label, label=self.label(lv.label), key=lv.key)
                if i == 0
                else self.label(lv.label)
                for i, lv in enumerate(combo)
            )
            siblings_by_year: dict[int | None, dict[str, Slot]] = {}
            direction = None
            if section.direction_from:
                direction = tuple(
                    section.direction_from.replace("*", ".".join(lv.key for lv in combo)).split(".")
                )
            for series in section.series:
                fdef = self.plan.layout.fields[".".join((*item_path, series.id))]
                labels.append(
                    (
                        self.label(section.label),
                        *combo_labels,
                        *(self.label(p) for p in series.label),
                    )
                )
                if block.unit_span and series.unit_from is not None:  # shown from its row
                    unit = self.plan.layout.fields[fdef.id + UNIT_SUFFIX]
                    col = year_col - block.unit_span
                    slot = self.slot(unit, None, self.row, col, self.label(unit.label))
                    self.put(self.row, col, block.unit_span, "computed", slot=slot)
                    siblings_by_year.setdefault(None, {})[unit.path[-1]] = slot
                elif block.unit_span:
                    self.put(
                        self.row,
                        year_col - block.unit_span,
                        block.unit_span,
                        "unit",
                        series.unit or "",
                    )
                if series.across_years:
                    slot = self.slot(fdef, None, self.row, year_col, self.label(fdef.label))
                    self.put(self.row, year_col, len(years), "input_text", slot=slot)
                    siblings_by_year.setdefault(None, {})[series.id] = slot
                else:
                    field_label = self.label(fdef.label)
                    style = "computed" if fdef.computed else "input"
                    for i, (y, column) in enumerate(zip(years, headings, strict=True)):
                        label = f"{field_label} {column}"
                        slot = self.slot(fdef, y, self.row, year_col + i, label)
                        slot.direction_path = direction
                        self.put(self.row, year_col + i, 1, style, slot=slot)
                        siblings_by_year.setdefault(y, {})[series.id] = slot
                self.row += 1
            for group in siblings_by_year.values():
                for slot in group.values():
                    slot.item = siblings_by_year
            for i, judgement in enumerate(section.judgements):
                fdef = self.plan.layout.fields[".".join((*item_path, judgement.id))]
                slot = self.slot(fdef, None, item_start, side_col + i, self.label(fdef.label))
                slot.direction_path = direction
                slot.item = siblings_by_year
                self.put(
                    item_start, side_col + i, 1, "input", rows=self.row - item_start, slot=slot
                )
            for i in range(len(section.judgements), side_count):  # judged in another section
                self.put(item_start, side_col + i, 1, "label", rows=self.row - item_start)
        self._level_labels(start, labels, list(block.label_spans), 0)


def _combinations(levels: tuple[tuple[m.Level, ...], ...]) -> list[tuple[m.Level, ...]]:
    combos: list[tuple[m.Level, ...]] = [()]
    for level in levels:
        combos = [(*c, lv) for c in combos for lv in level]
    return combos
