"""The benchmark scripts run and report every row (no timing is asserted: the figures go to
BENCHMARKS.md, measured on a quiet machine, not here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
        "floor",
        "floor_all_cores",
        "peer",
        "check_file",
        "check",
        "check_one_process",
        "fix",
        "load_save",
    ):
        assert results[row]["ms"] > 0, row
    for row in ("floor", "check", "check_one_process", "check_file"):
        assert len(results[row]["runs_ms"]) == 2, row  # every round kept, the fastest used
    assert results["check"]["invalid"] > 0  # the built returns carry mistakes the check finds
    assert set(results["ratios"]) >= {"check / floor", "peer / check", "template ms"}
    table = out.with_suffix(".md").read_text(encoding="utf-8")
    assert "check / floor ≤ 3×" in table and "| template (make_template) |" in table


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
