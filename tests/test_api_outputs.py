"""The library writes as the commands do (one job each, office/collecting and office/fixing):
an existing output is refused unless forced, before any return is read; the summary is written
atomically; an unreadable return is refused with its reason; a folder without workbooks is a
usage error."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import xlsxsheet
from xlsxsheet.core.errors import UsageError, WorkbookError


def test_collect_refuses_an_existing_summary_unless_forced(
    example_000_workbook: Path, tmp_path: Path
) -> None:
    out = tmp_path / "集計.xlsx"
    out.write_bytes(b"the office's own workbook")
    with pytest.raises(UsageError, match="--force"):
        xlsxsheet.collect([example_000_workbook], out)
    assert out.read_bytes() == b"the office's own workbook"
    collection = xlsxsheet.collect(
        [example_000_workbook], out, csv=tmp_path / "集計.csv", force=True
    )
    assert len(collection.kept) == 1
    assert "評価総括表" in openpyxl.load_workbook(out, read_only=True).sheetnames
    assert (tmp_path / "集計.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("~$")]  # no temporary left


def test_collect_refuses_before_reading_any_return(tmp_path: Path) -> None:
    """The outputs are looked at first: a CSV that exists stops the job, even over a folder
    whose returns would take long to read (here: none at all, which would be another error)."""
    (tmp_path / "集計.csv").write_text("x", encoding="utf-8")
    empty = tmp_path / "returns"
    empty.mkdir()
    with pytest.raises(UsageError, match=r"集計\.csv はすでにあります"):
        xlsxsheet.collect([empty], tmp_path / "集計.xlsx", csv=tmp_path / "集計.csv")
    with pytest.raises(UsageError, match="見つかりません"):
        xlsxsheet.collect([empty], tmp_path / "集計.xlsx")
    assert not (tmp_path / "集計.xlsx").exists()


def test_fix_refuses_an_existing_copy_unless_forced(
    example_000_workbook: Path, tmp_path: Path
) -> None:
    out = tmp_path / "修正版.xlsx"
    out.write_bytes(b"kept")
    with pytest.raises(UsageError, match="--force"):
        xlsxsheet.fix(example_000_workbook, out)
    assert out.read_bytes() == b"kept"
    checked = xlsxsheet.fix(example_000_workbook, out, force=True)
    assert checked.read is not None and out.read_bytes()[:2] == b"PK"


def test_fix_of_an_unreadable_return_says_why_and_writes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "施策12.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a zip after all")
    out = tmp_path / "修正版.xlsx"
    with pytest.raises(WorkbookError) as raised:
        xlsxsheet.fix(broken, out)
    assert raised.value.code == "file-corrupt" and "壊れ" in str(raised.value)
    assert not out.exists()


def test_fix_refuses_to_write_over_its_own_input(example_000_workbook: Path) -> None:
    before = example_000_workbook.read_bytes()
    with pytest.raises(UsageError, match="入力ファイルと同じ"):
        xlsxsheet.fix(example_000_workbook, example_000_workbook, force=True)
    assert example_000_workbook.read_bytes() == before
