"""The `layouts` command."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from xlsxsheet.cli.common import EXIT_PROBLEMS, friendly
from xlsxsheet.cli.templates_option import templates_option
from xlsxsheet.layout.registry import default_registry


@click.command("layouts")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    help="出力形式 / output format",
)
@click.option(
    "--check",
    "check_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="レイアウトファイルを検査し、項目と定義名を表示 / validate a layout file",
)
@templates_option
@friendly
def layouts_command(fmt: str, check_file: Path | None) -> None:
    """使える様式(レイアウト)の一覧: ID・版・様式名・市・用途 / list the layouts."""
    if check_file is not None:
        from xlsxsheet.plan.describe_layout import describe_layout_file

        # every step first, then what they found: a mistake only the plan or the trial
        # template finds is said alone, never after 「正しく読めました」
        lines = [*describe_layout_file(check_file), _trial_template(check_file)]
        for line in lines:
            click.echo(line)
        return
    registry = default_registry()
    layouts, broken = registry.loadable()
    rows = [
        {
            "id": lay.id,
            "version": lay.version,
            "title": lay.title,
            "city": lay.city,
            "purpose": lay.purpose or lay.description,
            "file": str(lay.source),
            "params": {
                p.id: {"label": p.label, "type": p.type, "default": p.default}
                for p in lay.params.values()
            },
        }
        for lay in layouts
    ]
    _list(rows, fmt)
    for error in broken:
        click.echo(f"エラー: {error}", err=True)
    if broken:
        click.echo(
            f"レイアウトファイル {len(broken)} 件に誤りがあるため、一覧に載せていません。"
            "xlsxsheet layouts --check ファイル で1件ずつ確かめられます。",
            err=True,
        )
        sys.exit(EXIT_PROBLEMS)


def _trial_template(path: Path) -> str:
    """Make the layout's template of its default year, to throw away: what only making one
    finds (a print break no heading starts) is found while the file is being written, and what
    only finding it by its name does (a file name that is not its `layout:` id)."""
    import tempfile

    from xlsxsheet.core.fiscal_year import long_label
    from xlsxsheet.layout.loader import load_layout
    from xlsxsheet.layout.registry import check_file_name
    from xlsxsheet.writing.make_template import make_template

    layout = load_layout(path)
    check_file_name(path, layout)  # as the registry, which finds a layout by its file name
    with tempfile.TemporaryDirectory(prefix="xlsxsheet-") as folder:
        plan = make_template(layout, Path(folder) / "試し.xlsx", layout.default_year)
    return (
        f"様式の作成を試しました: {long_label(plan.year)}の様式を作れます"
        f"(シート {len(plan.sheets)} 枚)。"
    )


def _params_line(params: dict[str, dict[str, object]]) -> str:
    """``target_year(まちづくり指標の目標年度、既定 令和4年度)``, one for each param."""
    from xlsxsheet.core.fiscal_year import long_label

    shown = []
    for param_id, param in params.items():
        default = param["default"]
        if param["type"] == "fiscal-year" and isinstance(default, int):
            default = long_label(default)
        shown.append(f"{param_id}({param['label']}、既定 {default})")
    return "、".join(shown)


def _list(rows: list[dict[str, object]], fmt: str) -> None:
    """The layouts, one line each and their purpose below (text), or as JSON."""
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['id']}\tv{row['version']}\t{row['title']}\t{row['city'] or '(市名なし)'}")
        if row["purpose"]:
            click.echo(f"    {row['purpose']}")
        if row["params"]:
            click.echo(f"    設定(--param): {_params_line(row['params'])}")
    click.echo(
        "様式を作るには: xlsxsheet template <ID または様式名> --year R2 -o 様式.xlsx", err=True
    )
