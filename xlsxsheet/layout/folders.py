"""The folders layouts are found in: which YAML files are layouts, and what to say when a layout
is not there."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

_LAYOUT_LINE = re.compile(rb"^layout:[ \t]*[\"']?[A-Za-z0-9]", re.MULTILINE)  # quoted or not
_LAYOUT_KEY = re.compile(rb"^layout:", re.MULTILINE)
_SHEETS_KEY = re.compile(rb"^sheets:", re.MULTILINE)
ENV_VAR = "XLSXSHEET_TEMPLATES"


def is_layout_file(path: Path) -> bool:
    """True when the file says `layout: <id>` at the top level (a data document says it too,
    but also `year:` without `sheets:`; a layout always has `sheets:`)."""
    return not_layout_reason(path) is None


def not_layout_reason(path: Path) -> str | None:
    """Why a YAML file is not taken for a layout file, in the words of the one who wrote it
    (None: it is one)."""
    try:
        head = path.read_bytes()[: 1 << 20]
    except OSError as exc:
        return f"読めません({exc.strerror or exc})"
    has_id = _LAYOUT_LINE.search(head) is not None
    has_sheets = _SHEETS_KEY.search(head) is not None
    if has_id and has_sheets:
        return None
    if not has_id and _LAYOUT_KEY.search(head) is not None:
        return (
            "最上位の layout: の同じ行に様式の ID がありません"
            "(例: layout: shisaku-hyoka。ID は半角英小文字・数字・-)"
        )
    if has_id:
        return "最上位に sheets: がありません(様式のシートを sheets: に書きます)"
    if has_sheets:
        return "最上位に layout: がありません(例: layout: shisaku-hyoka をファイルの先頭に書きます)"
    return "最上位に layout: と sheets: がありません"


def yaml_files(folder: Path) -> list[Path]:
    """The YAML files of a folder, in the order they are taken (.yaml, then .yml, by name)."""
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))


def layout_files(dirs: Sequence[Path]) -> tuple[dict[str, Path], list[Path]]:
    """(layout files by id, a later folder's file winning; YAML files that are not layouts)."""
    found: dict[str, Path] = {}
    skipped: list[Path] = []
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in yaml_files(folder):
            if is_layout_file(path):
                found[path.stem] = path
            else:
                skipped.append(path)
    return found, skipped


def not_found_message(
    layout_id: str,
    hint: str,
    files: dict[str, Path],
    dirs: Sequence[Path],
    available: str | None = None,
) -> str:
    """Where xlsxsheet looked for a layout, and how to add a folder of one's own.

    `available` lists the layouts as the caller shows them (`id (title)`); else their ids."""
    looked = "、".join(str(d) + ("" if d.is_dir() else "(フォルダがありません)") for d in dirs)
    listed = available if available is not None else "、".join(sorted(files))
    return (
        f"様式「{layout_id}」はありません。{hint}"
        f"使える様式: {listed or '(なし)'}。"
        f"探した場所: {looked}。"
        f"自分の様式ファイル({layout_id}.yaml)のあるフォルダは --templates フォルダ か"
        f"環境変数 {ENV_VAR} で指定してください(例: xlsxsheet layouts --templates 様式)"
    )
