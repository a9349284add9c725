"""The `demo` command."""

from __future__ import annotations

from pathlib import Path

import click

from xlsxsheet.cli import friendly
from xlsxsheet.commands.templates_option import templates_option


@click.command("demo")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), default=Path("demo-out"), show_default=True
)
@templates_option
@friendly
def demo_command(output: Path) -> None:
    """同梱の例で一連の流れを実行 / run the round trip on the bundled examples."""
    from xlsxsheet.demo import run_demo

    for line in run_demo(output):
        click.echo(line)
