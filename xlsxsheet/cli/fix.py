"""The `fix` command: one return to one corrected copy, or files and folders to a folder."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from xlsxsheet.cli.check import checked_with_progress, jobs_options, with_progress
from xlsxsheet.cli.common import EXIT_PROBLEMS, FiscalYear, force_option, friendly
from xlsxsheet.cli.templates_option import templates_option
from xlsxsheet.layout.registry import default_registry

if TYPE_CHECKING:
    from xlsxsheet.office.fixing_folder import FolderFix


@click.command("fix")
@click.argument(
    "workbooks",
    nargs=-1,
    required=True,
    metavar="ブックまたはフォルダ...",
    type=click.Path(path_type=Path),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="修正版のファイル(.xlsx)。フォルダか複数のブックを指定したときは、修正版を書き出す"
    "フォルダ(入力ファイルは変更しません)",
)
@click.option("--layout", "layout_id", help="様式情報がないときの様式 (ID か様式名)")
@click.option(
    "--year",
    type=FiscalYear(),
    help="点検する年度: 様式情報の年度が違うブックは year-mismatch(エラー)、"
    "様式情報のないブックはこの年度で読みます",
)
@jobs_options
@force_option
@templates_option
@friendly
def fix_command(
    workbooks: tuple[Path, ...],
    output: Path,
    layout_id: str | None,
    year: int | None,
    jobs: int | None,
    quiet: bool,
    force: bool,
) -> None:
    """再計算・修正した写しを作成 (終了コード 0: すべて読めた / 1: 読めない・書けないものあり /
    2: 指定の誤り) / write recomputed, corrected copies.

    ブック1つなら -o がその修正版のファイルです。フォルダか複数のブックなら -o はフォルダで、
    直すもののある提出ごとに「元の名前_修正版.xlsx」を元のサブフォルダの構成のまま書き出します。
    """
    from xlsxsheet.layout.layout_names import layout_id_of

    layout_id = layout_id_of(default_registry(), layout_id)
    if len(workbooks) == 1 and not workbooks[0].is_dir():
        fix_one(workbooks[0], output, layout_id, year, force)
        return
    done = fix_many(workbooks, output, layout_id, year, jobs, quiet, force)
    if not done.ok:
        sys.exit(EXIT_PROBLEMS)


def fix_one(
    workbook: Path, output: Path, layout_id: str | None, year: int | None, force: bool
) -> None:
    """One return's corrected copy at `output`."""
    from xlsxsheet.office.fixing import errors_left, fix_path

    checked = fix_path(workbook, output, layout_id, year, force, default_registry())
    click.echo(
        f"{output} に修正版を書き出しました: 修正 {len(checked.changes)} 件"
        f"(修正履歴シート参照)。手作業で直すべきエラー {errors_left(checked)} 件。",
        err=True,
    )


def fix_many(
    workbooks: Sequence[Path],
    folder: Path,
    layout_id: str | None,
    year: int | None,
    jobs: int | None,
    quiet: bool,
    force: bool,
) -> FolderFix:
    """The returns under `workbooks` fixed into `folder`, with what became of each on stderr."""
    from xlsxsheet.office.fixing_folder import fix_paths

    done = fix_paths(
        workbooks,
        folder,
        layout_id,
        year,
        jobs,
        force,
        default_registry(),
        checking=lambda paths: checked_with_progress(paths, jobs, quiet, layout_id, year, False),
        writing=lambda written, n: with_progress(written, n, "修正版を作成中", quiet),
    )
    for r in done.renamed:  # never silently: the name differs from what the office expects
        click.echo(
            f"{r.path} の修正版は、{r.other} の修正版と名前が重なるため {r.out.name} にしました。",
            err=True,
        )
    for r in done.unreadable:
        what = "様式定義の誤りで点検できません" if r.layout_broken else "読めません"
        click.echo(f"{what}: {r.name}: {r.failure}", err=True)
    for r in done.not_written:
        click.echo(f"修正版を書き出せません: {r.name}: {r.failure}", err=True)
    if not quiet:
        for r in done.returns:  # what the departments must still fix by hand, by return
            if r.readable and r.errors_left:
                where = f"修正版 {r.out}" if r.out is not None else "修正版なし"
                click.echo(f"手で直すエラー {r.errors_left} 件: {r.name}({where})", err=True)
        click.echo(f"{done.summary()} → {folder}", err=True)
    return done
