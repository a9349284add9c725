"""The sheets xlsxsheet adds to its copies: 修正履歴 (the corrected copy) and 点検結果 (the
marked copy), `(2)`, `(3)`… when the workbook already had one. A return sent in again with
them is as expected: the structure check does not report them as added sheets."""

from __future__ import annotations

import re

HISTORY_SHEET = "修正履歴"
RESULT_SHEET = "点検結果"
_OWN = re.compile(rf"^(?:{HISTORY_SHEET}|{RESULT_SHEET})(?:\(\d+\))?$")


def is_copy_sheet(name: str) -> bool:
    """True for a sheet xlsxsheet's copies add."""
    return bool(_OWN.match(name))
