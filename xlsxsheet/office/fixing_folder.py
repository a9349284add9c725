"""The `fix` job over files and folders, one for the command line and the library.

Every return under the given paths is checked (in worker processes). Each readable return with
something to correct gets its corrected copy `<元の名前>_修正版.xlsx` (`.xlsm` kept) under the
output folder, in the sub-folder it was found in; a return with nothing to correct gets none.
The output folder inside an input folder is refused before any return is read; every copy's
name is decided, and an existing one refused unless `force`, before any copy is written. An
unreadable return and a copy that could not be written are kept with their reason (Japanese).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from xlsxsheet.core.errors import UsageError, XlsxsheetError
from xlsxsheet.layout.registry import LayoutRegistry, default_registry
from xlsxsheet.office.batch import (
    CheckedReturn,
    iter_check_returns,
    iter_in_processes,
    shared_registry,
    worker_registry,
)
from xlsxsheet.office.collecting import find_workbooks
from xlsxsheet.office.filenames import fixed_name
from xlsxsheet.office.fixing import errors_left, fix_path
from xlsxsheet.office.output_places import refuse_inside_inputs
from xlsxsheet.office.status import layout_broken
from xlsxsheet.reading.safe_open import SAVE_AS_XLSX

OUTPUT_OPTION = "-o"
SHOWN_EXISTING = 3  # existing copies named in the refusal

Checking = Callable[[list[Path]], Iterable[CheckedReturn]]  # paths → checked returns in order
# the written returns as they come, and how many will come (the command line's progress bar)
Written = tuple[int, int, str | None]  # corrections, errors left, why not written (None: it was)
Writing = Callable[[Iterator["FixedReturn"], int], Iterator["FixedReturn"]]


@dataclass(frozen=True)
class FixedReturn:
    """One return of a folder fix: what its check found and what became of its copy."""

    path: Path
    name: str  # as reports show it: relative to the folder it was found in
    readable: bool
    changes: int = 0  # corrections (in its copy, when written)
    errors_left: int = 0  # errors the copy leaves for the department to fix by hand
    out: Path | None = None  # the corrected copy, when written
    failure: str | None = None  # why it could not be read, or why its copy was not written
    layout_broken: bool = False  # not read: its layout's file has a mistake (problem layout-broken)


@dataclass(frozen=True)
class Renamed:
    """A copy named apart because another return's copy took its name."""

    path: Path  # the return
    out: Path  # the name its copy got
    other: Path  # the return whose copy has the first name


@dataclass(frozen=True)
class FolderFix:
    """What a folder fix did: every return in input order, and the copies named apart."""

    returns: list[FixedReturn]
    renamed: list[Renamed] = field(default_factory=list)

    @property
    def written(self) -> list[FixedReturn]:
        return [r for r in self.returns if r.out is not None]

    @property
    def unreadable(self) -> list[FixedReturn]:
        return [r for r in self.returns if not r.readable]

    @property
    def not_written(self) -> list[FixedReturn]:
        """Readable returns with something to correct whose copy could not be written."""
        return [r for r in self.returns if r.readable and r.failure is not None]

    @property
    def nothing_to_correct(self) -> list[FixedReturn]:
        return [r for r in self.returns if r.readable and r.failure is None and not r.changes]

    @property
    def ok(self) -> bool:
        """Every return read and every copy it needed written."""
        return all(r.failure is None for r in self.returns)

    def summary(self) -> str:
        """The one line the command ends with."""
        written = self.written
        broken = [r for r in self.unreadable if r.layout_broken]
        unreadable = [r for r in self.unreadable if not r.layout_broken]
        return (
            f"修正版 {len(written)} 件、修正 {sum(r.changes for r in written)} 件、"
            f"直すものなし {len(self.nothing_to_correct)} 件、読めない {len(unreadable)} 件、"
            + (f"様式定義の誤りで点検できない {len(broken)} 件、" if broken else "")
            + f"手で直すエラー {sum(r.errors_left for r in self.returns)} 件"
        )


