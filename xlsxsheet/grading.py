"""Grade suggestions for grades a person decides (4(1), 4(2), 総合評価).

Each method is a small function; the layout picks one by name and gives its thresholds.
A suggestion is advice: check warns where the entered grade differs, fix never overwrites it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from statistics import mean
from typing import Any

from xlsxsheet.layout.model import GradeSuggestion
from xlsxsheet.plan import Slot, WorkbookPlan
from xlsxsheet.rules import item_direction

Key = tuple[str, int | None]


@dataclass(frozen=True)
class Suggestion:
    grade: str | None
    basis: str
    tolerance: int = 0


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _grade(score: float, thresholds: Mapping[str, float | None]) -> str:
    """The first grade whose threshold the score reaches; a null threshold catches the rest."""
    last = ""
    for grade, threshold in thresholds.items():
        last = grade
        if threshold is None or score >= float(threshold):
            return grade
    return last


def _items(plan: WorkbookPlan, source: str) -> list[dict[int | None, dict[str, Slot]]]:
    """The year-table items (series slots by year) under a section path."""
    seen: dict[int, dict[int | None, dict[str, Slot]]] = {}
    prefix = tuple(source.split("."))
    for slot in plan.slots.values():
        if slot.field.path[: len(prefix)] == prefix and slot.item:
            seen.setdefault(id(slot.item), slot.item)
    return list(seen.values())


def _value(
    item: dict[int | None, dict[str, Slot]], series: str, year: int, values: Mapping[Key, Any]
) -> float | None:
    slot = item.get(year, {}).get(series)
    return None if slot is None else _number(values.get(slot.key))


def _any_slot(item: dict[int | None, dict[str, Slot]]) -> Slot:
    return next(iter(next(iter(item.values())).values()))


def mean_achievement_rate(
    plan: WorkbookPlan, rule: GradeSuggestion, values: Mapping[Key, Any], _: Mapping[str, Any]
) -> Suggestion:
    rates = []
    for item in _items(plan, rule.args["source"]):
        actual = _value(item, rule.args.get("actual", "actual"), plan.year, values)
        target = _value(item, rule.args.get("target", "target"), plan.year, values)
        if actual is None or not target:
            continue
        lower, _inferred = item_direction(_any_slot(item), values, "低いほど良い", "target")
        rate = (target / actual if actual else 1.2) if lower else actual / target
        rates.append(min(rate, float(rule.args.get("cap", 1.2))))
    if not rates:
        return Suggestion(None, "目標値と実績値のそろった指標がありません")
    score = mean(rates)
    grade = _grade(score, rule.args["thresholds"])
    return Suggestion(grade, f"{len(rates)}指標の平均達成率 {score:.1%}")


def trend_score(
    plan: WorkbookPlan, rule: GradeSuggestion, values: Mapping[Key, Any], _: Mapping[str, Any]
) -> Suggestion:
    span = int(rule.args.get("span", 3))
    band = float(rule.args.get("band", 0.05))
    scores = []
    for item in _items(plan, rule.args["source"]):
        series = rule.args.get("actual", "actual")
        now = _value(item, series, plan.year, values)
        before = _value(item, series, plan.year - span + 1, values)
        if now is None or not before:
            continue
        lower, _inferred = item_direction(_any_slot(item), values, "低いほど良い", "target")
        change = (now - before) / abs(before)
        if lower:
            change = -change
        scores.append(1 if change > band else -1 if change < -band else 0)
    if not scores:
        return Suggestion(None, "比較できる実績値のある指標がありません")
    score = mean(scores)
    grade = _grade(score, rule.args["thresholds"])
    return Suggestion(grade, f"{len(scores)}指標の向上(+1)・横ばい(0)・低下(-1)の平均 {score:+.2f}")


def follow(
    plan: WorkbookPlan,
    rule: GradeSuggestion,
    values: Mapping[Key, Any],
    suggestions: Mapping[str, Any],
) -> Suggestion:
    source = rule.args["from"]
    grade = values.get((source, None))
    tolerance = int(rule.args.get("tolerance", 0))
    if not isinstance(grade, str) or not grade:
        return Suggestion(None, f"{source} が未入力です", tolerance)
    return Suggestion(grade, "成果実績目標達成度の評価", tolerance)


METHODS = {
    "mean-achievement-rate": mean_achievement_rate,
    "trend-score": trend_score,
    "follow": follow,
}


def suggest(plan: WorkbookPlan, values: Mapping[Key, Any]) -> dict[str, Suggestion]:
    """Suggestions by grade field id, in layout order."""
    result: dict[str, Suggestion] = {}
    for rule in plan.layout.grade_suggestions:
        result[rule.field] = METHODS[rule.method](plan, rule, values, result)
    return result
