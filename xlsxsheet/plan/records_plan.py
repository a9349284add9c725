"""Lay records and tally blocks out on the grid (called by plan.py's sheet planner).

A records table has a header, a body of units (a record of one or more rows, or a heading row)
and optional aggregate rows. Every unit has a slot for every column (and grid cell), at the
same place in each unit, so a body can be read whatever its rows hold; the body as a whole has
one defined name (``xs_<table path>_rows``), so rows a department inserts inside it are read.
When the plan is made for a document, its records decide what each unit shows: headings,
fill-down cells merged over the records they stand for, spare rows at the end.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xlsxsheet.core import fiscal_year
from xlsxsheet.core.cells import a1, covered_cells, parse_a1
from xlsxsheet.core.errors import LayoutError
from xlsxsheet.core.memo import derived
from xlsxsheet.core.names import field_name
from xlsxsheet.layout import model as m
from xlsxsheet.layout.records_loader import aggregate_path
from xlsxsheet.plan.model import LINE_HEIGHT, Slot
from xlsxsheet.plan.record_rows import BodyRow, CellKey, Record, parse, render

if TYPE_CHECKING:
    from xlsxsheet.plan.model import WorkbookPlan
    from xlsxsheet.plan.workbook_plan import _SheetPlanner
    from xlsxsheet.reading.workbook_reader import WorkbookContent

NUMERIC = ("number", "integer", "money", "percent")


@dataclass
class RecordsTable:
    """One records table of a plan: where its body is and the slots of every unit."""

    block: m.RecordsBlock
    path: tuple[str, ...]
    sheet: str
    name: str
    first_row: int
    unit_rows: int
    col_of: dict[str, int]
    span_of: dict[str, int]
    year_col: dict[int, int]
    label_col: int | None
    first_col: int
    last_col: int
    units: list[dict[CellKey, Slot]] = field(default_factory=list)
    rows: list[BodyRow] | None = None
    # a read workbook's table: the units kept for every plan whose table starts on this row
    kept: KeptUnits | None = None

    @property
    def key(self) -> str:
        return ".".join(self.path)

    @property
    def last_row(self) -> int:
        return self.first_row + max(len(self.units), 1) * self.unit_rows - 1

    def column_range(self, column: str, year: int | None = None) -> tuple[int, int, int, int]:
        """(first row, col, last row, col) of a column (or a grid year column) over the body."""
        col = self.year_col[year] if year is not None else self.col_of[column]
        return (self.first_row, col, self.last_row, col)

    def area(self) -> str:
        return f"{a1(self.first_row, self.first_col)}:{a1(self.last_row, self.last_col)}"


def table_shape(
    block: m.RecordsBlock, records: Sequence[Mapping[str, Any]], where: str
) -> list[BodyRow]:
    """The body rows of a template for these records: the records, then the spare rows."""
    rows = render(block, records, where)
    return rows + [BodyRow("spare") for _ in range(max(block.spare, 0 if rows else 1))]


def _columns(
    planner: _SheetPlanner, block: m.RecordsBlock
) -> tuple[dict[str, int], dict[str, int], dict[int, int], int | None, int]:
    """Column positions: each column by id, the grid's label column and year columns."""
    col_of: dict[str, int] = {}
    span_of: dict[str, int] = {}
    year_col: dict[int, int] = {}
    label_col = None
    col = 0
    for column in block.columns:
        col_of[column.id], span_of[column.id] = col, column.span
        col += column.span
        if block.grid is not None and column.id == block.grid.after:
            label_col = col
            col += block.grid.label_span
            years = planner.plan.layout.year_sets[block.grid.years].years(
                planner.plan.year, planner.plan.params
            )
            for year in years:
                year_col[year] = col
                col += 1
    if col > planner.sheet.width:
        raise LayoutError(
            planner.plan.layout.source.name,
            block.place,
            f"表「{block.id}」に {col} 列が必要ですが、シートは {planner.sheet.width} 列です",
            "列の span を小さくするか、シートの columns を増やしてください",
        )
    return col_of, span_of, year_col, label_col, col - 1


