"""The benchmark scripts run and report every row (no timing is asserted: the figures go to
BENCHMARKS.md, measured on a quiet machine, not here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_run_py_measures_every_row_and_ratio(tmp_path: Path) -> None:
    out = tmp_path / "results"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--n",
            "6",
            "--sample",
            "2",
            "--repeat",
            "2",
            "--jobs",
            "2",
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    for row in (
        "template",
        "template_default_gc",
        "floor",
        "floor_all_cores",
        "peer",
        "check_file",
        "check",
        "check_one_process",
        "check_command",
        "fix",
        "fix_sample",
        "fix_write",
        "load_save",
    ):
        assert results[row]["ms"] > 0, row
    assert results["shapes"] == "varied"
    for row in ("floor", "check", "check_one_process", "check_file", "fix"):
        assert len(results[row]["runs_ms"]) == 2, row  # every round kept, the fastest used
    assert results["check"]["invalid"] > 0  # the built returns carry mistakes the check finds
    assert set(results["ratios"]) >= {
        "check / floor",
        "peer / check",
        "fix / floor",
        "template ms",
        "command / floor",
    }
    table = out.with_suffix(".md").read_text(encoding="utf-8")
    assert "check / floor ≤ 3×" in table
    assert "| template (`make_template`, as `rollover` writes them) |" in table


def test_layouts_py_gives_a_row_per_bundled_example() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "layouts.py"), "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ") and "×" in line]
    examples = sorted(p.stem for p in (ROOT / "examples").glob("*.yaml"))
    assert [row.split("|")[1].strip() for row in rows] == examples


def test_built_returns_have_records_tables_of_their_own_lengths(tmp_path: Path) -> None:
    """What real returns do, and what makes most of them need a plan of their own: the
    benchmark's records returns differ in table lengths unless --same-shapes."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run as bench
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    from xlsxsheet.layout.registry import default_registry
    from xlsxsheet.plan.records_plan import workbook_shapes
    from xlsxsheet.reading.workbook_reader import read_workbook

    registry = default_registry()

    def shapes(same: bool) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        folder = tmp_path / ("same" if same else "varied")
        for built in bench.build_returns(folder, 18, same_shapes=same):  # 3 per layout
            layout = registry.get(built.layout)
            shape = workbook_shapes(read_workbook(built.path), layout)
            found.setdefault(built.layout, set()).add(repr(sorted(shape.items())))
        return found

    varied, same = shapes(False), shapes(True)
    for layout_id in ("shinchoku-pdca", "shinchoku-shihyo", "shisaku-hyoka"):
        assert len(varied[layout_id]) == 3, layout_id  # three returns, three shapes
        assert len(same[layout_id]) == 1, layout_id
    assert len(varied["shisaku-management"]) == 1  # no records table


def test_compare_py_measures_two_trees_on_the_same_returns(tmp_path: Path) -> None:
    new = tmp_path / "tree"
    new.symlink_to(ROOT, target_is_directory=True)
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "compare.py"),
            str(ROOT),
            str(new),
            "--n",
            "5",
            "--rounds",
            "1",
            "--jobs",
            "2",
            "--fix",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("| /")]
    assert [row.split("|")[1].strip() for row in rows] == [str(ROOT), str(new)]
    for row in rows:
        cells = row.split("|")
        floor, one, every, fix = (float(cells[i]) for i in (2, 3, 4, 7))
        assert floor > 0 and one > 0 and every > 0 and fix > 0
        # the ratio of the unrounded figures
        assert float(cells[8].strip().rstrip("×")) == pytest.approx(fix / floor, rel=0.02)
