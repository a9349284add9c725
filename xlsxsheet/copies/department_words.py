"""A problem's message as the department that filled the sheet reads it.

The messages of `check` are written for the office that checks and corrects (修正版では…に
戻します: what `fix` will do); the marked copy going back to a department asks it to do it.
"""

from __future__ import annotations

import re

# (what the office reads, what the department reads), applied in order
TO_DEPARTMENT: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"修正版では計算式\s*(.+?)\s*に戻します。"),
        r"この欄は自動計算です。値を消して計算式 \1 を入れ直してください(計算式の入った様式から"
        r"セルを貼り付けても直せます)。",
    ),
    (
        re.compile(r"修正版では様式の計算式に戻します。"),
        "この欄は自動計算です。様式の計算式に戻してください。",
    ),
    (re.compile(r"修正版では「(.+?)」にします。"), r"「\1」に直してください。"),
    # a number stored as text: the message has asked for it to be typed again already
    (re.compile(r"修正版では数値の\s*\S+\s*にします。"), ""),
    (re.compile(r"修正版では記録に合わせます。"), "記録に合わせて直してください。"),
)


def for_department(message: str) -> str:
    """`message` with what the office's corrected copy would do said as a request."""
    for pattern, replacement in TO_DEPARTMENT:
        message = pattern.sub(replacement, message)
    return message
