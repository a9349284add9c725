"""Compare the folder check (and fix) of two commits on the same returns, in turns, in one run.

    python benchmarks/compare.py 82877f4 HEAD              # returns with their own table lengths
    python benchmarks/compare.py 82877f4 HEAD --same-shapes --rounds 5
    python benchmarks/compare.py d382caa HEAD --fix        # and fix_path of each return

Builds N returns once (``run.build_returns`` of this tree), exports each commit with
``git archive`` (a directory is taken as it is), then in each round runs, for each commit in
turn and in a fresh process, the calamine floor, ``check_returns`` in one process and on all
cores over the same files (with ``--fix``, and ``fix_path`` of each file, as ``xlsxsheet fix``
runs it, into a scratch folder). The fastest round of each is kept (a shared machine only ever slows
a run), every round is printed. This is how a change's figures in BENCHMARKS.md and the commit
messages are measured: against the commit before it, on the same machine at the same time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs in a fresh process with the tree to measure first on sys.path.
CHILD = """
import gc, json, sys, time
from pathlib import Path
import tempfile
tree, folder, jobs, fix = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "fix"
sys.path.insert(0, tree)
import python_calamine
import xlsxsheet
try:
    from xlsxsheet.office.batch import check_returns
except ImportError:  # a commit from before the package had stages
    from xlsxsheet.batch import check_returns  # old path
assert Path(xlsxsheet.__file__).resolve().is_relative_to(Path(tree).resolve()), xlsxsheet.__file__
paths = sorted(folder.glob("*.xlsx"))

def floor():
    for path in paths:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()
        book.close()

def timed(work):
    gc.collect()
    start = time.perf_counter()
    work()
    return 1000 * (time.perf_counter() - start) / len(paths)

check_returns(paths[:20], jobs=1, values=False)  # layouts loaded, imports done
taken = {
    "floor": timed(floor),
    "one process": timed(lambda: check_returns(paths, jobs=1, values=False)),
    "all cores": timed(lambda: check_returns(paths, jobs=jobs, values=False)),
}
if fix:
    from xlsxsheet.layout.registry import default_registry
    from xlsxsheet.office.fixing import fix_path
    registry = default_registry()
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        def fix_all():
            for path in paths:
                fix_path(path, out / path.name, force=True, registry=registry)
        fix_all()  # the copies' folder and caches made
        taken["fix"] = timed(fix_all)
print(json.dumps(taken))
"""


def export(revision: str, into: Path) -> Path:
    """The tree of `revision` (a directory as it is, else `git archive` of that commit into a
    new directory under `into`)."""
    if Path(revision).is_dir():
        return Path(revision).resolve()
    into.mkdir(parents=True, exist_ok=True)
    target = Path(tempfile.mkdtemp(prefix=revision.replace("/", "_") + "-", dir=into))
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def measure(tree: Path, folder: Path, jobs: int, fix: bool) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tree), str(folder), str(jobs), "fix" if fix else "-"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tree,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", help="commit (or directory) measured first in each round")
    parser.add_argument("new", help="commit (or directory) measured second")
    parser.add_argument("--n", type=int, default=200, help="returns to build")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (default: all)")
    parser.add_argument(
        "--same-shapes", action="store_true", help="tables at their examples' lengths"
    )
    parser.add_argument("--fix", action="store_true", help="and fix_path of each return")
    args = parser.parse_args()
    jobs = args.jobs or os.cpu_count() or 1
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import run  # this tree's returns

    with tempfile.TemporaryDirectory(prefix="xlsxsheet-compare-") as work:
        base = Path(work)
        folder = base / "returns"
        run.build_returns(folder, args.n, same_shapes=args.same_shapes)
        # the same commit twice (an A/A run: how far apart two measurements of one tree are)
        # is measured as two sides
        names = (args.old, args.new if args.new != args.old else f"{args.new} (again)")
        trees = {
            name: export(revision, base / "trees")
            for name, revision in zip(names, (args.old, args.new), strict=True)
        }
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
        for i in range(args.rounds):
            for name, tree in trees.items():
                taken = measure(tree, folder, jobs, args.fix)
                rounds[name].append(taken)
                shown = ", ".join(f"{k} {v:.2f}" for k, v in taken.items())
                print(f"round {i + 1} {name}: {shown} ms/workbook", flush=True)
    shapes = "examples' table lengths" if args.same_shapes else "tables of their own lengths"
    print(f"\n{args.n} returns ({shapes}), {jobs} workers; fastest of {args.rounds} rounds:\n")
    fix = " fix | fix / floor |" if args.fix else ""
    print(
        f"| commit | floor | one process | all cores | one process / floor | all cores / floor |{fix}"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |" + (" ---: | ---: |" if args.fix else ""))
    for name, taken in rounds.items():
        best = {key: min(r[key] for r in taken) for key in taken[0]}
        row = (
            f"| {name} | {best['floor']:.2f} | {best['one process']:.2f} |"
            f" {best['all cores']:.2f} | {best['one process'] / best['floor']:.2f}× |"
            f" {best['all cores'] / best['floor']:.2f}× |"
        )
        if args.fix:
            row += f" {best['fix']:.2f} | {best['fix'] / best['floor']:.2f}× |"
        print(row)


if __name__ == "__main__":
    main()
