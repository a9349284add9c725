"""Read a workbook into plain cells, defined names and metadata (openpyxl; no domain rules)."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import python_calamine
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.formula import DataTableFormula
from openpyxl.worksheet.worksheet import Worksheet

from xlsxsheet.core.cells import RawCell
from xlsxsheet.core.cells import unescape_text as unescape
from xlsxsheet.core.errors import WorkbookError
from xlsxsheet.core.names import META_SHEET, PREFIX
from xlsxsheet.reading.content import NameTarget, WorkbookContent, parse_name_target
from xlsxsheet.reading.safe_open import LIMITS, FileFacts, Limits, inspect_file

__all__ = ["NameTarget", "WorkbookContent", "parse_name_target", "read_workbook"]


def read_workbook(path: Path, limits: Limits = LIMITS, engine: str = "fast") -> WorkbookContent:
    """Vet a file (safe_open), then return its cells, names and metadata; never writes it.

    engine "fast" reads the XML parts directly (xlsxsheet.reading.fast_reader, many times faster) and
    hands openpyxl whatever file it does not handle; "openpyxl" always uses openpyxl. Both give
    the same content (tests/test_fast_reader.py). Raises WorkbookError, with a problem code,
    for anything that cannot be read.
    """
    if engine not in ("fast", "openpyxl"):
        raise ValueError(f"unknown engine {engine!r}: 'fast' or 'openpyxl'")
    facts = inspect_file(Path(path), limits)
    if facts.format == "xls":
        return _read_xls(facts)
    from xlsxsheet.reading.package_verdict import verify_package

    verify_package(facts)  # what openpyxl refuses, every reader refuses (one verdict)
    if engine == "fast":
        from xlsxsheet.reading.fast_reader import read_ooxml  # the speed-up beside _read_ooxml

        content = read_ooxml(facts)
        if content is not None:
            return content
    from xlsxsheet.reading.package_verdict import verify_merges

    verify_merges(facts)  # bounded before openpyxl makes a cell of every merged one
    return _read_ooxml(facts)


def _corrupt(path: Path, exc: BaseException) -> WorkbookError:
    return WorkbookError(
        str(path),
        "file-corrupt",
        f"{path.name} をExcelブックとして読めません(中の部品の書式が壊れています)。"
        "Excelで開けるか確認し、.xlsx 形式で保存し直してください。",
    )


def _load(path: Path, data_only: bool) -> openpyxl.Workbook:
    """openpyxl on an already vetted file, opened by handle (any file name, no VBA kept)."""
    try:
        with path.open("rb") as fh, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(
                fh, data_only=data_only, keep_links=False, keep_vba=False, rich_text=False
            )
    except FileNotFoundError as exc:
        raise WorkbookError(
            str(path), "file-missing", f"ファイル {path} が読み取り中に見つからなくなりました。"
        ) from exc
    except PermissionError as exc:
        raise WorkbookError(
            str(path), "file-unreadable", f"{path.name} を読む権限がありません。"
        ) from exc
    except Exception as exc:  # openpyxl raises many kinds on malformed parts; all mean corrupt
        raise _corrupt(path, exc) from exc


def _existing_cells(ws: Worksheet) -> Iterator[Cell]:
    """The cells the sheet really holds. iter_rows() would walk the whole rectangle up to the
    farthest cell (1,048,576 x 16,384 when one cell sits in XFD1048576); openpyxl keeps the
    parsed cells in ws._cells, which has no public accessor."""
    return iter(list(ws._cells.values()))


def _read_ooxml(facts: FileFacts) -> WorkbookContent:
    path = facts.path
    book = _load(path, data_only=False)
    try:
        names: dict[str, NameTarget] = {}
        for name, defined in book.defined_names.items():
            names[name] = parse_name_target(name, defined.attr_text or "")
        content = WorkbookContent(
            path=path,
            sheet_names=list(book.sheetnames),
            sheet_states={ws.title: ws.sheet_state for ws in book.worksheets},
            names=names,
            metadata=_metadata(book),
            format=facts.format,
            has_macros=facts.has_macros,
            protected={ws.title: bool(ws.protection.sheet) for ws in book.worksheets},
            dimensions=dict(facts.dimensions),
            _results_reader=_cached_values,
        )
        for ws in book.worksheets:
            if ws.title == META_SHEET:
                continue
            content.cells[ws.title] = {
                (raw.row, raw.col): raw
                for raw in (_raw_cell(ws.title, cell) for cell in _existing_cells(ws))
                if raw is not None
            }
            content.merged[ws.title] = sorted(
                (r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1)
                for r in ws.merged_cells.ranges
            )
    finally:
        book.close()
    return content


def _raw_cell(sheet: str, cell: Cell) -> RawCell | None:
    value: Any = cell.value
    if value is None:
        return None
    formula = None
    if cell.data_type == "f":
        value = formula_text(value)
    if isinstance(value, str) and "_x" in value:
        value = unescape(value)  # _x000D_ and the like: how OOXML stores control characters
    if cell.data_type == "f":
        formula, value = value, None
    elif not isinstance(value, str | int | float | bool | dt.datetime | dt.date | dt.time):
        formula = getattr(value, "text", None)  # array formulas
        value = None if formula else value
    return RawCell(sheet, cell.row - 1, cell.column - 1, value, formula)


def formula_text(value: Any) -> str:
    """A formula cell's text: openpyxl gives array and data-table formulas as objects."""
    if isinstance(value, str):
        return value
    if isinstance(value, DataTableFormula):
        return "=TABLE(" + ",".join(str(r) for r in (value.r1, value.r2) if r is not None) + ")"
    return getattr(value, "text", None) or "="


