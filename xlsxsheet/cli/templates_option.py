"""`--templates DIR`, the one option every command has: folders of a city's own layout files,
searched after the bundled ones (beside the environment variable XLSXSHEET_TEMPLATES)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from xlsxsheet.layout.folders import ENV_VAR

F = TypeVar("F", bound=Callable[..., Any])
HELP = (
    "自分のレイアウトファイル(.yaml)のあるフォルダ(複数可)。"
    f"環境変数 {ENV_VAR} でも指定できます / a folder of your own layout files"
)


def _use_folders(ctx: click.Context, _param: click.Parameter, value: tuple[Path, ...]) -> None:
    """Put the folders in XLSXSHEET_TEMPLATES (worker processes inherit it), then warn about
    a folder that is not there and a YAML file in them that is no layout."""
    from xlsxsheet.layout.folders import not_layout_reason
    from xlsxsheet.layout.registry import default_registry

    if value:
        named = [p for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p]
        os.environ[ENV_VAR] = os.pathsep.join([*named, *(str(v) for v in value)])
        default_registry.cache_clear()
    if ctx.resilient_parsing:
        return
    registry = default_registry()
    for folder in registry.missing():
        click.echo(
            f"警告: レイアウトのフォルダ {folder} がありません(スペルを確認してください)", err=True
        )
    for path in registry.skipped():
        click.echo(
            f"警告: {path} はレイアウトファイルではないため読み込みません"
            f"({not_layout_reason(path)})",
            err=True,
        )


def templates_option(func: F) -> F:
    """The shared --templates option (one line per command)."""
    return click.option(
        "--templates",
        type=click.Path(path_type=Path, file_okay=False),
        multiple=True,
        expose_value=False,
        is_eager=True,
        callback=_use_folders,
        metavar="フォルダ",
        help=HELP,
    )(func)
