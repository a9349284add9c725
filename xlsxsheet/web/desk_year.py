"""A return as the year's desk takes it: one of another evaluation year is an error.

The desk takes the returns of one evaluation year (`Store.year`). A department that sends last
year's workbook, or the bundled example of another year, sent figures that are not this
year's: the upload is kept and shown with the error `return-wrong-year`, its roster row shows
the state 年度違い (Upload.state), and the summary pages, the summary workbook and CSV and the
zips of the year's returns leave it out. The library's check
knows no desk year; this is added wherever the service makes a return's summary (upload,
check again, the office's summaries after a restart), so every page tells the same.
"""

from __future__ import annotations

import dataclasses

from xlsxsheet.core.fiscal_year import long_label
from xlsxsheet.core.problems import Problem
from xlsxsheet.office.batch import CheckedReturn
from xlsxsheet.web.store import WRONG_YEAR_CODE, Store

CODE = WRONG_YEAR_CODE


def desk_year(store: Store, year: int | None = None) -> int | None:
    """The year a desk takes returns of (`year`, or the desk's); None where it takes any
    (the demo's, Store.takes_any_year)."""
    return None if store.takes_any_year else (store.year if year is None else year)


def for_desk(summary: CheckedReturn, year: int | None) -> CheckedReturn:
    """`summary` with the error `return-wrong-year` first when it is a return of another
    evaluation year than the desk's `year` (once: a summary that has it is given back; None:
    the desk takes any year)."""
    if of_the_year(summary, year) or any(p.code == CODE for p in summary.problems):
        return summary
    assert year is not None and summary.year is not None  # of_the_year said so
    title = summary.layout_title or "様式"
    problem = Problem(
        CODE,
        f"{summary.path.name} は{long_label(summary.year)}の{title}です。受け付けているのは"
        f"{long_label(year)}の提出です。{long_label(year)}の様式を課のページからダウンロードして"
        "記入し、提出し直してください(このファイルは集計に使いません)。",
        file=str(summary.path),
        value=long_label(summary.year),
        expected=long_label(year),
    )
    return dataclasses.replace(summary, problems=[problem, *summary.problems])


def of_the_year(summary: CheckedReturn, year: int | None) -> bool:
    """Whether a summary counts for the desk's year (its year unknown: it does, unreadable)."""
    return year is None or summary.year is None or summary.year == year
