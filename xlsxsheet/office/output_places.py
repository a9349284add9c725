"""Where an output folder may not be: inside a folder whose workbooks are being read (the next
`check` of that folder would read the copies as returns)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from xlsxsheet.core.errors import UsageError


def refuse_inside_inputs(folder: Path, inputs: Iterable[Path], option: str) -> None:
    """UsageError when `folder` is one of the input folders or inside one."""
    target = Path(folder).resolve()
    for given in inputs:
        source = Path(given)
        if not source.is_dir():
            continue
        source = source.resolve()
        if target == source or source in target.parents:
            raise UsageError(
                f"{option} のフォルダ {folder} は点検するフォルダ {given} の中にあります。"
                "写しが次の点検で提出として読まれてしまうため、点検するフォルダの外を指定してください。"
            )
