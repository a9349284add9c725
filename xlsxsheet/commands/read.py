"""The `read` command."""

from __future__ import annotations

from pathlib import Path

import click

from xlsxsheet import strict_json
from xlsxsheet.cli import FiscalYear, emit, friendly
from xlsxsheet.data_files import dump_yaml
from xlsxsheet.layout.registry import default_registry


@click.command("read")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "yaml"]), default="json")
@click.option("--flat", is_flag=True, help="項目ごとに1レコード / one record per field")
@click.option("--layout", "layout_id", help="様式情報がないときの様式")
@click.option("--year", type=FiscalYear(), help="様式情報がないときの年度")
@click.option("-o", "--output", type=click.Path(path_type=Path))
@friendly
def read_command(
    workbook: Path,
    fmt: str,
    flat: bool,
    layout_id: str | None,
    year: int | None,
    output: Path | None,
) -> None:
    """記入済みブックを読み、正規化したデータを出力 / print the normalised document."""
    from xlsxsheet.reading import read_file

    result = read_file(workbook, default_registry(), layout_id, year)
    data = result.flat() if flat else result.document()
    text = strict_json.dumps(data, ensure_ascii=False, indent=2) if fmt == "json" else dump_yaml(data)
    emit(text.rstrip("\n"), output)
