"""Checked returns kept on disk: a folder check of any size holds only a slim record per return.

`Spool` appends each return's problems and changes (pickled) to a temporary file and hands
back a `ReturnRecord`: what the report's summaries, duplicates and roster need (path, layout,
year, 施策 key and name, 担当課 or the ones its records name, counts by severity) and where its
problems are. The record's `problems` and `changes` are read back from the file when asked
for, so a `report.Report` of records renders the same report as one of
`batch.CheckedReturn`s.
"""

from __future__ import annotations

import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

from xlsxsheet.core.changes import Change
from xlsxsheet.core.problems import Problem
from xlsxsheet.office.batch import CheckedReturn
from xlsxsheet.reading.summary import ReturnInfo

NOTHING = -1  # the offset of a return with no problem and no change (nothing written)


class Spool:
    """Problems and changes of many returns in one temporary file, read back by offset."""

    def __init__(self) -> None:
        # closed by close() / the with block of the one who made the spool
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="xlsxsheet-")  # noqa: SIM115
        self._shared: dict[str, str] = {}

    def add(self, problems: list[Problem], changes: list[Change]) -> int:
        """Append one return's problems and changes; their offset in the file."""
        if not problems and not changes:
            return NOTHING
        self._file.seek(0, 2)
        offset = self._file.tell()
        try:
            pickle.dump((problems, changes), self._file, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # MemoryError, a value pickle cannot write: that return only
            self._file.seek(offset)
            self._file.truncate()
            kept = Problem(
                "file-unreadable",
                "このファイルの点検結果を保存できませんでした(大きすぎるか、想定していない値が"
                "あります)。ファイルを単独で点検してください。",
                file=problems[0].file if problems else "",
            )
            pickle.dump(([kept], []), self._file, protocol=pickle.HIGHEST_PROTOCOL)
        return offset

    def load(self, offset: int) -> tuple[list[Problem], list[Change]]:
        """The problems and changes written at `offset`."""
        if offset == NOTHING:
            return [], []
        self._file.seek(offset)
        problems, changes = pickle.load(self._file)
        return problems, changes

    def record(self, checked: CheckedReturn) -> ReturnRecord:
        """Spool a checked return's problems and changes; its slim record."""
        counts = {"error": 0, "warning": 0, "info": 0}
        for p in checked.problems:
            counts[p.severity] += 1
        offset = self.add(checked.problems, checked.changes)
        info = checked.info
        share = self._share
        return ReturnRecord(
            path=checked.path,
            modified=checked.modified,
            errors=counts["error"],
            warnings=counts["warning"],
            infos=counts["info"],
            changes_count=len(checked.changes),
            offset=offset,
            spool=self,
            layout_id=share(info.layout) if info else None,
            layout_title=share(info.layout_title) if info else None,
            year=info.year if info else None,
            unit=share(info.unit) if info else "施策",
            keyed=info.keyed if info else True,
            key=info.key if info else None,
            name=info.name if info else None,
            department=share(info.department) if info else None,
            departments=share("\n".join(info.departments) or None) if info else None,
        )

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _share(self, text: str | None) -> str | None:
        """One string object for the layout ids, titles and 担当課 many returns repeat."""
        if text is None:
            return None
        return self._shared.setdefault(text, text)


@dataclass(eq=False, slots=True)
class ReturnRecord:
    """One checked return as the check command keeps it: no problems, no changes in memory.

    It answers what `report.Checked` asks; `problems`, `changes` and `load()` read the spool.
    """

    path: Path
    modified: float
    errors: int
    warnings: int
    infos: int
    changes_count: int
    offset: int
    spool: Spool
    layout_id: str | None  # None: the file could not be read
    layout_title: str | None
    year: int | None
    unit: str
    keyed: bool
    key: str | None
    name: str | None
    department: str | None
    # the 担当課 its records name, a line each, when it has no 担当課 of its own
    departments: str | None = None

    @property
    def readable(self) -> bool:
        return self.layout_id is not None

    @property
    def valid(self) -> bool:
        return self.errors == 0

    @property
    def info(self) -> ReturnInfo | None:
        """The summary fields the report uses (no grades, costs or values), made when asked."""
        if self.layout_id is None or self.layout_title is None or self.year is None:
            return None
        return ReturnInfo(
            self.layout_id,
            self.layout_title,
            self.year,
            unit=self.unit,
            keyed=self.keyed,
            key=self.key,
            name=self.name,
            department=self.department,
            departments=tuple(self.departments.split("\n")) if self.departments else (),
        )

    @property
    def problems(self) -> list[Problem]:
        return self.spool.load(self.offset)[0]

    @property
    def changes(self) -> list[Change]:
        return self.spool.load(self.offset)[1]

    def load(self) -> CheckedReturn:
        """The checked return with its problems and changes read back from the spool."""
        problems, changes = self.spool.load(self.offset)
        return CheckedReturn(self.path, problems, changes, self.info, self.modified)
