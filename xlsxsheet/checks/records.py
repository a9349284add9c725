"""Records tables: their names, the rules each record keeps, codes, grades and derived lists.

- the table body's defined name is there (reading relies on it for inserted rows);
- constraints: a mark in exactly one / at least one of some columns, or in one column alone;
- code columns (担当課 as one-letter codes): every code in the code table, in its order;
- grade rules (`rules:` of the block, grading.RECORD_METHODS): a stated rule corrects the grade,
  a default rule only warns;
- aggregates Excel cannot compute (lists of 施策 per grade): the value matches the records.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from xlsxsheet.checks.base import Finding, change_at, problem_at, show, writes
from xlsxsheet.core.cells import a1
from xlsxsheet.core.changes import Change
from xlsxsheet.core.memo import derived
from xlsxsheet.core.problems import Problem
from xlsxsheet.layout import model as m
from xlsxsheet.layout.labels import render_label
from xlsxsheet.plan.record_rows import blank, read_table_records, read_values
from xlsxsheet.plan.records_plan import RecordsTable, body_range
from xlsxsheet.plan.slot_queries import slots_where
from xlsxsheet.plan.workbook_plan import Slot, WorkbookPlan
from xlsxsheet.reading.return_reader import ReadResult
from xlsxsheet.rules.grades import RECORD_METHODS

_CODE_SPLIT = re.compile(r"[\s、,，・/]+")


def check_records(result: ReadResult) -> Iterator[Finding]:
    plan = result.plan
    if not plan.records:
        return
    values = read_values(result)  # shared: read only
    corrected: dict[Any, Any] = {}  # grades the stated rules correct: lists follow them
    for table in plan.records.values():
        yield from _name(result, table)
        yield from _constraints(result, table, values)
        yield from _codes(result, table, values)
        where: dict[tuple[str, str], Slot] | None = None
        for finding in _rules(result, table, values):
            change = finding.change
            if change is not None and finding.problem.code == "grade-rule-mismatch":
                if where is None:
                    where = _slots_by_place(table, result)
                slot = where.get((change.field, change.cell))
                if slot is not None:
                    corrected[slot.key] = change.new
            yield finding
        yield from _grid_labels(result, table)
    yield from _derived(result, corrected)
    yield from _excluded_values(result)


def _slots_by_place(table: RecordsTable, result: ReadResult) -> dict[tuple[str, str], Slot]:
    """The records cells of a table by (field, where it was read): the first in table order."""
    found: dict[tuple[str, str], Slot] = {}
    for slots in table.units:
        for slot in slots.values():
            bound = result.cells.get(slot.key)
            if bound is not None:
                found.setdefault((slot.field.id, bound.address), slot)
    return found


def _name(result: ReadResult, table: RecordsTable) -> Iterator[Finding]:
    if not result.content.names_known or body_range(result.content, table.name) is not None:
        return
    yield Finding(
        Problem(
            "records-name-missing",
            f"表「{table.key}」の名前定義 {table.name} がないか壊れています。様式の位置"
            f"('{table.sheet}'!{table.area()})から読みましたが、行を挿入・削除していると正しく"
            "読めません。表の行は削除せず、様式に記入し直してください。",
            file=str(result.path),
            sheet=table.sheet,
            value=table.name,
        )
    )


def _slot(table: RecordsTable, unit: int, column: str, year: int | None = None) -> Slot:
    return table.units[unit][(column, year)]


def _marked(values: dict[Any, Any], table: RecordsTable, unit: int, column: str, mark: str) -> bool:
    return values.get(_slot(table, unit, column).key) == mark


def _labels(table: RecordsTable, columns: tuple[str, ...]) -> str:
    return "「" + "」「".join(c.label for c in table.block.columns if c.id in columns) + "」"


def _constraints(
    result: ReadResult, table: RecordsTable, values: dict[Any, Any]
) -> Iterator[Finding]:
    block = table.block
    if not block.constraints:
        return
    for record in read_table_records(result, table):
        unit = record.unit
        for rule in block.constraints:
            marked = [c for c in rule.columns if _marked(values, table, unit, c, rule.mark)]
            where = _slot(table, unit, (marked or list(rule.columns))[0])
            name = rule.label or "記号"
            if rule.kind == "exactly-one" and len(marked) != 1:
                code = "marks-missing" if not marked else "marks-exactly-one"
                now = (
                    "どれにも付いていません"
                    if not marked
                    else f"{_labels(table, tuple(marked))}の{len(marked)}つに付いています"
                )
                yield Finding(
                    problem_at(
                        result,
                        where,
                        code,
                        f"{name}の「{rule.mark}」は{_labels(table, rule.columns)}のうちちょうど1つに"
                        f"付けてください(いま: {now})。",
                        value=len(marked),
                        expected=1,
                    )
                )
            elif rule.kind == "at-least-one" and not marked:
                yield Finding(
                    problem_at(
                        result,
                        where,
                        "marks-missing",
                        f"{name}の「{rule.mark}」が{_labels(table, rule.columns)}のどれにも付いて"
                        "いません。少なくとも1つに付けてください。",
                        value=0,
                    )
                )
            elif (
                rule.kind == "alone"
                and rule.column is not None
                and _marked(values, table, unit, rule.column, rule.mark)
                and marked
            ):
                alone = _slot(table, unit, rule.column)
                yield Finding(
                    problem_at(
                        result,
                        alone,
                        "marks-alone",
                        f"{name}の{_labels(table, (rule.column,))}は他の欄と一緒には付けられません"
                        f"(いま: {_labels(table, tuple(marked))}にも「{rule.mark}」)。"
                        f"どちらかの「{rule.mark}」を消してください。",
                        value=rule.mark,
                    )
                )


def _coded_columns(
    plan: WorkbookPlan, table: RecordsTable
) -> list[tuple[m.RecordColumn, dict[str, int], str]]:
    """Each code column of a table: its codes' order and the code table as text (per plan)."""
    data = derived(table)
    found = data.get("coded-columns")
    if found is None:
        layout = plan.layout
        found = []
        for column in table.block.columns:
            codes = layout.fields[f"{table.key}.{column.id}"].codes
            if not codes:
                continue
            ldef = layout.lists[codes]
            order = {code: i for i, code in enumerate(ldef.values)}
            table_text = "、".join(
                f"{v}({ldef.labels[v]})" if v in ldef.labels else v for v in ldef.values
            )
            found.append((column, order, table_text))
        data["coded-columns"] = found
    return found


