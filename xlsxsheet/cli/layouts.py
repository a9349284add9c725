"""The `layouts` command."""

from __future__ import annotations

import json

import click

from xlsxsheet.cli.common import friendly
from xlsxsheet.layout.registry import default_registry


@click.command("layouts")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    help="出力形式 / output format",
)
@friendly
def layouts_command(fmt: str) -> None:
    """使える様式(レイアウト)の一覧: ID・版・様式名・市・用途 / list the layouts."""
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
