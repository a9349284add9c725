"""The library's front door: what the command line does, as Python functions.

Each function takes paths and plain values and returns the result object the stage below
makes (`ReadResult`, `CheckResult`, `FolderFix`, `Collection`, `RolloverResult`); errors are the
exceptions of `xlsxsheet.core.errors` (`XlsxsheetError` and its kinds), with Japanese messages.
Layouts are named by id (`shisaku-management`) and found in the bundled `templates/` folder
and the folders of `XLSXSHEET_TEMPLATES`.

    import xlsxsheet

    xlsxsheet.make_template("shisaku-management", "R2", "施策12.xlsx")
    checked = xlsxsheet.check("施策12.xlsx")
    print(checked.valid, [p.message for p in checked.problems])
    xlsxsheet.fix("施策12.xlsx", "施策12_修正版.xlsx")
    xlsxsheet.fix_folder(["提出"], "修正版")  # 提出/福祉/施策12.xlsx → 修正版/福祉/施策12_修正版.xlsx
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from xlsxsheet.checks.pipeline import CheckResult, check_file
from xlsxsheet.core.fiscal_year import parse_fiscal_year
from xlsxsheet.layout.model import Layout
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.collect import Collection
from xlsxsheet.office.collecting import collect_paths
from xlsxsheet.office.fixing import fix_path
from xlsxsheet.office.fixing_folder import FolderFix, fix_paths
from xlsxsheet.office.rollover import RolloverResult
from xlsxsheet.office.rollover import rollover as _rollover
from xlsxsheet.reading.return_reader import ReadResult, read_file
from xlsxsheet.writing.make_template import make_template as _make_template

Year = int | str


def _year(year: Year | None) -> int | None:
    """A fiscal year as the CLI takes it: 2020, "R2", "令和2年度", "H28"."""
    if year is None or isinstance(year, int):
        return year
    return parse_fiscal_year(year)


def layouts() -> list[Layout]:
    """Every layout xlsxsheet knows (bundled and from XLSXSHEET_TEMPLATES), by id."""
    return default_registry().all()


def make_template(
    layout_id: str,
    year: Year,
    out: str | Path,
    document: Mapping[str, Any] | None = None,
) -> Path:
    """Write the template of `layout_id` for `year` to `out`, filled with `document` if given."""
    out = Path(out)
    _make_template(default_registry().get(layout_id), out, _year(year), document)
    return out


def read(path: str | Path, layout_id: str | None = None, year: Year | None = None) -> ReadResult:
    """Read a return: its normalised values (`.document`) and what reading found (`.problems`)."""
    return read_file(Path(path), default_registry(), layout_id, _year(year))


def check(path: str | Path, layout_id: str | None = None, year: Year | None = None) -> CheckResult:
    """Check one return: `.valid`, `.problems` (each with sheet, cell, field, Japanese message)
    and `.changes` (what `fix` would correct)."""
    return check_file(Path(path), default_registry(), layout_id, _year(year))


def fix(
    path: str | Path,
    out: str | Path,
    layout_id: str | None = None,
    year: Year | None = None,
    force: bool = False,
) -> CheckResult:
    """Write the corrected copy of `path` to `out` (the input is never written; an existing
    `out` only with `force`); returns the check whose `.changes` the copy applies. An
    unreadable return raises `WorkbookError` with its reason."""
    return fix_path(Path(path), Path(out), layout_id, _year(year), force)


def fix_folder(
    paths: Iterable[str | Path],
    out_dir: str | Path,
    layout_id: str | None = None,
    year: Year | None = None,
    jobs: int | None = 1,
    force: bool = False,
) -> FolderFix:
    """Corrected copies of the returns under `paths` (files or folders) in `out_dir`: one
    `<name>_修正版.xlsx` per return with something to correct, in the sub-folder it was found
    in. `out_dir` inside an input folder is refused; existing copies are replaced only with
    `force` (refused before any is written). Unreadable returns and copies that could not be
    written are in the result (`.unreadable`, `.not_written`, each with its `.failure`)."""
    return fix_paths([Path(p) for p in paths], Path(out_dir), layout_id, _year(year), jobs, force)


def collect(
    paths: Iterable[str | Path],
    out: str | Path,
    csv: str | Path | None = None,
    roster: str | Path | None = None,
    jobs: int | None = 1,
    force: bool = False,
) -> Collection:
    """Sum up returns (files or folders): the summary workbook at `out` (評価総括表, costs,
    returns to go back), the tidy CSV at `csv`, and with a roster the returns still missing.
    Existing outputs are replaced only with `force`."""
    done = collect_paths(
        [Path(p) for p in paths],
        Path(out),
        Path(csv) if csv is not None else None,
        Path(roster) if roster is not None else None,
        jobs,
        force,
    )
    return done.collection


def rollover(
    paths: Sequence[str | Path],
    year: Year,
    out_dir: str | Path,
    roster: str | Path | None = None,
    jobs: int | None = 1,
) -> RolloverResult:
    """Next year's (`year`) templates from this year's returns, written into `out_dir`."""
    target = _year(year)
    assert target is not None
    return _rollover(
        [Path(p) for p in paths],
        target,
        Path(out_dir),
        Path(roster) if roster is not None else None,
        jobs=jobs,
    )