def fix_paths(
    given: Sequence[Path],
    out_dir: Path,
    layout_id: str | None = None,
    year: int | None = None,
    jobs: int | None = 1,
    force: bool = False,
    registry: LayoutRegistry | None = None,
    checking: Checking | None = None,
    writing: Writing | None = None,
) -> FolderFix:
    """Fix every return under `given` into `out_dir` (see the module); `jobs` processes.

    `checking` checks the found paths and `writing` wraps the copies as they are written (the
    command line's progress bars); by default the returns are checked with `jobs` processes.
    """
    registry = registry or default_registry()
    given = [Path(p) for p in given]
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(
            f"{OUTPUT_OPTION} の {out_dir} はファイルです。フォルダを指定したときや複数のブックを"
            "指定したときは、修正版を書き出すフォルダを指定してください。"
        )
    refuse_inside_inputs(out_dir, given, OUTPUT_OPTION)
    paths, names = find_workbooks(given)
    if checking is None:
        checked = iter_check_returns(paths, registry, jobs, layout_id, year, values=False)
    else:
        checked = iter(checking(paths))
    found = [_slim(r, names.get(r.path, r.path.name)) for r in checked]
    plan, renamed = _plan(found, out_dir)
    _refuse_existing(plan, paths, force)
    dirs = shared_registry(registry)  # forked workers inherit the layouts loaded so far
    done = _write_all(found, plan, dirs, layout_id, year, jobs, force)
    if writing is not None:
        done = writing(done, len(plan))
    written = {r.path: r for r in done}
    return FolderFix([written.get(r.path, r) for r in found], renamed)


def _slim(checked: CheckedReturn, name: str) -> FixedReturn:
    """What the job keeps of a checked return (not its problems: a folder has hundreds)."""
    if not checked.readable:
        first = checked.problems[0].message if checked.problems else "読み取れませんでした。"
        broken = layout_broken(checked)
        return FixedReturn(checked.path, name, False, failure=first, layout_broken=broken)
    changes = len(checked.changes)
    failure = None
    other_year = next((p for p in checked.problems if p.code == "year-mismatch"), None)
    if other_year is not None:  # last year's sheet: sent back, never corrected for this year
        return FixedReturn(
            checked.path, name, True, 0, errors_left(checked), failure=other_year.message
        )
    if changes and checked.path.suffix.lower() == ".xls":
        failure = f"{checked.path.name} は古い形式(.xls)のため修正版を作れません。{SAVE_AS_XLSX}"
    return FixedReturn(checked.path, name, True, changes, errors_left(checked), failure=failure)


def _plan(found: list[FixedReturn], out_dir: Path) -> tuple[dict[Path, Path], list[Renamed]]:
    """The copy of each return to correct, named apart from the others (as Windows compares)."""
    plan: dict[Path, Path] = {}
    owners: dict[str, Path] = {}
    renamed: list[Renamed] = []
    for r in found:
        if not r.readable or not r.changes or r.failure is not None:
            continue
        relative = Path(r.name)
        out = out_dir / relative.parent / fixed_name(relative.name)
        first, n = _fold(out), 2
        while _fold(out) in owners:
            numbered = f"{relative.stem}({n}){relative.suffix}"
            out = out_dir / relative.parent / fixed_name(numbered)
            n += 1
        if n > 2:
            renamed.append(Renamed(r.path, out, owners[first]))
        owners[_fold(out)] = r.path
        plan[r.path] = out
    return plan, renamed


