"""Read a workbook into plain cells, defined names and metadata (openpyxl; no domain rules)."""

from __future__ import annotations

import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from xlsxsheet.cells import RawCell, parse_a1
from xlsxsheet.errors import WorkbookError
from xlsxsheet.names import META_SHEET, PREFIX

_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)(?::.*)?$")


@dataclass(frozen=True)
class NameTarget:
    """Where a defined name points: a sheet and a cell, or nowhere (broken, e.g. #REF!)."""

    name: str
    text: str
    sheet: str | None
    row: int | None
    col: int | None

    @property
    def broken(self) -> bool:
        return self.sheet is None


@dataclass
class WorkbookContent:
    """Everything the binder needs from a workbook, with no layout knowledge."""

    path: Path
    sheet_names: list[str]
    sheet_states: dict[str, str]
    names: dict[str, NameTarget]
    metadata: dict[str, str]
    cells: dict[str, dict[tuple[int, int], RawCell]] = field(default_factory=dict)
    merged: dict[str, list[tuple[int, int, int, int]]] = field(default_factory=dict)

    def cell(self, sheet: str, row: int, col: int) -> RawCell:
        return self.cells.get(sheet, {}).get((row, col)) or RawCell(sheet, row, col, None)


def parse_name_target(name: str, text: str) -> NameTarget:
    match = _REF.match(text.lstrip("="))
    if not match or "#REF!" in text:
        return NameTarget(name, text, None, None, None)
    sheet = (match.group(1) or "").replace("''", "'") or match.group(2)
    row, col = parse_a1(match.group(3) + match.group(4))
    return NameTarget(name, text, sheet, row, col)


def read_workbook(path: Path) -> WorkbookContent:
    """Open a workbook (never writing it) and return its cells, names and metadata."""
    path = Path(path)
    if not path.is_file():
        raise WorkbookError(str(path), "file-unreadable", f"ファイル {path} が見つかりません。")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, data_only=False, keep_links=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise WorkbookError(
            str(path),
            "file-unreadable",
            f"{path.name} をExcelブック(.xlsx)として開けません({type(exc).__name__})。"
            "Excelで開けるか確認し、.xlsx 形式で保存し直してください。",
        ) from exc
    names: dict[str, NameTarget] = {}
    for name, defined in book.defined_names.items():
        names[name] = parse_name_target(name, defined.attr_text or "")
    content = WorkbookContent(
        path=path,
        sheet_names=list(book.sheetnames),
        sheet_states={ws.title: ws.sheet_state for ws in book.worksheets},
        names=names,
        metadata=_metadata(book),
    )
    for ws in book.worksheets:
        if ws.title == META_SHEET:
            continue
        sheet_cells: dict[tuple[int, int], RawCell] = {}
        for row in ws.iter_rows():
            for cell in row:
                value: Any = cell.value
                if value is None:
                    continue
                formula = None
                if cell.data_type == "f" or (
                    isinstance(value, str) and value.startswith("=") and cell.data_type == "f"
                ):
                    formula = str(value)
                    value = None
                elif not isinstance(value, str | int | float | bool):
                    formula = getattr(value, "text", None)  # array formulas
                    value = None if formula else value
                sheet_cells[(cell.row - 1, cell.column - 1)] = RawCell(
                    ws.title, cell.row - 1, cell.column - 1, value, formula
                )
        content.cells[ws.title] = sheet_cells
        content.merged[ws.title] = [
            (r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1)
            for r in ws.merged_cells.ranges
        ]
    book.close()
    return content


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
        for key, value in ws.iter_rows(min_row=2, max_col=2, values_only=True):
            if key:
                meta[str(key)] = "" if value is None else str(value)
    return meta


def xlsxsheet_names(content: WorkbookContent) -> dict[str, NameTarget]:
    return {k: v for k, v in content.names.items() if k.startswith(PREFIX)}
