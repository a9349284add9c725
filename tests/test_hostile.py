"""Hostile and damaged returns (issue 18) through every command, under a memory and time limit.

Each case of tests/hostile/cases.py (one or more for every class the fuzzing campaign found,
and their neighbours) goes through check (text and JSON), read, fix, collect and rollover in a
child process limited with ``resource.setrlimit`` (tests/hostile/run.py): every run ends with
exit 0 or 1, no traceback, messages without Python class names, JSON every parser reads, the
input unchanged, and one verdict: a file check can read is read, fixed and rolled over; a file
check cannot read is refused by every command.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hostile.cases import BY_NAME, CASES, ROLLOVER_YEAR, build

from xlsxsheet.core.errors import WorkbookError
from xlsxsheet.reading.workbook_reader import read_workbook

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="resource limits are POSIX")

TESTS = Path(__file__).resolve().parent
MEMORY_MB = 1536
CPU_SECONDS = 120
COMMANDS = ("check", "check-json", "read", "fix", "collect", "rollover")
PYTHON_NAME = re.compile(
    r"\b[A-Z][a-z]+[A-Za-z]*(?:Error|Exception|Warning)\b|BadZipFile|Traceback|"
    r"\b(?:KeyError|ValueError|TypeError|IndexError|OverflowError|MemoryError)\b"
)
FILE_LEVEL = {"file-corrupt", "file-too-large", "file-unreadable", "xml-dtd", "zip-bomb"}

# what check says of the cases that must end as one particular problem
EXPECTED = {
    "core-garbage-after-root": "file-corrupt",
    "app-garbage-after-root": "file-corrupt",
    "custom-garbage-after-root": "file-corrupt",
    "custom-mismatched-tags": "file-corrupt",
    "custom-huge-char-ref": "file-corrupt",
    "content-types-garbage": "file-corrupt",
    "styles-malformed": "file-corrupt",
    "workbook-mismatched-tags": "file-corrupt",
    "sheet-mismatched-tags": "file-corrupt",
    "strings-mismatched-tags": "file-corrupt",
    "strings-huge-char-ref": "file-corrupt",
    "theme-bad-crc": "file-corrupt",
    "app-bad-crc": "file-corrupt",
    "style-index-past-cellxfs": "file-corrupt",
    "cellxfs-without-xf": "file-corrupt",
    "merge-reversed": "file-corrupt",
    "cell-absolute-ref": "file-corrupt",
    "comments-missing": "file-corrupt",
    "comments-malformed": "file-corrupt",
    "shared-formula-unterminated": "file-corrupt",
    "name-past-last-row": "name-broken",
    "name-past-last-column": "name-broken",
    "records-body-to-last-row": "file-too-large",
    "merge-whole-sheet": "file-too-large",
    "merge-ten-million": "file-too-large",
    "merges-2000-of-10000": "file-too-large",
    "merges-2000-of-400": "file-too-large",
    "number-1e309": "not-a-number",
}


def _strict(text: str) -> Any:
    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {case.name: build(case, folder) for case in CASES}


@pytest.fixture(scope="module")
def runs(built: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """case -> command -> what the child printed (the memory-hungry cases in a child of their
    own, so that one that exhausted the limits would name itself)."""
    out = tmp_path_factory.mktemp("hostile-out")
    results: dict[str, Any] = {}
    groups = [[c for c in CASES if not c.hungry], [c for c in CASES if c.hungry]]
    for group in groups:
        args = [f"{built[c.name]}={ROLLOVER_YEAR[c.source]}" for c in group]
        child = subprocess.run(
            [
                sys.executable,
                "-m",
                "hostile.run",
                str(out),
                str(MEMORY_MB),
                str(CPU_SECONDS),
                *args,
            ],
            cwd=TESTS,
            capture_output=True,
            text=True,
            timeout=600,
        )
        lines = [json.loads(line) for line in child.stdout.splitlines() if line.startswith("{")]
        for line in lines:
            if "exit" in line:
                results.setdefault(line["case"], {})[line["command"]] = line
        assert child.returncode == 0, f"the child died at {lines[-1:]}: {child.stderr[-3000:]}"
    return results


@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_every_command_ends_in_a_japanese_problem_or_a_result(
    name: str, runs: dict[str, Any], built: dict[str, Path]
) -> None:
    assert set(runs[name]) == set(COMMANDS)
    for command, run in runs[name].items():
        where = f"{name} / {command}"
        assert run["escaped"] is None, f"{where}: {run['escaped']}"
        assert run["exit"] in (0, 1), where
        text = run["stdout"] + run["stderr"]
        assert PYTHON_NAME.search(text) is None, f"{where}: {text[:2000]}"
        assert run["unchanged"], f"{where}: the input was written"
        assert run["seconds"] < 60, f"{where}: {run['seconds']} s"  # the campaign's limit
        if command in ("check-json", "rollover") or (command == "read" and run["exit"] == 0):
            _strict(run["stdout"])
        if run["exit"] == 1:
            assert re.search("[ぁ-んァ-ン一-龥]", text), f"{where}: no Japanese message"


@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_one_verdict_whatever_the_command(name: str, runs: dict[str, Any]) -> None:
    """A file check reads is read, fixed and rolled over; one it cannot is refused by all."""
    ran = runs[name]
    files = _strict(ran["check-json"]["stdout"])["files"]
    codes = {p["code"] for p in files[0]["problems"]}
    rollover = _strict(ran["rollover"]["stdout"])["items"][0]
    if codes & FILE_LEVEL:
        assert ran["read"]["exit"] == 1 and ran["fix"]["exit"] == 1
        assert rollover["status"] == "failed"
        assert ran["read"]["stdout"] == ""
    else:
        assert ran["read"]["exit"] == 0, ran["read"]["stderr"]
        assert ran["fix"]["exit"] == 0, ran["fix"]["stderr"]
        openpyxl.load_workbook(ran["fix"]["output"]).close()  # the copy opens
        assert rollover["status"] != "failed" or not {p["code"] for p in rollover["problems"]} & {
            "return-unreadable"
        }, rollover


@pytest.mark.parametrize(("name", "code"), sorted(EXPECTED.items()))
def test_each_class_ends_as_its_problem(name: str, code: str, runs: dict[str, Any]) -> None:
    files = _strict(runs[name]["check-json"]["stdout"])["files"]
    problems = {p["code"]: p["message"] for p in files[0]["problems"]}
    assert code in problems, problems
    assert runs[name]["check-json"]["exit"] == 1 or code not in FILE_LEVEL


@pytest.mark.parametrize("name", [case.name for case in CASES if not case.hungry])
def test_both_readers_give_one_verdict(name: str, built: dict[str, Path]) -> None:
    """The fast reader and openpyxl read a file alike or refuse it with the same problem."""
    verdicts = []
    for engine in ("fast", "openpyxl"):
        try:
            read_workbook(built[name], engine=engine)
            verdicts.append(None)
        except WorkbookError as exc:
            verdicts.append(exc.code)
    assert verdicts[0] == verdicts[1]


def test_a_long_key_gives_file_names_every_system_takes(runs: dict[str, Any]) -> None:
    for name in ("key-90-characters", "key-lone-surrogate"):
        item = _strict(runs[name]["rollover"]["stdout"])["items"][0]
        assert item["status"] != "failed", item
        written = Path(item["output"])
        assert written.is_file()
        assert len(written.name.encode("utf-8")) <= 255
        assert len(written.name.encode("utf-16-le")) // 2 <= 255
    long_item = _strict(runs["key-90-characters"]["rollover"]["stdout"])["items"][0]
    assert Path(long_item["output"]).name.startswith("福祉総務課_施策番号施策番号")


def test_numbers_past_a_double_reach_every_output(runs: dict[str, Any]) -> None:
    """1e308 is summed past what a double holds, 1e309 is infinite: collect writes both, the
    JSON report says null where Python would write Infinity."""
    for name in ("number-1e308", "number-1e309"):
        assert runs[name]["collect"]["exit"] in (0, 1)
        assert Path(runs[name]["collect"]["stdout"] or ".").exists()
    report = runs["number-1e309"]["check-json"]["stdout"]
    assert "Infinity" not in report and "NaN" not in report


def test_the_cases_are_made_as_described(built: dict[str, Path]) -> None:
    """Each edit changed its example (a case that silently did nothing would prove nothing)."""
    untouched = _sha(built["untouched"])
    for name, path in built.items():
        if name != "untouched":
            assert _sha(path) != untouched, name
    assert BY_NAME["merge-whole-sheet"].hungry


def test_a_lone_surrogate_is_reported_at_its_cell(built: dict[str, Path]) -> None:
    """The reader stands U+FFFD in for `_xD800_` (no file can hold it): never silently."""
    from xlsxsheet.checks.pipeline import check_file
    from xlsxsheet.layout.registry import default_registry

    problems = check_file(built["key-lone-surrogate"], default_registry()).problems
    found = [p for p in problems if "壊れていた文字" in p.message]
    assert [(p.code, p.field, p.value) for p in found] == [
        ("value-normalized", "header.shisaku_no", "12\ufffd")
    ]
    assert found[0].sheet and found[0].cell
