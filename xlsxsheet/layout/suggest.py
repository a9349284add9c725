"""The hint a layout error gives for a misspelt name: the closest name the file defines."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def near(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"「{close[0]}」の誤りではありませんか" if close else "定義済みの名前を書いてください"


def near_or(name: str, known: Iterable[str], otherwise: str, prefix: str = "") -> str:
    """`near`'s hint when a known name is close to `name` (shown with `prefix`), else
    `otherwise`."""
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"「{prefix}{close[0]}」の誤りではありませんか" if close else otherwise
