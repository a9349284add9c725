"""The folders layouts are found in: which YAML files are layouts, and what to say when a layout
is not there."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

_LAYOUT_LINE = re.compile(rb"^layout:[ \t]*[A-Za-z0-9]", re.MULTILINE)
ENV_VAR = "XLSXSHEET_TEMPLATES"


def is_layout_file(path: Path) -> bool:
    """True when the file says `layout: <id>` at the top level (a data document says it too,
    but also `year:` without `sheets:`; a layout always has `sheets:`)."""
    try:
        head = path.read_bytes()[: 1 << 20]
    except OSError:
        return False
    return (
        bool(_LAYOUT_LINE.search(head)) and re.search(rb"^sheets:", head, re.MULTILINE) is not None
    )


def layout_files(dirs: Sequence[Path]) -> tuple[dict[str, Path], list[Path]]:
    """(layout files by id, a later folder's file winning; YAML files that are not layouts)."""
    found: dict[str, Path] = {}
    skipped: list[Path] = []
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
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
