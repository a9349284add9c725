"""The `template` command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from xlsxsheet.cli import FiscalYear, friendly
from xlsxsheet.commands.templates_option import templates_option
from xlsxsheet.data_files import load_document
from xlsxsheet.fiscal_year import long_label
from xlsxsheet.layout.registry import default_registry


@click.command("template")
@click.argument("layout_id")
@click.option("--year", type=FiscalYear(), help="評価年度 (R2, 令和2年度, 2020)")
@click.option(
    "--data",
    "data_path",
    type=click.Path(path_type=Path),
    help="記入済みにするデータ (read の JSON、または YAML)",
)
@click.option(
    "--plan",
    "plan_path",
    type=click.Path(path_type=Path),
    help="記入済みの計画のブック(例: 基本計画)。その指標・目標値などを引き継ぎます",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="書き出す .xlsx"
)
@templates_option
@friendly
def template_command(
    layout_id: str,
    year: int | None,
    data_path: Path | None,
    plan_path: Path | None,
    output: Path,
) -> None:
    """様式の .xlsx を作ります / write a template workbook."""
    from xlsxsheet.templating import make_template, plan_for_document

    layout = default_registry().get(layout_id)
    doc = load_document(data_path) if data_path else None
    skipped: list[str] = []
    if plan_path is not None:
        from xlsxsheet.prefill import merge, prefill

        filled = prefill(_read(plan_path, None, None), plan_for_document(layout, year, doc))
        doc = merge(filled.document, doc or {})  # values of --data win
        skipped = filled.skipped
        click.echo(f"{plan_path} から {filled.filled} 項目を引き継ぎます。", err=True)
    plan = make_template(layout, output, year, doc)
    for note in skipped:
        click.echo(f"  引き継がなかった値: {note}", err=True)
    click.echo(f"{output} を作成しました({layout.title}、{long_label(plan.year)})。", err=True)


def _read(path: Path, layout_id: str | None, year: int | None) -> Any:
    from xlsxsheet.reading import read_file

    return read_file(path, default_registry(), layout_id, year)
