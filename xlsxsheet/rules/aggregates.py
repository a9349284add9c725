"""Aggregate cells: counts, shares and sums over records tables, as Excel formulas and in Python.

Each computed aggregate field (its `aggregate` spec, from a records block's `aggregates` or a
tally block) is written as a live formula where Excel can say it — COUNTIF / COUNTIFS over the
body range of a table (a count's `exclude` as "<>value" criteria on that column's range,
shifted to line each unit's cell up with the counted one), ROUND for shares, SUM, text joined
with & — and recomputed here the same way, cell by cell, so LibreOffice and xlsxsheet agree. A
list of headings per grade has no Excel formula: its value is written, and checked as a value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from operator import is_
from typing import Any

from xlsxsheet.core.cells import a1
from xlsxsheet.core.memo import derived
from xlsxsheet.layout import model as m
from xlsxsheet.layout.formula import _excel_round
from xlsxsheet.layout.labels import render_label
from xlsxsheet.plan.record_rows import blank
from xlsxsheet.plan.records_plan import RecordsTable
from xlsxsheet.plan.workbook_plan import Slot, WorkbookPlan

Key = tuple[str, int | None]


@dataclass(frozen=True)
class Place:
    """Where a table body is in a workbook: its sheet, rows, and how far columns moved."""

    sheet: str
    first_row: int
    last_row: int
    col_shift: int = 0


# --- Python ----------------------------------------------------------------------------------


def _table(plan: WorkbookPlan, spec: m.AggregateSpec) -> RecordsTable:
    return plan.records[".".join(spec.table)]


def _keys(table: RecordsTable, cell: Key) -> list[Key | None]:
    """The slot key of one cell (column or grid row, year) in each unit of a table (None where
    the unit has no such cell: no value has the key None); looked up once per table (plans are
    shared, never changed)."""
    data = derived(table)
    found = data.get(("keys", cell))
    if found is None:
        found = data[("keys", cell)] = [
            None if (slot := slots.get(cell)) is None else slot.key for slots in table.units
        ]
    return found


def _excluded_units(
    table: RecordsTable, spec: m.AggregateSpec, values: Mapping[Key, Any]
) -> set[int]:
    """The units a count leaves out: their `exclude` column holds a listed value."""
    excluded: set[int] = set()
    for column, listed in spec.exclude:
        for unit, value in enumerate(map(values.get, _keys(table, (column, None)))):
            if value is not None and str(value) in listed:
                excluded.add(unit)
    return excluded


def count(plan: WorkbookPlan, spec: m.AggregateSpec, values: Mapping[Key, Any]) -> int:
    """How many cells of the column (or grid year) hold exactly the value, as COUNTIF(S)."""
    table = _table(plan, spec)
    year = None if spec.year is None else plan.year + spec.year
    wanted = spec.value
    cells = map(values.get, _keys(table, (spec.column or "", year)))  # None: no such cell
    if not spec.exclude:
        return sum(1 for value in cells if value is not None and str(value) == wanted)
    excluded = _excluded_units(table, spec, values)
    return sum(
        1
        for unit, value in enumerate(cells)
        if value is not None and str(value) == wanted and unit not in excluded
    )


def column_sum(plan: WorkbookPlan, spec: m.AggregateSpec, values: Mapping[Key, Any]) -> Any:
    """The numbers of one column of a table added up, as SUM: blanks and texts add nothing (a
    number typed as text is added as read: the check warns that Excel's SUM skips it)."""
    table = _table(plan, spec)
    return sum(
        value
        for value in map(values.get, _keys(table, (spec.column or "", None)))
        if isinstance(value, int | float) and not isinstance(value, bool)
    )


def filled(plan: WorkbookPlan, spec: m.AggregateSpec, values: Mapping[Key, Any]) -> int:
    """How many cells of the `base` column are not blank, as COUNTA."""
    table = _table(plan, spec)
    return sum(
        1 for value in map(values.get, _keys(table, (spec.base or "", None))) if not blank(value)
    )


def share(part: float, whole: float, digits: int) -> float:
    """part / whole in %, rounded half away from zero (0 when there is no whole)."""
    if not whole:
        return 0.0
    return float(_excel_round(part / whole * 100, digits))


def evaluate(
    plan: WorkbookPlan, slot: Slot, values: Mapping[Key, Any], value_of: Callable[[Slot], Any]
) -> Any:
    """The value of an aggregate cell; `value_of` gives other computed cells' values."""
    spec = slot.field.aggregate
    assert spec is not None

    def ref(field_id: str) -> float:
        value = value_of(plan.slots[(field_id, None)])
        return value if isinstance(value, int | float) else 0

    if spec.kind == "count":
        return count(plan, spec, values)
    if spec.kind == "share":
        return share(ref(spec.refs[0]), filled(plan, spec, values), spec.digits)
    if spec.kind == "column-sum":
        return column_sum(plan, spec, values)
    if spec.kind == "sum":
        return sum(ref(r) for r in spec.refs)
    if spec.kind == "sentence":
        total = ref(spec.refs[0])
        good = sum(ref(r) for r in spec.refs[1:])
        return spec.text.format(
            total=_number_text(total), good=_number_text(good), share=f"{share(good, total, 1):.1f}"
        )
    if spec.kind == "items":
        return "\n".join(str(item) for item in items(plan, spec, values))
    raise ValueError(f"unknown aggregate kind {spec.kind}")


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _headings(
    table: RecordsTable, values: Mapping[Key, Any]
) -> list[tuple[int, int, tuple[str, ...]]]:
    """(unit, level, codes of the levels down to it) of each heading row, in order.

    Every list aggregate of a table asks with the same values: the walk is kept for the last
    code cells seen, and reused only when each is the very same object as then (so the same
    type and value: what the walk gives cannot differ)."""
    block = table.block
    depth = len(block.hierarchy)
    data = derived(table)
    code_keys = data.get("code-keys")
    if code_keys is None:
        per_level = [_keys(table, (h.code, None)) for h in block.hierarchy]
        code_keys = data["code-keys"] = [k for unit in zip(*per_level, strict=True) for k in unit]
    codes_now = list(map(values.get, code_keys))
    last = data.get("headings")
    if last is not None and len(last[0]) == len(codes_now) and all(map(is_, last[0], codes_now)):
        return last[1]
    state: list[Any] = [None] * depth
    found = []
    for unit in range(len(table.units)):
        row = codes_now[unit * depth : (unit + 1) * depth]
        level = next((i for i, code in enumerate(row) if not blank(code)), None)
        if level is None:
            continue
        state[level] = row[level]
        for deeper in range(level + 1, depth):
            state[deeper] = None
        found.append((unit, level, tuple(str(c) for c in state[: level + 1] if not blank(c))))
    data["headings"] = (codes_now, found)
    return found


def items(plan: WorkbookPlan, spec: m.AggregateSpec, values: Mapping[Key, Any]) -> list[str]:
    """For each heading row of `level` whose `column` holds the value: its `show` (a column;
    `heading`: its code and name; or `label`: the codes of the levels down to it, joined; with
    `collapse`, the last code is left out where its parent has only one such heading)."""
    table = _table(plan, spec)
    block = table.block
    assert spec.level is not None

    def get(keys: list[Key | None], unit: int) -> Any:
        return values.get(keys[unit])  # type: ignore[arg-type]

    column_keys = _keys(table, (spec.column or "", None))
    name_keys = (
        _keys(table, (block.hierarchy[spec.level].name_at, None))
        if spec.show == "heading" and spec.level < len(block.hierarchy)
        else []
    )
    show_keys = _keys(table, (spec.show, None)) if spec.show not in ("heading", "label") else []
    found: list[tuple[tuple[Any, ...], Any]] = []
    children: dict[tuple[Any, ...], set[Any]] = {}
    for unit, level, codes in _headings(table, values):
        if level != spec.level:
            continue
        children.setdefault(codes[:-1], set()).add(codes[-1] if codes else None)
        if str(get(column_keys, unit)) == spec.value:
            if spec.show == "heading":  # the level's code and name
                name = get(name_keys, unit)
                shown: Any = " ".join(str(p) for p in (codes[-1], name) if not blank(p))
            else:
                shown = get(show_keys, unit) if spec.show != "label" else None
            found.append((codes, shown))
    result = []
    for codes, shown in found:
        if spec.show != "label":
            result.append("" if shown is None else str(shown))
            continue
        parts = codes
        if spec.collapse and len(parts) > 1 and len(children.get(parts[:-1], ())) == 1:
            parts = parts[:-1]
        result.append(spec.join.join(parts))
    return result


# --- Excel -----------------------------------------------------------------------------------


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _sheet_prefix(sheet: str, here: str) -> str:
    return "" if sheet == here else "'" + sheet.replace("'", "''") + "'!"


def _absolute(row: int, col: int) -> str:
    ref = a1(row, col)
    letters = ref.rstrip("0123456789")
    return f"${letters}${ref[len(letters) :]}"


def _range(place: Place, col: int, here: str) -> str:
    col += place.col_shift
    return (
        _sheet_prefix(place.sheet, here)
        + f"{_absolute(place.first_row, col)}:{_absolute(place.last_row, col)}"
    )


def formula(
    plan: WorkbookPlan,
    slot: Slot,
    place_of: Callable[[RecordsTable], Place | None],
    address: Callable[[Slot], str],
) -> str | None:
    """The Excel formula of an aggregate cell; None where Excel cannot say it (lists) or the
    table is not found. `place_of` locates a table body, `address` another cell (A1, with its
    sheet when on another sheet)."""
    spec = slot.field.aggregate
    assert spec is not None
    here = slot.sheet

    def cell(field_id: str) -> str:
        return address(plan.slots[(field_id, None)])

    if spec.kind in ("count", "share", "column-sum"):
        table = _table(plan, spec)
        place = place_of(table)
        if place is None:
            return None
        if spec.kind == "column-sum":
            return f"=SUM({_range(place, table.col_of[spec.column or ''], here)})"
        if spec.kind == "share":
            base = _range(place, table.col_of[spec.base or ""], here)
            return (
                f"=IF(COUNTA({base})=0,0,ROUND({cell(spec.refs[0])}/COUNTA({base})*100,"
                f"{spec.digits}))"
            )
        if spec.year is None:
            counted: Key = (spec.column or "", None)
            column = _range(place, table.col_of[spec.column or ""], here)
            criteria = [column, _quote(spec.value or "")]
        else:
            block = table.block
            assert block.grid is not None and table.label_col is not None
            raw = next(r.label for r in block.grid.rows if r.id == spec.column)
            label = render_label(raw, plan.year, plan.params)  # as the sheet shows it
            year_col = table.year_col.get(plan.year + spec.year)
            if year_col is None:
                return None
            counted = (spec.column or "", plan.year + spec.year)
            criteria = [
                _range(place, table.label_col, here),
                _quote(label),
                _range(place, year_col, here),
                _quote(spec.value or ""),
            ]
        if spec.exclude:
            excluding = _exclusion_criteria(table, spec, counted, place, here)
            if excluding is None:
                return None
            criteria += excluding
        if len(criteria) == 2:
            return f"=COUNTIF({criteria[0]},{criteria[1]})"
        return "=COUNTIFS(" + ",".join(criteria) + ")"
    if spec.kind == "sum":
        return "=SUM(" + ",".join(cell(r) for r in spec.refs) + ")"
    if spec.kind == "sentence":
        total = cell(spec.refs[0])
        good = "(" + "+".join(cell(r) for r in spec.refs[1:]) + ")" if spec.refs[1:] else "0"
        pct = f'TEXT(IF({total}=0,0,ROUND({good}/{total}*100,1)),"0.0")'
        parts = {"total": total, "good": good, "share": pct}
        return "=" + _join(spec.text, parts)
    return None


def _exclusion_criteria(
    table: RecordsTable, spec: m.AggregateSpec, counted: Key, place: Place, here: str
) -> list[str] | None:
    """COUNTIFS criteria leaving out the units whose `exclude` column holds a listed value, as
    `count` does: the column's range over the body, shifted by the rows between a unit's
    counted cell and its `exclude` cell, "<>value" for each listed value. None where that shift
    is not the same in every unit, or would reach above the sheet (Excel cannot say it: the
    value is written and checked as a value)."""
    criteria: list[str] = []
    for column, listed in spec.exclude:
        shifts = {
            slots[counted].row - slots[(column, None)].row
            for slots in table.units
            if counted in slots and (column, None) in slots
        }
        if len(shifts) > 1:
            return None
        shift = shifts.pop() if shifts else 0
        if place.first_row - shift < 0:
            return None
        shifted = Place(
            place.sheet, place.first_row - shift, place.last_row - shift, place.col_shift
        )
        column_range = _range(shifted, table.col_of[column], here)
        for value in listed:
            criteria += [column_range, _quote("<>" + value)]
    return criteria


def _join(text: str, parts: Mapping[str, str]) -> str:
    """'計{total}指標…' as Excel: "計"&A1&"指標…"."""
    import re

    pieces = []
    for i, piece in enumerate(re.split(r"{(\w+)}", text)):
        if i % 2:
            pieces.append(parts[piece])
        elif piece:
            pieces.append(_quote(piece))
    return "&".join(pieces) or '""'


def plan_formula(plan: WorkbookPlan, slot: Slot) -> str | None:
    """The formula as the template writes it: tables and cells where the plan puts them."""

    def place_of(table: RecordsTable) -> Place:
        return Place(table.sheet, table.first_row, table.last_row)

    def address(other: Slot) -> str:
        return _sheet_prefix(other.sheet, slot.sheet) + a1(other.row, other.col)

    return formula(plan, slot, place_of, address)


def workbook_formula(result: Any, slot: Slot) -> str | None:
    """The formula an aggregate cell should hold in a read workbook: its tables where their
    names say they are now (rows inserted inside them included), cells where they were read."""
    from xlsxsheet.plan.records_plan import body_range

    plan = result.plan
    here = result.cells[slot.key].sheet if slot.key in result.cells else slot.sheet

    def place_of(table: RecordsTable) -> Place | None:
        found = body_range(result.content, table.name)
        if found is None:
            return Place(table.sheet, table.first_row, table.last_row)
        return Place(
            found.sheet, found.first_row, found.last_row, found.first_col - table.first_col
        )

    def address(other: Slot) -> str:
        bound = result.cells.get(other.key)
        sheet, row, col = (
            (bound.sheet, bound.raw.row, bound.raw.col)
            if bound is not None
            else (other.sheet, other.row, other.col)
        )
        return _sheet_prefix(sheet, here) + a1(row, col)

    return formula(plan, slot, place_of, address)
