"""Japanese fiscal years (年度, April to March), named by their 西暦 start year.

Fiscal year 2020 runs from 2020-04-01 to 2021-03-31 and is written 令和2年度, R2,
2020年度 or FY2020 on city-hall sheets. Fiscal year 2019 is both 平成31年度 and
令和元年度 (the era changed on 2019-05-01); offices label it 令和元年度, so this
module does too.

Supported eras are 昭和 (fiscal years 1927-1988), 平成 (1989-2019) and 令和
(2019-). Fiscal year 1926 began under 大正 and is not supported for labels.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "FiscalYearError",
    "column_label",
    "era_of",
    "era_year",
    "long_label",
    "parse_fiscal_year",
    "short_label",
]

MIN_YEAR = 1900
"""Smallest 西暦 fiscal year accepted by :func:`parse_fiscal_year`."""
MAX_YEAR = 2200
"""Largest 西暦 fiscal year accepted by :func:`parse_fiscal_year`."""

_ACCEPTED_FORMS = (
    "2020、2020年度、FY2020、R2、令和2年度、令和元年度、H28、平成28年度、平成28(2016)年度"
)


class FiscalYearError(ValueError):
    """A value that cannot be read as a fiscal year; the message is in Japanese."""


@dataclass(frozen=True)
class _Era:
    letter: str
    kanji: str
    start: int  # 西暦 year in which era year 1 falls
    first: int  # first era year that names a whole fiscal year
    last: int | None  # last era year that names a fiscal year (None: open-ended)

    def to_western(self, era_year: int) -> int:
        return self.start + era_year - 1


# Oldest first. 昭和元年 (1926) began in December, so fiscal year 1926 was 大正15年度;
# 平成31年度 and 令和元年度 are both fiscal year 2019. 平成 is open-ended: plans written before
# 2019 name their target years in 平成 (seed 002's H35 is 令和5年度 = FY2023).
_ERAS = (
    _Era("S", "昭和", 1926, first=2, last=63),
    _Era("H", "平成", 1989, first=1, last=None),
    _Era("R", "令和", 2019, first=1, last=None),
)
_ERA_BY_NAME = {name: era for era in _ERAS for name in (era.letter, era.kanji)}
_LABEL_MIN_YEAR = _ERAS[0].to_western(_ERAS[0].first)

_ERA_RE = r"(?P<era>S|H|R|昭和|平成|令和)(?P<ey>[0-9]{1,3}|元)"
_WEST_RE = r"(?P<west>[0-9]{4})"
_SUFFIX_RE = r"(?:年度|年)?"
# Tried in order on the NFKC-normalised, space-free, upper-cased text.
_PATTERNS = tuple(
    re.compile(p)
    for p in (
        rf"^(?:FY)?{_WEST_RE}{_SUFFIX_RE}$",  # 2020 / 2020年度 / FY2020
        rf"^{_ERA_RE}(?:\({_WEST_RE}\))?{_SUFFIX_RE}$",  # R2 / 令和2年度 / 平成28(2016)年度
        rf"^{_ERA_RE}{_SUFFIX_RE}\({_WEST_RE}{_SUFFIX_RE}\)$",  # 平成28年度(2016年度)
        rf"^(?:FY)?{_WEST_RE}{_SUFFIX_RE}\({_ERA_RE}{_SUFFIX_RE}\){_SUFFIX_RE}$",  # 2016(H28)年度
    )
)


def _error(raw: object, reason: str = "") -> FiscalYearError:
    return FiscalYearError(
        f"年度「{raw}」を読み取れません。{reason}次のような形で入力してください: {_ACCEPTED_FORMS}"
    )


def _check_range(year: int, raw: object) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _error(raw, f"西暦{MIN_YEAR}年度から{MAX_YEAR}年度までの年度を扱えます。")
    return year


def _from_era(raw: object, name: str, era_text: str) -> int:
    era = _ERA_BY_NAME[name]
    ey = 1 if era_text == "元" else int(era_text)
    label = f"{era.kanji}{'元' if ey == 1 else ey}年度"
    if ey < era.first:
        raise _error(raw, f"{label}という年度はありません。")
    if era.last is not None and ey > era.last:
        year = era.to_western(ey)
        hint = (
            f"({year}年度は{long_label(year)}・{short_label(year)}です)" if year <= MAX_YEAR else ""
        )
        raise _error(raw, f"{label}という年度はありません{hint}。")
    return era.to_western(ey)


def _from_match(raw: object, m: re.Match[str]) -> int:
    groups = m.groupdict()
    west = int(groups["west"]) if groups.get("west") else None
    if groups.get("era") is None:
        assert west is not None
        return _check_range(west, raw)
    year = _check_range(_from_era(raw, groups["era"], groups["ey"]), raw)
    if west is not None and west != year:
        raise _error(raw, f"和暦は{year}年度ですが、西暦は{west}年度になっていて一致しません。")
    return year


def _canonical_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace()).upper()


def parse_fiscal_year(value: str | int) -> int:
    """Read a fiscal year written as 西暦, FY, era letter or era kanji; return its 西暦 year.

    Raises FiscalYearError (a ValueError, Japanese message) for anything else,
    and TypeError for values that are neither str nor int.
    """
    if isinstance(value, bool):
        raise _error(value, "真偽値は年度として扱えません。")
    if isinstance(value, int):
        return _check_range(value, value)
    if not isinstance(value, str):
        raise TypeError(f"fiscal year must be str or int, not {type(value).__name__}")
    text = _canonical_text(value)
    for pattern in _PATTERNS:
        m = pattern.match(text)
        if m:
            return _from_match(value, m)
    raise _error(value)


def era_of(year: int) -> tuple[str, str, int]:
    """Return (letter, kanji, era year) of a fiscal year, e.g. ("R", "令和", 2) for 2020.

    The era is the one in force on April 1 of the year, except that fiscal
    year 2019 is reported as 令和1 (not 平成31), as offices label it.
    """
    _require_int(year)
    if not _LABEL_MIN_YEAR <= year <= MAX_YEAR:
        raise FiscalYearError(
            f"{year}年度は和暦で表せません。{_LABEL_MIN_YEAR}年度から{MAX_YEAR}年度までを扱えます。"
        )
    return _era_of(year)


def _require_int(year: object) -> None:
    """TypeError for anything but an int (a bool, or 2020.0, which a cache would take for 2020)."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"fiscal year must be int, not {type(year).__name__}")


@cache  # a plan labels hundreds of year columns, of a few years
def _era_of(year: int) -> tuple[str, str, int]:
    era = next(e for e in reversed(_ERAS) if e.start <= year)
    return era.letter, era.kanji, year - era.start + 1


def era_year(year: int) -> int:
    """Era year of a fiscal year: 2 for 2020, 1 for 2019, 28 for 2016."""
    return era_of(year)[2]


def short_label(year: int) -> str:
    """Short label such as "R2", "R1" (never "R元") or "H28"."""
    letter, _, ey = era_of(year)
    return f"{letter}{ey}"


def long_label(year: int) -> str:
    """Long label such as "令和2年度", "令和元年度" or "平成28年度"."""
    _, kanji, ey = era_of(year)
    return f"{kanji}{'元' if ey == 1 else ey}年度"


def column_label(year: int) -> str:
    """Header of a year column, such as "R2年度" or "H28年度"."""
    _require_int(year)
    return _column_label(year)


@cache
def _column_label(year: int) -> str:
    return f"{short_label(year)}年度"
