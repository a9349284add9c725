"""Prefill a template from a workbook of another layout (a plan → its management sheets).

The source layout's `prefill:` section maps its fields onto the target layout's; for a year
series, the rule says where the year comes from. This module only follows those rules: which
fields go where is data in the layout file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from xlsxsheet.core.errors import DocumentError
from xlsxsheet.core.fiscal_year import FiscalYearError, long_label, parse_fiscal_year
from xlsxsheet.layout.model import PrefillRule, fill_field_pattern, match_field_pattern
from xlsxsheet.plan.document import set_path
from xlsxsheet.plan.workbook_plan import WorkbookPlan
from xlsxsheet.reading.return_reader import ReadResult, normalize_cell


@dataclass
class Prefill:
    """The document a template is prefilled with, and what was left out (in Japanese)."""

    document: dict[str, Any]
    filled: int = 0
    skipped: list[str] = field(default_factory=list)


def prefill(source: ReadResult, plan: WorkbookPlan) -> Prefill:
    """The values `source` (a read workbook) gives the template laid out by `plan`."""
    layout = source.plan.layout
    target = plan.layout
    rules = layout.prefill.get(target.id)
    if rules is None:
        offered = "、".join(layout.prefill) or "なし"
        raise DocumentError(
            f"{source.path.name} は様式「{layout.title}」({layout.id})のブックで、様式"
            f"「{target.title}」({target.id})への引き継ぎ(prefill)が定義されていません"
            f"(定義のある様式: {offered})。"
        )
    result = Prefill({"layout": target.id, "year": plan.year, "params": dict(plan.params)})
    values = source.inputs | source.computed
    for rule in rules:
        matched = [
            (fid, captured)
            for fid in layout.fields
            if (captured := match_field_pattern(rule.source, fid)) is not None
        ]
        if not any(match_field_pattern(rule.target, fid) is not None for fid in target.fields):
            raise DocumentError(
                f"{layout.source.name} の prefill: to「{rule.target}」に当たる項目が様式"
                f"「{target.id}」にありません。レイアウト定義を直してください。"
            )
        for fid, captured in matched:
            value = values.get((fid, None))
            if value is None or value == "":
                continue
            target_id = fill_field_pattern(rule.target, captured)
            year = _year(rule, source, captured, values)
            _put(result, plan, target_id, year, value, source, fid)
    return result


def _year(
    rule: PrefillRule, source: ReadResult, captured: tuple[str, ...], values: Mapping[Any, Any]
) -> int | None:
    if rule.year is None:
        return None
    if rule.year.startswith("params."):
        return int(source.plan.params[rule.year.removeprefix("params.")])
    raw = values.get((fill_field_pattern(rule.year, captured), None))
    if raw is None:
        return None
    try:
        return parse_fiscal_year(str(raw).strip())
    except FiscalYearError:
        return None


def _put(
    result: Prefill,
    plan: WorkbookPlan,
    target_id: str,
    year: int | None,
    value: Any,
    source: ReadResult,
    source_id: str,
) -> None:
    label = source.plan.layout.fields[source_id].label
    slot = plan.slots.get((target_id, year))
    if slot is None:
        if plan.slots_of(target_id) and year is not None:
            result.skipped.append(
                f"{label}: {long_label(year)}の列は{long_label(plan.year)}の様式にないため"
                f"引き継ぎません(値 {value})"
            )
        elif not plan.slots_of(target_id):
            result.skipped.append(f"{label}: 様式に「{target_id}」の欄がありません")
        else:
            result.skipped.append(f"{label}: 年度が読めないため引き継ぎません(値 {value})")
        return
    normalized = normalize_cell(slot, value, plan)
    if normalized.status not in ("ok", "not-applicable"):
        result.skipped.append(f"{label}: 「{value}」は{slot.label}に入れられないため引き継ぎません")
        return
    path = tuple(target_id.split("."))
    if year is None:
        set_path(result.document, path, value)
    else:
        series = result.document
        for part in path:
            series = series.setdefault(part, {})
        series[str(year)] = value
    result.filled += 1


def merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `over` laid on top (nested mappings merged, other values replaced)."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged
