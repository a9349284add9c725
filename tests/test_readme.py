"""The README's Python example runs as written, in a fresh folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _python_blocks(section: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(section)
    end = text.find("\n## ", start + len(section))
    return re.findall(r"```python\n(.*?)```", text[start : end if end > 0 else None], re.S)


def test_the_library_example_runs(tmp_path: Path) -> None:
    (example,) = _python_blocks("## Python library")
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
    # an empty template has problems (required inputs are blank), each printed with its cell
    assert re.search(r"^\S+ [A-Z]+\d+ (error|warning) ", done.stdout, re.M), done.stdout