def _cached_values(content: WorkbookContent) -> dict[tuple[str, int, int], Any]:
    """The saved results of the formula cells (a second, value-only read of the file)."""
    wanted = {
        (sheet, raw.row, raw.col)
        for sheet, cells in content.cells.items()
        for raw in cells.values()
        if raw.formula is not None
    }
    if not wanted:
        return {}
    try:
        book = _load(content.path, data_only=True)
    except WorkbookError:
        return {}  # the file went away since the first read: the results are unknown
    try:
        return {
            (ws.title, cell.row - 1, cell.column - 1): cell.value
            for ws in book.worksheets
            for cell in _existing_cells(ws)
            if (ws.title, cell.row - 1, cell.column - 1) in wanted
        }
    finally:
        book.close()


def _read_xls(facts: FileFacts) -> WorkbookContent:
    """Values of a legacy .xls (python-calamine): no formulas, no defined names."""
    path = facts.path
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError as exc:
        raise WorkbookError(
            str(path),
            "workbook-encrypted",
            f"{path.name} はパスワードで保護されています。パスワードを外して .xlsx 形式で"
            "保存し直してください。",
        ) from exc
    except (python_calamine.CalamineError, OSError, ValueError) as exc:
        raise _corrupt(path, exc) from exc
    try:
        content = WorkbookContent(
            path=path,
            sheet_names=list(book.sheet_names),
            sheet_states={
                m.name: _XLS_STATES.get(str(m.visible).rsplit(".", 1)[-1], "visible")
                for m in book.sheets_metadata
            },
            names={},
            metadata={},
            format="xls",
            names_known=False,
            formulas_known=False,
        )
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            if name == META_SHEET:
                content.metadata = {
                    str(row[0]): "" if len(row) < 2 or row[1] is None else str(row[1])
                    for row in rows[1:]
                    if row and row[0] not in (None, "")
                }
                continue
            content.cells[name] = {
                (r, c): RawCell(name, r, c, value)
                for r, row in enumerate(rows)
                for c, value in enumerate(row)
                if value not in (None, "")
            }
            content.merged[name] = [
                (r1, c1, r2, c2) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])
            ]
    except (python_calamine.CalamineError, ValueError, TypeError) as exc:
        raise _corrupt(path, exc) from exc
    finally:
        book.close()
    return content


_XLS_STATES = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryHidden"}


def _metadata(book: openpyxl.Workbook) -> dict[str, str]:
    """Metadata from the hidden sheet, else from the custom document properties."""
    meta: dict[str, str] = {}
    try:
        for prop in book.custom_doc_props.props:
            if prop.name.startswith("xlsxsheet."):
                meta[prop.name.removeprefix("xlsxsheet.")] = str(prop.value)
    except AttributeError:
        pass
    if META_SHEET in book.sheetnames:
        ws = book[META_SHEET]
        column: dict[int, dict[int, Any]] = {}
        for cell in _existing_cells(ws):
            if cell.column <= 2 and cell.row >= 2:
                column.setdefault(cell.row, {})[cell.column] = cell.value
        for row in sorted(column):
            key, value = column[row].get(1), column[row].get(2)
            if key:
                meta[str(key)] = "" if value is None else str(value)
    return meta


def xlsxsheet_names(content: WorkbookContent) -> dict[str, NameTarget]:
    return {k: v for k, v in content.names.items() if k.startswith(PREFIX)}
