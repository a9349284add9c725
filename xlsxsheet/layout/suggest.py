"""The hint a layout error gives for a misspelt name: the closest name the file defines."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def near(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"「{close[0]}」の誤りではありませんか" if close else "定義済みの名前を書いてください"
