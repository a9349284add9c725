"""The `read` command."""

from __future__ import annotations

from pathlib import Path

import click

from xlsxsheet.cli.common import FiscalYear, emit, force_option, friendly
from xlsxsheet.cli.templates_option import templates_option
from xlsxsheet.core import strict_json
from xlsxsheet.core.data_files import dump_yaml
from xlsxsheet.layout.registry import default_registry


@click.command("read")
@click.argument("workbook", metavar="ブック", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "yaml"]),
    default="json",
    show_default=True,
    help="出力形式",
)
@click.option("--flat", is_flag=True, help="項目ごとに1レコード / one record per field")
@click.option("--layout", "layout_id", help="様式情報がないときの様式 (ID か様式名)")
@click.option(
    "--year",
    type=FiscalYear(),
    help="点検する年度: 様式情報の年度が違うブックは year-mismatch(エラー)、"
    "様式情報のないブックはこの年度で読みます",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="書き出すファイル(省略時は画面)"
)
@force_option
@templates_option
@friendly
def read_command(
    workbook: Path,
    fmt: str,
    flat: bool,
    layout_id: str | None,
    year: int | None,
    output: Path | None,
    force: bool,
) -> None:
    """記入済みブックを読み、正規化したデータを出力 / print the normalised document."""
    from xlsxsheet.core.safe_write import check_target
    from xlsxsheet.layout.layout_names import layout_id_of
    from xlsxsheet.reading.return_reader import read_file

    if output is not None:
        check_target(output, force)

    result = read_file(
        workbook, default_registry(), layout_id_of(default_registry(), layout_id), year
    )
    data = result.flat() if flat else result.document()
    text = (
        strict_json.dumps(data, ensure_ascii=False, indent=2) if fmt == "json" else dump_yaml(data)
    )
    emit(text.rstrip("\n"), output, force)
