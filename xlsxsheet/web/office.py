"""What the central office sees: the roster's state, and the returns as `collect` sums them up.

Thin over the library: the summaries are `batch.CheckedReturn`s (kept from the upload, or
checked again after a restart), matched to the roster by `expected.match_roster` and summed up
by `collect.collect_returns`, exactly as `xlsxsheet check --roster` and `collect` do.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from threading import Lock
from typing import Any

from xlsxsheet.core.errors import LayoutError, UnknownLayoutError
from xlsxsheet.layout.layout_names import roster_layout
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.batch import CheckedReturn, check_return
from xlsxsheet.office.collect import Collection, collect_returns
from xlsxsheet.office.roster import RosterEntry, matching_key
from xlsxsheet.office.roster_match import Expected, match_roster
from xlsxsheet.web.desk_year import desk_year, for_desk
from xlsxsheet.web.sent_names import as_sent
from xlsxsheet.web.store import STATE_WRONG_YEAR, Store, Upload

STATE_MISSING = "未提出"
STATES = (STATE_MISSING, "エラー", STATE_WRONG_YEAR, "警告のみ", "問題なし")
# states the totals show only when a row has one: a 課 that never sent last year's sheet has
# no need of a 年度違い 0 on its page
RARE_STATES = (STATE_WRONG_YEAR,)


class SummaryCache:
    """The checked summaries of recent uploads, so the office's page need not check again;
    each with the layouts' fingerprint it was made with, and given only for the same one."""

    def __init__(self, size: int = 5000) -> None:
        self.size = size
        self.items: OrderedDict[int, tuple[str, CheckedReturn]] = OrderedDict()
        self.lock = Lock()

    def put(self, upload_id: int, summary: CheckedReturn, fingerprint: str) -> None:
        with self.lock:
            self.items[upload_id] = (fingerprint, summary)
            self.items.move_to_end(upload_id)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def get(self, upload_id: int, fingerprint: str) -> CheckedReturn | None:
        with self.lock:
            kept = self.items.get(upload_id)
        return kept[1] if kept is not None and kept[0] == fingerprint else None


@dataclass(frozen=True)
class RosterRow:
    """One roster row with its latest upload (None: 未提出) and how many versions it has;
    `layout_unusable`: its layout's file has a mistake or is gone, so no template of it can be
    made and no return of it checked now (an upload of it matches no row until the file is
    mended and the upload checked again)."""

    row: Any
    layout_title: str
    state: str
    latest: Upload | None
    versions: list[Upload]
    layout_unusable: bool = False


def units_word(rows: Iterable[RosterRow]) -> str:
    """What the rows are, as the pages call them: their layouts' `summary.unit` (施策,
    事務事業 …) in roster order, joined with ・; 施策 for rows of no known layout."""
    registry = default_registry()
    words: dict[str, None] = {}
    for r in rows:
        try:
            summary = registry.get(r.row["layout"]).summary
        except (LayoutError, UnknownLayoutError):
            continue
        words[summary.unit if summary is not None and summary.unit else "施策"] = None
    return "・".join(words) or "施策"


def latest_uploads(store: Store, year: int) -> list[Upload]:
    """Each department's newest upload per 様式 and 施策, newest first."""
    seen: set[tuple[int, str | None, str | None]] = set()
    latest = []
    for upload in store.uploads(year):
        identity = (upload.dept_id, upload.layout, upload.key)
        if identity not in seen:
            seen.add(identity)
            latest.append(upload)
    return latest


class RosterIndex:
    """A year's roster rows by what an upload is matched with: its layout and its key as
    matched (`matching_key`: 07 is 7), or its layout alone where the layout has no key. An
    upload answers a row of its 施策 only when the 課 the row names sent it: a 課 cannot fill
    (or overwrite) another 課's row (`owner_elsewhere`). Built once a page, so a page over
    hundreds of uploads and rows does not compare each with each."""

    def __init__(self, rows: Iterable[Any]) -> None:
        registry = default_registry()
        self.rows = list(rows)
        self.keyed: dict[tuple[str, str], list[Any]] = {}
        self.by_layout: dict[str, list[Any]] = {}
        for row in self.rows:
            _title, keyed = roster_layout(registry, row["layout"], row["key"])
            if keyed:
                self.keyed.setdefault((row["layout"], matching_key(row["key"])), []).append(row)
            else:
                self.by_layout.setdefault(row["layout"], []).append(row)

    def of(self, upload: Upload) -> list[Any]:
        """The rows of the upload's 施策, whichever 課 they name."""
        layout = upload.layout or ""
        return self.keyed.get((layout, matching_key(upload.key)), []) + self.by_layout.get(
            layout, []
        )

    def owner_elsewhere(self, upload: Upload) -> str | None:
        """The 課 the roster names for the upload's 施策 when the upload came from another."""
        for row in self.of(upload):
            if row["dept"] != upload.dept:
                return str(row["dept"])
        return None