def place_records(planner: _SheetPlanner, block: m.RecordsBlock) -> None:
    plan = planner.plan
    col_of, span_of, year_col, label_col, last_col = _columns(planner, block)
    if block.title:
        planner.put(planner.row, 0, last_col + 1, "subheading", planner.label(block.title))
        planner.row += 1
    levels: Sequence[m.Level | None] = block.levels or [None]
    for level, path in zip(levels, block.table_paths(), strict=True):
        if level is not None:
            label = planner.label(level.label)
            title = planner.label(block.level_title, label=label, key=level.key)
            planner.put(planner.row, 0, last_col + 1, "subheading", title)
            planner.out.row_heights[planner.row] = 20
            planner.row += 1
        _header(planner, block, col_of, span_of, year_col, label_col)
        table = RecordsTable(
            block,
            path,
            planner.sheet.name,
            field_name((*path, "rows")),
            planner.row,
            block.unit_rows,
            col_of,
            span_of,
            year_col,
            label_col,
            0,
            last_col,
        )
        shape = plan.shapes.get(table.key)
        if isinstance(shape, int):
            count, table.rows = max(shape, 1), None
        else:
            table.rows = list(shape) if shape is not None else table_shape(block, [], "")
            count = len(table.rows)
        if table.rows is None:  # a read workbook's table: its units' slots are never painted
            table.kept = _kept_units(planner, table, count)
            table.units = table.kept.units[:count]
            for slots in table.kept.by_key[:count]:
                plan.slots.update(slots)
        else:
            cells = _unit_cells(planner, table)
            table.units = [_unit_slots(table, unit, cells) for unit in range(count)]
            for slots in table.units:
                for slot in slots.values():
                    plan.slots[slot.key] = slot
        plan.parts.append(table)
        if table.rows is not None:
            _paint_body(planner, table)
        plan.records[table.key] = table
        planner.row = table.last_row + 1
        _aggregate_rows(planner, table)


def _header(
    planner: _SheetPlanner,
    block: m.RecordsBlock,
    col_of: dict[str, int],
    span_of: dict[str, int],
    year_col: dict[int, int],
    label_col: int | None,
) -> None:
    row = planner.row
    two = any(c.group for c in block.columns)
    depth = 2 if two else 1
    col_index = 0
    columns = list(block.columns)
    while col_index < len(columns):
        column = columns[col_index]
        if column.group:
            run = [c for c in columns[col_index:]]
            run = run[: next((i for i, c in enumerate(run) if c.group != column.group), len(run))]
            width = sum(span_of[c.id] for c in run)
            planner.put(row, col_of[column.id], width, "header", planner.label(column.group))
            for c in run:
                planner.put(row + 1, col_of[c.id], span_of[c.id], "header", planner.label(c.label))
            col_index += len(run)
        else:
            planner.put(
                row,
                col_of[column.id],
                span_of[column.id],
                "header",
                planner.label(column.label),
                rows=depth,
            )
            col_index += 1
    if block.grid is not None and label_col is not None:
        planner.put(
            row,
            label_col,
            block.grid.label_span,
            "header",
            planner.label(block.grid.label),
            rows=depth,
        )
        for year, col in year_col.items():
            planner.put(row, col, 1, "header", fiscal_year.short_label(year), rows=depth)
    for r in range(row, row + depth):
        planner.out.row_heights[r] = max(planner.out.row_heights.get(r, 0), 2 * LINE_HEIGHT + 4)
    planner.row += depth


_UnitCell = tuple[m.FieldDef, int | None, int, int, str]  # field, year, row in the unit, col, label


def _unit_cells(planner: _SheetPlanner, table: RecordsTable) -> list[_UnitCell]:
    """Each cell of a unit of the table: the same for every unit but for its rows and place."""
    block, fields = table.block, planner.plan.layout.fields
    cells: list[_UnitCell] = []
    for column in block.columns:
        fdef = fields[".".join((*table.path, column.id))]
        cells.append((fdef, None, 0, table.col_of[column.id], planner.label(column.label)))
    if block.grid is not None:
        for g, row in enumerate(block.grid.rows):
            fdef = fields[".".join((*table.path, row.id))]
            row_label = planner.label(row.label)
            for year, col in table.year_col.items():
                cells.append((fdef, year, g, col, f"{row_label} {fiscal_year.short_label(year)}"))
    return cells


