"""Corrections: what `fix` writes into the corrected copy, one per cell."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    """A correction of one cell: the old content, the new, and the rule that decided it."""

    sheet: str
    cell: str
    field: str
    label: str
    old: Any
    new: Any
    rule: str
    reason: str
    formula: bool = False

    def comment(self) -> str:
        """The cell comment of the corrected copy: 旧値 → 新値 (rule)."""
        return f"{_show(self.old)} → {_show(self.new)} ({self.rule})\n{self.reason}"


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(空欄)"
    return str(value)
