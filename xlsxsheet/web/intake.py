"""An upload, taken in: kept as sent, checked by the library, recorded as a new version.

The check is `pipeline.check_file`, the function `xlsxsheet check` calls; it vets the file with
`safe_open` before any parser. What a page shows of the result (each problem with a small grid
of the cells around it) is worked out here once and stored with the upload.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from xlsxsheet.checks.pipeline import CheckResult, check_file
from xlsxsheet.core.cells import a1, column_letter, parse_a1
from xlsxsheet.core.problems import Problem, without_place
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.batch import CheckedReturn, check_return
from xlsxsheet.office.fixing import errors_left
from xlsxsheet.office.roster import normalize_key
from xlsxsheet.web.desk_year import desk_year, for_desk
from xlsxsheet.web.office import SummaryCache
from xlsxsheet.web.sent_names import renamed
from xlsxsheet.web.store import Store, now

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
GRID_LIMIT = 200  # problems shown with a grid (a return can have thousands of problems)
GRID_REACH = 2  # cells shown on each side of a problem cell
CELL_TEXT = 24  # characters of a cell shown in the grid


def take_upload(
    store: Store, cache: SummaryCache, dept_id: int, data: bytes, original_name: str
) -> tuple[int, CheckedReturn]:
    """Keep `data`, check it, record it (its summary kept in `cache` for the office's pages);
    the new upload's id and the return's summary."""
    digest, relative = store.keep_blob(data, original_name)
    fields, summary = check_fields(store.blobs / relative, original_name, desk_year(store))
    upload_id = store.record_upload(
        {
            "dept_id": dept_id,
            "year": store.year,
            "received": now(),
            "original_name": original_name,
            "size": len(data),
            "sha256": digest,
            "blob": relative,
            **fields,
        }
    )
    cache.put(upload_id, summary, fields["checked_with"])
    return upload_id, summary


def check_fields(
    path: Path, original_name: str, year: int | None
) -> tuple[dict[str, Any], CheckedReturn]:
    """Check a kept file for the desk of `year`: what the upload's record says of it
    (store.CHECK_FIELDS but when it was checked), and the return's summary (a return of another
    year with its error, desk_year; `year` None: a desk that takes any year). The layouts' fingerprint is taken before the check: a
    layout saved during it leaves the result marked as made with the older layouts."""
    fingerprint = default_registry().fingerprint()
    checked, summary = check_blob(path)
    summary = for_desk(summary, year)
    info = summary.info
    fields = {
        "layout": info.layout if info else None,
        "layout_title": info.layout_title if info else None,
        "file_year": info.year if info else None,
        "key": normalize_key(info.key) if info and info.keyed and info.key else None,
        "name": info.name if info else None,
        "readable": summary.readable,
        "errors": summary.errors,
        "warnings": summary.warnings,
        "result": describe(checked, summary, {path.name: original_name}),
        "checked_with": fingerprint,
    }
    return fields, summary


def check_blob(path: Path) -> tuple[CheckResult | None, CheckedReturn]:
    """check_file's result (None if the checker itself failed) and the return's summary."""
    try:
        checked = check_file(path, default_registry())
    except Exception:  # a reader bug: reported as batch reports it, never a traceback
        return None, check_return(path, default_registry(), values=False)
    return checked, CheckedReturn.from_check(checked, values=False)


def describe(
    checked: CheckResult | None, summary: CheckedReturn, names: dict[str, str] | None = None
) -> dict[str, Any]:
    """What the pages show of a check: counts, each problem with its grid, what can be made.

    `names`: the stored file's name → the name it was sent by, for the messages that name it."""
    problems = summary.problems
    content = checked.read.content if checked is not None and checked.read is not None else None
    shown = []
    ordered = sorted(problems, key=lambda p: SEVERITY_ORDER.get(p.severity, 3))
    for n, problem in enumerate(ordered):
        item = {
            "code": problem.code,
            "title": problem.title,
            "severity": problem.severity,
            "message": without_place(renamed(problem.message, names or {}), problem),
            "sheet": problem.sheet,
            "cell": problem.cell,
            "label": problem.label,
            "value": _plain(problem.value),
            "expected": _plain(problem.expected),
            "grid": grid_around(content.cells.get(problem.sheet or "", {}), problem)
            if content is not None and n < GRID_LIMIT
            else None,
        }
        shown.append(item)
    info = summary.info
    fixable = (
        checked is not None and checked.read is not None and checked.read.content.format != "xls"
    )
    return {
        "errors": summary.errors,
        "warnings": summary.warnings,
        "infos": sum(p.severity == "info" for p in problems),
        "changes": len(summary.changes),
        "manual_errors": errors_left(summary),
        "can_fix": fixable and bool(summary.changes),
        "can_mark": fixable and bool(summary.errors or summary.warnings),
        "department": info.department_shown if info else None,
        "problems": shown,
    }


def grid_around(cells: dict[tuple[int, int], Any], problem: Problem) -> dict[str, Any] | None:
    """The cells around the problem's cell: column letters, and rows of (address, text)."""
    if not problem.cell:
        return None
    try:
        row, col = parse_a1(problem.cell)
    except ValueError:
        return None
    rows = range(max(0, row - GRID_REACH), row + GRID_REACH + 1)
    cols = range(max(0, col - GRID_REACH), col + GRID_REACH + 1)
    return {
        "columns": [column_letter(c) for c in cols],
        "rows": [
            {
                "number": r + 1,
                "cells": [
                    {
                        "text": _cell_text(cells.get((r, c))),
                        "mark": (r, c) == (row, col),
                        "ref": a1(r, c),
                    }
                    for c in cols
                ],
            }
            for r in rows
        ],
    }


def _cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    value = cell.value
    if value is None and cell.formula:
        value = cell.formula if cell.formula.startswith("=") else f"={cell.formula}"
    text = "" if value is None else str(value)
    return text if len(text) <= CELL_TEXT else text[: CELL_TEXT - 1] + "…"


def _plain(value: Any) -> Any:
    """A value as JSON keeps it (dates and decimals as text)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))
