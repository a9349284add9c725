"""The `demo` command."""

from __future__ import annotations

from pathlib import Path

import click

from xlsxsheet.cli.common import force_option, friendly
from xlsxsheet.cli.templates_option import templates_option


@click.command("demo")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("demo-out"),
    show_default=True,
    help="デモの様式・提出・点検結果・修正版を書き出すフォルダ",
)
@force_option
@templates_option
@friendly
def demo_command(output: Path, force: bool) -> None:
    """同梱の例で一連の流れを実行 / run the round trip on the bundled examples."""
    from xlsxsheet.core.errors import UsageError
    from xlsxsheet.office.demo import run_demo

    if output.exists() and not output.is_dir():
        raise UsageError(
            f"出力先 {output} はファイルです。デモを書き出すフォルダを指定してください。"
        )
    if output.is_dir() and any(output.iterdir()) and not force:
        raise UsageError(
            f"出力先フォルダ {output} は空ではありません。前回のデモを置き換えるには --force を"
            "付けてください(別のフォルダを指定することもできます)。"
        )
    for line in run_demo(output):
        click.echo(line)
