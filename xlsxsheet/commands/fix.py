"""The `fix` command."""

from __future__ import annotations

from pathlib import Path

import click

from xlsxsheet.cli import FiscalYear, friendly
from xlsxsheet.commands.templates_option import templates_option
from xlsxsheet.layout.registry import default_registry


@click.command("fix")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="修正版の .xlsx (入力ファイルは変更しません)",
)
@click.option("--layout", "layout_id", help="様式情報がないときの様式")
@click.option("--year", type=FiscalYear(), help="様式情報がないときの年度")
@templates_option
@friendly
def fix_command(workbook: Path, output: Path, layout_id: str | None, year: int | None) -> None:
    """再計算・修正した写しを作成 / write a recomputed, corrected copy."""
    from xlsxsheet.errors import WorkbookError
    from xlsxsheet.fixer import write_fixed
    from xlsxsheet.pipeline import check_file

    checked = check_file(workbook, default_registry(), layout_id, year)
    if checked.read is None:
        raise WorkbookError(str(workbook), checked.problems[0].code, checked.problems[0].message)
    write_fixed(checked, output)
    remaining = [
        p
        for p in checked.problems
        if p.severity == "error"
        and p.code
        not in {"formula-overwritten", "total-mismatch", "judgement-mismatch", "formula-changed"}
    ]
    click.echo(
        f"{output} に修正版を書き出しました: 修正 {len(checked.changes)} 件"
        f"(修正履歴シート参照)。手作業で直すべきエラー {len(remaining)} 件。",
        err=True,
    )
