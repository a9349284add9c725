"""The `check` command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from xlsxsheet.cli import EXIT_PROBLEMS, FiscalYear, emit, friendly
from xlsxsheet.errors import UsageError
from xlsxsheet.layout.registry import default_registry

if TYPE_CHECKING:
    from xlsxsheet.batch import CheckedReturn
    from xlsxsheet.expected import Expected
    from xlsxsheet.problems import Problem
    from xlsxsheet.roster import RosterEntry

JOBS_HELP = "同時に点検するプロセス数(既定: CPU数、1: 並列なし)"
ROSTER_HELP = (
    "名簿CSV(様式,施策番号,担当課[,ファイル名]、UTF-8 か Shift_JIS): 名簿にあって提出のない"
    "ものを未提出として報告"
)


@click.command("check")
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "html", "xlsx"]), default="text"
)
@click.option("--all", "show_info", is_flag=True, help="情報(読み替え)も表示")
@click.option("--layout", "layout_id", help="様式情報がないときの様式")
@click.option("--year", type=FiscalYear(), help="様式情報がないときの年度")
@click.option("-o", "--output", type=click.Path(path_type=Path))
@click.option(
    "--per-file-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="問題のあるファイルごとに、問題のセルに色とコメントを付けた写しを書くフォルダ",
)
@click.option("--roster", type=click.Path(path_type=Path, dir_okay=False), help=ROSTER_HELP)
@click.option("-j", "--jobs", type=click.IntRange(min=1), help=JOBS_HELP)
@click.option("-q", "--quiet", is_flag=True, help="進捗と案内を表示しない")
@friendly
def check_command(
    workbooks: tuple[Path, ...],
    fmt: str,
    show_info: bool,
    layout_id: str | None,
    year: int | None,
    output: Path | None,
    per_file_dir: Path | None,
    roster: Path | None,
    jobs: int | None,
    quiet: bool,
) -> None:
    """点検して問題を報告 (終了コード 0: エラーなし / 1: エラーあり・未提出あり) / check workbooks.

    WORKBOOKS はファイルかフォルダ(中の .xlsx/.xlsm/.xls をすべて点検)。
    """
    from xlsxsheet.report import Report, render_json, render_text

    if fmt == "xlsx" and output is None:
        raise UsageError("--format xlsx には -o で出力ファイル名を指定してください。")
    entries = read_roster_option(roster)
    results, names = check_paths(workbooks, jobs, quiet, layout_id, year, values=False)
    report = Report(results, expected_returns(results, entries))
    if fmt == "xlsx":
        from xlsxsheet.report_xlsx import write_xlsx_report

        assert output is not None
        write_xlsx_report(report, output, show_info, names)
    elif fmt == "html":
        from xlsxsheet.report_html import render_html

        emit(render_html(report, show_info, names), output)
    else:
        text = render_json(report) if fmt == "json" else render_text(report, show_info)
        emit(text, output)
    if per_file_dir is not None:
        written = write_per_file(results, names, per_file_dir, jobs)
        if not quiet:
            click.echo(f"問題のあるファイルの写し {len(written)} 件: {per_file_dir}", err=True)
    if not report.valid:
        sys.exit(EXIT_PROBLEMS)


def read_roster_option(roster: Path | None) -> list[RosterEntry] | None:
    """The rows of `--roster` (read before any workbook, so a bad roster stops at once)."""
    if roster is None:
        return None
    from xlsxsheet.expected import read_expected

    return read_expected(roster, default_registry())


def expected_returns(
    results: list[CheckedReturn], entries: list[RosterEntry] | None
) -> list[Expected] | None:
    """Each roster row with the return answering it; None without a roster."""
    if entries is None:
        return None
    from xlsxsheet.expected import match_roster

    return match_roster(results, entries, default_registry())


def check_paths(
    given: tuple[Path, ...],
    jobs: int | None,
    quiet: bool,
    layout_id: str | None = None,
    year: int | None = None,
    values: bool = True,
) -> tuple[list[CheckedReturn], dict[Path, str]]:
    """Find the workbooks under `given` and check them, with a progress bar on a terminal.

    values=False (check): the returns' summaries without their tidy values, which only
    collect's CSV uses.
    """
    from xlsxsheet.batch import check_returns
    from xlsxsheet.discovery import display_name, iter_workbooks

    paths = list(iter_workbooks(given))
    if not paths:
        raise UsageError(
            "点検するブック(.xlsx/.xlsm/.xls)が見つかりません: " + ", ".join(map(str, given))
        )
    names = {p: str(display_name(p, given)) for p in paths}
    registry = default_registry()
    if quiet or not _is_terminal(sys.stderr):
        return check_returns(paths, registry, jobs, None, layout_id, year, values), names
    with click.progressbar(
        length=len(paths), label="点検中", file=sys.stderr, show_pos=True, width=30
    ) as bar:
        results = check_returns(
            paths, registry, jobs, lambda _: bar.update(1), layout_id, year, values
        )
    return results, names


def write_per_file(
    results: list[CheckedReturn], names: dict[Path, str], folder: Path, jobs: int | None = None
) -> list[Path]:
    """A marked copy of each readable return with an error or warning, under `folder`."""
    from xlsxsheet.annotate import (
        annotated_name,
        can_annotate,
        needs_annotation,
        try_write_annotated,
    )
    from xlsxsheet.batch import in_processes

    calls: list[tuple[Path, list[Problem], Path]] = []
    taken: set[Path] = set()
    for r in results:
        if not r.readable or not can_annotate(r.path) or not needs_annotation(r.problems):
            continue
        relative = Path(names.get(r.path, r.path.name))
        out = folder / relative.parent / annotated_name(relative)
        n = 2
        while out in taken:
            out = (
                folder
                / relative.parent
                / annotated_name(relative.with_stem(f"{relative.stem}({n})"))
            )
            n += 1
        taken.add(out)
        calls.append((r.path, r.problems, out))
    return [p for p in in_processes(try_write_annotated, calls, jobs) if p is not None]


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):
        return False
