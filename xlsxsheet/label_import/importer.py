"""Import a city's hand-made workbook into a layout and year, and write it as a template.

The stages: read the file (safe_open, the reader), index its labels, lay out the layout's plan,
find every field by its labels, normalise each value as reading does, write the xlsxsheet
workbook (templating.make_template), read it back and compare the city's totals with it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from xlsxsheet.core.errors import UsageError
from xlsxsheet.core.fiscal_year import column_label
from xlsxsheet.label_import.import_result import FieldItem, ImportResult, ParamItem, TotalCheck
from xlsxsheet.label_import.label_index import index_workbook
from xlsxsheet.label_import.label_match import Matcher, Outcome
from xlsxsheet.label_import.label_paths import template_texts, wanted_fields
from xlsxsheet.layout.import_loader import ImportSpec
from xlsxsheet.layout.model import Layout
from xlsxsheet.plan.document import build_document
from xlsxsheet.plan.workbook_plan import WorkbookPlan, cached_plan
from xlsxsheet.reading.return_reader import input_value, normalize_cell
from xlsxsheet.reading.workbook_reader import read_workbook


def import_workbook(
    path: Path, layout: Layout, year: int, params: dict[str, Any] | None = None
) -> ImportResult:
    """Find the layout's fields in the workbook at `path`; the file is only read. The
    layout's parameters are `params` where given, else as the sheet states them, else the
    layout's defaults (each reported)."""
    from xlsxsheet.label_import.label_params import stated_params

    content = read_workbook(Path(path))
    sheets = index_workbook(content)
    spec = layout.imports or ImportSpec()
    found = stated_params(layout, year, sheets, Matcher(sheets, spec, set()).variants)
    chosen = {p.param: p.value for p in found if p.source == "sheet"} | dict(params or {})
    stated = [
        ParamItem(p.param, p.label, params[p.param], "given", reason="指定された値")
        if params and p.param in params
        else p
        for p in found
    ]
    plan = cached_plan(layout, year, chosen or None)
    matcher = Matcher(sheets, spec, template_texts(plan))
    wanted = wanted_fields(plan)
    matcher.expect(wanted)
    outcomes = [matcher.find(w) for w in wanted]
    claimed: dict[tuple[str, int, int], list[str]] = {}
    for outcome in outcomes:
        if len(outcome.hits) == 1 and not outcome.hits[0].part:
            hit = outcome.hits[0]
            claimed.setdefault((hit.sheet, hit.row, hit.col), []).append(outcome.wanted.slot.label)
    result = ImportResult(Path(path), layout.id, year, params=stated)
    values: dict[tuple[str, int | None], Any] = {}
    typed_totals = []
    for outcome in outcomes:
        item, value = _item(outcome, plan, claimed)
        result.items.append(item)
        if item.status != "placed":
            continue
        if outcome.wanted.slot.field.computed:
            typed_totals.append((outcome.wanted.slot, item))
        else:
            values[outcome.wanted.slot.key] = value
    result.document = build_document(plan, values)
    if plan.records:
        from xlsxsheet.label_import.label_records import import_records
        from xlsxsheet.plan.document import set_path

        tables, found = import_records(plan, sheets, matcher)
        for dotted, records in tables.items():
            set_path(result.document, tuple(dotted.split(".")), records)
        result.items.extend(found)
    result.pending_totals = typed_totals
    return result


def write_import(result: ImportResult, out: Path, layout: Layout, force: bool = False) -> None:
    """Write the imported document as an xlsxsheet workbook (atomically, through the safe
    writer: an existing file only with `force`), read it back and compare the totals the city
    typed with the layout's own."""
    from xlsxsheet.core.safe_write import atomic_path
    from xlsxsheet.layout.registry import LayoutRegistry
    from xlsxsheet.reading.return_reader import read_file
    from xlsxsheet.writing.make_template import make_template

    out = Path(out)
    if out.resolve() == result.source.resolve():
        raise UsageError(f"{out} は取り込むブックそのものです。別の名前を指定してください。")
    with atomic_path(out, force) as tmp:
        make_template(layout, tmp, result.year, result.document)
        registry = LayoutRegistry([layout.source.parent])
        read = read_file(tmp, registry)
    result.output = out
    for slot, item in result.pending_totals:
        result.totals.append(
            TotalCheck(
                slot.field.id,
                slot.year,
                slot.label,
                item.sheet or "",
                item.cell or "",
                item.value,
                read.value(slot.key),
            )
        )


def _item(
    outcome: Outcome, plan: WorkbookPlan, claimed: dict[tuple[str, int, int], list[str]]
) -> tuple[FieldItem, Any]:
    wanted, slot = outcome.wanted, outcome.wanted.slot
    base = {
        "field": slot.field.id,
        "year": slot.year,
        "label": slot.label,
        "template_path": wanted.path,
        "computed": slot.field.computed,
    }
    if not outcome.hits:
        if outcome.empty_at:
            sheet, cell = outcome.empty_at.rsplit("!", 1)
            reason = "ラベルはありますが、値が入力されていません"
            return FieldItem("missing", sheet=sheet, cell=cell, reason=reason, **base), None
        reason = outcome.why or f"ラベル「{wanted.path}」が見つかりません"
        if outcome.near:
            reason += f"(似た見出し {outcome.near} はありますが、その行・列の見出しが違います)"
        return FieldItem("missing", reason=reason, **base), None
    if len(outcome.hits) > 1:
        cells = "、".join(f"'{h.sheet}'!{h.cell}" for h in outcome.hits)
        reason = (
            f"{cells} の{len(outcome.hits)}か所に当たります。どれか決められないため空欄にしました"
        )
        return FieldItem("conflict", reason=reason, **base), None
    hit = outcome.hits[0]
    where = {"sheet": hit.sheet, "cell": hit.cell, "source_path": hit.path, "typed": hit.raw}
    others = [name for name in claimed.get((hit.sheet, hit.row, hit.col), []) if name != slot.label]
    if others:
        reason = f"同じセルを「{'」「'.join(others)}」も指しています。空欄にしました"
        return FieldItem("conflict", reason=reason, **where, **base), None
    raw, note = _choice_code(hit.raw, slot, plan)
    normalized = normalize_cell(slot, raw, plan)
    if normalized.status == "invalid":
        return FieldItem("invalid", reason=normalized.error or "", **where, **base), None
    value = input_value(normalized)
    reasons = [hit.reason, *([note] if note else []), *(n.message for n in normalized.notes)]
    item = FieldItem("placed", value=value, reason="、".join(reasons), **where, **base)
    return item, value


def _choice_code(raw: Any, slot: Any, plan: WorkbookPlan) -> tuple[Any, str | None]:
    """A grade typed with its meaning (`D:目標の多くが未達成であった`) is its code."""
    if not slot.field.list or not isinstance(raw, str):
        return raw, None
    values = plan.layout.lists[slot.field.list].values
    found = re.match(r"^\s*(\S+?)\s*[:：]", raw)
    if found and found.group(1) in values:
        return found.group(1), f"「{raw[:20]}…」を {found.group(1)} として読みました"
    return raw, None


def output_name(source: Path, layout: Layout, year: int) -> str:
    """The file name of an imported workbook in an output folder."""
    return f"{source.stem}_{layout.id}_{column_label(year)}.xlsx"