def _codes(result: ReadResult, table: RecordsTable, values: dict[Any, Any]) -> Iterator[Finding]:
    for column, order, table_text in _coded_columns(result.plan, table):
        for slots in table.units:
            slot = slots[(column.id, None)]
            value = values.get(slot.key)
            if not isinstance(value, str) or blank(value):
                continue
            codes = [c for c in _CODE_SPLIT.split(value.strip()) if c]
            unknown = [c for c in codes if c not in order]
            if unknown:
                yield Finding(
                    problem_at(
                        result,
                        slot,
                        "code-unknown",
                        f"{show(value)} の「{'」「'.join(unknown)}」はコード表にありません。"
                        f"次のコードで入力してください: {table_text}",
                        value=value,
                    )
                )
                continue
            ordered = " ".join(sorted(dict.fromkeys(codes), key=order.__getitem__))
            if ordered != " ".join(codes):
                yield Finding(
                    problem_at(
                        result,
                        slot,
                        "code-order",
                        f"{show(value)} はコード表の順(組織の順)ではないか、重複があります。",
                        value=value,
                        expected=ordered,
                    ),
                    change_at(
                        result,
                        slot,
                        result.cells[slot.key].raw.value,
                        ordered,
                        "code-order",
                        "コード表の順に並べ替えました",
                    ),
                    writes(ordered),
                )


def _rules(result: ReadResult, table: RecordsTable, values: dict[Any, Any]) -> Iterator[Finding]:
    for rule in table.block.rules:
        verdicts = RECORD_METHODS[rule.method](
            result.plan, table, rule, values, records_of=lambda: read_table_records(result, table)
        )
        for verdict in verdicts:
            slot = _slot(table, verdict.unit, verdict.column, verdict.year)
            if slot.key not in result.cells:
                continue
            entered = values.get(slot.key)
            if verdict.expected is None:
                yield Finding(
                    problem_at(
                        result, slot, "grade-rule-incomplete", f"{verdict.reason}。", value=entered
                    )
                )
                continue
            if entered == verdict.expected:
                continue
            raw = result.cells[slot.key].raw.value
            if verdict.fix:
                yield Finding(
                    problem_at(
                        result,
                        slot,
                        "grade-rule-mismatch",
                        f"入力された評価 {show(raw)} は評価基準による「{verdict.expected}」と"
                        f"違います({verdict.reason})。",
                        value=raw,
                        expected=verdict.expected,
                    ),
                    change_at(
                        result,
                        slot,
                        raw,
                        verdict.expected,
                        "grade-rule-mismatch",
                        f"評価基準: {verdict.reason}",
                    ),
                    writes(verdict.expected),
                )
            elif entered is not None:
                yield Finding(
                    problem_at(
                        result,
                        slot,
                        "grade-differs",
                        f"入力された評価 {show(raw)} は目安の「{verdict.expected}」"
                        f"({verdict.reason})と異なります。判断の理由を記載してください。"
                        "(この評価は修正しません)",
                        value=raw,
                        expected=verdict.expected,
                    )
                )


