"""The HTML report in a real browser (Debian's headless Chromium): counts and a problem row.

Skips locally when chromium is missing; fails under CI (env CI set), where .ci/run installs it.
"""

from __future__ import annotations

import html
import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from returns_factory import ShisakuManagement

from xlsxsheet.cli import main

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--disable-dev-shm-usage",
]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed (.ci/run installs Debian's chromium)")
    pytest.skip("chromium is not installed")
    raise AssertionError  # unreachable


def _run_chromium(*args: str, profile: Path) -> str:
    result = subprocess.run(
        [_chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """A report on three returns of one department and two broken files."""
    root = tmp_path_factory.mktemp("browser") / "提出"
    sm = ShisakuManagement(random.Random(3))
    made = []
    for number in (1, 2, 3):
        doc, m = sm.document(number, "福祉総務課", "4")
        m.path = root / "福祉総務課" / f"施策{number}.xlsx"
        sm.write(doc, m.path)
        made.append(m)
    book = openpyxl.load_workbook(made[0].path)
    sm.text_in_money(book, made[0], "<script>document.title='x'</script>")
    book.save(made[0].path)
    (root / "その他").mkdir()
    (root / "その他" / "壊れた.xlsx").write_bytes(b"not a workbook")
    (root / "その他" / "空.xlsx").write_bytes(b"")
    out = root.parent / "点検結果.html"
    result = CliRunner().invoke(main, ["check", str(root), "--format", "html", "-o", str(out)])
    assert result.exit_code == 1, result.output
    counts = {
        "files": 5,
        "clean": 2,
        "with-errors": 3,
        "warnings-only": 0,
        "unreadable": 2,
    }
    return out, counts


def test_chromium_renders_the_counts_and_a_problem_row(
    report: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    out, counts = report
    dom = _run_chromium("--dump-dom", out.as_uri(), profile=tmp_path / "profile")
    for key, value in counts.items():
        assert re.search(rf'id="count-{key}"[^>]*>{value}<', dom), key
    rows = re.findall(r'<tr class="problem severity-error">(.*?)</tr>', dom, re.S)
    script_row = next(r for r in rows if "document.title" in r)
    cells = [html.unescape(re.sub(r"<[^>]+>", " ", c)).split() for c in script_row.split("</td>")]
    assert cells[0] == ["エラー"]
    assert re.fullmatch(r"[A-Z]+\d+", cells[1][0])  # the cell, then its sheet
    assert "国庫支出金" in "".join(cells[2])
    # 内容 says what is wrong, not again the sheet and cell the セル column shows
    assert not "".join(cells[3]).startswith("'"), cells[3]
    assert cells[1][0] not in "".join(cells[3])
    assert "<script>document.title='x'</script>" in " ".join(cells[4])
    assert "<script" not in dom.split("<body", 1)[1].lower()  # shown as text, never run
    assert "福祉総務課" in dom and "施策1.xlsx" in dom


def test_chromium_screenshot(report: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    out, _ = report
    shot = tmp_path / "report.png"
    _run_chromium(
        f"--screenshot={shot}", "--window-size=1280,1600", out.as_uri(), profile=tmp_path / "p"
    )
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000
    keep = os.environ.get("XLSXSHEET_SCREENSHOT_DIR")
    if keep:
        shutil.copy(shot, Path(keep) / "html-report.png")
