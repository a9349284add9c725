"""The document: a layout's field values as nested data, keyed by field path and fiscal year.

``{"layout": ..., "version": ..., "year": 2020, "params": {...}, "header": {...}, ...}``;
a year series is a mapping from 西暦 year (as a string) to its value.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from xlsxsheet.core.errors import DocumentError
from xlsxsheet.core.fiscal_year import FiscalYearError, parse_fiscal_year
from xlsxsheet.plan.workbook_plan import WorkbookPlan

HEADER_KEYS = ("layout", "version", "year", "params")
NOT_APPLICABLE = "-"

Key = tuple[str, int | None]


def get_path(doc: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = doc
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def set_path(doc: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = doc
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value


def build_document(plan: WorkbookPlan, values: Mapping[Key, Any]) -> dict[str, Any]:
    """A full document: every field of the plan, None where there is no value."""
    doc: dict[str, Any] = {
        "layout": plan.layout.id,
        "version": plan.layout.version,
        "year": plan.year,
        "params": dict(plan.params),
    }
    for key, slot in plan.slots.items():
        if slot.unit is not None:
            continue  # a cell of a records table: the table's records are set below
        value = values.get(key)
        if slot.year is None:
            set_path(doc, slot.field.path, value)
        else:
            series = get_path(doc, slot.field.path)
            if series is None:
                series = {}
                set_path(doc, slot.field.path, series)
            series[str(slot.year)] = value
    if plan.records:
        from xlsxsheet.plan.records_plan import read_records

        for table in plan.records.values():
            records = [record.values for record in read_records(table, values)]
            set_path(doc, table.path, records)
    return doc


def document_values(plan: WorkbookPlan, doc: Mapping[str, Any]) -> dict[Key, Any]:
    """The values of a document by slot key; raises DocumentError listing every unknown key."""
    problems: list[str] = []
    values: dict[Key, Any] = {}
    known_fields = {slot.field.id: slot.field for slot in plan.slots.values() if slot.unit is None}
    problems += _table_values(plan, values)
    for dotted, value in _leaves(doc, known_fields):
        if dotted in plan.records:
            continue  # a records table: its rows were laid out with the plan
        fdef = known_fields.get(dotted)
        if fdef is None:
            close = difflib.get_close_matches(dotted, list(known_fields), n=1)
            hint = f"(「{close[0]}」ではありませんか)" if close else ""
            problems.append(f"項目「{dotted}」はレイアウト {plan.layout.id} にありません{hint}")
            continue
        if fdef.years is None:
            if isinstance(value, Mapping):
                problems.append(f"項目「{dotted}」は年度別ではありません(値を1つ書いてください)")
                continue
            values[(dotted, None)] = value
            continue
        if not isinstance(value, Mapping):
            problems.append(f"項目「{dotted}」は年度別の値です({{年度: 値}} の形で書いてください)")
            continue
        for year_key, year_value in value.items():
            try:
                year = parse_fiscal_year(year_key)
            except FiscalYearError as exc:
                problems.append(f"項目「{dotted}」: {exc}")
                continue
            if (dotted, year) not in plan.slots:
                if year_value is not None:
                    problems.append(f"項目「{dotted}」の {year_key} 年度の列はこの様式にありません")
                continue
            values[(dotted, year)] = year_value
    if problems:
        raise DocumentError("データが様式と合いません:\n" + "\n".join(f"- {p}" for p in problems))
    return values


def _table_values(plan: WorkbookPlan, values: dict[Key, Any]) -> list[str]:
    """The cell values of the records tables, from the body rows the plan was laid out with."""
    problems = []
    for table in plan.records.values():
        for unit, body in enumerate(table.rows or []):
            for (column, year), value in body.values.items():
                slot = table.units[unit].get((column, year))
                if slot is None:
                    if value is not None:
                        problems.append(
                            f"表「{table.key}」の「{column}」の {year} 年度の列はこの様式にありません"
                        )
                    continue
                values[slot.key] = value
    return problems


def _leaves(
    doc: Mapping[str, Any], known: Mapping[str, Any], prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, Any]]:
    for key, value in doc.items():
        if not prefix and (key in HEADER_KEYS or str(key).startswith("x-")):
            continue  # x-…: the document's own notes and YAML anchors, not fields
        path = (*prefix, str(key))
        dotted = ".".join(path)
        if dotted in known or not isinstance(value, Mapping):
            yield dotted, value
        else:
            yield from _leaves(value, known, path)