def _refuse_existing(plan: dict[Path, Path], inputs: list[Path], force: bool) -> None:
    """An input is never a copy's name; an existing copy is replaced only with `force`."""
    existing = [out for out in plan.values() if out.exists()]
    sources = {_identity(p) for p in inputs}
    for out in existing:
        if _identity(out) in sources:
            raise UsageError(
                f"修正版の名前 {out} が入力ファイルと同じです。別のフォルダを指定してください。"
            )
    if existing and not force:
        shown = "、".join(str(p) for p in existing[:SHOWN_EXISTING])
        more = " ほか" if len(existing) > SHOWN_EXISTING else ""
        raise UsageError(
            f"{OUTPUT_OPTION} のフォルダに修正版がすでにあります({len(existing)} 件: {shown}{more})。"
            "上書きするには --force を付けるか、別のフォルダを指定してください。"
        )


def _write_all(
    found: list[FixedReturn],
    plan: dict[Path, Path],
    dirs: tuple[str, ...],
    layout_id: str | None,
    year: int | None,
    jobs: int | None,
    force: bool,
) -> Iterator[FixedReturn]:
    """Each planned copy written in `jobs` processes, in order; a worker process that dies
    costs its return only (the rest go on in a new pool)."""
    todo = [r for r in found if r.path in plan]
    broken = False
    while todo:
        # after a worker died, a copy not handed back may have been written all the same (by
        # a worker of the broken pool): no target existed when the run began (or --force was
        # given, _refuse_existing), so the copy written again may replace what this run wrote
        calls = [(r.path, plan[r.path], dirs, layout_id, year, force or broken) for r in todo]
        if broken and len(calls) == 1 and jobs != 1:
            # iter_in_processes writes a lone call in this process: after a worker died, the
            # last copy may be the one that kills its process, so it gets a process of its own
            yield _copied(todo[0], plan, _alone(calls[0]))
            return
        done = 0
        try:
            for written in iter_in_processes(write_copy, calls, jobs):
                yield _copied(todo[done], plan, written)
                done += 1
        except BrokenProcessPool:
            # the first copy not handed back may not be the one that broke the pool: it is
            # written again alone, in a process of its own, and the rest in a new pool
            broken = True
            yield _copied(todo[done], plan, _alone((*calls[done][:-1], True)))
            done += 1
        todo = todo[done:]


def _copied(r: FixedReturn, plan: dict[Path, Path], written: Written) -> FixedReturn:
    """The return `r` once its copy was written (or not: the failure says why)."""
    changes, left, failure = written
    out = plan[r.path] if failure is None else None
    return FixedReturn(r.path, r.name, True, changes, left, out, failure)


def _alone(call: tuple[Path, Path, tuple[str, ...], str | None, int | None, bool]) -> Written:
    """`write_copy(*call)` in a process of its own; a failure when that process dies."""
    with ProcessPoolExecutor(max_workers=1) as pool:
        try:
            return pool.submit(write_copy, *call).result()
        except BrokenProcessPool:
            return 0, 0, "修正版を作っていたプロセスが途中で終了しました(メモリ不足など)。"


def write_copy(
    path: Path,
    out: Path,
    dirs: tuple[str, ...],
    layout_id: str | None,
    year: int | None,
    force: bool,
) -> Written:
    """Check `path` again and write its corrected copy to `out` (in a worker process): the
    corrections, the errors left, and why the copy was not written (None when it was)."""
    try:
        checked = fix_path(path, out, layout_id, year, force, worker_registry(dirs))
    except XlsxsheetError as exc:
        return 0, 0, str(exc)
    except OSError as exc:
        return 0, 0, f"{out} を書き出せません({exc.strerror or exc})。"
    except Exception:  # one return's copy must not end the batch; it is reported, exit 1
        return (
            0,
            0,
            f"{path.name} の修正版を作れませんでした(想定していない書き方の部分があります)。",
        )
    return len(checked.changes), errors_left(checked), None


def _fold(path: Path) -> str:
    """A path as Windows compares names: case-insensitively, after Unicode normalisation."""
    return unicodedata.normalize("NFC", str(path)).casefold()


def _identity(path: Path) -> Path:
    try:
        return Path(path).resolve()
    except OSError:
        return Path(path).absolute()
