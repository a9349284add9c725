"""`fix` of whole folders: a corrected copy per return to correct, mirrored under -o, names
decided and existing copies refused before any is written, every unreadable return and
unwritten copy named, the exit code, and the library's `fix_folder`."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import xlsxsheet
from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.cli import main
from xlsxsheet.core.errors import UsageError
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.fixing import CORRECTED_CODES
from xlsxsheet.office.fixing_folder import copy_name

TOTAL = "xs_perf_cost_total_a_y2020"  # 事業費計(A) R2: a SUM overwritten by a number
ACHIEVEMENT = "xs_perf_outcome_d1_a_achievement"  # 達成/未達成: a judgement the rules decide


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cell_of(book: openpyxl.Workbook, name: str) -> tuple[str, str]:
    sheet, ref = next(iter(book.defined_names[name].destinations))
    return sheet, ref.replace("$", "")


def damaged(source: Path, out: Path, **values: object) -> Path:
    """A copy of `source` at `out` with the named cells overwritten (as the other fix tests)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.load_workbook(source)
    for name, value in values.items():
        sheet, ref = cell_of(book, name)
        book[sheet][ref].value = value
    book.save(out)
    return out


@pytest.fixture
def returns(tmp_path: Path, example_000_workbook: Path) -> Path:
    """提出/: two returns to correct with the same name in two sub-folders, one clean one."""
    root = tmp_path / "提出"
    damaged(example_000_workbook, root / "福祉" / "施策12.xlsx", **{TOTAL: 1_918_000})
    damaged(example_000_workbook, root / "子育て" / "施策12.xlsx", **{ACHIEVEMENT: "達成"})
    clean = root / "健康" / "施策13.xlsx"
    clean.parent.mkdir()
    shutil.copy(example_000_workbook, clean)
    return root


def corrections(paths: list[Path]) -> int:
    return sum(len(check_file(p, default_registry()).changes) for p in paths)


def assert_corrected(copy: Path) -> None:
    """The copy, read back by xlsxsheet's own check: nothing left that fix corrects."""
    checked = check_file(copy, default_registry())
    assert checked.read is not None
    assert [p.code for p in checked.problems if p.code in CORRECTED_CODES] == []
    assert checked.changes == []
    assert "修正履歴" in openpyxl.load_workbook(copy, read_only=True).sheetnames


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_folder_gets_a_copy_per_return_to_correct(
    returns: Path, tmp_path: Path, jobs: str
) -> None:
    inputs = sorted(returns.rglob("*.xlsx"))
    before = {p: digest(p) for p in inputs}
    to_correct = [returns / "福祉" / "施策12.xlsx", returns / "子育て" / "施策12.xlsx"]
    expected = corrections(to_correct)
    assert expected >= 2 and corrections([returns / "健康" / "施策13.xlsx"]) == 0
    out = tmp_path / "修正版"
    code, err = run("fix", str(returns), "-o", str(out), "-j", jobs)
    assert code == 0, err
    assert files_under(out) == ["子育て/施策12_修正版.xlsx", "福祉/施策12_修正版.xlsx"]
    assert (
        f"修正版 2 件、修正 {expected} 件、直すものなし 1 件、読めない 0 件、手で直すエラー 0 件 → {out}"
        in err
    )
    for copy in out.rglob("*.xlsx"):
        assert_corrected(copy)
    book = openpyxl.load_workbook(out / "福祉" / "施策12_修正版.xlsx")
    sheet, ref = cell_of(book, TOTAL)
    assert str(book[sheet][ref].value).startswith("=SUM(")
    book = openpyxl.load_workbook(out / "子育て" / "施策12_修正版.xlsx")
    sheet, ref = cell_of(book, ACHIEVEMENT)
    assert book[sheet][ref].value == "未達成"  # as the seed's figures decide
    assert {p: digest(p) for p in inputs} == before


def test_same_names_given_as_files_get_distinct_copies(returns: Path, tmp_path: Path) -> None:
    first, second = returns / "福祉" / "施策12.xlsx", returns / "子育て" / "施策12.xlsx"
    out = tmp_path / "修正版"
    code, err = run("fix", str(first), str(second), "-o", str(out))
    assert code == 0, err
    assert files_under(out) == ["施策12(2)_修正版.xlsx", "施策12_修正版.xlsx"]
    assert (
        f"{second} の修正版は、{first} の修正版と名前が重なるため 施策12(2)_修正版.xlsx にしました。"
        in err
    )
    # each copy is its own return's: the first has the total restored, the second the judgement
    book = openpyxl.load_workbook(out / "施策12_修正版.xlsx")
    history = [row[6] for row in book["修正履歴"].iter_rows(min_row=2, values_only=True)]
    assert "formula-overwritten" in history and "judgement-mismatch" not in history
    book = openpyxl.load_workbook(out / "施策12(2)_修正版.xlsx")
    history = [row[6] for row in book["修正履歴"].iter_rows(min_row=2, values_only=True)]
    assert "judgement-mismatch" in history and "formula-overwritten" not in history


