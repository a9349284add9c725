"""The cells around each problem as the result page shows them: as Excel shows the sheet.

An upload's stored result keeps, for each problem, a grid of the cells around its cell (see
intake.grid_around); a formula cell's text there is its formula, since what a formula gives is
not in the cell itself. The page reads the kept file again when it is shown and puts in each
cell what Excel shows: a typed value as typed, a formula cell's result (the value the file
saved; where the check computed the cell, the value it computed, with a note when the file
saved another), numbers in the cell's number format (the layout's: 千円 with separators). The
formula stays in the cell's title. A file that cannot be read again keeps the stored texts.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Any

from xlsxsheet.checks.base import date_text, show, show_value
from xlsxsheet.checks.formulas import SHOWN_FORMULA_LENGTH
from xlsxsheet.core.cells import parse_a1
from xlsxsheet.layout.model import DEFAULT_FORMATS
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.reading.content import WorkbookContent
from xlsxsheet.reading.return_reader import read_file
from xlsxsheet.reading.workbook_reader import read_workbook
from xlsxsheet.web.intake import CELL_TEXT

CACHED_FILES = 16  # uploads whose shown grids are kept in memory
# problems whose value or expected value is a formula: a long one is folded away, as the
# message folds it (checks.formulas: 「様式の計算式」 for a formula past SHOWN_FORMULA_LENGTH)
FORMULA_CODES = frozenset({"formula-overwritten", "formula-changed"})

Place = tuple[str, int, int]  # sheet, row, column (0-based)
log = logging.getLogger(__name__)


@dataclass
class FileCells:
    """What the page needs of a kept file: its cells, and for the cells of the layout their
    number format and the value the check computed (computed cells only)."""

    content: WorkbookContent
    formats: dict[Place, str | None] = field(default_factory=dict)
    computed: dict[Place, Any] = field(default_factory=dict)


def file_cells(path: Path) -> FileCells | None:
    """The kept file read again (as the check read it), or None if it cannot be read."""
    try:
        result = read_file(path, default_registry())
    except Exception:  # not a return of a known layout (or a reader bug): its plain cells
        try:
            return FileCells(read_workbook(path))
        except Exception:
            return None
    cells = FileCells(result.content)
    for key, bound in result.cells.items():
        raw = bound.raw
        place = (raw.sheet, raw.row, raw.col)
        fdef = bound.slot.field
        # the format the template gave the cell (as writing's): none is Excel's General
        cells.formats[place] = fdef.format or DEFAULT_FORMATS.get(fdef.type) or "General"
        if key in result.computed:
            cells.computed[place] = result.computed[key]
    return cells


# --- numbers as a number format shows them ---------------------------------------------
_FIXED = re.compile(r"^(#,##)?0(?:\.(0*)(#*))?$")  # #,##0  #,##0.0  0.00  #,##0.0##


def number_text(value: int | float, code: str | None) -> str:
    """A number as Excel shows it in a cell of number format `code` (#,##0, 0.0, General, @);
    a format not known here (or none): as the messages quote it (14,000)."""
    if not math.isfinite(value):
        return show(value)
    if code in ("General", "@"):
        return _general(value)
    match = _FIXED.match(code or "")
    if match is None:
        return show(value)
    grouped, fixed, optional = match.group(1), match.group(2) or "", match.group(3) or ""
    places = len(fixed) + len(optional)
    with localcontext() as context:
        context.prec = 400  # every digit of a float up to 1.8e308 (1e30 typed in a cell)
        step = Decimal(1).scaleb(-places)
        rounded = Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP)
    text = f"{abs(rounded):{',' if grouped else ''}.{places}f}"
    if optional:  # 0.0## : the optional places only when they are not zero
        whole, _, decimals = text.partition(".")
        decimals = decimals[: len(fixed)] + decimals[len(fixed) :].rstrip("0")
        text = f"{whole}.{decimals}" if decimals else whole
    return f"-{text}" if rounded < 0 else text


def _general(value: int | float) -> str:
    """Excel's General: no separators, at most 10 significant digits (14000, 0.3)."""
    if isinstance(value, int) or (value.is_integer() and abs(value) < 1e11):
        return str(int(value))
    return f"{value:.10g}".replace("e+", "E+").replace("e-", "E-")


def cell_text(value: Any, code: str | None = None) -> str:
    """What a cell holding `value` (number format `code`) shows: text as typed, numbers in
    their format, TRUE/FALSE, dates as Excel shows them in Japan (2020/4/1)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return number_text(value, code)
    if isinstance(value, date):
        return date_text(value)
    return str(value)


def _same(kept: Any, computed: Any) -> bool:
    """Whether the value the file saved is the one the check computed (floats to 1e-9)."""
    numbers = (int, float)
    if isinstance(kept, numbers) and isinstance(computed, numbers):
        if isinstance(kept, bool) or isinstance(computed, bool):
            return kept is computed
        return abs(kept - computed) <= 1e-9 * max(1.0, abs(kept), abs(computed))
    return bool(kept == computed or (kept in (None, "") and computed in (None, "")))


def _short(text: str) -> str:
    return text if len(text) <= CELL_TEXT else text[: CELL_TEXT - 1] + "…"


def shown_cell(cells: FileCells, sheet: str, ref: str) -> dict[str, Any]:
    """One cell of a grid: the text shown, its title (the cell, its whole value, its formula),
    whether it is a number (right-aligned) and, when the check computed the cell and the file
    saved another value, that value (`kept`)."""
    row, col = parse_a1(ref)
    place = (sheet, row, col)
    raw = cells.content.cells.get(sheet, {}).get((row, col))
    code = cells.formats.get(place)
    if raw is None:
        return {"text": "", "title": f"{ref}: ", "number": False, "formula": None, "kept": None}
    formula = (
        raw.formula if raw.formula is None or raw.formula.startswith("=") else f"={raw.formula}"
    )
    kept, value = raw.value, raw.value
    if formula is not None:
        kept = cells.content.cached_value(sheet, row, col)
        computed = cells.computed.get(place)
        value = computed if computed is not None else kept
    text = cell_text(value, code)
    title = f"{ref}: {text}"
    differs = formula is not None and kept is not None and not _same(kept, value)
    if formula is not None:
        title += f"\n計算式: {formula}"
    if formula is not None and kept is None and value is not None:
        title += "\n(ブックに計算結果が保存されていないため、点検で計算した値を表示)"
    if differs:
        title += f"\nブックに保存された値: {cell_text(kept, code)}(点検で計算し直した値を表示)"
    number = isinstance(value, int | float | date) and not isinstance(value, bool)  # Excel's right
    return {
        "text": _short(text),
        "title": title,
        "number": number,
        "formula": formula,
        "kept": cell_text(kept, code) if differs else None,
    }


def shown_grid(cells: FileCells, sheet: str, grid: dict[str, Any]) -> dict[str, Any]:
    """A stored grid with each cell as Excel shows it, and a note for each cell whose value the
    check computed otherwise than the file saved."""
    far = far_columns(grid)
    rows = []
    notes = []
    for row in grid["rows"]:
        shown = []
        for n, cell in enumerate(row["cells"]):
            view = {**cell, **shown_cell(cells, sheet, cell["ref"])}
            if view["kept"] is not None:
                text = (
                    f"{cell['ref']} は点検で計算し直した値です"
                    f"(ブックに保存された値は {view['kept']})。"
                )
                notes.append({"text": text, "far": far[n]})
            shown.append(view)
        rows.append({**row, "cells": shown})
    formulas = any(cell["formula"] for row in rows for cell in row["cells"])
    return {**grid, "rows": rows, "notes": notes, "formulas": formulas, "far": far}


def far_columns(grid: dict[str, Any]) -> list[bool]:
    """Per column of the grid, whether it is two or more columns from the problem's cell: a
    narrow screen (a phone) shows the problem's column and one on each side, so that a
    number of seven digits with its separators (2,167,435) is not cut."""
    marked = next(
        (n for row in grid["rows"] for n, cell in enumerate(row["cells"]) if cell.get("mark")),
        None,
    )
    return [marked is not None and abs(n - marked) >= 2 for n in range(len(grid["columns"]))]


Grids = dict[tuple[str, str], dict[str, Any]]  # (sheet, cell) of a problem → its grid shown


def shown_grids(problems: list[dict[str, Any]], cells: FileCells) -> Grids:
    """The grid of each problem that has one, as the page shows it."""
    return {
        (p.get("sheet") or "", p["cell"]): shown_grid(cells, p.get("sheet") or "", p["grid"])
        for p in problems
        if p.get("grid")
    }


_lock = threading.Lock()
_shown: OrderedDict[tuple[Any, ...], Grids] = OrderedDict()


def shown_problems(
    path: Path, problems: list[dict[str, Any]], key: tuple[Any, ...]
) -> list[dict[str, Any]]:
    """An upload's stored problems with their grids as the page shows them (the stored texts
    if the file cannot be read again). The grids of the last few files shown are kept, by
    `key`: what they are made of (the file's SHA-256 and the layouts' fingerprint)."""
    wanted = {(p.get("sheet") or "", p["cell"]) for p in problems if p.get("grid")}
    if not wanted:
        return problems
    with _lock:
        grids = _shown.get(key)
        if grids is not None:
            _shown.move_to_end(key)
    if grids is None or not wanted <= grids.keys():
        cells = file_cells(path)
        if cells is None:
            return problems
        try:
            grids = shown_grids(problems, cells)
        except Exception:  # a value shown here for the first time: the stored texts, not a 500
            log.exception("the cells around the problems of %s could not be shown", path.name)
            return problems
        with _lock:
            _shown[key] = grids
            while len(_shown) > CACHED_FILES:
                _shown.popitem(last=False)
    return [
        {**p, "grid": grids[(p.get("sheet") or "", p["cell"])]} if p.get("grid") else p
        for p in problems
    ]


# --- a problem's value and expected value ----------------------------------------------
def quoted(problem: dict[str, Any], which: str) -> dict[str, Any]:
    """A problem's value (`which`="value") or expected value as its column shows it: numbers
    as the message quotes them (14,000), text as typed; a long formula (of a formula problem)
    folded as 「様式の計算式」/「入力された計算式」, as the message says it."""
    value = problem.get(which)
    text = show_value(value)
    folded = (
        problem.get("code") in FORMULA_CODES
        and isinstance(value, str)
        and value.startswith("=")
        and len(value) > SHOWN_FORMULA_LENGTH
    )
    if not folded:
        return {"text": text, "formula": None}
    name = "様式の計算式" if which == "expected" else "入力された計算式"
    return {"text": name, "formula": text}
