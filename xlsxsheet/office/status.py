"""A checked file's state in one word: clean / warnings / errors / unreadable / layout-broken."""

from __future__ import annotations

from typing import Any, Protocol

from xlsxsheet.core.problems import Problem
from xlsxsheet.reading.summary import ReturnInfo


class Checked(Protocol):
    """A checked file as reports need it: `CheckResult`, or `batch.CheckedReturn`."""

    path: Any

    @property
    def problems(self) -> list[Problem]: ...
    @property
    def errors(self) -> int: ...
    @property
    def warnings(self) -> int: ...
    @property
    def valid(self) -> bool: ...
    @property
    def readable(self) -> bool: ...
    @property
    def layout_id(self) -> str | None: ...
    @property
    def layout_title(self) -> str | None: ...
    @property
    def year(self) -> int | None: ...
    @property
    def info(self) -> ReturnInfo | None: ...


def status_of(r: Checked) -> str:
    """clean / warnings / errors / unreadable / layout-broken (not checked: its layout's file
    has a mistake, not the department's fault): the one word a file's line shows."""
    if not r.readable:
        return "layout-broken" if layout_broken(r) else "unreadable"
    if r.errors:
        return "errors"
    return "warnings" if r.warnings else "clean"


def layout_broken(r: Checked) -> bool:
    """Not checked because the file of its layout has a mistake (problem `layout-broken`)."""
    return not r.readable and any(p.code == "layout-broken" for p in r.problems)
