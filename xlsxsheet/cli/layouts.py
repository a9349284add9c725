"""The `layouts` command."""

from __future__ import annotations

import json
from pathlib import Path

import click

from xlsxsheet.cli.common import friendly
from xlsxsheet.cli.templates_option import templates_option
from xlsxsheet.layout.registry import default_registry


@click.command("layouts")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    help="出力形式 / output format",
)
@click.option(
    "--check",
    "check_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="レイアウトファイルを検査し、項目と定義名を表示 / validate a layout file",
)
@templates_option
@friendly
def layouts_command(fmt: str, check_file: Path | None) -> None:
    """使える様式(レイアウト)の一覧: ID・版・様式名・市・用途 / list the layouts."""
    if check_file is not None:
        from xlsxsheet.plan.describe_layout import describe_layout_file

        for line in describe_layout_file(check_file):
            click.echo(line)
        return
    registry = default_registry()
    rows = [
        {
            "id": lay.id,
            "version": lay.version,
            "title": lay.title,
            "city": lay.city,
            "purpose": lay.purpose or lay.description,
            "file": str(lay.source),
        }
        for lay in registry.all()
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['id']}\tv{row['version']}\t{row['title']}\t{row['city'] or '(市名なし)'}")
        if row["purpose"]:
            click.echo(f"    {row['purpose']}")
    click.echo(
        "様式を作るには: xlsxsheet template <ID または様式名> --year R2 -o 様式.xlsx", err=True
    )
