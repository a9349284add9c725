"""Keys of a year-table section that name its series, checked when the file is read, and the
bounds (`min`, `max`) of a numeric field.

- `direction_from`: the field holding each item's 望ましい方向, for its judgements and grade
  suggestions; by default the section's own direction series (an `across_years` choice whose
  list has 低いほど良い). A pattern no field matches is refused at its line.
- `unit_slip_check`: the series watched for 円/千円 slips; each a numeric series by year.
- `totals`: series that must add up in each item and year (事業費(A) = 財源内訳の合計).
- `checks`: the settings of the checks (`unit_slip_ratio`).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from xlsxsheet.layout import model as m
from xlsxsheet.layout.suggest import near as _near
from xlsxsheet.layout.suggest import near_or as _near_or

if TYPE_CHECKING:
    from xlsxsheet.layout.loader import _LayoutBuilder, _Node

NUMERIC = ("number", "integer", "money", "percent")
LOWER_WORD = "低いほど良い"  # a judgement's `lower` word when it gives none
CHECKS_KEYS = {"unit_slip_ratio"}
TOTAL_KEYS = {"total", "parts", "label"}


def _item_keys(levels: tuple[tuple[m.Level, ...], ...]) -> list[str]:
    """The joined level keys of each item of a section (`a1`, `d1.i1`), "" for none."""
    combos: list[tuple[m.Level, ...]] = [()]
    for level in levels:
        combos = [(*combo, lv) for combo in combos for lv in level]
    return [".".join(lv.key for lv in combo) for combo in combos]


def _lower_words(judgements: tuple[m.Judgement, ...]) -> set[str]:
    return {str(j.rule.args.get("lower", LOWER_WORD)) for j in judgements} or {LOWER_WORD}


def direction_from(
    b: _LayoutBuilder,
    node: _Node,
    base: tuple[str, ...],
    section_id: str,
    levels: tuple[tuple[m.Level, ...], ...],
    series: tuple[m.Series, ...],
    judgements: tuple[m.Judgement, ...],
) -> str | None:
    """The section's direction pattern: as written (checked once every field is loaded: it may
    name a later block), else the section's own direction series, else None (inferred)."""
    lower = _lower_words(judgements)
    if node.get("direction_from") is None:
        first = _item_keys(levels)[0]
        own = []
        for s in series:
            fdef = b.fields.get(".".join(p for p in (*base, section_id, first, s.id) if p))
            if (
                s.across_years
                and fdef is not None
                and fdef.type == "choice"
                and fdef.list is not None
                and lower & set(b.lists[fdef.list].values)
            ):
                own.append(s)
        if len(own) != 1:  # none, or two (a layout of before: inferred, as it was)
            return None
        return ".".join((*base, section_id, *(("*",) if levels else ()), own[0].id))
    pattern = node.text("direction_from")
    b.deferred.append(lambda: _check_direction(b, node, pattern, levels, lower))
    return pattern


def _check_direction(
    b: _LayoutBuilder,
    node: _Node,
    pattern: str,
    levels: tuple[tuple[m.Level, ...], ...],
    lower: set[str],
) -> None:
    """Every item's direction field exists, is one cell (not by year) and can say 低いほど良い."""
    keys = _item_keys(levels)
    for key in keys:
        field_id = pattern.replace("*", key)
        fdef = b.fields.get(field_id)
        if fdef is None:
            candidates = {
                fid.replace(k, "*", 1)
                for fid in b.fields
                for k in keys
                if k and f".{k}." in f".{fid}."
            } | set(b.fields)
            example = "" if field_id == pattern else f"(「{field_id}」など)"
            node.fail(
                f"direction_from「{pattern}」に当たる項目がありません{example}",
                "指標の望ましい方向を入力する項目を、* に level の key が入る形で書いてください"
                f"(例: indicators.outcome.*.direction)。{_near(pattern, candidates)}",
                "direction_from",
            )
        if fdef.years is not None:
            node.fail(
                f"direction_from「{pattern}」の項目「{field_id}」は年度別の項目です",
                "望ましい方向は年度によらない1つのセル(across_years: true の行、または表の列)に"
                "してください",
                "direction_from",
            )
        if fdef.type == "choice" and fdef.list is not None:
            values = set(b.lists[fdef.list].values)
            if not lower & values:
                node.fail(
                    f"direction_from「{pattern}」の項目の選択肢(list: {fdef.list})に"
                    f"「{'」「'.join(sorted(lower))}」がありません。低いほど良い指標を判定できません",
                    f"lists の {fdef.list} の values に「{sorted(lower)[0]}」を加えるか、判定の rule"
                    " に lower: (低いほど良いことを表す選択肢)を書いてください",
                    "direction_from",
                )


def year_over_year_target(
    args: dict[str, Any], others: list[dict[str, Any]], series: set[str]
) -> dict[str, Any]:
    """A year-over-year rule's `target` (the series its direction is inferred from when the
    direction cell is blank) by default: the target of the section's target-vs-actual rule, or
    a series `target`. Every judgement of an item then infers the same direction."""
    if "target" in args:
        return args
    found = next((o["target"] for o in others if "target" in o), None)
    if found is None and "target" in series:
        found = "target"
    return args if found is None else {**args, "target": found}


