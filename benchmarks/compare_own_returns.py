"""Check time of two trees, each on returns its own examples make (for rounds that change them).

    python benchmarks/compare_own_returns.py 19451ab HEAD [--n 120] [--rounds 2] [--skip jimu]

`compare.py` builds one set of returns for both trees; when a round raises a layout's version
or adds a layout, the older tree reads those returns as `layout-version` / `layout-unknown`,
which costs it almost nothing, and the comparison flatters it. Here each tree (a commit,
exported with `git archive`) builds its own N returns with its own `run.build_returns`, and
in each round, in a fresh process per tree and in turns, `check_returns(jobs=1)` is timed over
them (fastest of three), returns whose file name holds a `--skip` text left out.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import gc, json, sys, time
tree, folder, n, skip = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
sys.path[:0] = [tree, tree + "/benchmarks"]
from pathlib import Path
import xlsxsheet
assert Path(xlsxsheet.__file__).resolve().is_relative_to(Path(tree).resolve())
from run import build_returns
try:
    from xlsxsheet.office.batch import check_returns
except ImportError:
    from xlsxsheet.batch import check_returns  # old path
folder = Path(folder)
if not folder.exists():
    folder.mkdir()
    build_returns(folder, n)
paths = [p for p in sorted(folder.glob("*.xlsx")) if not any(s in p.name for s in skip)]
check_returns(paths, jobs=1, values=False)
best = float("inf")
for _ in range(3):
    gc.collect()
    start = time.perf_counter()
    check_returns(paths, jobs=1, values=False)
    best = min(best, 1000 * (time.perf_counter() - start) / len(paths))
print(json.dumps({"returns": len(paths), "ms": best}))
"""


def export(commit: str, into: Path) -> Path:
    tree = into / commit.replace("/", "_")
    tree.mkdir()
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--n", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--skip", action="append", default=[], help="leave out returns so named")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xlsxsheet-own-") as work:
        base = Path(work)
        trees = {c: export(c, base) for c in (args.old, args.new)}
        results: dict[str, list[float]] = {c: [] for c in trees}
        count: dict[str, int] = {}
        for round_no in range(1, args.rounds + 1):
            for commit, tree in trees.items():
                done = subprocess.run(
                    [
                        sys.executable,
                        "-c",
                        CHILD,
                        str(tree),
                        str(base / f"returns-{tree.name}"),
                        str(args.n),
                        *args.skip,
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                found = json.loads(done.stdout.strip().splitlines()[-1])
                results[commit].append(found["ms"])
                count[commit] = found["returns"]
                print(
                    f"round {round_no} {commit}: {found['ms']:.2f} ms a return ({found['returns']})"
                )
        print("\n| tree | returns | one process, ms a return (each round) |\n| --- | ---: | ---: |")
        for commit, times in results.items():
            print(f"| {commit} | {count[commit]} | {', '.join(f'{t:.2f}' for t in times)} |")


if __name__ == "__main__":
    main()
