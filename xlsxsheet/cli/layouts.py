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
    """使える様式(レイアウト)の一覧 / list the layouts."""
    registry = default_registry()
    rows = [
        {"id": lay.id, "version": lay.version, "title": lay.title, "file": str(lay.source)}
        for lay in registry.all()
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['id']}\tv{row['version']}\t{row['title']}")
