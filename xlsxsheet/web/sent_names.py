"""Messages that name a kept file by its stored name (its SHA-256) name it as it was sent."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from xlsxsheet.core.problems import Problem


def renamed(message: str, names: dict[str, str]) -> str:
    """`message` with each stored file name replaced by the name it was sent by."""
    for stored, sent in names.items():
        message = message.replace(stored, sent)
    return message


def as_sent(problems: list[Problem], stored: Path, original_name: str) -> list[Problem]:
    """The problems with their messages naming the file as it was sent (for marked copies, the
    office's summary workbook and its 要対応 list)."""
    names = {Path(stored).name: original_name}
    return [dataclasses.replace(p, message=renamed(p.message, names)) for p in problems]
