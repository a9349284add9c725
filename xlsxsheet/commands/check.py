"""The `check` command."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from xlsxsheet.cli import EXIT_PROBLEMS, FiscalYear, emit_pieces, friendly
from xlsxsheet.commands.templates_option import templates_option
from xlsxsheet.errors import UsageError
from xlsxsheet.layout.registry import default_registry

if TYPE_CHECKING:
    from xlsxsheet.batch import CheckedReturn
    from xlsxsheet.expected import Expected, Returned
    from xlsxsheet.problems import Problem
    from xlsxsheet.report import Report
    from xlsxsheet.roster import RosterEntry
    from xlsxsheet.spool import ReturnRecord, Spool

JOBS_HELP = "同時に点検するプロセス数(既定: CPU数、1: 並列なし)"
ROSTER_HELP = (
    "名簿CSV(様式,施策番号,担当課[,ファイル名]、UTF-8 か Shift_JIS): 名簿にあって提出のない"
    "ものを未提出として報告"
)


def folder_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options check and collect share: --roster, --jobs and --quiet."""
    for option in (
        click.option("-q", "--quiet", is_flag=True, help="進捗と案内を表示しない"),
        click.option("-j", "--jobs", type=click.IntRange(min=1), help=JOBS_HELP),
        click.option("--roster", type=click.Path(path_type=Path, dir_okay=False), help=ROSTER_HELP),
    ):
        command = option(command)
    return command


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
@folder_options
@templates_option
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
    valid = run_check(
        workbooks, fmt, show_info, layout_id, year, output, per_file_dir, roster, jobs, quiet
    )
    if not valid:
        sys.exit(EXIT_PROBLEMS)


def run_check(
    workbooks: Sequence[Path],
    fmt: str = "text",
    show_info: bool = False,
    layout_id: str | None = None,
    year: int | None = None,
    output: Path | None = None,
    per_file_dir: Path | None = None,
    roster: Path | None = None,
    jobs: int | None = None,
    quiet: bool = False,
) -> bool:
    """What `check` does, up to its exit code: True when no file has errors and none is missing.

    The returns' problems and changes go to a spool file as the workers hand them back; only a
    slim record of each return stays in memory, and the report is written from the spool.
    """
    from xlsxsheet.report import Report
    from xlsxsheet.spool import Spool

    if fmt == "xlsx" and output is None:
        raise UsageError("--format xlsx には -o で出力ファイル名を指定してください。")
    entries = read_roster_option(roster)
    paths, names = find_workbooks(tuple(workbooks))
    with Spool() as spool:
        records = spool_paths(paths, spool, jobs, quiet, layout_id, year)
        report = Report(records, expected_returns(records, entries))
        write_report(report, fmt, output, show_info, names)
        if per_file_dir is not None:
            written = write_per_file(records, names, per_file_dir, jobs)
            if not quiet:
                click.echo(f"問題のあるファイルの写し {len(written)} 件: {per_file_dir}", err=True)
        return report.valid


def write_report(
    report: Report,
    fmt: str,
    output: Path | None,
    show_info: bool = False,
    names: dict[Path, str] | None = None,
) -> None:
    """The report in `fmt`, to `output` (stdout without), written piece by piece."""
    from xlsxsheet.report import iter_json, iter_text

    if fmt == "xlsx":
        from xlsxsheet.report_xlsx import write_xlsx_report

        assert output is not None
        write_xlsx_report(report, output, show_info, names)
        return
    pieces: Iterable[str]
    if fmt == "html":
        from xlsxsheet.report_html import iter_html

        pieces = iter_html(report, show_info, names)
    elif fmt == "json":
        pieces = iter_json(report)
    else:
        pieces = _joined_lines(iter_text(report, show_info))
    emit_pieces(pieces, output)


def _joined_lines(lines: Iterable[str]) -> Iterator[str]:
    """ "\\n".join(lines), in pieces."""
    for i, line in enumerate(lines):
        yield line if i == 0 else "\n" + line


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


def find_workbooks(given: tuple[Path, ...]) -> tuple[list[Path], dict[Path, str]]:
    """The workbooks under `given`, and the name each is shown by; UsageError when none."""
    from xlsxsheet.discovery import display_name, iter_workbooks

    paths = list(iter_workbooks(given))
    if not paths:
        raise UsageError(
            "点検するブック(.xlsx/.xlsm/.xls)が見つかりません: " + ", ".join(map(str, given))
        )
    return paths, {p: str(display_name(p, given)) for p in paths}


def check_paths(
    given: tuple[Path, ...],
    jobs: int | None,
    quiet: bool,
    layout_id: str | None = None,
    year: int | None = None,
    values: bool = True,
) -> tuple[list[CheckedReturn], dict[Path, str]]:
    """Find the workbooks under `given` and check them, with a progress bar on a terminal.

    values=False: the returns' summaries without their tidy values, which only collect's CSV
    uses. Every result is kept (collect needs them all); check spools them (`spool_paths`).
    """
    paths, names = find_workbooks(given)
    return list(_checked(paths, jobs, quiet, layout_id, year, values)), names


def spool_paths(
    paths: list[Path],
    spool: Spool,
    jobs: int | None,
    quiet: bool,
    layout_id: str | None = None,
    year: int | None = None,
) -> list[ReturnRecord]:
    """Check `paths`, each return's problems and changes to `spool`: its slim record each."""
    return [spool.record(r) for r in _checked(paths, jobs, quiet, layout_id, year, False)]


def _checked(
    paths: list[Path],
    jobs: int | None,
    quiet: bool,
    layout_id: str | None,
    year: int | None,
    values: bool,
) -> Iterator[CheckedReturn]:
    """The checked returns in order as they come, with a progress bar on a terminal."""
    from xlsxsheet.batch import iter_check_returns

    registry = default_registry()
    results = iter_check_returns(paths, registry, jobs, layout_id, year, values)
    if quiet or not _is_terminal(sys.stderr):
        yield from results
        return
    with click.progressbar(
        length=len(paths), label="点検中", file=sys.stderr, show_pos=True, width=30
    ) as bar:
        for result in results:
            yield result
            bar.update(1)


def write_per_file(
    results: Sequence[Returned], names: dict[Path, str], folder: Path, jobs: int | None = None
) -> list[Path]:
    """A marked copy of each readable return with an error or warning, under `folder`.

    The problems of each are read (from the spool) only as its copy is about to be written.
    """
    from xlsxsheet.annotate import annotated_name, can_annotate, try_write_annotated
    from xlsxsheet.batch import iter_in_processes

    def calls() -> Iterator[tuple[Path, list[Problem], Path]]:
        taken: set[Path] = set()
        for r in results:
            if not r.readable or not can_annotate(r.path) or not (r.errors or r.warnings):
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
            yield (r.path, r.problems, out)

    return [p for p in iter_in_processes(try_write_annotated, calls(), jobs) if p is not None]


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):
        return False
