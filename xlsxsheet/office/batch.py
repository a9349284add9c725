"""Check many workbooks: in worker processes, results in input order, never stopping early.

Each worker reads and checks a workbook and sends back a `CheckedReturn`: the problems, the
corrections fix would make, and the return's summary (no cells, no plan), so that hundreds of
returns stay cheap to pass between processes and to hold in memory.
"""

from __future__ import annotations

import gc
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import Any, TypeVar

from xlsxsheet.checks.pipeline import CheckResult, check_file
from xlsxsheet.core.changes import Change
from xlsxsheet.core.problems import Problem, ProblemCounts
from xlsxsheet.layout.registry import LayoutRegistry, default_registry
from xlsxsheet.reading.summary import ReturnInfo

Progress = Callable[["CheckedReturn"], None]
T = TypeVar("T")


@dataclass
class CheckedReturn(ProblemCounts):
    """One checked workbook, as a report and `collect` need it."""

    path: Path
    problems: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    info: ReturnInfo | None = None
    modified: float = 0.0

    @property
    def readable(self) -> bool:
        return self.info is not None

    @property
    def layout_id(self) -> str | None:
        return self.info.layout if self.info else None

    @property
    def layout_title(self) -> str | None:
        return self.info.layout_title if self.info else None

    @property
    def year(self) -> int | None:
        return self.info.year if self.info else None

    @property
    def department(self) -> str | None:
        return self.info.department if self.info else None

    @classmethod
    def from_check(cls, checked: CheckResult, values: bool = True) -> CheckedReturn:
        return cls(
            checked.path,
            checked.problems,
            checked.changes,
            checked.info if values else checked.summary(values=False),
            _mtime(checked.path),
        )


def check_return(
    path: Path,
    registry: LayoutRegistry | None = None,
    layout_id: str | None = None,
    year: int | None = None,
    values: bool = True,
) -> CheckedReturn:
    """Check one workbook; whatever goes wrong becomes a problem of that file, never an exception.

    values=False leaves the summary's tidy values out (only collect's CSV needs them; they are
    most of what a checked return holds, so a check of a whole prefecture keeps less).

    check_file already turns a file it cannot read into a problem; a workbook that trips
    anything else (a reader bug, a malformed part) is reported the same way, so that one bad
    file in a folder of hundreds does not stop the others.
    """
    path = Path(path)
    try:
        checked = check_file(path, registry or default_registry(), layout_id, year)
        return CheckedReturn.from_check(checked, values)
    except Exception as exc:  # one file's failure must not end the batch
        return unreadable(path, exc)


def unreadable(path: Path, exc: BaseException | None = None) -> CheckedReturn:
    """A return that could not be checked at all (a reader bug, memory exhausted, its worker
    process gone): one problem, in Japanese, never the Python exception's name."""
    if isinstance(exc, MemoryError):
        why = "点検中にメモリが足りなくなりました"
    elif exc is None:
        why = "点検していたプロセスが途中で終了しました"
    else:
        why = "想定していない書き方の部分があります"
    message = (
        f"{path.name} を読み取れませんでした({why})。"
        "Excelで開けるか確認し、.xlsx 形式で保存し直してください。"
    )
    return CheckedReturn(path, [Problem("file-unreadable", message, file=str(path))])


def default_jobs() -> int:
    return os.cpu_count() or 1


def check_returns(
    paths: Sequence[Path],
    registry: LayoutRegistry | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    layout_id: str | None = None,
    year: int | None = None,
    values: bool = True,
) -> list[CheckedReturn]:
    """Check every workbook of `paths`, in `jobs` processes (1: in this process), in order.

    values=False: without the summaries' tidy values (see check_return).
    """
    results: list[CheckedReturn] = []
    for result in iter_check_returns(paths, registry, jobs, layout_id, year, values):
        results.append(result)
        if progress is not None:
            progress(result)
    return results


def iter_check_returns(
    paths: Sequence[Path],
    registry: LayoutRegistry | None = None,
    jobs: int | None = None,
    layout_id: str | None = None,
    year: int | None = None,
    values: bool = True,
) -> Iterator[CheckedReturn]:
    """check_returns one result at a time, in input order, as the workers hand them back.

    Nothing is kept here: a caller that does not keep the results either (the check command
    spools them) stays the same size over any number of files. Each result's `path` is the
    Path object given in `paths`.
    """
    paths = [Path(p) for p in paths]
    with fewer_collections():
        yield from _iter_check_returns(paths, registry, jobs, layout_id, year, values)


