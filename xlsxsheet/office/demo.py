"""The demo: the whole round trip on every bundled example, written to one folder.

For each examples/*.yaml (or each document a layout's author gives, `demo --data`): an empty
template, the filled workbook, its document (read), a copy with typical department mistakes,
the check report of that copy, and the fixed copy.
"""

from __future__ import annotations

import json
import shutil
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.copies.corrected import write_fixed
from xlsxsheet.core.data_files import load_document
from xlsxsheet.core.data_folders import example_documents
from xlsxsheet.core.errors import DocumentError, UnknownLayoutError
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.report import Report, render_text
from xlsxsheet.plan.workbook_plan import WorkbookPlan
from xlsxsheet.reading.return_reader import read_file
from xlsxsheet.rules.formulas import formula_of
from xlsxsheet.writing.make_template import make_template


def run_demo(out: Path, documents: Sequence[Path] | None = None) -> Iterator[str]:
    """Run the round trip on `documents` (default: the bundled examples); yields one line of
    progress per step (Japanese)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    registry = default_registry()
    for data_path in documents or example_documents():
        doc = load_document(data_path)
        if not doc.get("layout"):
            raise DocumentError(
                f"記入例 {data_path.name} に layout: (様式の ID、例: layout: jimu-jigyo)がありません。"
            )
        try:
            layout = registry.get(str(doc["layout"]))
        except UnknownLayoutError as exc:
            raise UnknownLayoutError(f"記入例 {data_path.name}: {exc}") from exc
        stem = data_path.stem
        folder = out / stem
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir()
        yield f"== {layout.title} ({stem})"
        empty = folder / f"{stem}_様式.xlsx"
        plan = make_template(
            layout,
            empty,
            None,
            {"layout": layout.id, "year": doc.get("year"), "params": doc.get("params") or {}},
        )
        yield f"  様式: {empty}"
        filled = folder / f"{stem}_記入済み.xlsx"
        try:
            plan = make_template(layout, filled, None, doc)
        except DocumentError as exc:
            raise DocumentError(f"記入例 {data_path.name}: {exc}") from exc
        yield f"  記入済み: {filled}"
        document = read_file(filled, registry).document()
        read_path = folder / f"{stem}_読取.json"
        read_path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
        yield f"  読み取り結果: {read_path}"
        damaged = folder / f"{stem}_誤りあり.xlsx"
        mistakes = damage(filled, damaged, plan)
        yield f"  誤りを入れた写し: {damaged}({', '.join(mistakes)})"
        checked = check_file(damaged, registry)
        report_path = folder / f"{stem}_点検結果.txt"
        report_path.write_text(
            render_text(Report([checked]), show_info=True) + "\n", encoding="utf-8"
        )
        yield f"  点検: エラー {checked.errors} 件、警告 {checked.warnings} 件 → {report_path}"
        fixed = folder / f"{stem}_修正版.xlsx"
        write_fixed(checked, fixed)
        after = check_file(fixed, registry)
        yield (
            f"  修正版: {fixed}(修正 {len(checked.changes)} 件、修正後のエラー {after.errors} 件)"
        )
        yield from _prefilled(layout, filled, folder, stem, registry)


def _prefilled(layout: Any, filled: Path, folder: Path, stem: str, registry: Any) -> Iterator[str]:
    """A plan's workbook prefills the templates its layout feeds (template --plan)."""
    from xlsxsheet.writing.make_template import plan_for_document
    from xlsxsheet.writing.prefill import prefill

    for target_id in layout.prefill:
        target = registry.get(target_id)
        filled_doc = prefill(read_file(filled, registry), plan_for_document(target, None, None))
        out = folder / f"{stem}_から_{target_id}_様式.xlsx"
        make_template(target, out, None, filled_doc.document)
        yield f"  計画から作った「{target.title}」の様式: {out}(引き継ぎ {filled_doc.filled} 項目)"


def damage(source: Path, target: Path, plan: WorkbookPlan) -> list[str]:
    """Copy `source` to `target` with the mistakes departments typically make."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(source)
    done: list[str] = []

    def cell_of(slot_or_name: Any) -> openpyxl.cell.Cell:
        slot = slot_or_name if not isinstance(slot_or_name, str) else None
        if slot is not None and slot.unit is not None:  # a records cell: no name of its own
            return book[slot.sheet].cell(row=slot.row + 1, column=slot.col + 1)
        name = slot.name if slot is not None else slot_or_name
        sheet, ref = next(iter(book.defined_names[name].destinations))
        return book[sheet][ref.replace("$", "")]

    slots = list(plan.slots.values())
    computed = [s for s in slots if s.field.computed and s.year == plan.year] or [
        s for s in slots if s.field.aggregate is not None and formula_of(s, plan) is not None
    ]
    if computed:
        cell = cell_of(computed[0])
        cell.value = 123456
        done.append("合計欄を値で上書き")
    inputs = [s for s in slots if not s.field.computed]
    numbers = [s for s in inputs if s.field.type in ("money", "integer")] + [
        s
        for s in inputs
        if s.field.type in ("number", "percent")  # a layout without sums
    ]
    for slot in numbers:
        cell = cell_of(slot)
        value = cell.value
        if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 10:
            cell.value = f"{value:,}".translate(
                str.maketrans("0123456789,.", "０１２３４５６７８９，．")
            )
            done.append("数値を全角文字で入力")
            break
    judged = [s for s in slots if s.field.rule is not None]
    for slot in judged:
        cell = cell_of(slot)
        values = plan.layout.lists[slot.field.list or ""].values
        if cell.value in values:
            cell.value = next(v for v in values if v != cell.value)
            done.append("判定を取り違え")
            break
    done += _damage_records(plan, cell_of)
    book.save(target)
    return done


def _damage_records(plan: WorkbookPlan, cell_of: Any) -> list[str]:
    """Mistakes in records tables: a mark in two of the columns that take one, codes out of
    their order, a grade the stated rule does not give."""
    from xlsxsheet.plan.records_plan import read_records
    from xlsxsheet.reading.return_reader import normalize_cell

    done: list[str] = []
    for table in plan.records.values():
        values = {}
        for slots in table.units:
            for slot in slots.values():
                raw = cell_of(slot).value
                values[slot.key] = normalize_cell(slot, raw, plan).value
        records = read_records(table, values)
        if not records:
            continue
        first = table.units[records[0].unit]
        for rule in table.block.constraints:
            if rule.kind == "exactly-one" and "記号を重複" not in done:
                for column in rule.columns:
                    cell_of(first[(column, None)]).value = rule.mark
                done.append("記号を重複")
        for column in table.block.columns:
            if plan.layout.fields[f"{table.key}.{column.id}"].codes and "コードの順序" not in done:
                for record in records:
                    cell = cell_of(table.units[record.unit][(column.id, None)])
                    codes = str(cell.value or "").split()
                    if len(codes) > 1:
                        cell.value = " ".join(reversed(codes))
                        done.append("コードの順序")
                        break
        for rule in table.block.rules:
            grade = rule.args.get("grade")
            if rule.args.get("fix", rule.method == "group-share") and "評価を書き換え" not in done:
                for record in records:
                    heading = record.headings[-1] if record.headings else None
                    if heading is None:
                        continue
                    cell = cell_of(table.units[heading][(grade, None)])
                    if cell.value:
                        cell.value = "D" if cell.value != "D" else "A"
                        done.append("評価を書き換え")
                        break
    return done
