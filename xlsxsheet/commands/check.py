"""The `check` command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from xlsxsheet.cli import EXIT_PROBLEMS, FiscalYear, emit, friendly
from xlsxsheet.layout.registry import default_registry


@click.command("check")
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--all", "show_info", is_flag=True, help="情報(読み替え)も表示")
@click.option("--layout", "layout_id", help="様式情報がないときの様式")
@click.option("--year", type=FiscalYear(), help="様式情報がないときの年度")
@click.option("-o", "--output", type=click.Path(path_type=Path))
@friendly
def check_command(
    workbooks: tuple[Path, ...],
    fmt: str,
    show_info: bool,
    layout_id: str | None,
    year: int | None,
    output: Path | None,
) -> None:
    """点検して問題を報告 (終了コード 0: エラーなし / 1: エラーあり) / check workbooks."""
    from xlsxsheet.pipeline import check_file
    from xlsxsheet.report import Report, render_json, render_text

    report = Report([check_file(p, default_registry(), layout_id, year) for p in workbooks])
    text = render_json(report) if fmt == "json" else render_text(report, show_info)
    emit(text, output)
    if not report.valid:
        sys.exit(EXIT_PROBLEMS)
