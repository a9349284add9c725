"""The `fix` command."""

from __future__ import annotations

from pathlib import Path

import click

from xlsxsheet.cli.common import FiscalYear, force_option, friendly
from xlsxsheet.cli.templates_option import templates_option
from xlsxsheet.layout.registry import default_registry


@click.command("fix")
@click.argument("workbook", metavar="ブック", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="修正版の .xlsx (入力ファイルは変更しません)",
)
@click.option("--layout", "layout_id", help="様式情報がないときの様式 (ID か様式名)")
@click.option("--year", type=FiscalYear(), help="様式情報がないときの年度")
@force_option
@templates_option
@friendly
def fix_command(
    workbook: Path, output: Path, layout_id: str | None, year: int | None, force: bool
) -> None:
    """再計算・修正した写しを作成 / write a recomputed, corrected copy."""
    from xlsxsheet.layout.layout_names import layout_id_of
    from xlsxsheet.office.fixing import errors_left, fix_path

    registry = default_registry()
    checked = fix_path(workbook, output, layout_id_of(registry, layout_id), year, force, registry)
    click.echo(
        f"{output} に修正版を書き出しました: 修正 {len(checked.changes)} 件"
        f"(修正履歴シート参照)。手作業で直すべきエラー {errors_left(checked)} 件。",
        err=True,
    )
