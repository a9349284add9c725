"""What a return reports on, as the central office sums it up: from the layout's `summary:`.

A return is one filled workbook. Its summary is small plain data (picklable, so a worker
process can send it back): which 施策 it is, its 担当課 and 政策, its grades, its cost series
and every value of the return for the tidy CSV (the `values` rules give 区分, 指標 and unit to the
values they name). Nothing here knows a particular layout.

A grade may be a column of a records table (新潟's 評価 per 指標, 狛江's grade per 施策 heading):
each grade then says which row of the 評価総括表 it is counted in (the `by` of its summary item:
the table, the record or heading, or a field of the record) and the 担当課 of its record.
Fill-down cells (a 取組's No. and 担当課 shown once over its 指標) are read as the record's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from xlsxsheet.core import fiscal_year
from xlsxsheet.core.changes import Change
from xlsxsheet.core.memo import derived
from xlsxsheet.layout.model import (
    SummaryDef,
    SummaryItem,
    SummaryValues,
    fill_field_pattern,
    match_field_pattern,
)
from xlsxsheet.plan.record_rows import (
    Record,
    blank,
    heading_level,
    read_table_records,
    read_units,
)
from xlsxsheet.plan.records_plan import RecordsTable
from xlsxsheet.plan.slot_queries import slots_where
from xlsxsheet.plan.workbook_plan import Slot
from xlsxsheet.plan.year_roles import not_actual
from xlsxsheet.reading.return_reader import ReadResult

_CODE_SPLIT = re.compile(r"[\s、,，・/]+")


@dataclass(frozen=True)
class GradeValue:
    """One grade cell of a return: which summary item it belongs to, and what was chosen.

    `group` is the row of the 評価総括表 it is counted in (None: the return's own row), shown
    as `group_code` and `group_name`; `departments` the 担当課 of its record. Where a stated
    rule corrects the grade (fix would write it), `value` is the corrected grade and `entered`
    what the department chose.
    """

    item: str
    field: str
    label: str
    value: str | None
    group: str | None = None
    group_code: str | None = None
    group_name: str | None = None
    departments: tuple[str, ...] = ()
    entered: str | None = None


@dataclass(frozen=True)
class TidyValue:
    """One value of a return, as a row of the tidy CSV: a number, or a text (増加, 中止,
    延べ600 以上, a sentence, a grade). A value a `summary.values` rule names has its `kind`
    (目標, 実績, 見込み), its 指標 and unit; every other value of the return has kind ""."""

    field: str
    label: str
    name: str | None
    year: int | None  # None: its year is not a fiscal year (year_text), left blank, or none
    kind: str
    value: int | float | str
    unit: str | None
    record: str | None = None  # the key of the record (a row of a records table) it belongs to
    year_text: str | None = None  # the year as written where it is no fiscal year (H27見込)
    table: str | None = None  # a records table's cell: the body's defined name (xs_jigyo_rows)
    row: int | None = None  # and the row of the table, from 1 (as `read --flat` says them)


@dataclass
class ReturnInfo:
    """The summary of one readable return."""

    layout: str
    layout_title: str
    year: int
    unit: str = "施策"
    keyed: bool = True  # False: the layout has no key (one workbook a year for the whole plan)
    key: str | None = None
    name: str | None = None
    department: str | None = None
    # a return without a 担当課 of its own (新潟's, 狛江's progress sheets): every 担当課 its
    # graded records name, counted or not, in sheet order
    departments: tuple[str, ...] = ()
    policy: str | None = None
    policy_name: str | None = None
    grade_scales: dict[str, tuple[str, ...]] = field(default_factory=dict)
    grades: list[GradeValue] = field(default_factory=list)
    costs: dict[str, dict[int, int | float]] = field(default_factory=dict)
    values: list[TidyValue] = field(default_factory=list)
    # (level label, number, name) for each level costs are totalled at (施策, 政策)
    levels: tuple[tuple[str, str | None, str | None], ...] = ()

    @property
    def department_shown(self) -> str | None:
        """The 担当課 a list shows for the return: its own, else the ones its records name."""
        return self.department or ("、".join(self.departments) or None)

    @property
    def identity(self) -> tuple[str, int, str] | None:
        """(layout, year, key): two returns with the same identity are the same 施策 twice.

        A layout without a key has one workbook a year: its key is "" (two are the same twice);
        a return whose key is blank has no identity.
        """
        if not self.keyed:
            return (self.layout, self.year, "")
        if self.key is None:
            return None
        return (self.layout, self.year, self.key)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def summarize(read: ReadResult, changes: Iterable[Change] = (), values: bool = True) -> ReturnInfo:
    """The summary of a read return, following its layout's `summary:` section.

    `changes` are the corrections fix would make: a grade a stated rule corrects is counted
    as corrected. values=False leaves the tidy values out (only collect's CSV uses them).
    """
    plan = read.plan
    layout = plan.layout
    info = ReturnInfo(layout.id, layout.title, plan.year)
    summary = layout.summary
    s = _Summarizer(read, changes)
    if summary is None:  # nothing to sum up; its values still go into the tidy CSV
        if values:
            s.values((), info)
        return info
    info.unit = summary.unit
    info.keyed = summary.key is not None
    info.key = s.text(summary.key)
    info.name = s.text(summary.name)
    info.department = s.text(summary.department)
    info.policy = s.text(summary.policy)
    info.policy_name = s.text(summary.policy_name)
    info.levels = tuple(
        (lv.label, s.text(lv.key), s.text(lv.name)) for lv in summary.total_levels()
    )
    s.grades(summary, info)
    s.costs(summary, info)
    if values:
        s.values(summary.values, info)
    return info


@dataclass(frozen=True)
class _GradeCell:
    """A cell a grade item of the summary reads: its field-pattern match, its table, the scale,
    the hierarchy levels owning its column, and the fields (their `*` filled in) that exclude
    it (with the values that do) and give its 担当課."""

    slot: Slot
    captured: tuple[str, ...]
    table: RecordsTable | None
    scale: tuple[str, ...]
    owners: tuple[int, ...]
    exclude: tuple[tuple[str, tuple[str, ...]], ...]
    department: str | None  # the field its 担当課 is read from


@dataclass(frozen=True)
class _Heading:
    """A heading row of a records table: its level, the codes down to it, its name."""

    level: int
    codes: tuple[str, ...]
    name: str | None


class _Summarizer:
    """Reads the summary fields of one return; records tables are parsed once, on demand."""

    def __init__(self, read: ReadResult, changes: Iterable[Change] = ()) -> None:
        self.read = read
        self.plan = read.plan
        self.layout = read.plan.layout
        self.corrections = {(c.sheet, c.cell, c.field): c.new for c in changes}
        self._corrected_fields = {field_id for _, _, field_id in self.corrections}
        # what the records tables of this return give (not the changes): kept with the read
        # workbook, since check and every summary of it ask again
        self._derived = derived(read)
        self._anything: bool | None = None  # whether anything is entered (see _entered)

    # --- fields ---------------------------------------------------------------------------
    def text(self, field_id: str | None, near: Slot | None = None) -> str | None:
        """The text of a single field; in a records table, the cell of the same record as
        `near` (a fill-down cell left blank is its record's value)."""
        if field_id is None:
            return None
        table = self._table_of(near)
        if table is not None and near is not None and near.unit is not None:
            return self.text_in(table, near.unit, field_id)
        return _as_text(self.read.value((field_id, None)))

    def text_in(self, table: RecordsTable, unit: int, field_id: str) -> str | None:
        """The text of `field_id` in the record (or heading) at `unit` of `table`; a field
        outside the table is a single field."""
        column = _column_in(table, field_id)
        value = None
        if column is not None:
            value = self._cell(table, unit, column)
        else:
            value = self.read.value((f"{field_id}#{unit}", None))
        if value is None:
            value = self.read.value((field_id, None))
        return _as_text(value)

    def slots(self, pattern: str) -> list[tuple[Slot, tuple[str, ...]]]:
        # The same few patterns for every return of a plan (plans are shared): matched once.
        cache = derived(self.plan).setdefault("slots_by_pattern", {})
        if pattern not in cache:
            # a field has many slots (years, records): each field is matched once per layout
            matched = derived(self.layout).setdefault(("fields_by_pattern", pattern), {})

            def captured(slot: Slot) -> tuple[str, ...] | None:
                field_id = slot.field.id
                try:
                    return matched[field_id]
                except KeyError:
                    found = matched[field_id] = match_field_pattern(pattern, field_id)
                    return found

            chosen = slots_where(
                self.plan, ("pattern", pattern), lambda slot: captured(slot) is not None
            )
            cache[pattern] = [(slot, captured(slot)) for slot in chosen]
        return list(cache[pattern])

    def _table_of(self, slot: Slot | None) -> RecordsTable | None:
        if slot is None or slot.table is None:
            return None
        return self.plan.records.get(slot.table)

    def _cell(self, table: RecordsTable, unit: int, column: str) -> Any:
        record = self.records(table).get(unit)
        if record is not None and column in record.values:
            return record.values[column]
        slot = table.units[unit].get((column, None))
        return None if slot is None else self.read.value(slot.key)

    # --- records tables -------------------------------------------------------------------
    def records(self, table: RecordsTable) -> dict[int, Record]:
        """The records of a table by the unit (row) each starts at."""
        found = self._derived.get(("records-by-unit", id(table)))
        if found is None or found[0] is not table:
            by_unit = {r.unit: r for r in read_table_records(self.read, table)}
            found = self._derived[("records-by-unit", id(table))] = (table, by_unit)
        return found[1]

    def _number(self, table: RecordsTable, unit: int) -> int:
        """The 1-based number of the record starting at `unit` among the table's records."""
        found = self._derived.get(("numbers", id(table)))
        if found is None or found[0] is not table:
            numbers = {u: i + 1 for i, u in enumerate(sorted(self.records(table)))}
            found = self._derived[("numbers", id(table))] = (table, numbers)
        return found[1][unit]

    def _under(self, table: RecordsTable, level: int, heading: int) -> list[int]:
        """The units of the records under the heading row at `heading` (of `level`)."""
        found = self._derived.get(("under", id(table), level))
        if found is None or found[0] is not table:
            under: dict[int | None, list[int]] = {}
            for unit, record in self.records(table).items():
                under.setdefault(record.headings[level], []).append(unit)
            found = self._derived[("under", id(table), level)] = (table, under)
        return found[1].get(heading, [])

    def headings(self, table: RecordsTable) -> dict[int, _Heading]:
        """The heading rows of a table by unit, with the codes of the levels down to them."""
        cached = self._derived.get(("headings", id(table)))
        if cached is None or cached[0] is not table:
            block = table.block
            found: dict[int, _Heading] = {}
            state: list[str | None] = [None] * len(block.hierarchy)
            for unit, values in enumerate(read_units(self.read, table)):
                level = heading_level(block, values)
                if level is None:
                    continue
                h = block.hierarchy[level]
                state[level] = _as_text(values.get((h.code, None)))
                for deeper in range(level + 1, len(state)):
                    state[deeper] = None
                codes = tuple(c for c in state[: level + 1] if c)
                found[unit] = _Heading(level, codes, _as_text(values.get((h.name_at, None))))
            cached = self._derived[("headings", id(table))] = (table, found)
        return cached[1]

    def _stands(self, table: RecordsTable, slot: Slot, owners: tuple[int, ...]) -> bool:
        """Whether a grade cell of a records table is one a grade stands in: a heading row of a
        level that owns the column (`owners`: 狛江's 施策 grade), else a record (not a spare
        row)."""
        assert slot.unit is not None
        if owners:
            heading = self.headings(table).get(slot.unit)
            return heading is not None and heading.level in owners
        return slot.unit in self.records(table)

    # --- grades ---------------------------------------------------------------------------
    def grades(self, summary: SummaryDef, info: ReturnInfo) -> None:
        named: dict[str, None] = {}  # the 担当課 of the graded records, in order
        for item in summary.grades:
            for cell in self._grade_cells(item):
                slot, table = cell.slot, cell.table
                info.grade_scales.setdefault(item.label, cell.scale)
                if table is not None and not self._stands(table, slot, cell.owners):
                    continue
                departments = self._departments(slot, table, cell.department)
                named.update(dict.fromkeys(departments))
                if any(self.text(ref, slot) in listed for ref, listed in cell.exclude):
                    continue
                entered = self.read.value(slot.key)
                entered = None if entered in (None, "") else str(entered)
                value = self._corrected(slot, entered)
                if value is not None and value not in cell.scale:
                    continue  # a value of the list the item does not count (A(再掲))
                group, code, name = self._group(item, slot, cell.captured, table)
                info.grades.append(
                    GradeValue(
                        item.label,
                        slot.field.id,
                        slot.label,
                        value,
                        group,
                        code,
                        name,
                        departments,
                        entered if entered != value else None,
                    )
                )
        if info.department is None:
            info.departments = tuple(named)

    def _grade_cells(self, item: SummaryItem) -> list[_GradeCell]:
        """The cells of the plan a grade item reads (of the year evaluated), with what the plan
        says of each; once per plan and item (by value: an equal item reads the same cells)."""
        kept = derived(self.plan).setdefault("grade-cells", {})
        found: list[_GradeCell] | None = kept.get(item)
        if found is None:
            found = kept[item] = []
            # what depends on the field alone, once per layout (a field has a slot per unit)
            of_field = derived(self.layout).setdefault(("grade-fields", item), {})
            for slot, captured in self.slots(item.field):
                if slot.year not in (None, self.plan.year):
                    continue
                table = self._table_of(slot)
                parts = of_field.get(slot.field.id)
                if parts is None:
                    parts = of_field[slot.field.id] = self._grade_field(item, slot, captured, table)
                scale, owners, exclude, department = parts
                found.append(_GradeCell(slot, captured, table, scale, owners, exclude, department))
        return found

    def _grade_field(
        self,
        item: SummaryItem,
        slot: Slot,
        captured: tuple[str, ...],
        table: RecordsTable | None,
    ) -> tuple[tuple[str, ...], tuple[int, ...], tuple[tuple[str, Any], ...], str | None]:
        """A grade field's scale, the hierarchy levels that own its column (records), the
        cells whose listed values exclude it and where its 担当課 is: the same for each of its
        slots (`captured` is the field id's, so the field's too)."""
        owners: tuple[int, ...] = ()
        if table is not None:
            column = slot.field.path[-1]
            owners = tuple(i for i, h in enumerate(table.block.hierarchy) if column in h.fields)
        scale = item.scale or self.layout.lists[slot.field.list or ""].values
        exclude = tuple((fill_field_pattern(ref, captured), listed) for ref, listed in item.exclude)
        department = item.department_from
        if department is not None:
            department = fill_field_pattern(department, captured)
        return scale, owners, exclude, department

    def _corrected(self, slot: Slot, entered: str | None) -> str | None:
        if slot.field.id not in self._corrected_fields:
            return entered
        cell = self.read.cells.get(slot.key)
        if cell is None:
            return entered
        new = self.corrections.get((cell.sheet, cell.address, slot.field.id), entered)
        return None if new in (None, "") else str(new)

    def _group(
        self,
        item: SummaryItem,
        slot: Slot,
        captured: tuple[str, ...],
        table: RecordsTable | None,
    ) -> tuple[str | None, str | None, str | None]:
        """(group id, code, name) of the 評価総括表 row a grade is counted in."""
        if item.by == "return" or table is None or slot.unit is None:
            return None, None, None
        if item.by == "table":
            level = next((lv for lv in table.block.levels if lv.key == table.path[-1]), None)
            return table.key, None, level.label if level else table.path[-1]
        if item.by == "record":
            heading = self.headings(table).get(slot.unit)
            if heading is not None:
                code = "-".join(heading.codes)
                return f"{table.key}#{slot.unit}", code or None, heading.name
            number = self._number(table, slot.unit)
            return f"{table.key}#{slot.unit}", str(number), table.block.record_label or None
        text = self.text(fill_field_pattern(item.by, captured), slot)
        return f"by:{text or ''}", None, text

    def _departments(
        self, slot: Slot, table: RecordsTable | None, field_id: str | None
    ) -> tuple[str, ...]:
        """The 担当課 of a grade (read from `field_id`): of its record, or of the records under
        its heading."""
        if field_id is None or table is None or slot.unit is None:
            return ()
        heading = self.headings(table).get(slot.unit)
        units = [slot.unit] if heading is None else self._under(table, heading.level, slot.unit)
        found: list[str] = []
        for unit in units:
            text = self.text_in(table, unit, field_id)
            for name in self._department_names(field_id, text):
                if name not in found:
                    found.append(name)
        return tuple(found)

    def _department_names(self, field_id: str, text: str | None) -> list[str]:
        """The 担当課 a cell names: its lines, or its codes (福 相) as the code table's names."""
        if text is None:
            return []
        fdef = self.layout.fields.get(field_id)
        if fdef is not None and fdef.codes:
            labels = self.layout.lists[fdef.codes].labels
            return [labels.get(code, code) for code in _CODE_SPLIT.split(text) if code]
        return [line.strip() for line in text.splitlines() if line.strip()]

    # --- costs and values -----------------------------------------------------------------
    def costs(self, summary: SummaryDef, info: ReturnInfo) -> None:
        for item in summary.costs:
            info.costs.setdefault(item.label, {})
            for slot, _ in self.slots(item.field):
                value = self.read.value(slot.key)
                if is_number(value) and self._filled(slot):
                    year = self.plan.year if slot.year is None else slot.year
                    # a 予算 column is totalled apart from the actuals: 事業費計(A)(予算)
                    role = not_actual(self.plan.layout, slot.field, slot.year, self.plan.year)
                    series = info.costs.setdefault(
                        item.label if role is None else f"{item.label}({role})", {}
                    )
                    series[year] = series.get(year, 0) + value

    def _filled(self, slot: Slot) -> bool:
        """False for a total over an empty year (a formula shows 0 where nothing was entered)."""
        if not slot.field.computed:
            return True
        return any(
            is_number(self.read.inputs.get(sibling.key))
            for sibling in slot.siblings.values()
            if not sibling.field.computed
        )

    def values(self, rules: Iterable[SummaryValues], info: ReturnInfo) -> None:
        """Every value of the return, once: first the cells the `values` rules name (with their
        区分, 指標 and unit), then every other filled cell (fields, series, each record's cells,
        judgements, grades, computed values) in the plan's order, with no 区分."""
        written: set[tuple[str, int | None]] = set()
        for rule in rules:
            for slot, captured in self.slots(rule.fields):
                value = self.read.value(slot.key)
                if slot.key in written or not self._tidy(slot, value) or not _series(value):
                    continue  # a date or a truth value is no value of a series: written below
                written.add(slot.key)
                year, year_text = slot.year, None
                if year is None:
                    year, year_text = self._year_of(rule.year, captured, slot)
                label, role = self._label(slot)
                kind = role if role is not None and rule.kind == "実績" else rule.kind
                info.values.append(
                    self._tidy_value(
                        slot,
                        label,
                        self._near(rule.name_from, captured, slot),
                        year,
                        kind,
                        value,
                        self._near(rule.unit_from, captured, slot) or _unit(slot),
                        self._near(rule.key_from, captured, slot),
                        year_text,
                    )
                )
        for slot in self.plan.slots.values():
            value = self.read.value(slot.key)
            if slot.key in written or not self._tidy(slot, value):
                continue
            if isinstance(value, bool):
                value = "TRUE" if value else "FALSE"  # as Excel shows a truth value
            elif not _series(value):
                value = _as_text(value) or ""
            label, _role = self._label(slot)
            info.values.append(
                self._tidy_value(slot, label, None, slot.year, "", value, _unit(slot), None, None)
            )

    def _tidy(self, slot: Slot, value: Any) -> bool:
        """Whether a cell's value is a value of the tidy CSV: not blank, and not computed from
        nothing — no total over a year with no input, nothing computed in a return with nothing
        entered (a template's formulas show 0 there)."""
        if blank(value):
            return False
        if not slot.field.computed:
            return True
        if not self._entered():
            return False
        if not is_number(value):
            return True
        inputs = [s for s in slot.siblings.values() if not s.field.computed]
        return not inputs or any(is_number(self.read.inputs.get(s.key)) for s in inputs)

    def _entered(self) -> bool:
        """Whether anything is entered in the return (a value in an input cell)."""
        if self._anything is None:
            self._anything = any(not blank(v) for v in self.read.inputs.values())
        return self._anything

    def _label(self, slot: Slot) -> tuple[str, str | None]:
        """A cell's label without its year column (R2年度, R7年度(予算)), and the role of a
        column whose figures are no actuals (予算)."""
        label = slot.label
        if slot.year is None:
            return label, None
        column = fiscal_year.column_label(slot.year)
        label = label.removesuffix(f" {column}")
        role = not_actual(self.plan.layout, slot.field, slot.year, self.plan.year)
        if role is not None:
            label = label.removesuffix(f" {column}({role})")
        return label, role

    def _tidy_value(
        self,
        slot: Slot,
        label: str,
        name: str | None,
        year: int | None,
        kind: str,
        value: Any,
        unit: str | None,
        record: str | None,
        year_text: str | None,
    ) -> TidyValue:
        """A tidy value of `slot`, with its records table and row when it is a record's cell."""
        table = row = None
        if slot.unit is not None:
            table, row = self.plan.records[slot.table or ""].name, slot.unit + 1
        return TidyValue(
            slot.field.id, label, name, year, kind, value, unit, record, year_text, table, row
        )

    def _near(self, pattern: str | None, captured: tuple[str, ...], slot: Slot) -> str | None:
        """The text of the field `pattern` names for this value (its `*` filled from the match)."""
        if pattern is None:
            return None
        return self.text(fill_field_pattern(pattern, captured), slot)

    def _year_of(
        self, source: str | None, captured: tuple[str, ...], slot: Slot
    ) -> tuple[int | None, str | None]:
        """The fiscal year of a single value (a param, a field holding a year, or the year
        evaluated), and the year as written where it is none (H27見込) or blank (None)."""
        if source is None:
            return self.plan.year, None
        if source.startswith("params."):
            raw = self.plan.params.get(source.removeprefix("params."))
        else:
            raw = self.text(fill_field_pattern(source, captured), slot)
        if raw is None:
            return None, None
        try:
            return fiscal_year.parse_fiscal_year(raw), None
        except fiscal_year.FiscalYearError:
            return None, str(raw)


def _column_in(table: RecordsTable, field_id: str) -> str | None:
    """The column of `table` the field is (its last part), or None for a field outside it;
    kept per table (the same few fields are asked for every record)."""
    kept: dict[str, str | None] = derived(table).setdefault("summary-columns", {})
    if field_id not in kept:
        path = tuple(field_id.split("."))
        kept[field_id] = path[-1] if path[:-1] == table.path else None
    return kept[field_id]


def _series(value: Any) -> bool:
    """A number or a text: what a `values` rule takes (a date or a truth value is none)."""
    return is_number(value) or isinstance(value, str)


def _unit(slot: Slot) -> str | None:
    """The unit of a number field: its own, or 千円 for money."""
    return slot.field.unit or ("千円" if slot.field.type == "money" else None)


def _as_text(value: Any) -> str | None:
    if blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None
