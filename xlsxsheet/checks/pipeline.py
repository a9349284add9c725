"""The stages as one call each: check a workbook, fix it into a corrected copy."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from xlsxsheet.checks import ALL_CHECKS
from xlsxsheet.core.changes import Change
from xlsxsheet.core.errors import WorkbookError
from xlsxsheet.core.problems import CATALOGUE, Problem, ProblemCounts
from xlsxsheet.layout.registry import LayoutRegistry
from xlsxsheet.reading.return_reader import ReadResult, read_file
from xlsxsheet.reading.summary import ReturnInfo, summarize


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
    """Read and check one workbook; an unreadable file becomes one problem, never an exception."""
    try:
        result = read_file(path, registry, layout_id, year)
    except WorkbookError as exc:
        return CheckResult(
            Path(path),
            None,
            [
                Problem(
                    exc.code if exc.code in CATALOGUE else "file-unreadable",
                    str(exc),
                    file=str(path),
                )
            ],
        )
    checked = CheckResult(Path(path), result, list(result.problems))
    seen_changes: set[tuple[str, str]] = set()
    for check in ALL_CHECKS:
        for finding in check(result):
            checked.problems.append(finding.problem)
            change = finding.change
            if change is not None and (change.sheet, change.cell) not in seen_changes:
                seen_changes.add((change.sheet, change.cell))
                checked.changes.append(change)
    return checked