def _unit_slots(table: RecordsTable, unit: int, cells: list[_UnitCell]) -> dict[CellKey, Slot]:
    """The slots of one unit of the table, by (column or grid row, year)."""
    top = table.first_row + unit * table.unit_rows
    where = f"({table.block.record_label} {unit + 1}行目)"
    name = f"{table.name}#{unit + 1}"  # the body's name and the row: no name of its own
    sheet, key = table.sheet, table.key
    return {
        (fdef.path[-1], year): Slot(
            fdef, year, sheet, top + offset, col, name, label + where, table=key, unit=unit
        )
        for fdef, year, offset, col, label in cells
    }


@dataclass(eq=False)
class KeptUnits:
    """The units of a read table at one first row, made once for every plan that has them:
    each unit's slots by cell key (`RecordsTable.units`) and by plan key (`plan.slots`).
    What is worked out from a unit for reading is kept with this (`derived`): it holds for
    every plan with the table at this row."""

    units: list[dict[CellKey, Slot]] = field(default_factory=list)
    by_key: list[dict[tuple[str, int | None], Slot]] = field(default_factory=list)

    def grow(self, table: RecordsTable, cells: list[_UnitCell], count: int) -> None:
        for unit in range(len(self.units), count):
            slots = _unit_slots(table, unit, cells)
            self.units.append(slots)
            self.by_key.append({slot.key: slot for slot in slots.values()})


def _kept_units(planner: _SheetPlanner, table: RecordsTable, count: int) -> KeptUnits:
    """The units of a read workbook's table, the same `Slot`s for every plan whose table starts
    on the same row (kept with the layout, per year, parameters, table and first row).

    Returns of a records layout differ in table lengths, so most have a plan of their own; a
    table's cells differ between two such plans only where the tables above it moved it. Read
    plans never paint or change their slots (only a template's plan paints its bodies), so the
    slots of a unit can be shared. Bounded: the kept units are dropped past _KEPT_SLOTS.
    """
    plan = planner.plan
    kept: dict[Any, KeptUnits] = derived(plan.layout).setdefault("units", {})
    key = (plan.year, repr(sorted(plan.params.items())), table.key, table.first_row)
    units = kept.get(key)
    if units is None:
        if sum(len(slots) for found in kept.values() for slots in found.units) >= _KEPT_SLOTS:
            kept.clear()
        units = kept[key] = KeptUnits()
    if len(units.units) < count:
        units.grow(table, _unit_cells(planner, table), count)
    return units


# Slots of read tables' units kept per layout: about 8 MB (a 進捗管理表 of 40 returns with
# tables of their own lengths kept 8,000 in 36 tables and first rows).
_KEPT_SLOTS = 20_000


def _style(slot: Slot) -> str:
    if slot.field.type == "choice":
        return "input_center"
    return "input_text" if slot.field.type == "text" else "input"


def _paint_body(planner: _SheetPlanner, table: RecordsTable) -> None:
    block = table.block
    rows = table.rows or []
    for unit, body in enumerate(rows):
        top = table.first_row + unit * table.unit_rows
        slots = table.units[unit]
        if body.kind == "heading":
            _paint_heading(planner, table, unit, body)
            continue
        lines = 1
        for column in block.columns:
            if column.id in body.as_above:
                continue
            down = 1
            while unit + down < len(rows) and column.id in rows[unit + down].as_above:
                down += 1
            slot = slots[(column.id, None)]
            planner.put(
                top,
                table.col_of[column.id],
                table.span_of[column.id],
                _style(slot),
                rows=down * table.unit_rows,
                slot=slot,
            )
            _fit_text(
                planner,
                top,
                down * table.unit_rows,
                table.col_of[column.id],
                table.span_of[column.id],
                body.values.get((column.id, None)),
            )
            if down == 1:
                lines = max(lines, slot.field.lines)
        if block.grid is not None and table.label_col is not None:
            for g, row in enumerate(block.grid.rows):
                planner.put(
                    top + g,
                    table.label_col,
                    block.grid.label_span,
                    "label",
                    planner.label(row.label),
                )
                for year, col in table.year_col.items():
                    slot = slots[(row.id, year)]
                    planner.put(top + g, col, 1, _style(slot), slot=slot)
        if table.unit_rows == 1:
            # spare rows are low: the sheet prints on fewer pages; rows grow as they are filled
            planner.height(top, min(lines, 2) if body.kind == "spare" else lines)