def counted_uploads(store: Store, year: int) -> list[Upload]:
    """The year's latest uploads that count: each 課's newest per 施策, but for an upload of a
    施策 the roster gives to another 課 (RosterIndex.owner_elsewhere): no one's return, so
    neither summed nor carried to next year."""
    index = RosterIndex(store.roster(year))
    return [u for u in latest_uploads(store, year) if index.owner_elsewhere(u) is None]


def not_in_roster(store: Store, year: int, index: RosterIndex) -> list[Upload]:
    """The year's latest readable uploads of a 施策 no roster row names (a blank template, a
    施策 the roster left out), for the office to see; none when the year has no roster."""
    if not index.rows:
        return []
    return [u for u in latest_uploads(store, year) if u.readable and not index.of(u)]


def roster_rows(store: Store, year: int, dept: str | None = None) -> list[RosterRow]:
    """The roster (of one department with `dept`), each row with its state."""
    registry = default_registry()
    index = RosterIndex(store.roster(year, dept))
    versions_of: dict[int, list[Upload]] = {id(row): [] for row in index.rows}
    for upload in store.uploads(year):  # newest first
        for row in index.of(upload):
            if upload.dept == row["dept"]:  # answers
                versions_of[id(row)].append(upload)
    gone = {r["layout"] for r in index.rows} - set(registry.ids())
    unusable = set(registry.broken()) | gone
    rows = []
    for row in index.rows:
        versions = versions_of[id(row)]
        latest = versions[0] if versions else None
        state = latest.state if latest is not None else STATE_MISSING
        title, _keyed = roster_layout(registry, row["layout"], row["key"])
        rows.append(RosterRow(row, title, state, latest, versions, row["layout"] in unusable))
    return rows


def state_counts(rows: Iterable[RosterRow]) -> dict[str, int]:
    """How many rows are in each state, in the order of STATES (a rare state only when some
    row has it)."""
    counts = dict.fromkeys(STATES, 0)
    for row in rows:
        counts[row.state] += 1
    return {state: n for state, n in counts.items() if n or state not in RARE_STATES}


def of_other_years(uploads: Iterable[Upload]) -> list[Upload]:
    """The uploads that are returns of another evaluation year than their desk's (年度違い):
    what the year's sums and the zips of its returns leave out."""
    return [u for u in uploads if u.wrong_year]


def summaries(
    store: Store,
    cache: SummaryCache,
    uploads: list[Upload],
    values: bool = False,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[CheckedReturn], dict[Path, str]]:
    """Each upload's CheckedReturn (the newer upload counts as the newer file) and its name."""
    results, names = [], {}
    fingerprint = default_registry().fingerprint()
    for n, upload in enumerate(uploads, 1):
        summary = None if values else cache.get(upload.id, fingerprint)
        if summary is None:
            checked = check_return(store.blob_path(upload), default_registry(), values=values)
            summary = for_desk(checked, desk_year(store, upload.year))
            if not values:
                cache.put(upload.id, summary, fingerprint)
        problems = as_sent(summary.problems, store.blob_path(upload), upload.original_name)
        results.append(dataclasses.replace(summary, modified=float(upload.id), problems=problems))
        names[summary.path] = display_name(upload)
        if progress is not None:
            progress(n)
    return results, names


def display_name(upload: Upload) -> str:
    return f"{upload.dept}/{upload.original_name} (第{upload.version}版)"


def roster_entries(store: Store, year: int) -> list[RosterEntry]:
    return [
        RosterEntry(r["line"], r["layout"], r["key"], r["dept"], r["file_name"], bool(r["new"]))
        for r in store.roster(year)
    ]


def collection(
    store: Store,
    cache: SummaryCache,
    year: int,
    values: bool = False,
    progress: Callable[[int], None] | None = None,
    other_years: bool = True,
) -> Collection:
    """The year's latest uploads summed up as `collect` does, matched to the roster; an upload
    of a 施策 the roster gives to another 課 is left out (RosterIndex.owner_elsewhere), and
    with `other_years` False a return of another evaluation year too (of_other_years: the
    summary workbook and CSV of the year hold this year's returns alone)."""
    uploads = counted_uploads(store, year)
    if not other_years:
        left_out = {u.id for u in of_other_years(uploads)}
        uploads = [u for u in uploads if u.id not in left_out]
    results, names = summaries(store, cache, uploads, values, progress)
    entries = roster_entries(store, year)
    expected: list[Expected] | None = (
        match_roster(results, entries, default_registry()) if entries else None
    )
    return collect_returns(results, names, expected)
