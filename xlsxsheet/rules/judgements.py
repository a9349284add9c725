"""Judgement rules: what 達成/未達成 and 向上/横ばい/低下 must be, given the numbers.

A rule's kind is implemented here; its arguments (which series, which words) come from the
layout file. Direction (higher or lower is better) is read from the indicator's field, or
inferred from the targets when the field is blank.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from xlsxsheet.plan.workbook_plan import Slot, WorkbookPlan

Key = tuple[str, int | None]


@dataclass(frozen=True)
class Verdict:
    """What a rule decides for one judgement cell, and the numbers it decided from."""

    slot: Slot
    expected: str | None
    reason: str
    lower_is_better: bool
    direction_inferred: bool = False


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def item_direction(
    slot: Slot, values: Mapping[Key, Any], lower_word: str, target_series: str | None
) -> tuple[bool, bool]:
    """(lower_is_better, inferred) for the year-table item of `slot`."""
    if slot.direction_path is not None:
        stated = values.get((".".join(slot.direction_path), None))
        if isinstance(stated, str) and stated.strip():
            return stated.strip() == lower_word, False
    if target_series:
        targets = [
            _number(values.get(group[target_series].key))
            for year, group in sorted(slot.item.items(), key=lambda kv: kv[0] or 0)
            if year is not None and target_series in group
        ]
        known = [t for t in targets if t is not None]
        if len(known) >= 2 and known[-1] < known[0]:
            return True, True
    return False, True


def judge(plan: WorkbookPlan, slot: Slot, values: Mapping[Key, Any]) -> Verdict | None:
    """The verdict of a judgement slot's rule for the evaluation year (None: no rule)."""
    rule = slot.field.rule
    if rule is None:
        return None
    args = rule.args
    lower_word = str(args.get("lower", "低いほど良い"))
    year = plan.year
    target_series = args.get("target")
    lower, inferred = item_direction(slot, values, lower_word, target_series)
    direction_text = "低いほど良い指標" if lower else "高いほど良い指標"
    if rule.kind == "target-vs-actual":
        actual = _series_value(slot, args["actual"], year, values)
        target = _series_value(slot, args["target"], year, values)
        if actual is None or target is None:
            return Verdict(slot, None, "目標値または実績値が未入力", lower, inferred)
        met = actual <= target if lower else actual >= target
        reason = (
            f"{year_label(year)} 実績値 {_fmt(actual)} / 目標値 {_fmt(target)} ({direction_text})"
        )
        return Verdict(slot, args["met"] if met else args["unmet"], reason, lower, inferred)
    if rule.kind == "year-over-year":
        series = args["series"]
        now = _series_value(slot, series, year, values)
        before = _series_value(slot, series, year - 1, values)
        if now is None or before is None:
            return Verdict(slot, None, "当年度または前年度の実績値が未入力", lower, inferred)
        if now == before:
            word = args["same"]
        else:
            better = now < before if lower else now > before
            word = args["better"] if better else args["worse"]
        reason = (
            f"{year_label(year - 1)} {_fmt(before)} → {year_label(year)} {_fmt(now)}"
            f" ({direction_text})"
        )
        return Verdict(slot, word, reason, lower, inferred)
    if rule.kind == "at-least":  # a series (a rounded 達成率) against a fixed threshold
        series, threshold = args["series"], float(args["threshold"])
        value = _series_value(slot, series, year, values)
        if value is None:
            return Verdict(slot, None, "判定のもとの値が未入力", lower, inferred)
        shown = slot.item.get(year, {}).get(series)
        name = shown.field.label.rsplit(" ", 1)[-1] if shown is not None else series
        reason = f"{year_label(year)} {name} {_fmt(value)}(基準 {_fmt(threshold)} 以上で達成)"
        met = value >= threshold
        return Verdict(slot, args["met"] if met else args["unmet"], reason, lower, inferred)
    raise ValueError(f"unknown rule kind {rule.kind}")


def _series_value(slot: Slot, series: str, year: int, values: Mapping[Key, Any]) -> float | None:
    group = slot.item.get(year, {})
    if series not in group:
        return None
    return _number(values.get(group[series].key))


def _fmt(value: float) -> str:
    return f"{value:,.10g}"


def year_label(year: int) -> str:
    from xlsxsheet.core.fiscal_year import short_label

    return short_label(year)
