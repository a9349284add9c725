"""Labels compared as reading compares values: full-width, spaces, brackets, 和暦 years."""

from __future__ import annotations

import re
import unicodedata

from xlsxsheet.core.fiscal_year import (
    FiscalYearError,
    column_label,
    long_label,
    parse_fiscal_year,
    short_label,
)

_SPACES = re.compile(r"\s+")
_TILDES = str.maketrans({"～": "~", "〜": "~", "—": "-", "―": "-"})
_BRACKETS = str.maketrans({"【": "[", "】": "]", "〔": "(", "〕": ")"})
_LEADING_YEAR = re.compile(r"^(?:(?:[HRS]|平成|令和|昭和)(?:\d{1,2}|元)(?:年度)?|\d{4}年度)")
_YEAR_LIKE = re.compile(r"^(?:[HRSＨＲＳ]|平成|令和|昭和|FY|\d{4})", re.IGNORECASE)


def normalise(text: object) -> str:
    """A label's comparable form: NFKC (全角→半角), no spaces, one kind of brackets."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text)).translate(_TILDES).translate(_BRACKETS)
    return _SPACES.sub("", folded).rstrip(":：")


def header_year(text: object) -> int | None:
    """The fiscal year a column heading names (H28年度, 令和2年度, R2, 平成31年度), else None."""
    if not isinstance(text, str):
        return None
    folded = normalise(text)
    if not folded or not _YEAR_LIKE.match(folded) or len(folded) > 12:
        return None
    try:
        return parse_fiscal_year(folded)
    except FiscalYearError:
        return None


def is_label(value: object) -> bool:
    """Whether a cell's value can be a label: any text (`1` typed as text labels 展開方向 1);
    a number never is."""
    return isinstance(value, str) and bool(normalise(value))


def year_forms(label: str) -> list[str]:
    """A label that begins with a fiscal year (`R6の取組状況`), normalised, with the year written
    the other ways a city writes it (`令和6年度の取組状況`, `R6年度の取組状況`); [] for others."""
    folded = normalise(label)
    found = _LEADING_YEAR.match(folded)
    rest = folded[found.end() :] if found else ""
    if not found or not rest:
        return []
    try:
        year = parse_fiscal_year(found.group(0))
        years = [short_label(year), long_label(year), column_label(year)]
    except FiscalYearError:
        return []
    if year == 2019:  # 令和元年度, written 平成31年度 too (the year began in 平成)
        years += ["令和1年度", "平成31年度", "H31", "H31年度"]
    return [form for y in years if (form := f"{y}{rest}") != folded]
