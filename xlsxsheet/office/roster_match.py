"""Which returns the central office expects, from a roster, and which of them it has.

The roster is the CSV `rollover --roster` reads (`roster.py`: 様式, 施策番号, 担当課, optional
ファイル名 and 区分). Each row is one expected return: it is matched to the readable returns of
its layout whose `summary.key` is its number (full-width digits folded); a layout without a key
(one workbook a year for the whole plan) is matched by the layout alone. Of several, the latest
evaluation year's newest file answers (the others are listed with it). A row with no return
is 未提出; where its ファイル名 names a file that could not be read, it is 読めない instead (the
file is there, its number cannot be known).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlsxsheet.layout.layout_names import roster_layout
from xlsxsheet.layout.registry import LayoutRegistry
from xlsxsheet.office.batch import CheckedReturn
from xlsxsheet.office.roster import RosterEntry, matching_key
from xlsxsheet.office.roster_layouts import read_roster_for
from xlsxsheet.office.spool import ReturnRecord
from xlsxsheet.office.status import status_of

MISSING = "missing"
# a checked return as the roster is matched with: in memory (collect) or spooled (check)
Returned = CheckedReturn | ReturnRecord

STATUS_WORDS = {
    "clean": "提出済み",
    "warnings": "提出済み(警告あり)",
    "errors": "提出済み(エラーあり)",
    "unreadable": "読めない",
    "layout-broken": "提出済み(様式定義の誤りで点検できず)",
    MISSING: "未提出",
}


@dataclass(frozen=True)
class Expected:
    """One roster row and the return that answers it (the newest, when several do)."""

    entry: RosterEntry
    layout_title: str
    status: str  # clean | warnings | errors | unreadable | layout-broken | missing
    found: Returned | None = None
    others: tuple[Returned, ...] = ()  # more returns of the same row (sent twice)

    @property
    def missing(self) -> bool:
        return self.status == MISSING

    @property
    def status_word(self) -> str:
        return STATUS_WORDS[self.status]

    def to_dict(self) -> dict[str, Any]:
        return {
            "roster_line": self.entry.line,
            "layout": self.entry.layout,
            "layout_title": self.layout_title,
            "key": self.entry.key,
            "department": self.entry.dept or None,
            "new": self.entry.new,
            "status": self.status,
            "file": str(self.found.path) if self.found is not None else None,
        }


def read_expected(path: Path, registry: LayoutRegistry) -> list[RosterEntry]:
    """The roster's rows; raises RosterError naming every bad line."""
    return read_roster_for(Path(path), registry)


def match_roster(
    results: Sequence[Returned], entries: Iterable[RosterEntry], registry: LayoutRegistry
) -> list[Expected]:
    """Each roster row with its return (readable ones by layout and key; else by file name)."""
    by_layout: dict[str, list[Returned]] = {}
    by_key: dict[tuple[str, str], list[Returned]] = {}  # (layout, key), in input order
    for r in results:
        info = r.info
        if info is not None:
            by_layout.setdefault(info.layout, []).append(r)
            by_key.setdefault((info.layout, matching_key(info.key)), []).append(r)
    unreadable = {Path(r.path).name: r for r in results if not r.readable}
    expected = []
    for entry in entries:
        title, keyed = roster_layout(registry, entry.layout, entry.key)
        if keyed:
            found = list(by_key.get((entry.layout, matching_key(entry.key)), []))
        else:
            found = list(by_layout.get(entry.layout, []))
        if found:  # the latest year's (a roster is this year's), then the newest file
            ranked = sorted(
                found, key=lambda r: (-(r.year or 0), -r.modified, r.errors, str(r.path))
            )
            expected.append(
                Expected(entry, title, status_of(ranked[0]), ranked[0], tuple(ranked[1:]))
            )
            continue
        named = _named_file(entry, unreadable)
        if named is not None:
            expected.append(Expected(entry, title, status_of(named), named))
        else:
            expected.append(Expected(entry, title, MISSING))
    return expected


def not_in_roster(results: Sequence[Returned], expected: Sequence[Expected]) -> list[Returned]:
    """Readable returns no roster row asks for (a 施策 dropped, or a number mistyped)."""
    answered = {id(r) for e in expected for r in (e.found, *e.others) if r is not None}
    return [r for r in results if r.readable and id(r) not in answered]


def _named_file(entry: RosterEntry, files: dict[str, Returned]) -> Returned | None:
    if not entry.file_name:
        return None
    name = entry.file_name
    for candidate in (name, f"{name}.xlsx", f"{name}.xlsm", f"{name}.xls"):
        if candidate in files:
            return files[candidate]
    return None
