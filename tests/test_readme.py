"""The README's commands run as written: the quick start's year, then the command list."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from xlsxsheet.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def sh_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, re.S)


def section(title: str) -> str:
    start = README.index(title)
    end = README.find("\n## ", start + 1)
    return README[start : end if end > 0 else None]


def commands_of(block: str) -> list[list[str]]:
    """Each `xlsxsheet …` line of a block as its arguments (comments left out)."""
    lines = [line.split(" #")[0].strip() for line in block.splitlines()]
    return [shlex.split(line)[1:] for line in lines if line.startswith("xlsxsheet ")]


QUICK = [c for b in sh_blocks(section("## はじめての方へ")) for c in commands_of(b)]
COMMANDS = [c for b in sh_blocks(section("## Commands")) for c in commands_of(b)]


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder as the office has it: 提出 holding a department's return, and 名簿.csv."""
    folder = tmp_path_factory.mktemp("office")
    (folder / "提出").mkdir()
    shutil.copy(
        ROOT / "examples" / "shisaku-management-R2.xlsx", folder / "提出" / "福祉総務課_12.xlsx"
    )
    (folder / "名簿.csv").write_text(
        "様式,施策番号,担当課\n施策マネジメントシート,12,福祉総務課\n", encoding="utf-8"
    )
    return folder


def run_in(folder: Path, args: list[str]) -> tuple[int, str]:
    here = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(main, args)
    finally:
        os.chdir(here)
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), (args, result.exception)
    return result.exit_code, result.output


def test_the_readme_has_the_commands() -> None:
    assert [c[0] for c in QUICK] == [
        "layouts",
        "template",
        "check",
        "fix",
        "collect",
        "rollover",
    ]
    assert len(COMMANDS) >= 8
    assert "Python 3.11 以降" in README and ".venv\\Scripts\\pip install ." in README


def test_the_quick_start_runs_as_written(office: Path) -> None:
    for args in QUICK:
        code, output = run_in(office, args)
        assert code == 0, (args, output)
        assert "Traceback" not in output
    assert (office / "福祉総務課_12.xlsx").is_file()
    assert (office / "点検結果.html").is_file()
    assert (office / "福祉総務課_12_修正版.xlsx").is_file()
    assert (office / "集計.xlsx").is_file() and (office / "集計.csv").is_file()
    assert list((office / "様式R3").glob("*.xlsx"))


def test_the_command_list_runs_as_written(office: Path) -> None:
    if not (office / "点検結果.html").exists():
        for args in QUICK:
            run_in(office, args)
    for args in COMMANDS:
        code, output = run_in(office, args)
        assert code == 0, (args, output)
        assert "Traceback" not in output
    assert (office / "施策12_記入済み.xlsx").is_file()
    assert (office / "点検結果.json").is_file() and (office / "点検結果.xlsx").is_file()


def test_the_library_example_runs(tmp_path: Path) -> None:
    """The README's Python example (xlsxsheet.api) runs as written, in a fresh folder."""
    import subprocess
    import sys

    (example,) = re.findall(r"```python\n(.*?)```", section("## Python library"), re.S)
    done = subprocess.run(
        [sys.executable, "-c", example],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=os.environ | {"PYTHONIOENCODING": "utf-8"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for written in ("施策12.xlsx", "施策12_修正版.xlsx", "集計.xlsx", "集計.csv"):
        assert (tmp_path / written).is_file(), written
    assert "shisaku-management" in done.stdout
    # an empty template has nothing fix corrects: the folder fix writes no copy and says so
    assert "修正版 0 件、修正 0 件、直すものなし 1 件" in done.stdout, done.stdout
    assert not (tmp_path / "修正版").exists() or not any((tmp_path / "修正版").iterdir())
    # an empty template has problems (required inputs are blank), each printed with its cell
    assert re.search(r"^\S+ [A-Z]+\d+ (error|warning) ", done.stdout, re.M), done.stdout


def test_the_two_commands_are_what_they_say(tmp_path: Path) -> None:
    """The README's two commands: one line that installs and runs the demo on the bundled
    examples (its xlsxsheet part run here), and the test command, which .ci/run runs."""
    demo, tests = sh_blocks(section("## Two commands"))
    (line,) = demo.strip().splitlines()
    steps = [step.strip() for step in line.split("&&")]
    assert steps[:2] == ["python3 -m venv .venv", ".venv/bin/pip install ."], steps
    assert len(steps) == 3 and steps[2].startswith(".venv/bin/xlsxsheet demo ")
    code, output = run_in(tmp_path, shlex.split(steps[2])[1:])
    assert code == 0 and "Traceback" not in output, output
    assert list(tmp_path.rglob("*.xlsx")), "the demo wrote no workbook"
    assert tests.strip() == "bash .ci/run"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.rstrip().splitlines()[-1] == ".venv/bin/python -m pytest -q"
    assert "`.venv/bin/python -m pytest -q`" in section("## Two commands")