def _fit_text(planner: _SheetPlanner, top: int, rows: int, col: int, span: int, value: Any) -> None:
    """Rows tall enough for a prefilled text in a cell merged over `rows` sheet rows."""
    if not isinstance(value, str) or not value:
        return
    chars = max(sum(planner.sheet.columns[col : col + span]) / 2.1, 1)  # full-width chars
    lines = sum(max(1, math.ceil(len(line) / chars)) for line in value.split("\n"))
    per_row = min((lines * LINE_HEIGHT + 4) / rows, 409)
    for row in range(top, top + rows):
        planner.out.row_heights[row] = max(planner.out.row_heights.get(row, 0), per_row)


def _paint_heading(planner: _SheetPlanner, table: RecordsTable, unit: int, body: BodyRow) -> None:
    block = table.block
    assert body.level is not None
    level = block.hierarchy[body.level]
    top = table.first_row + unit * table.unit_rows
    slots = table.units[unit]
    ids = [c.id for c in block.columns]
    name_first, name_last = ids.index(level.name_at), ids.index(level.name_to)
    covered = set(ids[name_first : name_last + 1])
    for column in block.columns:
        col = table.col_of[column.id]
        slot = slots[(column.id, None)]
        if column.id == level.code:
            planner.put(top, col, table.span_of[column.id], "heading_input", slot=slot)
        elif column.id == level.name_at:
            last = table.col_of[level.name_to] + table.span_of[level.name_to] - 1
            planner.put(top, col, last - col + 1, "heading_input", slot=slot)
        elif column.id in level.fields:
            planner.put(top, col, table.span_of[column.id], "input", slot=slot)
        elif column.id not in covered:
            planner.put(top, col, table.span_of[column.id], "heading_fill")


def _aggregate_rows(planner: _SheetPlanner, table: RecordsTable) -> None:
    block, plan = table.block, planner.plan
    for agg in block.aggregates:
        ids = [c.id for c in block.columns]
        first = min(ids.index(c) for c in agg.columns)
        label_end = table.col_of[ids[first]]
        row = planner.row
        planner.put(row, 0, label_end, "header", planner.label(agg.label))
        for column in block.columns[first:]:
            col = table.col_of[column.id]
            if column.id in agg.columns:
                fdef = plan.layout.fields[
                    ".".join((*aggregate_path(table.path, agg.id), column.id))
                ]
                slot = planner.slot(fdef, None, row, col, planner.label(fdef.label))
                planner.put(row, col, table.span_of[column.id], "computed", slot=slot)
            else:
                planner.put(row, col, table.span_of[column.id], "heading_fill")
        planner.row += 1


# --- tally -----------------------------------------------------------------------------------


def place_tally(planner: _SheetPlanner, block: m.TallyBlock) -> None:
    plan = planner.plan
    base = tuple(block.id.split("."))
    width = sum(block.spans)
    if block.title:
        planner.put(planner.row, 0, width, "subheading", planner.label(block.title))
        planner.row += 1
    cols = [sum(block.spans[:i]) for i in range(len(block.spans))]
    for text, col, span in zip(block.header, cols, block.spans, strict=False):
        planner.put(planner.row, col, span, "header", planner.label(text))
    planner.out.row_heights[planner.row] = 2 * LINE_HEIGHT + 4
    planner.row += 1
    lines = 1 if block.rows == "levels" else 4
    for key, label in zip(block.row_keys, block.row_labels, strict=True):
        text = planner.label(block.row_label, label=planner.label(label), key=key)
        planner.put(planner.row, 0, block.spans[0], "label", text)
        for col_key, col, span in zip(block.col_keys, cols[1:], block.spans[1:], strict=True):
            fdef = plan.layout.fields[".".join((*base, key, col_key))]
            slot = planner.slot(fdef, None, planner.row, col, planner.label(fdef.label))
            style = "computed_text" if fdef.type == "text" else "computed"
            planner.put(planner.row, col, span, style, slot=slot)
        planner.height(planner.row, lines)
        planner.row += 1
    planner.put(planner.row, 0, block.spans[0], "header", planner.label(block.total_label))
    for col_key, col, span in zip(block.col_keys, cols[1:], block.spans[1:], strict=True):
        if col_key in block.total_cols:
            fdef = plan.layout.fields[".".join((*base, "total", col_key))]
            slot = planner.slot(fdef, None, planner.row, col, planner.label(fdef.label))
            planner.put(planner.row, col, span, "computed", slot=slot)
        else:
            planner.put(planner.row, col, span, "heading_fill")
    planner.row += 1
    if block.sentence:
        fdef = plan.layout.fields[".".join((*base, "sentence"))]
        slot = planner.slot(fdef, None, planner.row, 0, planner.label(fdef.label))
        planner.put(planner.row, 0, width, "computed_text", slot=slot)
        planner.height(planner.row, 2)
        planner.row += 1


