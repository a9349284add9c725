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
    from xlsxsheet.checks.pipeline import check_file
    from xlsxsheet.copies.corrected import write_fixed
    from xlsxsheet.copies.workbook_copy import refuse_source
    from xlsxsheet.core.errors import WorkbookError
    from xlsxsheet.core.safe_write import check_target
    from xlsxsheet.layout.layout_names import layout_id_of

    refuse_source(workbook, output)
    check_target(output, force)
    checked = check_file(
        workbook, default_registry(), layout_id_of(default_registry(), layout_id), year
    )
    if checked.read is None:
        raise WorkbookError(str(workbook), checked.problems[0].code, checked.problems[0].message)
    write_fixed(checked, output, force)
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
