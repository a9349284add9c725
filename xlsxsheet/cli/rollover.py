"""The `rollover` command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from xlsxsheet.cli.common import EXIT_PROBLEMS, FiscalYear, emit, force_option, friendly
from xlsxsheet.cli.templates_option import templates_option
from xlsxsheet.office.filenames import DEFAULT_PATTERN, PLACEHOLDERS


@click.command("rollover")
@click.argument(
    "returns", nargs=-1, required=True, metavar="提出...", type=click.Path(path_type=Path)
)
@click.option("--year", type=FiscalYear(), required=True, help="作成する年度 (R3, 令和3年度, 2021)")
@click.option(
    "-o",
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="様式を書き出すフォルダ",
)
@click.option(
    "--roster",
    type=click.Path(dir_okay=False, path_type=Path),
    help="名簿 CSV (様式,施策番号,担当課[,ファイル名][,区分]; UTF-8 / Shift_JIS)",
)
@click.option(
    "--pattern",
    default=DEFAULT_PATTERN,
    show_default=True,
    help="ファイル名のパターン。使える名前: " + "、".join("{" + p + "}" for p in PLACEHOLDERS),
)
@click.option(
    "--plan",
    "plans",
    multiple=True,
    type=click.Path(path_type=Path),
    help="記入済みの計画のブック(基本計画など、フォルダも可)。目標値などはこちらを使います",
)
@click.option(
    "--plan-overrides",
    is_flag=True,
    help="計画のブックの値が前年度の提出と違うとき、計画の値にします(既定: 提出の値のまま)",
)
@click.option(
    "--param",
    "param_settings",
    multiple=True,
    metavar="様式.名前=値",
    help="様式の設定(計画期間・目標年度など)をこの値にします。例: "
    "--param shisaku-hyoka.target_year=R9(複数可。設定できる名前は xlsxsheet layouts に表示)",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="結果の形式",
)
@click.option("--all", "show_all", is_flag=True, help="様式に載らない値と情報もすべて表示")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="結果の保存先")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="同時に読むプロセス数(既定: CPU数)")
@force_option
@templates_option
@friendly
def rollover_command(
    returns: tuple[Path, ...],
    year: int,
    out_dir: Path,
    roster: Path | None,
    pattern: str,
    fmt: str,
    show_all: bool,
    report: Path | None,
    jobs: int | None,
    plans: tuple[Path, ...],
    plan_overrides: bool,
    param_settings: tuple[str, ...],
    force: bool,
) -> None:
    """今年度の提出から翌年度の様式を作ります (終了コード 1: 作れなかった提出あり) / make next
    year's templates from this year's returns.

    提出は、提出された .xlsx、またはそれを入れたフォルダです。計画に属する項目(名称・単位・
    目標値・過去の実績など)を引き継ぎ、その年度の記入(文章・判定・評価)は空にします。
    """
    from xlsxsheet.core.safe_write import check_target
    from xlsxsheet.layout.layout_names import find_layout
    from xlsxsheet.layout.param_values import layout_param_values
    from xlsxsheet.layout.registry import default_registry
    from xlsxsheet.office.rollover import render_json, render_text, rollover

    registry = default_registry()
    params = layout_param_values(lambda name: find_layout(registry, name), param_settings)
    if report is not None:
        check_target(report, force)
    result = rollover(
        returns,
        year,
        out_dir,
        roster,
        pattern,
        jobs=jobs,
        plans=plans,
        plan_overrides=plan_overrides,
        params=params,
    )
    text = render_json(result) if fmt == "json" else render_text(result, show_all)
    emit(text, report, force)
    if not result.ok:
        sys.exit(EXIT_PROBLEMS)