def unit_slip_series(node: _Node, series: tuple[m.Series, ...]) -> tuple[str, ...]:
    """The series `unit_slip_check` names, each a numeric series of the section by year."""
    raw = node.get("unit_slip_check")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        node.fail(
            "unit_slip_check は series の id のリストで書いてください",
            "例: unit_slip_check: [national, general]",
            "unit_slip_check",
        )
    for value in raw:
        _series_by_year(
            node,
            "unit_slip_check",
            str(value),
            series,
            "金額の行",
            "金額など年度ごとに入力する数値",
        )
    return tuple(str(v) for v in raw)


def _series_by_year(
    node: _Node, key: str, name: str, series: tuple[m.Series, ...], rows: str, kind: str
) -> None:
    """Refuse `name` under `key` unless it is a numeric series by year of the section; the
    hint is the nearest id, else the ids there are (`rows`, `kind`: how the hints call them)."""
    by_id = {s.id: s for s in series}
    numeric = ", ".join(sorted(s.id for s in series if s.type in NUMERIC and not s.across_years))
    found = by_id.get(name)
    if found is None:
        node.fail(
            f"{key} の「{name}」はこの区分の series にありません",
            _near_or(name, by_id, f"この区分の{rows}の id を書いてください: {numeric}"),
            key,
        )
    if found.type not in NUMERIC or found.across_years:
        node.fail(
            f"{key} の「{name}」は年度別の数値の行ではありません",
            f"{kind}の行の id を書いてください: {numeric}",
            key,
        )


def totals(b: _LayoutBuilder, node: _Node, series: tuple[m.Series, ...]) -> tuple[m.TotalRule, ...]:
    """The section's `totals`: {total, parts, label}, each a numeric series by year."""
    from xlsxsheet.layout.yaml_source import line_of

    result = []
    for i in range(len(node.items("totals", required=False))):
        tn = node.child("totals", i)
        tn.check_keys(TOTAL_KEYS, {"total", "parts"})
        total = tn.text("total")
        parts = tn.get("parts")
        if isinstance(parts, str):
            parts = [parts]
        if not isinstance(parts, list) or not parts:
            tn.fail(
                "parts には合計される行の id を1つ以上リストで書いてください",
                "例: {total: kessan, parts: [national, prefectural, bonds, other, general]}",
                "parts",
            )
        names = [str(p) for p in parts]
        for key, name in [("total", total), *(("parts", n) for n in names)]:
            _series_by_year(
                tn, key, name, series, "数値の行", "年度ごとに入力する数値(money, number など)"
            )
        if total in names or len(set(names)) != len(names):
            tn.fail(
                "parts に total と同じ行か、同じ行が2回書かれています",
                "total には合計の行を、parts には内訳の行をそれぞれ1回ずつ書いてください",
                "parts",
            )
        label = b._template(tn, str(tn.get("label", "")), "label") if "label" in tn.data else ""
        result.append(m.TotalRule(total, tuple(names), label, f"{line_of(tn.data)}行目 {tn.place}"))
    return tuple(result)


def bounds(node: _Node, field: m.FieldDef) -> m.FieldDef:
    """The field with the `min` and `max` its node gives (numbers, min ≤ max, numeric fields)."""
    given = {key: node.get(key) for key in ("min", "max") if node.get(key) is not None}
    if not given:
        return field
    if field.type not in NUMERIC:
        node.fail(
            f"{'・'.join(given)} は数値の項目(number, integer, money, percent)にだけ書けます",
            f"type: number などを指定するか、{'・'.join(given)} を削除してください",
            next(iter(given)),
        )
    for key, value in given.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            node.fail(
                f"{key}「{value}」は数で書いてください(いま: {value!r})",
                f"例: {key}: 0(全角の数字や「千円」などの単位は書きません)",
                key,
            )
    low, high = given.get("min"), given.get("max")
    if low is not None and high is not None and low > high:
        node.fail(
            f"min {low} が max {high} より大きくなっています",
            "min に下限、max に上限を書いてください(例: {min: 0, max: 1000})",
            "min",
        )
    return dataclasses.replace(field, minimum=low, maximum=high)


def checks_settings(root: _Node) -> dict[str, Any]:
    """The top-level `checks`: `unit_slip_ratio` (a number above 1)."""
    if root.get("checks") is None:
        return {}
    node = root.child("checks")
    node.check_keys(CHECKS_KEYS)
    ratio = node.get("unit_slip_ratio")
    if ratio is not None and (
        isinstance(ratio, bool) or not isinstance(ratio, int | float) or ratio <= 1
    ):
        node.fail(
            f"unit_slip_ratio「{ratio}」は1より大きい数で書いてください",
            "例: unit_slip_ratio: 100(前の年度の100倍以上・100分の1以下を知らせます)",
            "unit_slip_ratio",
        )
    return dict(node.data)
