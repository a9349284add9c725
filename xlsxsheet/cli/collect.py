"""The `collect` command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from xlsxsheet.cli.check import checked_with_progress, folder_options
from xlsxsheet.cli.common import EXIT_PROBLEMS, force_option, friendly
from xlsxsheet.cli.templates_option import templates_option

if TYPE_CHECKING:
    from xlsxsheet.office.collecting import Collected


@click.command("collect")
@click.argument(
    "folders",
    nargs=-1,
    required=True,
    metavar="フォルダまたはブック...",
    type=click.Path(path_type=Path),
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="集計ブック(.xlsx)",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="1行1値の機械判読用CSV(UTF-8 BOM付き)",
)
@folder_options
@force_option
@templates_option
@friendly
def collect_command(
    folders: tuple[Path, ...],
    output: Path,
    csv_path: Path | None,
    roster: Path | None,
    jobs: int | None,
    quiet: bool,
    force: bool,
) -> None:
    """提出された様式を集計 (評価総括表・コスト集計・要対応一覧) / sum up a folder of returns.

    \b
    終了コード 0: 問題なし
    1: 集計したブックにエラーあり・読めない・未提出あり(集計ブックは書き出します)
    2: 指定の誤り

    フォルダかファイルを指定します。同じ様式・年度・番号の提出が複数あるときは更新日時の新しい
    ファイルを集計に使い、「重複」シートに一覧にします。--roster の名簿にあって提出のないものは
    「要対応」と「名簿照合」シートに未提出として載せます。
    """
    from xlsxsheet.office.collecting import collect_paths

    done = collect_paths(
        folders,
        output,
        csv_path,
        roster,
        jobs,
        force,
        checking=lambda paths: checked_with_progress(paths, jobs, quiet, None, None, True),
    )
    if not quiet or not done.valid:  # --quiet, but never a silent exit code 1
        _say_counts(done, output, csv_path)
    if not done.valid:
        sys.exit(EXIT_PROBLEMS)


def _say_counts(done: Collected, output: Path, csv_path: Path | None) -> None:
    """The line `collect` ends with: how many files were summed, left out, unreadable…"""
    from xlsxsheet.office.report import count_files

    collection, results = done.collection, done.results
    counts = count_files(list(results))
    unreadable, broken = counts["unreadable"], counts["layout_broken"]
    with_errors = sum(r.readable and r.errors > 0 for r in results)
    missing = "" if collection.expected is None else f"、未提出 {len(collection.missing())}"
    click.echo(
        f"{len(results)} ファイル: 集計に使用 {len(collection.kept)}、"
        f"重複のため除外 {len(collection.dropped())}、読めない {unreadable}、"
        + (f"様式定義の誤りで点検できない {broken}、" if broken else "")
        + f"エラーあり {with_errors}{missing} → {output}"
        + (f"、{csv_path}" if csv_path is not None else ""),
        err=True,
    )