def tables_of(plan: WorkbookPlan, block_id: str) -> list[RecordsTable]:
    """The tables of a records block, in sheet order."""
    return [t for t in plan.records.values() if t.block.id == block_id]


def unit_values(table: RecordsTable, values: Mapping[Any, Any]) -> list[dict[CellKey, Any]]:
    """Each unit's cell values by (column id, year), from values by slot key."""
    return [{k: values.get(s.key) for k, s in slots.items()} for slots in table.units]


def read_records(table: RecordsTable, values: Mapping[Any, Any]) -> list[Record]:
    """The records of a table, from the values of its cells (by slot key)."""
    return parse(table.block, unit_values(table, values))


# --- reading: where a workbook's tables are ---------------------------------------------------

_RANGE = re.compile(
    r"^=?(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$"
)


@dataclass(frozen=True)
class BodyRange:
    """Where a defined name says a table body is (0-based, inclusive)."""

    sheet: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int


def body_range(content: WorkbookContent, name: str) -> BodyRange | None:
    """The range a table body's defined name covers in the workbook, if it is intact."""
    cache = derived(content).setdefault("body_ranges", {})  # asked for every cell of a table
    if name not in cache:
        cache[name] = _body_range(content, name)
    return cache[name]


def _body_range(content: WorkbookContent, name: str) -> BodyRange | None:
    target = content.names.get(name)
    if target is None or target.broken:
        return None
    match = _RANGE.match(target.text.strip())
    if not match:
        return None
    sheet = (match.group(1) or "").replace("''", "'") or match.group(2)
    if sheet not in content.cells:
        return None
    first_row, first_col = parse_a1(match.group(3) + match.group(4))
    last = match.group(5), match.group(6)
    last_row, last_col = parse_a1(last[0] + last[1]) if last[0] else (first_row, first_col)
    return BodyRange(sheet, first_row, first_col, last_row, last_col)


def workbook_shapes(content: WorkbookContent, layout: m.Layout) -> dict[str, int]:
    """How many units each records table of the workbook has, from its body's name."""
    shapes: dict[str, int] = {}
    for sheet in layout.sheets:
        for block in sheet.blocks:
            if not isinstance(block, m.RecordsBlock):
                continue
            for path in block.table_paths():
                found = body_range(content, field_name((*path, "rows")))
                if found is not None:
                    rows = found.last_row - found.first_row + 1
                    shapes[".".join(path)] = max(rows // block.unit_rows, 1)
    return shapes


def _hidden_cells(content: WorkbookContent, sheet: str) -> frozenset[tuple[int, int]]:
    """Cells inside a merged range other than its top-left one (they hold nothing)."""
    cache = derived(content).setdefault("hidden_cells", {})
    if sheet not in cache:
        cache[sheet] = covered_cells(tuple(content.merged.get(sheet, [])))
    return cache[sheet]


def body_place(content: WorkbookContent, table: RecordsTable) -> tuple[str, int, int, bool] | None:
    """(sheet, first row, first column, found through the name) of a table's body in the
    workbook: where its name says, else the template's place; None when its sheet is gone."""
    found = body_range(content, table.name)
    if found is not None:
        return found.sheet, found.first_row, found.first_col, True
    if table.sheet in content.cells:
        return table.sheet, table.first_row, table.first_col, False
    return None


def locate_unit(
    content: WorkbookContent, plan: WorkbookPlan, slot: Slot
) -> tuple[str, int, int, bool] | None:
    """(sheet, row, col, found through the name) of a records cell in the workbook; None for a
    cell hidden in a merge or a table whose sheet is gone."""
    table: RecordsTable = plan.records[slot.table or ""]
    place = body_place(content, table)
    if place is None:
        return None
    sheet, first_row, first_col, via_name = place
    row = first_row + slot.row - table.first_row
    col = first_col + slot.col - table.first_col
    if (row, col) in _hidden_cells(content, sheet):
        return None
    return sheet, row, col, via_name
