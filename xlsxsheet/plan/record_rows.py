"""Records tables: a document's list of records ↔ the body rows of the sheet.

A records block is a repeating table (see layout `type: records`). In the document each table
is a list of records (JSON objects keyed by column id; a grid row is a {year: value} map; the
names of hierarchy levels are keys too). On the sheet:

- columns marked `fill_down` show a value only where it changes ("as above" otherwise), the
  way 取組 cells of 新潟's sheet are merged over their 指標. A blank cell means the value of the
  record above, as long as every fill-down column to its left is blank too (so a record whose
  first fill-down column is empty belongs to the record above: that is what reading gives);
- `hierarchy` levels (基本目標 → 施策 大 → 小) become heading rows: the level's code in its
  column, its name in one wide cell, its own fields (the 施策's grade) beside it. A row whose
  level code cell is filled is a heading row; the records below it belong to it.

:func:`render` lays records out as body rows; :func:`parse` reads body rows back.
``parse(block, render(block, records))`` gives the records back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from xlsxsheet.core.errors import DocumentError
from xlsxsheet.core.fiscal_year import FiscalYearError, parse_fiscal_year
from xlsxsheet.core.memo import derived
from xlsxsheet.layout import model as m

CellKey = tuple[str, int | None]  # (column or grid-row id, year)


@dataclass
class BodyRow:
    """One unit of a table body: a record (one or more sheet rows) or a heading row."""

    kind: str  # "record" | "heading" | "spare"
    values: dict[CellKey, Any] = field(default_factory=dict)
    level: int | None = None
    record: int | None = None  # index of the document record
    as_above: set[str] = field(default_factory=set)  # fill-down columns left blank


@dataclass
class Record:
    """A record read from a table body, and the units it was read from (for messages)."""

    values: dict[str, Any]
    unit: int
    headings: tuple[int | None, ...] = ()  # unit of the heading row of each level in force


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def record_keys(block: m.RecordsBlock) -> list[str]:
    """The keys a document record may have, in sheet order."""
    level_columns = {h.code for h in block.hierarchy}
    keys: list[str] = []
    for h in block.hierarchy:
        keys += [h.code, h.name, *h.fields]
    for column in block.columns:
        if column.id not in level_columns and column.id not in keys:
            keys.append(column.id)
        if block.grid is not None and column.id == block.grid.after:
            keys += [row.id for row in block.grid.rows]
    return keys


def _level_columns(block: m.RecordsBlock) -> set[str]:
    result = set()
    for h in block.hierarchy:
        result |= {h.code, *h.fields}
    return result


def _record_columns(block: m.RecordsBlock) -> list[str]:
    """Columns a record row fills (not level codes or level fields)."""
    skip = _level_columns(block)
    return [c.id for c in block.columns if c.id not in skip]


def _fill_down(block: m.RecordsBlock) -> list[str]:
    skip = _level_columns(block)
    return [c.id for c in block.columns if c.fill_down and c.id not in skip]


def _level_state(block: m.RecordsBlock, record: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (record.get(h.code), record.get(h.name), *(record.get(f) for f in h.fields))
        for h in block.hierarchy
    ]


# --- records → rows --------------------------------------------------------------------------


def render(
    block: m.RecordsBlock, records: Sequence[Mapping[str, Any]], where: str = ""
) -> list[BodyRow]:
    """Body rows for a document's records (no spare rows). Raises DocumentError for unknown keys
    and grid years that are not years."""
    allowed = set(record_keys(block))
    problems: list[str] = []
    rows: list[BodyRow] = []
    previous_levels: list[tuple[Any, ...]] = [()] * len(block.hierarchy)
    previous: Mapping[str, Any] | None = None
    grid_ids = {r.id for r in block.grid.rows} if block.grid else set()
    for index, record in enumerate(records):
        place = f"{where}[{index}]"
        if not isinstance(record, Mapping):
            problems.append(f"{place} は「列: 値」の形にしてください")
            continue
        for key in record:
            if key not in allowed:
                problems.append(
                    f"{place} の「{key}」はこの表の列にありません(列: {', '.join(allowed)})"
                )
        levels = _level_state(block, record)
        changed = next(
            (i for i, (a, b) in enumerate(zip(levels, previous_levels, strict=True)) if a != b),
            None,
        )
        if changed is not None:
            for i in range(changed, len(block.hierarchy)):
                level = block.hierarchy[i]
                state = levels[i]
                if all(blank(v) for v in state):
                    continue
                if blank(state[0]):
                    problems.append(
                        f"{place}: 見出し「{level.label or level.code}」の番号({level.code})が"
                        "空欄です。見出し行は番号で見分けるため、番号を入れてください"
                    )
                values: dict[CellKey, Any] = {(level.code, None): state[0]}
                values[(level.name_at, None)] = state[1]
                for f, v in zip(level.fields, state[2:], strict=True):
                    values[(f, None)] = v
                rows.append(BodyRow("heading", values, level=i, record=index))
            previous = None
        previous_levels = levels
        row = BodyRow("record", record=index)
        hidden = True
        for column in _record_columns(block):
            value = record.get(column)
            if column in _fill_down(block):
                same = previous is not None and previous.get(column) == value and hidden
                if same:
                    row.as_above.add(column)
                    continue
                if hidden and previous is not None and blank(value) and row.as_above:
                    # an empty cell here would read as "as above": write the columns to its
                    # left instead, which ends the run of as-above cells
                    for left in row.as_above:
                        row.values[(left, None)] = record.get(left)
                    row.as_above = set()
                hidden = False
            row.values[(column, None)] = value
        if (
            row.as_above
            and all(blank(v) for v in row.values.values())
            and not any(not blank(v) for g in grid_ids for v in (record.get(g) or {}).values())
        ):
            # nothing of its own: shown as above, the row would read as empty, so say it all
            for column in row.as_above:
                row.values[(column, None)] = record.get(column)
            row.as_above = set()
        for grid_id in grid_ids:
            series = record.get(grid_id)
            if series is None:
                continue
            if not isinstance(series, Mapping):
                problems.append(
                    f"{place} の「{grid_id}」は年度別の値です({{年度: 値}} の形で書いてください)"
                )
                continue
            for year_key, value in series.items():
                try:
                    year = parse_fiscal_year(year_key)
                except FiscalYearError as exc:
                    problems.append(f"{place} の「{grid_id}」: {exc}")
                    continue
                row.values[(grid_id, year)] = value
        rows.append(row)
        previous = record
    if problems:
        raise DocumentError(
            "データの表が様式と合いません:\n" + "\n".join(f"- {p}" for p in problems)
        )
    return rows


# --- rows → records --------------------------------------------------------------------------


def heading_level(block: m.RecordsBlock, unit: Mapping[CellKey, Any]) -> int | None:
    """The hierarchy level a body row is the heading of (its level code is filled), else None."""
    for i, code_key in enumerate(_info(block).code_keys):
        if not blank(unit.get(code_key)):
            return i
    return None


def parse(
    block: m.RecordsBlock,
    units: Sequence[Mapping[CellKey, Any]],
    grid_cells: Sequence[tuple[tuple[str, tuple[tuple[str, CellKey], ...]], ...]] | None = None,
) -> list[Record]:
    """The records of a table body, given each unit's cell values by (column id, year).

    `grid_cells`, where every unit has the same cells (a plan's table): per unit, each grid
    row's (year as text, cell key) sorted, instead of looking through the unit's cells."""
    info = _info(block)
    records: list[Record] = []
    depth = len(block.hierarchy)
    state: list[tuple[Any, ...]] = [_empty_level(h) for h in block.hierarchy]
    heading_units: list[int | None] = [None] * depth
    previous: dict[str, Any] | None = None
    fill_down = info.fill_down
    columns = info.columns
    grid_ids = info.grid_ids
    keys = info.keys
    code_keys = info.code_keys
    for index, unit in enumerate(units):
        level = None
        for i, code_key in enumerate(code_keys):
            if not blank(unit.get(code_key)):
                level = i
                break
        if level is None and all(blank(v) for v in unit.values()):
            continue
        if level is not None:
            h = block.hierarchy[level]
            state[level] = (
                unit.get((h.code, None)),
                unit.get((h.name_at, None)),
                *(unit.get((f, None)) for f in h.fields),
            )
            heading_units[level] = index
            for deeper in range(level + 1, depth):
                state[deeper] = _empty_level(block.hierarchy[deeper])
                heading_units[deeper] = None
            previous = None
            continue
        values: dict[str, Any] = {}
        for h, s in zip(block.hierarchy, state, strict=True):
            values[h.code], values[h.name] = s[0], s[1]
            for f, v in zip(h.fields, s[2:], strict=True):
                values[f] = v
        inherit = previous is not None
        for column in columns:
            value = unit.get((column, None))
            if column in fill_down:
                if inherit and blank(value):
                    value = previous.get(column) if previous else None
                else:
                    inherit = False
            values[column] = value
        if grid_cells is not None:
            for row_id, cells in grid_cells[index]:
                values[row_id] = {text: unit.get(key) for text, key in cells}
        elif grid_ids:
            series: dict[str, dict[str, Any]] = {row_id: {} for row_id in grid_ids}
            for (key, year), value in unit.items():
                if year is not None and key in series:
                    series[key][str(year)] = value
            for row_id in grid_ids:
                values[row_id] = dict(sorted(series[row_id].items()))
        ordered = {k: values.get(k) for k in keys}
        records.append(Record(ordered, index, tuple(heading_units)))
        previous = ordered
    return records


def _empty_level(level: m.HierarchyLevel) -> tuple[Any, ...]:
    return (None, None, *(None for _ in level.fields))


@dataclass(frozen=True)
class _BlockInfo:
    """What parsing a block's units needs, from the block alone."""

    code_keys: tuple[CellKey, ...]  # each hierarchy level's code cell
    columns: tuple[str, ...]  # columns a record row fills
    fill_down: frozenset[str]
    grid_ids: tuple[str, ...]
    keys: tuple[str, ...]  # record_keys


def _info(block: m.RecordsBlock) -> _BlockInfo:
    data = derived(block)
    info = data.get("info")
    if info is None:
        info = data["info"] = _BlockInfo(
            tuple((h.code, None) for h in block.hierarchy),
            tuple(_record_columns(block)),
            frozenset(_fill_down(block)),
            tuple(r.id for r in block.grid.rows) if block.grid else (),
            tuple(record_keys(block)),
        )
    return info


def read_values(read: Any) -> dict[Any, Any]:
    """`read.inputs | read.computed` of a read workbook (by slot key), merged once. Shared:
    never change it."""
    data = derived(read)
    source = (read.inputs, read.computed)
    found = data.get("values")
    if found is None or found[0][0] is not source[0] or found[0][1] is not source[1]:
        data.clear()  # what was derived came from other values
        found = data["values"] = (source, read.inputs | read.computed)
    return found[1]


def read_units(read: Any, table: Any) -> list[dict[CellKey, Any]]:
    """Each unit's cell values of a plan's records table in a read workbook (as
    plan_records.unit_values of `read_values`), made once. Shared: never change them."""
    values = read_values(read)
    data = derived(read)
    units = data.get(("units", id(table)))
    if units is None or units[0] is not table:
        units = data[("units", id(table))] = (
            table,
            [{k: values.get(s.key) for k, s in slots.items()} for slots in table.units],
        )
    return units[1]


def read_table_records(read: Any, table: Any) -> list[Record]:
    """The records of a plan's table in a read workbook (as plan_records.read_records of
    `read_values`), parsed once. Shared: never change them."""
    units = read_units(read, table)
    data = derived(read)
    found = data.get(("records", id(table)))
    if found is None or found[0] is not table:
        found = data[("records", id(table))] = (
            table,
            parse(table.block, units, _grid_cells(table) if table.block.grid else None),
        )
    return found[1]


def _grid_cells(table: Any) -> list[tuple[tuple[str, tuple[tuple[str, CellKey], ...]], ...]]:
    """Per unit of a plan's table, each grid row's (year as text, cell key), sorted by the
    text as parse sorts them; once per table."""
    data = derived(table)
    found = data.get("grid-cells")
    if found is None:
        grid_ids = _info(table.block).grid_ids
        # the units of a table have the same cells: worked out once per block and cells (a
        # table of another length, in another plan, has units with the same cells too)
        by_cells = derived(table.block).setdefault("grid-cells", {})
        found = data["grid-cells"] = []
        for slots in table.units:
            cells = tuple(slots)
            grid = by_cells.get(cells)
            if grid is None:
                grid = by_cells[cells] = tuple(
                    (row_id, _row_cells(cells, row_id)) for row_id in grid_ids
                )
            found.append(grid)
    return found


def _row_cells(cells: Iterable[CellKey], row_id: str) -> tuple[tuple[str, CellKey], ...]:
    years = [(str(year), (key, year)) for key, year in cells if key == row_id and year is not None]
    return tuple(sorted(years, key=lambda pair: pair[0]))