def _listed(plan: WorkbookPlan) -> frozenset[Any]:
    """Keys of the aggregate cells without an Excel formula (lists), once per plan."""
    from xlsxsheet.rules.formulas import planned_formula

    data = derived(plan)
    found = data.get("listed")
    if found is None:
        aggregates = slots_where(plan, "aggregate", _is_aggregate)
        found = data["listed"] = frozenset(
            slot.key for slot in aggregates if planned_formula(plan, slot) is None
        )
    return found


def _is_aggregate(slot: Slot) -> bool:
    return slot.field.aggregate is not None


def _derived(result: ReadResult, corrected: dict[Any, Any]) -> Iterator[Finding]:
    """Aggregates without an Excel formula (lists): the cell holds what the records say, with
    the grades the stated rules correct."""
    from xlsxsheet.rules.aggregates import evaluate

    listed = _listed(result.plan)
    if not listed:
        return
    values = result.inputs | corrected
    for key, cell in result.cells.items():
        if key not in listed:
            continue
        slot = cell.slot
        expected = evaluate(result.plan, slot, values, lambda other: None) or None
        raw = cell.raw.value
        found = None if blank(raw) else str(raw).replace("\r\n", "\n").strip()
        if found == expected:
            continue
        yield Finding(
            problem_at(
                result,
                slot,
                "summary-mismatch",
                f"{show(raw)} は記録から数えた {show(expected)} と違います。",
                value=raw,
                expected=expected,
            ),
            change_at(result, slot, raw, expected, "summary-mismatch", "記録から集計し直しました"),
            "修正版では記録に合わせます。",
        )


def _grid_labels(result: ReadResult, table: RecordsTable) -> Iterator[Finding]:
    """Each record's row labels (目標 / 実績 / 評価): the tally's COUNTIFS look for them, so rows
    inserted without them are not counted by Excel. Fix writes them back."""
    block = table.block
    if block.grid is None or table.label_col is None:
        return
    found = body_range(result.content, table.name)
    if found is None:
        return
    values = result.inputs
    for unit, slots in enumerate(table.units):
        if all(blank(values.get(s.key)) for s in slots.values()):
            continue
        for g, row in enumerate(block.grid.rows):
            sheet_row = found.first_row + unit * table.unit_rows + g
            col = found.first_col + table.label_col - table.first_col
            raw = result.content.cell(found.sheet, sheet_row, col).value
            label = render_label(row.label, result.plan.year, result.plan.params)
            if raw == label:
                continue
            slot = slots[(block.grid.rows[g].id, next(iter(table.year_col)))]
            address = a1(sheet_row, col)
            yield Finding(
                Problem(
                    "records-label",
                    f"'{found.sheet}'!{address}: 行の見出しが {show(raw)} です。「{label}」の行です"
                    f"(集計の計算式はこの見出しで{label}の行を見分けます)。",
                    file=str(result.path),
                    sheet=found.sheet,
                    cell=address,
                    label=slot.label,
                    value=raw,
                    expected=label,
                ),
                Change(
                    found.sheet,
                    address,
                    slot.field.id,
                    slot.label,
                    raw,
                    label,
                    "records-label",
                    "行の見出しを戻しました",
                ),
                writes(label),
            )


def _excluded_values(result: ReadResult) -> Iterator[Finding]:
    """A value a count leaves out because of its record (a grade of a row whose 指標 is "-"):
    Excel's COUNTIFS would still count it, so it should not be there."""
    plan = result.plan
    values = result.inputs
    seen: set[tuple[str, int | None, str]] = set()
    for field in plan.layout.fields.values():
        spec = field.aggregate
        if spec is None or spec.kind != "count" or not spec.exclude:
            continue
        table = plan.records.get(".".join(spec.table))
        if table is None:
            continue
        year = None if spec.year is None else plan.year + spec.year
        if (table.key, year, spec.column or "") in seen:
            continue
        seen.add((table.key, year, spec.column or ""))
        for slots in table.units:
            counted = slots.get((spec.column or "", year))
            if counted is None or blank(values.get(counted.key)):
                continue
            for column, listed in spec.exclude:
                why = values.get(slots[(column, None)].key)
                if why is not None and str(why) in listed:
                    yield Finding(
                        problem_at(
                            result,
                            counted,
                            "summary-excluded",
                            f"{show(values.get(counted.key))} は集計に含めません("
                            f"{slots[(column, None)].label.split('(')[0]}が {show(why)} の行)。"
                            "値を消すか、集計する行なら内容を入力してください。",
                            value=values.get(counted.key),
                        )
                    )
