"""What a return reports on, as the central office sums it up: from the layout's `summary:`.

A return is one filled workbook. Its summary is small plain data (picklable, so a worker
process can send it back): which 施策 it is, its 担当課 and 政策, its grades, its cost series
and the year values that go into the tidy CSV. Nothing here knows a particular layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xlsxsheet import fiscal_year
from xlsxsheet.layout.model import SummaryDef, fill_field_pattern, match_field_pattern
from xlsxsheet.plan import Slot
from xlsxsheet.reading import ReadResult


@dataclass(frozen=True)
class GradeValue:
    """One grade cell of a return: which summary item it belongs to, and what was chosen."""

    item: str
    field: str
    label: str
    value: str | None


@dataclass(frozen=True)
class TidyValue:
    """One number of a year series, as a row of the tidy CSV."""

    field: str
    label: str
    name: str | None
    year: int
    kind: str
    value: int | float
    unit: str | None
    record: str | None = None  # the key of the record (a row of a records table) it belongs to


@dataclass
class ReturnInfo:
    """The summary of one readable return."""

    layout: str
    layout_title: str
    year: int
    unit: str = "施策"
    key: str | None = None
    name: str | None = None
    department: str | None = None
    policy: str | None = None
    policy_name: str | None = None
    grade_scales: dict[str, tuple[str, ...]] = field(default_factory=dict)
    grades: list[GradeValue] = field(default_factory=list)
    costs: dict[str, dict[int, int | float]] = field(default_factory=dict)
    values: list[TidyValue] = field(default_factory=list)

    @property
    def identity(self) -> tuple[str, int, str] | None:
        """(layout, year, key): two returns with the same identity are the same 施策 twice."""
        if self.key is None:
            return None
        return (self.layout, self.year, self.key)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def summarize(read: ReadResult) -> ReturnInfo:
    """The summary of a read return, following its layout's `summary:` section."""
    plan = read.plan
    layout = plan.layout
    info = ReturnInfo(layout.id, layout.title, plan.year)
    summary = layout.summary
    if summary is None:
        return info
    info.unit = summary.unit
    info.key = _text(read, summary.key)
    info.name = _text(read, summary.name)
    info.department = _text(read, summary.department)
    info.policy = _text(read, summary.policy)
    info.policy_name = _text(read, summary.policy_name)
    _grades(read, summary, info)
    _costs(read, summary, info)
    _values(read, summary, info)
    return info


def _text(read: ReadResult, field_id: str | None, near: Slot | None = None) -> str | None:
    """The text of a single field; in a records table, the cell of the same record as `near`."""
    if field_id is None:
        return None
    value = None
    unit = getattr(near, "unit", None)  # the record (row) of a records table
    if unit is not None:
        value = read.value((f"{field_id}#{unit}", None))
    if value is None:
        value = read.value((field_id, None))
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _slots(read: ReadResult, pattern: str) -> list[tuple[Slot, tuple[str, ...]]]:
    found = []
    for slot in read.plan.slots.values():
        captured = match_field_pattern(pattern, slot.field.id)
        if captured is not None:
            found.append((slot, captured))
    return found


def _grades(read: ReadResult, summary: SummaryDef, info: ReturnInfo) -> None:
    lists = read.plan.layout.lists
    for item in summary.grades:
        for slot, _ in _slots(read, item.field):
            if slot.year not in (None, read.plan.year):
                continue
            info.grade_scales.setdefault(item.label, lists[slot.field.list or ""].values)
            value = read.value(slot.key)
            info.grades.append(
                GradeValue(
                    item.label,
                    slot.field.id,
                    slot.label,
                    None if value in (None, "") else str(value),
                )
            )


def _costs(read: ReadResult, summary: SummaryDef, info: ReturnInfo) -> None:
    for item in summary.costs:
        series = info.costs.setdefault(item.label, {})
        for slot, _ in _slots(read, item.field):
            value = read.value(slot.key)
            if is_number(value) and _filled(read, slot):
                year = read.plan.year if slot.year is None else slot.year
                series[year] = series.get(year, 0) + value


def _filled(read: ReadResult, slot: Slot) -> bool:
    """False for a total over an empty year (a formula shows 0 where nothing was entered)."""
    if not slot.field.computed:
        return True
    return any(
        is_number(read.inputs.get(sibling.key))
        for sibling in slot.siblings.values()
        if not sibling.field.computed
    )


def _values(read: ReadResult, summary: SummaryDef, info: ReturnInfo) -> None:
    for rule in summary.values:
        for slot, captured in _slots(read, rule.fields):
            value = read.value(slot.key)
            if not is_number(value) or not _filled(read, slot):
                continue
            year = slot.year if slot.year is not None else _year_of(read, rule.year, slot)
            if year is None:
                continue
            label = slot.label
            if slot.year is not None:
                label = label.removesuffix(f" {fiscal_year.column_label(slot.year)}")
            info.values.append(
                TidyValue(
                    slot.field.id,
                    label,
                    _near(read, rule.name_from, captured, slot),
                    year,
                    rule.kind,
                    value,
                    _near(read, rule.unit_from, captured, slot) or slot.field.unit,
                    _near(read, rule.key_from, captured, slot),
                )
            )


def _near(
    read: ReadResult, pattern: str | None, captured: tuple[str, ...], slot: Slot
) -> str | None:
    """The text of the field `pattern` names for this value (its `*` filled from the match)."""
    if pattern is None:
        return None
    return _text(read, fill_field_pattern(pattern, captured), slot)


def _year_of(read: ReadResult, source: str | None, slot: Slot) -> int | None:
    """The fiscal year of a single value: a param, a field holding a year, or the year evaluated."""
    if source is None:
        return read.plan.year
    if source.startswith("params."):
        raw = read.plan.params.get(source.removeprefix("params."))
    else:
        raw = _text(read, source, slot)
    if raw is None:
        return None
    try:
        return fiscal_year.parse_fiscal_year(raw)
    except fiscal_year.FiscalYearError:
        return None
