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
@click.option(
    "--data",
    "documents",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="同梱の例の代わりに、この記入例(.yaml / .json、複数可)で実行 / your own example documents",
)
@force_option
@templates_option
@friendly
def demo_command(output: Path, documents: tuple[Path, ...], force: bool) -> None:
    """同梱の例で一連の流れを実行 / run the round trip on the bundled examples.

    自分の様式は --templates フォルダ と --data 記入例.yaml で試せます。
    """
    from xlsxsheet.core.errors import UsageError
    from xlsxsheet.office.demo import run_demo

    for document in documents:
        if not document.is_file():
            raise UsageError(f"記入例 {document} が見つかりません。")
    stems = [document.stem for document in documents]
    twice = sorted({stem for stem in stems if stems.count(stem) > 1})
    if twice:
        raise UsageError(
            f"記入例のファイル名 {'、'.join(twice)} が重なっています(結果は名前ごとのフォルダに"
            "書き出します)。ファイル名を変えてください。"
        )

    if output.exists() and not output.is_dir():
        raise UsageError(
            f"出力先 {output} はファイルです。デモを書き出すフォルダを指定してください。"
        )
    if output.is_dir() and any(output.iterdir()) and not force:
        raise UsageError(
            f"出力先フォルダ {output} は空ではありません。前回のデモを置き換えるには --force を"
            "付けてください(別のフォルダを指定することもできます)。"
        )
    for line in run_demo(output, documents or None):
        click.echo(line)
