"""Corrections: what `fix` writes into the corrected copy, one per cell."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xlsxsheet.core.problems import CATALOGUE


@dataclass(frozen=True)
class Change:
    """A correction of one cell: the old content, the new, and the rule that decided it (the
    code of the problem it corrects, so that the 修正履歴 and the check report name it alike)."""

    sheet: str
    cell: str
    field: str
    label: str
    old: Any
    new: Any
    rule: str
    reason: str
    formula: bool = False

    def __post_init__(self) -> None:
        if self.rule not in CATALOGUE:
            raise ValueError(f"a change's rule is a problem code, not {self.rule!r}")

    @property
    def rule_title(self) -> str:
        """The rule as staff read it: the problem's Japanese title (計算式が値で上書きされています)."""
        return CATALOGUE[self.rule][1]

    def comment(self) -> str:
        """The cell comment of the corrected copy: 旧値 → 新値(the rule's title), the reason."""
        return f"{_show(self.old)} → {_show(self.new)}({self.rule_title})\n{self.reason}"


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(空欄)"
    return str(value)
