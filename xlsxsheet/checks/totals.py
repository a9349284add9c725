"""Amounts that must add up (a section's `totals`): 事業費(A) and the sum of its 財源内訳, both
typed by the department, in each item and year.

The difference is an error at the total's cell with both figures; `fix` changes neither (it
cannot know which one is wrong), and the message says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from xlsxsheet.checks.base import Finding, problem_at, show
from xlsxsheet.layout.labels import render_label
from xlsxsheet.layout.model import Series, TotalRule, YearTableBlock
from xlsxsheet.plan.slot_queries import slots_where
from xlsxsheet.plan.workbook_plan import Slot
from xlsxsheet.reading.return_reader import ReadResult


@dataclass(frozen=True)
class _Watched:
    """A `totals` entry with the section it is of: its path, its levels' depth, its series."""

    prefix: tuple[str, ...]
    depth: int
    rule: TotalRule
    series: dict[str, Series]

    def is_total(self, slot: Slot) -> bool:
        path = slot.field.path
        return (
            slot.year is not None
            and len(path) == len(self.prefix) + self.depth + 1
            and path[: len(self.prefix)] == self.prefix
            and path[-1] == self.rule.total
        )


def _watched(result: ReadResult) -> list[_Watched]:
    found = []
    for sheet in result.plan.layout.sheets:
        for block in sheet.blocks:
            if not isinstance(block, YearTableBlock):
                continue
            for section in block.sections:
                prefix = (*block.id.split("."), section.id)
                series = {s.id: s for s in section.series}
                for rule in section.totals:
                    found.append(_Watched(prefix, len(section.levels), rule, series))
    return found


def check_totals(result: ReadResult) -> Iterator[Finding]:
    for watched in _watched(result):
        key = ("totals", watched.prefix, watched.rule.total, watched.rule.parts)
        for slot in slots_where(result.plan, key, watched.is_total):
            yield from _compare(result, slot, watched)


def _compare(result: ReadResult, slot: Slot, watched: _Watched) -> Iterator[Finding]:
    rule = watched.rule
    siblings = slot.siblings
    if any(p not in siblings for p in rule.parts):
        return
    total = result.value(slot.key)
    parts = [result.value(siblings[p].key) for p in rule.parts]
    if total is None or all(v is None for v in parts):
        return  # not written yet: a year without figures is `required`'s, not this check's
    if any(
        isinstance(v, bool) or not isinstance(v, int | float)
        for v in (total, *parts)
        if v is not None
    ):
        return  # a text the other checks report (not-a-number) or keep (words)
    added = sum(v for v in parts if v is not None)
    difference = total - added
    if abs(difference) <= 1e-9 * max(1.0, abs(total), abs(added)):
        return
    yield Finding(
        problem_at(
            result,
            slot,
            "breakdown-mismatch",
            f"{_name(result, watched, rule.total)} {show(_shown(total))} と{_parts_name(result, watched)}"
            f" {show(_shown(added))} が一致しません(差 {show(_shown(difference))})。"
            "どちらが正しいかは記入した課にしか分からないため、修正版ではどちらの値も直しません。"
            "数値を確かめて入力し直してください。",
            value=total,
            expected=added,
        )
    )


def _name(result: ReadResult, watched: _Watched, series_id: str) -> str:
    """A series as the sheet shows it (its last label part: 事業費(A), 国庫支出金)."""
    label = watched.series[series_id].label
    return render_label(label[-1], result.plan.year, result.plan.params) if label else series_id


def _parts_name(result: ReadResult, watched: _Watched) -> str:
    rule = watched.rule
    if rule.label:
        return render_label(rule.label, result.plan.year, result.plan.params)
    return "・".join(_name(result, watched, p) for p in rule.parts) + "の合計"


def _shown(value: float) -> float | int:
    """A figure as quoted: 101,250 rather than 101,250.0 (a sum of floats rounded at 10 digits)."""
    rounded = round(value, 10)
    return int(rounded) if float(rounded).is_integer() else rounded
