"""A folder holding memory-hungry returns among good ones gets its whole report (issue 18).

The folder check runs in a child process limited with resource.setrlimit (memory and time), as
a city's would run on a shared machine: each hungry return is one problem, every good return is
checked, and the JSON report lists every file. A worker that dies (killed, or out of memory
while sending its result back) costs its one return, never the others' results.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hostile.cases import BY_NAME, EXAMPLES, build

from xlsxsheet.core.problems import Problem
from xlsxsheet.office import batch
from xlsxsheet.office.batch import iter_check_returns
from xlsxsheet.office.spool import Spool

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="resource limits are POSIX")

HUNGRY = [
    "records-body-to-last-row",
    "merge-whole-sheet",
    "merge-ten-million",
    "merges-2000-of-10000",
    "merges-2000-of-400",
]
GOOD = ["shisaku-management-R2.xlsx", "shinchoku-shihyo-R6.xlsx", "shinchoku-pdca-R5.xlsx"]
LIMITED_CHECK = """
import resource, sys
memory = 1536 * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
resource.setrlimit(resource.RLIMIT_CPU, (120, 125))
from xlsxsheet.cli import main
sys.argv = ["xlsxsheet", *sys.argv[1:]]
main()
"""


def _strict(text: str) -> object:
    def refuse(constant: str) -> None:
        raise ValueError(constant)

    return json.loads(text, parse_constant=refuse)


def test_a_folder_with_hungry_returns_gets_a_complete_report(tmp_path: Path) -> None:
    folder = tmp_path / "提出"
    folder.mkdir()
    for number, name in enumerate(GOOD):
        shutil.copy(EXAMPLES / name, folder / f"good{number}_{name}")
    for name in HUNGRY:
        build(BY_NAME[name], folder)
    report = tmp_path / "report.json"
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            LIMITED_CHECK,
            "check",
            "-q",
            "-j",
            "2",
            "--format",
            "json",
            "-o",
            str(report),
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert child.returncode == 1, child.stderr[-3000:]
    assert "Traceback" not in child.stderr
    data = _strict(report.read_text(encoding="utf-8"))
    files = {Path(f["file"]).name: f for f in data["files"]}  # type: ignore[index]
    assert len(files) == len(GOOD) + len(HUNGRY)
    for name in HUNGRY:
        codes = [p["code"] for p in files[f"{name}.xlsx"]["problems"]]
        assert codes == ["file-too-large"], (name, codes)
    for number, name in enumerate(GOOD):
        assert files[f"good{number}_{name}"]["status"] != "unreadable"


def _dying(original, path, *args, **kwargs):  # type: ignore[no-untyped-def]
    """check_return, but a worker checking dies.xlsx is killed and one checking
    hungry.xlsx runs out of memory sending its result back."""
    if path.name == "dies.xlsx":
        os._exit(9)
    if path.name == "hungry.xlsx":
        raise MemoryError
    return original(path, *args, **kwargs)


def test_a_worker_that_dies_costs_its_one_return(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = []
    for number in range(6):
        paths.append(tmp_path / f"good{number}.xlsx")
        shutil.copy(EXAMPLES / GOOD[0], paths[-1])
    for name in ("dies.xlsx", "hungry.xlsx"):
        shutil.copy(EXAMPLES / GOOD[0], tmp_path / name)
    paths[2:2] = [tmp_path / "dies.xlsx"]
    paths[5:5] = [tmp_path / "hungry.xlsx"]
    original = batch.check_return
    monkeypatch.setattr(
        batch, "check_return", lambda path, *a, **k: _dying(original, path, *a, **k)
    )  # the forked workers inherit it
    results = list(iter_check_returns(paths, jobs=2))
    assert [r.path for r in results] == paths
    by_name = {r.path.name: r for r in results}
    assert [p.code for p in by_name["dies.xlsx"].problems] == ["file-unreadable"]
    assert "プロセスが途中で終了しました" in by_name["dies.xlsx"].problems[0].message
    assert "メモリが足りなくなりました" in by_name["hungry.xlsx"].problems[0].message
    for number in range(6):
        assert by_name[f"good{number}.xlsx"].readable


def test_findings_that_cannot_be_spooled_cost_their_return_only() -> None:
    unpicklable = Problem("file-corrupt", "壊れています", value=lambda: None)
    with Spool() as spool:
        first = spool.add([unpicklable], [])
        second = spool.add([Problem("file-empty", "空です")], [])
        assert [p.code for p in spool.load(first)[0]] == ["file-unreadable"]
        assert [p.code for p in spool.load(second)[0]] == ["file-empty"]
