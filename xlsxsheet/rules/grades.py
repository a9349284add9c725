"""Grade suggestions for grades a person decides (4(1), 4(2), 総合評価).

Each method is a small function; the layout picks one by name and gives its thresholds.
A suggestion is advice: check warns where the entered grade differs, fix never overwrites it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from statistics import mean
from typing import Any

from xlsxsheet.core.memo import derived
from xlsxsheet.layout.model import GradeSuggestion
from xlsxsheet.plan.workbook_plan import Slot, WorkbookPlan
from xlsxsheet.rules.judgements import item_direction, judge

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


def items_under(plan: WorkbookPlan, source: str) -> list[dict[int | None, dict[str, Slot]]]:
    """The year-table items (series slots by year) under a section path, in plan order; once
    per plan."""
    kept: dict[str, list[dict[int | None, dict[str, Slot]]]]
    kept = derived(plan).setdefault("items-under", {})
    found = kept.get(source)
    if found is None:
        seen: dict[int, dict[int | None, dict[str, Slot]]] = {}
        prefix = tuple(source.split("."))
        for slot in plan.slots.values():
            if slot.field.path[: len(prefix)] == prefix and slot.item:
                seen.setdefault(id(slot.item), slot.item)
        found = kept[source] = list(seen.values())
    return found


def _value(
    item: dict[int | None, dict[str, Slot]], series: str, year: int, values: Mapping[Key, Any]
) -> float | None:
    slot = item.get(year, {}).get(series)
    return None if slot is None else _number(values.get(slot.key))


def _any_slot(item: dict[int | None, dict[str, Slot]]) -> Slot:
    return next(iter(next(iter(item.values())).values()))


# (series, years before the evaluated year, a divisor: 0 does not count) of each value an
# indicator needs for a rule over indicators to count it
Need = tuple[str, int, bool]


def item_needs(rule: GradeSuggestion) -> list[Need]:
    """What one indicator needs for `rule` to count it ([] for a rule over other grades): the
    actual and a target that is not 0 (mean-achievement-rate), the actual now and `span` - 1
    years before, not 0 (trend-score). The check names each indicator left out by them."""
    args = rule.args
    if rule.method == "trend-score":
        series = str(args.get("actual", "actual"))
        return [(series, 0, False), (series, int(args.get("span", 3)) - 1, True)]
    if rule.method == "mean-achievement-rate":
        return [
            (str(args.get("actual", "actual")), 0, False),
            (str(args.get("target", "target")), 0, True),
        ]
    return []


def _needed(
    item: dict[int | None, dict[str, Slot]],
    needs: list[Need],
    year: int,
    values: Mapping[Key, Any],
) -> list[float] | None:
    """The values `needs` asks for of one indicator, None when one is missing (or a 0 divisor)."""
    found = []
    for series, back, divisor in needs:
        value = _value(item, series, year - back, values)
        if value is None or (divisor and not value):
            return None
        found.append(value)
    return found


def mean_achievement_rate(
    plan: WorkbookPlan, rule: GradeSuggestion, values: Mapping[Key, Any], _: Mapping[str, Any]
) -> Suggestion:
    rates = []
    needs = item_needs(rule)
    for item in items_under(plan, rule.args["source"]):
        found = _needed(item, needs, plan.year, values)
        if found is None:
            continue
        actual, target = found
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
    band = float(rule.args.get("band", 0.05))
    scores = []
    needs = item_needs(rule)
    for item in items_under(plan, rule.args["source"]):
        found = _needed(item, needs, plan.year, values)
        if found is None:
            continue
        now, before = found
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
    slot = plan.slots.get((source, None))
    named = f"「{slot.label}」" if slot is not None else source  # as the sheet labels it
    if not isinstance(grade, str) or not grade:
        return Suggestion(None, f"{named}が未入力です", tolerance)
    return Suggestion(grade, f"{named}の評価", tolerance)


def grade_points(
    plan: WorkbookPlan, rule: GradeSuggestion, values: Mapping[Key, Any], _: Mapping[str, Any]
) -> Suggestion:
    """The points of several grades a person entered (必要性 A 3点, 有効性 B 2点 …) added up:
    「合計 8点以上なら継続」 is thresholds {…, 継続: 8, …}. Every one must be entered."""
    points: Mapping[str, float] = rule.args["points"]
    parts = []
    total = 0.0
    for source in rule.args["from"]:
        slot = plan.slots.get((source, None))
        named = slot.label if slot is not None else source
        grade = values.get((source, None))
        if not isinstance(grade, str) or not grade:
            return Suggestion(None, f"「{named}」が未入力です")
        if grade not in points:
            return Suggestion(None, f"「{named}」の「{grade}」には点数がありません")
        total += float(points[grade])
        parts.append(f"{named} {grade}({_points_text(float(points[grade]))}点)")
    grade = _grade(total, rule.args["thresholds"])
    return Suggestion(grade, "・".join(parts) + f"の合計 {_points_text(total)}点")


def _points_text(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:g}"


def judgement_share(
    plan: WorkbookPlan, rule: GradeSuggestion, values: Mapping[Key, Any], _: Mapping[str, Any]
) -> Suggestion:
    """The share of the items under `source` whose judgement, as its rule decides it from the
    numbers (as check and fix do, not as typed), is the good word (達成; 向上 for
    year-over-year): 「すべての指標が達成なら A」 is thresholds {A: 1.0, …}."""
    slots = _judgement_slots(plan, rule.args["source"], rule.args.get("judgement"))
    good = judged = 0
    for slot in slots:
        verdict = judge(plan, slot, values)
        if verdict is None or verdict.expected is None:
            continue
        judged += 1
        good += verdict.expected == _good_word(slot)
    if not judged:
        return Suggestion(None, "判定できる指標がありません(目標値・実績値が未入力)")
    share = good / judged
    grade = _grade(share, rule.args["thresholds"])
    return Suggestion(
        grade, f"{judged}指標のうち「{_good_word(slots[0])}」が {good}(割合 {share:.0%})"
    )


def _good_word(slot: Slot) -> str | None:
    """The word of a judgement that counts as good: met (target-vs-actual), better
    (year-over-year)."""
    args = slot.field.rule.args if slot.field.rule is not None else {}
    word = args.get("met", args.get("better"))
    return None if word is None else str(word)


def _judgement_slots(plan: WorkbookPlan, source: str, judgement: str | None) -> list[Slot]:
    """The judgement slots under a section path (of the judgement `judgement`, else of the
    first judgement found there), in the plan's order; once per plan."""
    kept: dict[tuple[str, str | None], list[Slot]]
    kept = derived(plan).setdefault("judgements-under", {})
    found = kept.get((source, judgement))
    if found is None:
        prefix = tuple(source.split("."))
        under = [
            s
            for s in plan.slots.values()
            if s.field.rule is not None and s.field.path[: len(prefix)] == prefix
        ]
        wanted = judgement or (under[0].field.path[-1] if under else None)
        found = kept[(source, judgement)] = [s for s in under if s.field.path[-1] == wanted]
    return found


