"""The command line: a thin layer over the library; every error becomes a Japanese message."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from xlsxsheet import __version__
from xlsxsheet.data_files import dump_yaml, load_document
from xlsxsheet.errors import XlsxsheetError
from xlsxsheet.fiscal_year import FiscalYearError, long_label, parse_fiscal_year
from xlsxsheet.layout.registry import default_registry

F = TypeVar("F", bound=Callable[..., Any])
EXIT_PROBLEMS = 1


def friendly(func: F) -> F:
    """Turn library errors into click errors (exit 1 with a message, no traceback)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except XlsxsheetError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


class FiscalYear(click.ParamType):
    name = "年度"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            return parse_fiscal_year(value)
        except FiscalYearError as exc:
            self.fail(str(exc), param, ctx)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text)
    else:
        Path(output).write_text(text + "\n", encoding="utf-8")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xlsxsheet")
def main() -> None:
    """xlsxsheet: 施策評価シートの様式作成・読み取り・点検・修正を行います。

    Templates, reading, checking and correcting of Japanese city-hall evaluation sheets.
    """


@main.command("layouts")
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


@main.command("template")
@click.argument("layout_id")
@click.option("--year", type=FiscalYear(), help="評価年度 (R2, 令和2年度, 2020)")
@click.option(
    "--data",
    "data_path",
    type=click.Path(path_type=Path),
    help="記入済みにするデータ (read の JSON、または YAML)",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="書き出す .xlsx"
)
@friendly
def template_command(
    layout_id: str, year: int | None, data_path: Path | None, output: Path
) -> None:
    """様式の .xlsx を作ります / write a template workbook."""
    from xlsxsheet.templating import make_template

    layout = default_registry().get(layout_id)
    doc = load_document(data_path) if data_path else None
    plan = make_template(layout, output, year, doc)
    click.echo(f"{output} を作成しました({layout.title}、{long_label(plan.year)})。", err=True)


def _read(path: Path, layout_id: str | None, year: int | None) -> Any:
    from xlsxsheet.reading import read_file

    return read_file(path, default_registry(), layout_id, year)


@main.command("read")
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
    result = _read(workbook, layout_id, year)
    data = result.flat() if flat else result.document()
    text = json.dumps(data, ensure_ascii=False, indent=2) if fmt == "json" else dump_yaml(data)
    _emit(text.rstrip("\n"), output)


@main.command("check")
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
    _emit(text, output)
    if not report.valid:
        sys.exit(EXIT_PROBLEMS)


@main.command("fix")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="修正版の .xlsx (入力ファイルは変更しません)",
)
@click.option("--layout", "layout_id", help="様式情報がないときの様式")
@click.option("--year", type=FiscalYear(), help="様式情報がないときの年度")
@friendly
def fix_command(workbook: Path, output: Path, layout_id: str | None, year: int | None) -> None:
    """再計算・修正した写しを作成 / write a recomputed, corrected copy."""
    from xlsxsheet.errors import WorkbookError
    from xlsxsheet.fixer import write_fixed
    from xlsxsheet.pipeline import check_file

    checked = check_file(workbook, default_registry(), layout_id, year)
    if checked.read is None:
        raise WorkbookError(str(workbook), checked.problems[0].code, checked.problems[0].message)
    write_fixed(checked, output)
    remaining = [
        p
        for p in checked.problems
        if p.severity == "error"
        and p.code
        not in {"formula-overwritten", "total-mismatch", "judgement-mismatch", "formula-changed"}
    ]
    click.echo(
        f"{output} に修正版を書き出しました: 修正 {len(checked.changes)} 件"
        f"(修正履歴シート参照)。手作業で直すべきエラー {len(remaining)} 件。",
        err=True,
    )


@main.command("demo")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), default=Path("demo-out"), show_default=True
)
@friendly
def demo_command(output: Path) -> None:
    """同梱の例で一連の流れを実行 / run the round trip on the bundled examples."""
    from xlsxsheet.demo import run_demo

    for line in run_demo(output):
        click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    main()