def _iter_check_returns(
    paths: list[Path],
    registry: LayoutRegistry | None,
    jobs: int | None,
    layout_id: str | None,
    year: int | None,
    values: bool,
) -> Iterator[CheckedReturn]:
    jobs = max(1, jobs or default_jobs())
    if jobs == 1 or len(paths) == 1:
        for path in paths:
            yield check_return(path, registry, layout_id, year, values)
        return
    dirs = shared_registry(registry or default_registry())
    work = partial(_work, dirs, layout_id, year, values)
    done = 0
    while done < len(paths):
        rest = paths[done:]
        chunk = max(1, min(8, len(rest) // (jobs * 4)))
        pool = ProcessPoolExecutor(
            max_workers=min(jobs, len(rest)), initializer=_collect_less_often
        )
        try:
            for result in pool.map(work, rest, chunksize=chunk):
                result.path = paths[done]
                done += 1
                yield result
        except Exception:
            # The first return not handed back may not be the one that broke the pool: it is
            # checked again alone, in a process of its own, and the rest in a new pool. A
            # return that kills its process costs that return only (never this process).
            yield _alone(work, paths[done])
            done += 1
        finally:  # a caller that stops early (an error, Ctrl-C) does not wait for the rest
            pool.shutdown(wait=True, cancel_futures=True)


def _alone(work: Callable[[Path], CheckedReturn], path: Path) -> CheckedReturn:
    """`work(path)` in a process of its own; an unreadable return when that process dies."""
    with ProcessPoolExecutor(max_workers=1, initializer=_collect_less_often) as pool:
        try:
            result = pool.submit(work, path).result()
        except BrokenProcessPool:
            result = unreadable(path)
        except Exception as exc:
            result = unreadable(path, exc)
    result.path = path
    return result


def in_processes(
    func: Callable[..., T], calls: Sequence[tuple[Any, ...]], jobs: int | None = None
) -> list[T]:
    """`func(*args)` for each args of `calls`, in `jobs` processes (1: here), results in order.

    `func` must be a module-level function (it is pickled by name).
    """
    return list(iter_in_processes(func, calls, jobs))


def iter_in_processes(
    func: Callable[..., T], calls: Iterable[tuple[Any, ...]], jobs: int | None = None
) -> Iterator[T]:
    """in_processes over an iterable of calls, taking only a few calls ahead of the results.

    A long list of calls (each with its problems) is never held at once. A list of calls gets
    no more processes than it has calls.
    """
    jobs = max(1, jobs or default_jobs())
    if isinstance(calls, Sized):
        jobs = min(jobs, len(calls)) or 1
    calls = iter(calls)
    first = list(islice(calls, 2))
    if jobs == 1 or len(first) < 2:
        for args in chain(first, calls):
            yield func(*args)
        return
    ahead = jobs * 4
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: deque[Future[T]] = deque()
        for args in chain(first, calls):
            pending.append(pool.submit(func, *args))
            if len(pending) >= ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


_REGISTRIES: dict[tuple[str, ...], LayoutRegistry] = {}


def shared_registry(registry: LayoutRegistry) -> tuple[str, ...]:
    """The key a worker process finds `registry` by (its folders, see worker_registry).

    Forked workers inherit this registry with the layouts (and plans) loaded so far, instead
    of each loading every layout again (about 50 ms a layout); this process reuses it too.
    """
    dirs = tuple(str(d) for d in registry.dirs)
    _REGISTRIES.setdefault(dirs, registry)
    return dirs


def worker_registry(dirs: tuple[str, ...]) -> LayoutRegistry:
    """The registry of these folders in this (worker) process: the shared one when forked,
    else one made here once."""
    registry = _REGISTRIES.get(dirs)
    if registry is None:
        registry = _REGISTRIES[dirs] = LayoutRegistry([Path(d) for d in dirs])
    return registry


# Allocations between two young-generation collections while checking many returns (Python's
# default is 700). 200 benchmark returns, one process: 7.5 ms a return at 700, 5.9 at 10,000,
# 5.7 at 50,000, 5.5 at 100,000 (the young objects a collection walks then cost more).
_YOUNG_COLLECTION_EVERY = 50_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often for the duration.

    Checking a return makes tens of thousands of short-lived objects and leaves no reference
    cycle (tests/test_no_reference_cycles.py), and a plan dropped from the plan cache is freed
    by reference counting too. What the collector does during a folder check is mostly walk
    what lives on: modules, layouts and the cached plans. Where returns share their plans that
    costs little; where most returns bring a plan of their own (records tables of every length:
    a prefecture's 進捗管理表), the default thresholds promote each new plan and walk all of
    them, a fifth of the check (BENCHMARKS.md). Collecting every 50,000 allocations instead
    keeps the same garbage collected. Writing next year's templates (rollover) is the same
    case: a plan per template of a records layout. The thresholds before are restored after.
    """
    before = _collect_less_often()
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _collect_less_often() -> tuple[int, int, int]:
    """Raise the young-generation threshold (see fewer_collections): in the checking process,
    and as the initializer of a folder check's workers. Returns the thresholds before."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], _YOUNG_COLLECTION_EVERY), *before[1:])
    return before


def _work(
    dirs: tuple[str, ...], layout_id: str | None, year: int | None, values: bool, path: Path
) -> CheckedReturn:
    return check_return(path, worker_registry(dirs), layout_id, year, values)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
