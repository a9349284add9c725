"""The `import` command: a city's hand-made workbook into an xlsxsheet workbook."""

from __future__ import annotations

import json
from pathlib import Path

import click

from xlsxsheet.cli.common import FiscalYear, force_option, friendly
from xlsxsheet.cli.templates_option import templates_option
from xlsxsheet.core.errors import UsageError, XlsxsheetError
from xlsxsheet.layout.registry import default_registry


@click.command("import")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--layout", "layout_id", required=True, help="取り込む様式 (例: shisaku-management)")
@click.option("--year", type=FiscalYear(), required=True, help="評価年度 (R2, 令和2年度, 2020)")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="書き出す .xlsx(フォルダを取り込むときは書き出すフォルダ)",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="報告の形式"
)
@force_option
@templates_option
@friendly
def import_command(
    source: Path, layout_id: str, year: int, output: Path, fmt: str, force: bool
) -> None:
    """市が作ったブックを見出しで読み取り、様式のブックにします / import a hand-made workbook."""
    from xlsxsheet.core.safe_write import check_target
    from xlsxsheet.label_import.importer import import_workbook, output_name, write_import
    from xlsxsheet.office.discovery import iter_workbooks

    layout = default_registry().get(layout_id)
    if not source.exists():
        raise UsageError(f"{source} が見つかりません。")
    if source.is_dir():
        if output.exists() and not output.is_dir():
            raise UsageError(
                f"フォルダを取り込むときは -o にフォルダを指定してください({output})。"
            )
        pairs = [(p, output / output_name(p, layout, year)) for p in iter_workbooks([source])]
        if not pairs:
            raise UsageError(f"{source} に .xlsx のブックがありません。")
    elif output.is_dir():  # a folder to write into
        pairs = [(source, output / output_name(source, layout, year))]
    else:
        pairs = [(source, output)]
    for _, out in pairs:  # before anything is written: no output may be there unasked
        check_target(out, force)
    results, failed = [], []
    for path, out in pairs:
        try:
            result = import_workbook(path, layout, year)
            write_import(result, out, layout, force=force)
        except XlsxsheetError as exc:
            if not source.is_dir():
                raise
            failed.append(f"{path.name}: 取り込めません: {exc}")
            continue
        results.append(result)
    if fmt == "json":
        data = [r.as_dict() for r in results]
        body = data if source.is_dir() else data[0]
        click.echo(json.dumps(body, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo("\n\n".join(r.text() for r in results))
    for line in failed:
        click.echo(line, err=True)
    if failed or not all(r.ok for r in results):
        raise SystemExit(1)
