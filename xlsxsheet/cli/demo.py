"""The `demo` command."""

from __future__ import annotations

from pathlib import Path

import click

from xlsxsheet.cli.common import friendly


@click.command("demo")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("demo-out"),
    show_default=True,
    help="デモの様式・提出・点検結果・修正版を書き出すフォルダ",
)
@friendly
def demo_command(output: Path) -> None:
    """同梱の例で一連の流れを実行 / run the round trip on the bundled examples."""
    from xlsxsheet.office.demo import run_demo

    for line in run_demo(output):
        click.echo(line)
