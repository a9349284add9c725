"""The `collect` job, one for the command line and the library: the returns under the given
folders checked, matched to the roster, summed up, and the summary workbook (and CSV) written
through the safe writer — each output refused before any return is read when it exists and
`force` is not given."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from xlsxsheet.core.errors import UsageError
from xlsxsheet.core.safe_write import atomic_path, check_target
from xlsxsheet.layout.registry import LayoutRegistry, default_registry
from xlsxsheet.office.batch import CheckedReturn, iter_check_returns
from xlsxsheet.office.collect import (
    Collection,
    collect_returns,
    write_summary_workbook,
    write_tidy_csv,
)
from xlsxsheet.office.discovery import display_name, iter_workbooks
from xlsxsheet.office.roster_match import match_roster, read_expected

Checking = Callable[[list[Path]], Iterable[CheckedReturn]]  # paths → checked returns in order


@dataclass(frozen=True)
class Collected:
    """What a collect job made: the collection and every checked return behind it."""

    collection: Collection
    results: list[CheckedReturn]

    @property
    def valid(self) -> bool:
        """No file unreadable, no return summed with errors, none the roster expects missing:
        the command's exit code 0. The older copy of a return sent twice is not summed, so its
        errors (listed on 要対応 as 重複のため集計に不使用) do not count."""
        dropped = self.collection.dropped()
        summed = (r for r in self.results if Path(r.path) not in dropped)
        return all(r.valid for r in summed) and not self.collection.missing()


def find_workbooks(given: Sequence[Path]) -> tuple[list[Path], dict[Path, str]]:
    """The workbooks under `given`, and the name each is shown by; UsageError when none."""
    paths = list(iter_workbooks(given))
    if not paths:
        raise UsageError(
            "点検するブック(.xlsx/.xlsm/.xls)が見つかりません: " + ", ".join(map(str, given))
        )
    return paths, {p: str(display_name(p, given)) for p in paths}


def collect_paths(
    given: Sequence[Path],
    output: Path,
    csv: Path | None = None,
    roster: Path | None = None,
    jobs: int | None = 1,
    force: bool = False,
    registry: LayoutRegistry | None = None,
    checking: Checking | None = None,
) -> Collected:
    """Collect the returns under `given` into `output` (and `csv`); see the module.

    `checking` checks the found paths (the command line's shows a progress bar); by default
    they are checked with `jobs` worker processes. A bad roster stops before any return is read.
    """
    registry = registry or default_registry()
    check_target(output, force)
    if csv is not None:
        check_target(csv, force)
    entries = read_expected(roster, registry) if roster is not None else None
    paths, names = find_workbooks(given)
    if checking is None:
        results = list(iter_check_returns(paths, registry, jobs))
    else:
        results = list(checking(paths))
    expected = match_roster(results, entries, registry) if entries is not None else None
    collection = collect_returns(results, names, expected)
    with atomic_path(output, force) as temp:
        write_summary_workbook(collection, temp)
    if csv is not None:
        with atomic_path(csv, force) as temp:
            write_tidy_csv(collection, temp)
    return Collected(collection, results)
