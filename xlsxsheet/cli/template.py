"""The `template` command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from xlsxsheet.cli.common import FiscalYear, force_option, friendly
from xlsxsheet.cli.templates_option import templates_option
from xlsxsheet.core.data_files import load_document
from xlsxsheet.core.errors import UsageError
from xlsxsheet.core.fiscal_year import long_label
from xlsxsheet.layout.registry import default_registry


@click.command("template")
@click.argument("layout_id", metavar="様式")
@click.option(
    "--year",
    type=FiscalYear(),
    help="評価年度 (R2, 令和2年度, 2020)。必須(--data の年度を使うときは省略可)",
)
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
    "--param",
    "param_settings",
    multiple=True,
    metavar="名前=値",
    help="様式の設定(計画期間・目標年度など)。例: --param target_year=R9"
    "(複数可。設定できる名前は xlsxsheet layouts に表示)",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="書き出す .xlsx"
)
@force_option
@templates_option
@friendly
def template_command(
    layout_id: str,
    year: int | None,
    data_path: Path | None,
    plan_path: Path | None,
    output: Path,
    param_settings: tuple[str, ...],
    force: bool,
) -> None:
    """様式の .xlsx を作ります / write a template workbook.

    様式は ID (shisaku-management) か様式名 (施策マネジメントシート)。xlsxsheet layouts で一覧。
    """
    from xlsxsheet.core.safe_write import atomic_path, check_target
    from xlsxsheet.layout.layout_names import find_layout
    from xlsxsheet.writing.make_template import make_template, plan_for_document

    check_target(output, force)
    layout = find_layout(default_registry(), layout_id)
    doc = load_document(data_path) if data_path else None
    if param_settings:  # given here: over those of --data
        from xlsxsheet.layout.param_values import param_values

        given = param_values(layout, param_settings)
        doc = dict(doc or {})
        doc["params"] = dict(doc.get("params") or {}) | given
    if year is None and not (doc or {}).get("year"):
        raise UsageError(
            "--year で評価年度を指定してください(例: --year R2、--year 令和2年度、--year 2020)。"
        )
    skipped: list[str] = []
    if plan_path is not None:
        from xlsxsheet.writing.prefill import merge, prefill

        filled = prefill(_read(plan_path, None, None), plan_for_document(layout, year, doc))
        doc = merge(filled.document, doc or {})  # values of --data win
        skipped = filled.skipped
        click.echo(f"{plan_path} から {filled.filled} 項目を引き継ぎます。", err=True)
    with atomic_path(output, force) as temp:
        plan = make_template(layout, temp, year, doc)
    for note in skipped:
        click.echo(f"  引き継がなかった値: {note}", err=True)
    click.echo(f"{output} を作成しました({layout.title}、{long_label(plan.year)})。", err=True)


def _read(path: Path, layout_id: str | None, year: int | None) -> Any:
    from xlsxsheet.reading.return_reader import read_file

    return read_file(path, default_registry(), layout_id, year)