METHODS = {
    "mean-achievement-rate": mean_achievement_rate,
    "trend-score": trend_score,
    "judgement-share": judgement_share,
    "follow": follow,
    "grade-points": grade_points,
}


def suggest(plan: WorkbookPlan, values: Mapping[Key, Any]) -> dict[str, Suggestion]:
    """Suggestions by grade field id, in layout order."""
    result: dict[str, Suggestion] = {}
    for rule in plan.layout.grade_suggestions:
        result[rule.field] = METHODS[rule.method](plan, rule, values, result)
    return result


# --- grades of records (records blocks' `rules:`) ------------------------------------------


@dataclass(frozen=True)
class RecordVerdict:
    """What a records rule says one grade cell should hold, and from what.

    `fix`: the layout states the rule, so a differing grade is corrected (狛江's 施策 grade);
    otherwise it is a suggestion and a differing grade only warned about (新潟's default rule).
    `expected` None: the rule cannot decide (the reason says why).
    """

    table: str
    unit: int
    column: str
    year: int | None
    expected: str | None
    reason: str
    fix: bool


def _ratio_grade(score: float, thresholds: Mapping[str, Any]) -> str:
    """The first grade whose threshold the score reaches: a number means at least that, a text
    ">1.0" more than that; a null threshold catches the rest."""
    last = ""
    for grade, threshold in thresholds.items():
        last = str(grade)
        if threshold is None:
            return last
        text = str(threshold).strip()
        if text.startswith(">"):
            if score > float(text[1:]):
                return last
        elif score >= float(text):
            return last
    return last


def group_share(
    plan: WorkbookPlan,
    table: Any,
    rule: Any,
    values: Mapping[Key, Any],
    records_of: Callable[[], Sequence[Any]] | None = None,
) -> list[RecordVerdict]:
    """The grade of each group of records under a heading level, from the share of its records
    that met their target: per 施策, 事業 達成 / 事業 → A ≥ 70 %, B ≥ 40 % … (狛江).

    args: grade (the level's grade column), level (index of the hierarchy level), met
    ({column, value}), count_if (a column a record must fill to count, e.g. 担当課),
    thresholds ({grade: lowest share}), repeat (how a repeated heading shows the grade,
    "{grade}(再掲)"), fix (correct differing grades; default true). `records_of` gives the
    table's records read from `values` when the caller has them already.
    """
    from xlsxsheet.plan.record_rows import blank
    from xlsxsheet.plan.records_plan import read_records

    args = rule.args
    block = table.block
    level = int(args.get("level", len(block.hierarchy) - 1))
    column = str(args["grade"])
    met_column, met_value = str(args["met"]["column"]), str(args["met"]["value"])
    count_if = args.get("count_if")
    repeat = str(args.get("repeat", "{grade}"))
    codes = [h.code for h in block.hierarchy[: level + 1]]
    groups: dict[tuple[Any, ...], list[Any]] = {}
    records = records_of() if records_of is not None else read_records(table, values)
    for record in records:
        if record.headings[level] is None:
            continue
        key = tuple(record.values.get(c) for c in codes)
        groups.setdefault(key, []).append(record)
    verdicts = []
    for key, records in groups.items():
        counted = [r for r in records if not count_if or not blank(r.values.get(count_if))]
        headings = list(dict.fromkeys(r.headings[level] for r in records))
        label = "－".join(str(k) for k in key if not blank(k))
        missing = [r for r in counted if blank(r.values.get(met_column))]
        if not counted or missing:
            reason = (
                f"{label}: {_column_label(block, met_column)}が未入力の行があるため評価を計算できません"
                if counted
                else f"{label}: 数える行がありません"
            )
            verdicts += [
                RecordVerdict(table.key, u, column, None, None, reason, False) for u in headings
            ]
            continue
        met = sum(1 for r in counted if str(r.values.get(met_column)) == met_value)
        share = met / len(counted)
        grade = _ratio_grade(share, args["thresholds"])
        reason = f"{label}: {len(counted)}件中{met}件が「{met_value}」({share:.0%})"
        for i, unit in enumerate(headings):
            expected = grade if i == 0 else repeat.format(grade=grade)
            verdicts.append(
                RecordVerdict(
                    table.key, unit, column, None, expected, reason, bool(args.get("fix", True))
                )
            )
    return verdicts


