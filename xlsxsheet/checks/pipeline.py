"""The stages as one call each: check a workbook, fix it into a corrected copy."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from xlsxsheet.checks import ALL_CHECKS, Finding
from xlsxsheet.core.changes import Change
from xlsxsheet.core.errors import WorkbookError
from xlsxsheet.core.fiscal_year import long_label
from xlsxsheet.core.problems import CATALOGUE, Problem, ProblemCounts
from xlsxsheet.layout.registry import LayoutRegistry
from xlsxsheet.reading.return_reader import ReadResult, read_file
from xlsxsheet.reading.summary import ReturnInfo, summarize

# changes that only write a value as it was read (達成 for 「達成 」): a cell the rules decide
# otherwise (the numbers give 未達成) takes the rule's change, and its 修正履歴 row the rule's
# code; of two other changes at one cell, the first check's stands
RESTATED = frozenset({"value-normalized"})


@dataclass
class CheckResult(ProblemCounts):
    """A checked file: what was read, every problem, and the corrections fix would make."""

    path: Path
    read: ReadResult | None
    problems: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return self.read is not None

    @property
    def layout_id(self) -> str | None:
        return self.read.plan.layout.id if self.read else None

    @property
    def layout_title(self) -> str | None:
        return self.read.plan.layout.title if self.read else None

    @property
    def year(self) -> int | None:
        return self.read.plan.year if self.read else None

    @cached_property
    def info(self) -> ReturnInfo | None:
        """What the return reports on (施策, 担当課, grades, costs), from the layout's summary;
        grades a stated rule corrects are taken as corrected."""
        return self.summary()

    def summary(self, values: bool = True) -> ReturnInfo | None:
        """`info`, made anew; values=False without the tidy values (see returns.summarize)."""
        return summarize(self.read, self.changes, values) if self.read else None

    @property
    def department(self) -> str | None:
        return self.info.department if self.info else None


def check_file(
    path: Path,
    registry: LayoutRegistry | None = None,
    layout_id: str | None = None,
    year: int | None = None,
) -> CheckResult:
    """Read and check one workbook; an unreadable file becomes one problem, never an exception.

    A workbook of another year than `year` (last year's sheet sent again) is read and checked
    as the year its metadata says, with the error year-mismatch first: a return of its layout,
    its 課 and its 施策, to send back (fix refuses to correct it, see copies.corrected)."""
    try:
        result = read_file(path, registry, layout_id, year)
    except WorkbookError as exc:
        if exc.code == "year-mismatch" and year is not None:  # only a year asked for is another
            return _of_another_year(Path(path), registry, layout_id, year, exc)
        return _unreadable(Path(path), exc)
    return _checked(Path(path), result)


def _unreadable(path: Path, exc: WorkbookError) -> CheckResult:
    code = exc.code if exc.code in CATALOGUE else "file-unreadable"
    return CheckResult(path, None, [Problem(code, str(exc), file=str(path))])


def _of_another_year(
    path: Path,
    registry: LayoutRegistry | None,
    layout_id: str | None,
    asked: int,
    exc: WorkbookError,
) -> CheckResult:
    """A workbook whose metadata says another year than the one asked for: checked as its own
    year, the year-mismatch error (the year found, the year asked for) first."""
    try:
        result = read_file(path, registry, layout_id, None)
    except WorkbookError:  # what else it has stops it as it would have: said as year-mismatch
        return _unreadable(path, exc)
    mismatch = Problem(
        "year-mismatch",
        str(exc),
        file=str(path),
        value=long_label(result.plan.year),
        expected=long_label(asked),
    )
    return _checked(path, result, [mismatch])


def _checked(path: Path, result: ReadResult, first: Iterable[Problem] = ()) -> CheckResult:
    """Every check of a read workbook: `first` (year-mismatch), then what reading and each
    check found, and the changes fix would make."""
    checked = CheckResult(path, result, [*first, *result.problems])
    at_cell: dict[tuple[str, str], int] = {}  # (sheet, cell) → its change in checked.changes
    said: list[tuple[int, Finding]] = []  # problems that say a correction, by index
    for check in ALL_CHECKS:
        for finding in check(result):
            checked.problems.append(finding.problem)
            change = finding.change
            if change is None:
                continue
            said.append((len(checked.problems) - 1, finding))
            index = at_cell.get((change.sheet, change.cell))
            if index is None:
                at_cell[(change.sheet, change.cell)] = len(checked.changes)
                checked.changes.append(change)
            elif checked.changes[index].rule in RESTATED and change.rule not in RESTATED:
                checked.changes[index] = change
    if _copy_made(result, first):
        _say_corrections(checked, said)
    return checked


def _copy_made(result: ReadResult, first: Iterable[Problem]) -> bool:
    """Whether fix writes a corrected copy of this return: not of a legacy .xls, nor of a
    return of another year (copies.corrected refuses both)."""
    return result.content.format != "xls" and not any(p.code == "year-mismatch" for p in first)


def _say_corrections(checked: CheckResult, said: list[tuple[int, Finding]]) -> None:
    """End the message of each problem whose change the copy writes with what it writes; a
    change another one replaced at its cell (value-normalized under a judgement's), or one
    that came second there, is not written, and its problem does not say it."""
    written = {id(change) for change in checked.changes}
    for index, finding in said:
        if id(finding.change) in written:
            problem = checked.problems[index]
            checked.problems[index] = replace(problem, message=problem.message + finding.fixed)
