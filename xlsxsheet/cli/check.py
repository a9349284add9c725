"""The `check` command."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from xlsxsheet.cli.common import EXIT_PROBLEMS, FiscalYear, emit_pieces, force_option, friendly
from xlsxsheet.cli.templates_option import templates_option
from xlsxsheet.core.errors import UsageError
from xlsxsheet.layout.layout_names import layout_id_of
from xlsxsheet.layout.registry import default_registry

if TYPE_CHECKING:
    from xlsxsheet.core.problems import Problem
    from xlsxsheet.office.batch import CheckedReturn
    from xlsxsheet.office.report import Report
    from xlsxsheet.office.roster import RosterEntry
    from xlsxsheet.office.roster_match import Expected, Returned
    from xlsxsheet.office.spool import ReturnRecord, Spool

T = TypeVar("T")
JOBS_HELP = "同時に点検するプロセス数(既定: CPU数、1: 並列なし)"
ROSTER_HELP = (
    "名簿CSV(様式,施策番号,担当課[,ファイル名]、UTF-8 か Shift_JIS): 名簿にあって提出のない"
    "ものを未提出として報告"
)


def jobs_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of every command over folders (check, collect, fix): --jobs and --quiet."""
    for option in (
        click.option("-q", "--quiet", is_flag=True, help="進捗と案内を表示しない"),
        click.option("-j", "--jobs", type=click.IntRange(min=1), help=JOBS_HELP),
    ):
        command = option(command)
    return command


def folder_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options check and collect share: --roster, --jobs and --quiet."""
    roster = click.option(
        "--roster", type=click.Path(path_type=Path, dir_okay=False), help=ROSTER_HELP
    )
    return roster(jobs_options(command))


@click.command("check")
@click.argument(
    "workbooks",
    nargs=-1,
    required=True,
    metavar="ブックまたはフォルダ...",
    type=click.Path(path_type=Path),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html", "xlsx"]),
    default="text",
    show_default=True,
    help="報告の形式(xlsx は -o が必要)",
)
@click.option("--all", "show_info", is_flag=True, help="情報(読み替え)も表示")
@click.option("--layout", "layout_id", help="様式情報がないときの様式 (ID か様式名)")
@click.option(
    "--year",
    type=FiscalYear(),
    help="点検する年度: 様式情報の年度が違うブックは year-mismatch(エラー)、"
    "様式情報のないブックはこの年度で読みます",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="報告を書き出すファイル(省略時は画面)"
)
@click.option(
    "--per-file-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="問題のあるファイルごとに、問題のセルに色とコメントを付けた写しを書くフォルダ",
)
@folder_options
@force_option
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
    force: bool,
) -> None:
    """点検して問題を報告 (終了コード 0: エラーなし / 1: エラーあり・読めない・未提出あり /
    2: 指定の誤り) / check workbooks.

    ブックまたはフォルダ: ファイルかフォルダ(中の .xlsx/.xlsm/.xls をすべて点検)。
    """
    valid = run_check(
        workbooks,
        fmt,
        show_info,
        layout_id,
        year,
        output,
        per_file_dir,
        roster,
        jobs,
        quiet,
        force,
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
    force: bool = False,
) -> bool:
    """What `check` does, up to its exit code: True when no file has errors and none is missing.

    The returns' problems and changes go to a spool file as the workers hand them back; only a
    slim record of each return stays in memory, and the report is written from the spool.
    """
    from xlsxsheet.core.safe_write import check_target
    from xlsxsheet.office.collecting import find_workbooks
    from xlsxsheet.office.output_places import refuse_inside_inputs
    from xlsxsheet.office.report import Report
    from xlsxsheet.office.spool import Spool

    if fmt == "xlsx" and output is None:
        raise UsageError("--format xlsx には -o で出力ファイル名を指定してください。")
    layout_id = layout_id_of(default_registry(), layout_id)
    if output is not None:
        check_target(output, force)
    if per_file_dir is not None:
        refuse_inside_inputs(per_file_dir, workbooks, "--per-file-dir")
    entries = read_roster_option(roster)
    paths, names = find_workbooks(tuple(workbooks))
    with Spool() as spool:
        records = spool_paths(paths, spool, jobs, quiet, layout_id, year)
        report = Report(records, expected_returns(records, entries))
        write_report(report, fmt, output, show_info, names, force)
        if output is not None and not quiet:
            click.echo(written_message(report, output), err=True)
        if per_file_dir is not None:
            failed: list[Path] = []
            written = write_per_file(records, names, per_file_dir, jobs, force, failed)
            for path in failed:  # never silently: the report still lists its problems
                click.echo(
                    f"{names.get(path, path.name)} の写しは作れませんでした(問題は報告に載っています)。",
                    err=True,
                )
            if not quiet:
                click.echo(f"問題のあるファイルの写し {len(written)} 件: {per_file_dir}", err=True)
        return report.valid


def written_message(report: Report, output: Path) -> str:
    """What `check -o` says on the terminal: the file written and the counts."""
    from xlsxsheet.office.report import counts_text

    stats = report.stats()
    missing = f"、未提出 {stats['missing']}" if "missing" in stats else ""
    return f"点検結果を {output} に書き出しました: {counts_text(stats)}{missing}"


def write_report(
    report: Report,
    fmt: str,
    output: Path | None,
    show_info: bool = False,
    names: dict[Path, str] | None = None,
    force: bool = False,
) -> None:
    """The report in `fmt`, to `output` (stdout without), written piece by piece."""
    from xlsxsheet.office.report import iter_json, iter_text

    if fmt == "xlsx":
        from xlsxsheet.core.safe_write import atomic_path
        from xlsxsheet.office.report_xlsx import write_xlsx_report

        assert output is not None
        with atomic_path(output, force) as temp:
            write_xlsx_report(report, temp, show_info, names)
        return
    pieces: Iterable[str]
    if fmt == "html":
        from xlsxsheet.office.report_html import iter_html

        pieces = iter_html(report, show_info, names)
    elif fmt == "json":
        pieces = iter_json(report)
    else:
        pieces = _joined_lines(iter_text(report, show_info))
    emit_pieces(pieces, output, force)


def _joined_lines(lines: Iterable[str]) -> Iterator[str]:
    """ "\\n".join(lines), in pieces."""
    for i, line in enumerate(lines):
        yield line if i == 0 else "\n" + line


def read_roster_option(roster: Path | None) -> list[RosterEntry] | None:
    """The rows of `--roster` (read before any workbook, so a bad roster stops at once)."""
    if roster is None:
        return None
    from xlsxsheet.office.roster_match import read_expected

    return read_expected(roster, default_registry())


def expected_returns(
    results: list[CheckedReturn], entries: list[RosterEntry] | None
) -> list[Expected] | None:
    """Each roster row with the return answering it; None without a roster."""
    if entries is None:
        return None
    from xlsxsheet.office.roster_match import match_roster

    return match_roster(results, entries, default_registry())


def spool_paths(
    paths: list[Path],
    spool: Spool,
    jobs: int | None,
    quiet: bool,
    layout_id: str | None = None,
    year: int | None = None,
) -> list[ReturnRecord]:
    """Check `paths`, each return's problems and changes to `spool`: its slim record each."""
    return [
        spool.record(r) for r in checked_with_progress(paths, jobs, quiet, layout_id, year, False)
    ]


