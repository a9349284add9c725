"""The progress bar: on a terminal while checking a folder, never when quiet or piped."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from returns_factory import ShisakuManagement

pty = pytest.importorskip("pty")  # POSIX only


def _folder(tmp_path: Path) -> Path:
    sm = ShisakuManagement(random.Random(2))
    root = tmp_path / "提出 フォルダ"
    for number in (1, 2, 3):
        doc, _ = sm.document(number, "福祉総務課", "4")
        sm.write(doc, root / f"施策{number}.xlsx")
    return root


def _stderr_on_a_terminal(*args: str) -> str:
    primary, secondary = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-c", "from xlsxsheet.cli import main; main()", *args],
            stdout=subprocess.PIPE,
            stderr=secondary,
            timeout=120,
        )
        os.close(secondary)
        secondary = -1
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert result.returncode == 0, result.stdout
        return b"".join(chunks).decode("utf-8", "replace")
    finally:
        os.close(primary)
        if secondary != -1:
            os.close(secondary)


def test_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    root = _folder(tmp_path)
    shown = _stderr_on_a_terminal("check", str(root), "--jobs", "1")
    assert "点検中" in shown and "3/3" in shown
    assert "点検中" not in _stderr_on_a_terminal("check", str(root), "--quiet")
    piped = subprocess.run(
        [sys.executable, "-c", "from xlsxsheet.cli import main; main()", "check", str(root)],
        capture_output=True,
        timeout=120,
    )
    assert piped.returncode == 0
    assert piped.stderr == b""


def test_fix_of_a_folder_shows_both_bars_on_a_terminal(tmp_path: Path) -> None:
    import openpyxl

    root = _folder(tmp_path)
    book = openpyxl.load_workbook(root / "施策2.xlsx")
    sheet, ref = next(iter(book.defined_names["xs_perf_cost_total_a_y2020"].destinations))
    book[sheet][ref.replace("$", "")].value = 1
    book.save(root / "施策2.xlsx")
    shown = _stderr_on_a_terminal("fix", str(root), "-o", str(tmp_path / "修正版"), "-j", "1")
    assert "点検中" in shown and "3/3" in shown
    assert "修正版を作成中" in shown and "1/1" in shown
    assert "修正版 1 件" in shown
    quiet = _stderr_on_a_terminal(
        "fix", str(root), "-o", str(tmp_path / "修正版2"), "--quiet", "-j", "1"
    )
    assert quiet == ""
