"""How wide a text is in a column, and how many lines it takes wrapped there, as Excel
shows it: a full-width character about two characters of a column's width, a run of half-width
letters and digits breaking only between runs. Rows sized with it print whole (neither Excel nor
LibreOffice sizes a row written with the file)."""

from __future__ import annotations

import re
import unicodedata

_PADDING = 1.0  # of a column's width (characters), taken by the cell's margins
_WIDE = 2.0  # a full-width character, in characters of a column's width (Excel: 1.9 to 2.1)
_TOKEN = re.compile(r"[A-Za-z0-9_.,:;!?%&/()\[\]'\"+\-=#@*<>]+|\s|.", re.S)


def text_lines(text: str, width: float) -> int:
    """The lines `text` takes wrapped in a column `width` characters wide: a full-width
    character is about two wide, a run of half-width letters and digits breaks only between runs."""
    room = max(width - _PADDING, 1.0)
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for token in _TOKEN.findall(paragraph):
            size = sum(_char_width(ch) for ch in token)
            if used and used + size > room:
                lines, used = lines + 1, 0.0
                if token.isspace():
                    continue  # the space a line breaks at is not shown
            used += size
            while used > room:  # a run wider than the column breaks where it must
                lines, used = lines + 1, used - room
    return lines


def text_width(text: str) -> float:
    """How wide a text is in characters of a column's width (a full-width character about two)."""
    return sum(_char_width(ch) for ch in text)


def _char_width(ch: str) -> float:
    return _WIDE if unicodedata.east_asian_width(ch) in ("W", "F") else 1.0
