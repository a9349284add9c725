"""Make a template workbook: from a layout and year, optionally prefilled with a document."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from xlsxsheet.core.errors import DocumentError
from xlsxsheet.core.fiscal_year import FiscalYearError, long_label, parse_fiscal_year
from xlsxsheet.layout.model import Layout
from xlsxsheet.plan.document import NOT_APPLICABLE, document_values
from xlsxsheet.plan.workbook_plan import WorkbookPlan, cached_plan
from xlsxsheet.reading.return_reader import normalize_cell
from xlsxsheet.writing.fast_template import fill

Key = tuple[str, int | None]


def document_params(layout: Layout, doc: Mapping[str, Any] | None) -> dict[str, Any]:
    params = layout.default_params()
    for key, value in ((doc or {}).get("params") or {}).items():
        if key not in layout.params:
            raise DocumentError(f"params の「{key}」はレイアウト {layout.id} にありません。")
        if layout.params[key].type == "fiscal-year":
            try:
                value = parse_fiscal_year(value)
            except FiscalYearError as exc:
                raise DocumentError(f"params の「{key}」: {exc}") from exc
        params[key] = value
    return params


def plan_for_document(
    layout: Layout, year: int | None, doc: Mapping[str, Any] | None
) -> WorkbookPlan:
    """The plan for a template: the year from the caller, else the document, else the layout."""
    if doc is not None:
        if doc.get("layout") not in (None, layout.id):
            raise DocumentError(
                f"データは様式「{doc.get('layout')}」のものです(指定: {layout.id})。"
            )
        doc_year = doc.get("year")
        if doc_year is not None:
            try:
                doc_year = parse_fiscal_year(doc_year)
            except FiscalYearError as exc:
                raise DocumentError(f"データの year: {exc}") from exc
            if year is not None and doc_year != year:
                raise DocumentError(
                    f"データは {doc_year} 年度のもので、指定の年度 {year} と違います。"
                    "翌年度の様式を作るには rollover を使ってください。"
                )
            year = doc_year
    return cached_plan(
        layout,
        year or layout.default_year,
        document_params(layout, doc),
        document_shapes(layout, doc),
    )


def document_shapes(layout: Layout, doc: Mapping[str, Any] | None) -> dict[str, Any]:
    """The body rows of each records table for the document's records (see plan_records)."""
    from xlsxsheet.layout.model import RecordsBlock
    from xlsxsheet.plan.document import get_path
    from xlsxsheet.plan.records_plan import table_shape

    shapes: dict[str, Any] = {}
    problems = []
    for sheet in layout.sheets:
        for block in sheet.blocks:
            if not isinstance(block, RecordsBlock):
                continue
            for path in block.table_paths():
                dotted = ".".join(path)
                records = get_path(doc, path) if doc is not None else None
                if records is None:
                    records = []
                if not isinstance(records, list):
                    problems.append(f"「{dotted}」は行のリスト(- 列: 値 …)で書いてください")
                    continue
                try:
                    shapes[dotted] = table_shape(block, records, dotted)
                except DocumentError as exc:
                    problems.append(str(exc))
    if problems:
        raise DocumentError("\n".join(problems))
    return shapes


def normalized_values(plan: WorkbookPlan, doc: Mapping[str, Any]) -> dict[Key, Any]:
    """The document's values as they go into cells; raises DocumentError listing invalid ones."""
    problems = []
    result: dict[Key, Any] = {}
    for key, raw in document_values(plan, doc).items():
        slot = plan.slots[key]
        if slot.field.computed or raw is None:
            continue
        normalized = normalize_cell(slot, raw, plan)
        if normalized.status == "invalid":
            problems.append(f"{slot.label} ({slot.field.id}): {normalized.error}")
        elif normalized.status == "not-applicable":
            result[key] = NOT_APPLICABLE
        elif (
            normalized.status == "ok"
            and isinstance(normalized.value, int)
            and slot.field.type == "fiscal-year"
        ):
            # 平成10年度 as the 課 reads a year on a 和暦 sheet (1998 showed as a number)
            result[key] = long_label(normalized.value)
        elif normalized.status == "ok":
            result[key] = normalized.value
    if problems:
        raise DocumentError(
            "データに様式に合わない値があります:\n" + "\n".join(f"- {p}" for p in problems)
        )
    return result


def make_template(
    layout: Layout, out: Path, year: int | None = None, doc: Mapping[str, Any] | None = None
) -> WorkbookPlan:
    plan = plan_for_document(layout, year, doc)
    values = normalized_values(plan, doc) if doc is not None else {}
    fill(plan, Path(out), values)  # write_template, from the plan's cached skeleton
    return plan