def test_an_unreadable_return_is_named_and_exits_1(returns: Path, tmp_path: Path) -> None:
    (returns / "健康" / "壊れた.xlsx").write_bytes(b"this is not a workbook")
    out = tmp_path / "修正版"
    code, err = run("fix", str(returns), "-o", str(out))
    assert code == 1
    assert "読めません: 健康/壊れた.xlsx: 壊れた.xlsx はExcelブックではないファイル" in err
    assert "修正版 2 件" in err and "読めない 1 件" in err
    assert files_under(out) == ["子育て/施策12_修正版.xlsx", "福祉/施策12_修正版.xlsx"]


def test_a_copy_that_cannot_be_written_is_named_and_exits_1(returns: Path, tmp_path: Path) -> None:
    out = tmp_path / "修正版"
    out.mkdir()
    (out / "福祉").write_bytes(b"a file where the sub-folder goes")
    code, err = run("fix", str(returns), "-o", str(out))
    assert code == 1
    assert "修正版を書き出せません: 福祉/施策12.xlsx: " in err and "を書き出せません(" in err
    assert "修正版 1 件" in err and "読めない 0 件" in err
    assert files_under(out) == ["子育て/施策12_修正版.xlsx", "福祉"]


def test_existing_copies_are_refused_before_any_is_written(returns: Path, tmp_path: Path) -> None:
    out = tmp_path / "修正版"
    old = out / "福祉" / "施策12_修正版.xlsx"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"corrected by hand")
    code, err = run("fix", str(returns), "-o", str(out))
    assert code == 2
    assert f"-o のフォルダに修正版がすでにあります(1 件: {old})" in err and "--force" in err
    assert files_under(out) == ["福祉/施策12_修正版.xlsx"]  # the other copy not written either
    assert old.read_bytes() == b"corrected by hand"
    code, err = run("fix", str(returns), "-o", str(out), "--force")
    assert code == 0, err
    assert files_under(out) == ["子育て/施策12_修正版.xlsx", "福祉/施策12_修正版.xlsx"]
    assert_corrected(old)


def test_the_output_inside_an_input_folder_is_refused(returns: Path) -> None:
    for out in (returns / "修正版", returns):
        code, err = run("fix", str(returns), "-o", str(out))
        assert code == 2 and "点検するフォルダの外" in err
    assert not (returns / "修正版").exists()
    assert not list(returns.rglob("*_修正版.xlsx"))


def test_an_output_file_for_a_folder_is_refused(returns: Path, tmp_path: Path) -> None:
    out = tmp_path / "修正版.xlsx"
    out.write_bytes(b"a file")
    code, err = run("fix", str(returns), "-o", str(out))
    assert code == 2 and "修正版を書き出すフォルダを指定してください" in err
    assert out.read_bytes() == b"a file"


def test_the_library_fixes_a_folder(returns: Path, tmp_path: Path) -> None:
    out = tmp_path / "修正版"
    done = xlsxsheet.fix_folder([returns], out)
    assert done.ok
    assert [r.name for r in done.written] == ["子育て/施策12.xlsx", "福祉/施策12.xlsx"]
    assert [r.name for r in done.nothing_to_correct] == ["健康/施策13.xlsx"]
    assert sum(r.changes for r in done.written) == corrections(
        [returns / "子育て" / "施策12.xlsx", returns / "福祉" / "施策12.xlsx"]
    )
    for r in done.written:
        assert r.out is not None and r.out.is_file()
        assert_corrected(r.out)
    with pytest.raises(UsageError, match="すでにあります"):
        xlsxsheet.fix_folder([returns], out)
    again = xlsxsheet.fix_folder([returns], out, force=True)
    assert [r.out for r in again.written] == [r.out for r in done.written]


@pytest.mark.parametrize(
    ("name", "copy"),
    [
        ("施策12.xlsx", "施策12_修正版.xlsx"),
        ("施策12.XLSX", "施策12_修正版.xlsx"),
        ("マクロ付き.xlsm", "マクロ付き_修正版.xlsm"),
        ("古い.xls", "古い_修正版.xlsx"),
        ('福祉:"12"?.xlsx', "福祉__12___修正版.xlsx"),
        ("施策 12 .xlsx", "施策 12 _修正版.xlsx"),
    ],
)
def test_copy_names(name: str, copy: str) -> None:
    assert copy_name(name) == copy