def checked_with_progress(
    paths: list[Path],
    jobs: int | None,
    quiet: bool,
    layout_id: str | None,
    year: int | None,
    values: bool,
) -> Iterator[CheckedReturn]:
    """The checked returns in order as they come, with a progress bar on a terminal."""
    from xlsxsheet.office.batch import iter_check_returns

    registry = default_registry()
    results = iter_check_returns(paths, registry, jobs, layout_id, year, values)
    yield from with_progress(results, len(paths), "点検中", quiet)


def with_progress(items: Iterable[T], length: int, label: str, quiet: bool) -> Iterator[T]:
    """`items` as they come, with a progress bar of `length` steps on a terminal's stderr."""
    if quiet or not _is_terminal(sys.stderr):
        yield from items
        return
    with click.progressbar(
        length=length, label=label, file=sys.stderr, show_pos=True, width=30
    ) as bar:
        for item in items:
            yield item
            bar.update(1)


def write_per_file(
    results: Sequence[Returned],
    names: dict[Path, str],
    folder: Path,
    jobs: int | None = None,
    force: bool = False,
    failed: list[Path] | None = None,
) -> list[Path]:
    """A marked copy of each readable return with an error or warning, under `folder`.

    Every copy's name is decided (and an existing one refused, unless `force`) before any is
    written; the problems of each are read (from the spool) only as its copy is written. The
    returns whose copy could not be made are added to `failed`.
    """
    from xlsxsheet.copies.marked import annotated_name, can_annotate, try_write_annotated
    from xlsxsheet.office.batch import iter_in_processes
    from xlsxsheet.office.filenames import safe_workbook_name

    def copy_name(relative: Path) -> str:  # a name Windows takes, whatever the file was named
        return safe_workbook_name(annotated_name(relative))

    planned: list[tuple[Returned, Path]] = []
    taken: set[Path] = set()
    for r in results:
        if not r.readable or not can_annotate(r.path) or not (r.errors or r.warnings):
            continue
        relative = Path(names.get(r.path, r.path.name))
        out = folder / relative.parent / copy_name(relative)
        n = 2
        while out in taken:
            out = folder / relative.parent / copy_name(relative.with_stem(f"{relative.stem}({n})"))
            n += 1
        taken.add(out)
        planned.append((r, out))
    existing = [out for _, out in planned if out.exists()]
    if existing and not force:
        shown = "、".join(str(p) for p in existing[:3]) + (" ほか" if len(existing) > 3 else "")
        raise UsageError(
            f"--per-file-dir に写しがすでにあります({len(existing)} 件: {shown})。"
            "上書きするには --force を付けるか、別のフォルダを指定してください。"
        )

    def calls() -> Iterator[tuple[Path, list[Problem], Path, bool]]:
        for r, out in planned:
            yield (r.path, r.problems, out, force)

    done = list(iter_in_processes(try_write_annotated, calls(), jobs))
    if failed is not None:
        failed.extend(r.path for (r, _), out in zip(planned, done, strict=True) if out is None)
    return [p for p in done if p is not None]


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):
        return False