def _column_label(block: Any, column_id: str) -> str:
    column = block.column(column_id)
    return f"「{column.label}」" if column is not None else column_id


def target_ratio(
    plan: WorkbookPlan,
    table: Any,
    rule: Any,
    values: Mapping[Key, Any],
    records_of: Callable[[], Sequence[Any]] | None = None,
) -> list[RecordVerdict]:
    """A suggested grade per record and year from its target and actual (新潟's default rule).

    A numeric target: actual / target → thresholds ({A: 1.0, B: 0.8, C: null}); a direction
    target (増加 / 減少): the change of the actual from the year before, the right way positive
    → direction_thresholds ({A: 0.1, B: 0.0, C: null}); an actual that is not a number (中止,
    実施なし) → not_rated ("-"). Only grades entered are checked; never fixed.
    args: target, actual, grade (grid rows), thresholds, directions ({word: 1 | -1}),
    direction_thresholds, not_rated. (`records_of` is not needed.)
    """
    args = rule.args
    directions = {str(k): float(v) for k, v in (args.get("directions") or {}).items()}
    not_rated = args.get("not_rated")
    verdicts = []
    for unit, year, grade_key, target_key, actual_key, before_key in _ratio_cells(table, args):
        entered = values.get(grade_key)
        if entered is None:
            continue
        target = values.get(target_key)
        actual = values.get(actual_key)
        previous = values.get(before_key) if before_key is not None else None
        expected, reason = _target_ratio_grade(
            target, actual, previous, args, directions, not_rated
        )
        if expected is not None:
            verdicts.append(
                RecordVerdict(table.key, unit, args["grade"], year, expected, reason, False)
            )
    return verdicts


def _ratio_cells(table: Any, args: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """(unit, year, keys of its grade, target and actual cells, key of the actual the year
    before or None) of each grade cell of a table, by unit and year; once per plan's table."""
    grade, target, actual = args["grade"], args["target"], args["actual"]
    data = derived(table)
    found = data.get(("ratio-cells", grade, target, actual))
    if found is None:
        found = []
        for unit, slots in enumerate(table.units):
            years = sorted(y for (row, y) in slots if row == grade and y is not None)
            for year in years:
                before = slots.get((actual, year - 1))
                found.append(
                    (
                        unit,
                        year,
                        slots[(grade, year)].key,
                        slots[(target, year)].key,
                        slots[(actual, year)].key,
                        None if before is None else before.key,
                    )
                )
        data[("ratio-cells", grade, target, actual)] = found
    return found


def _target_ratio_grade(
    target: Any,
    actual: Any,
    previous: Any,
    args: Mapping[str, Any],
    directions: Mapping[str, float],
    not_rated: Any,
) -> tuple[str | None, str]:
    a, t, p = _number(actual), _number(target), _number(previous)
    if a is None:
        if actual is None or not_rated is None:
            return None, "実績が未入力"
        return str(not_rated), f"実績「{actual}」は数値でないため評価不可"
    if t is not None and t != 0:
        ratio = a / t
        grade = _ratio_grade(ratio, args["thresholds"])
        return grade, f"実績 {a:,.10g} / 目標 {t:,.10g} = {ratio:.0%}"
    if isinstance(target, str) and target in directions and p is not None and p != 0:
        change = (a - p) / abs(p) * directions[target]
        grade = _ratio_grade(change, args.get("direction_thresholds") or {"B": 0.0, "C": None})
        return grade, f"目標「{target}」: 実績 {p:,.10g} → {a:,.10g}({change:+.1%})"
    return None, "目標が数値・方向のいずれでもないか、前年度の実績がない"


RECORD_METHODS = {"group-share": group_share, "target-ratio": target_ratio}
