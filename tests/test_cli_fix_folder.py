"""`fix` of whole folders: a corrected copy per return to correct, mirrored under -o, names
decided and existing copies refused before any is written, every unreadable return and
unwritten copy named, the exit code, and the library's `fix_folder`."""

from __future__ import annotations

import hashlib
import os
import shutil
import zipfile
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from fidelity_support import excel_return, libreoffice_return, macro_return

import xlsxsheet
from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.cli import main
from xlsxsheet.core.errors import UsageError
from xlsxsheet.external.libreoffice import recalculate, to_xls
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.fixing import CORRECTED_CODES

TOTAL = "xs_perf_cost_total_a_y2020"  # 事業費計(A) R2: a SUM overwritten by a number
SEED_TOTAL = 1_918_138  # 事業費計(A) R2 as seed 000 publishes it (SHEETS.md)
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
    history = " ".join(row[8] for row in book["修正履歴"].iter_rows(min_row=2, values_only=True))
    assert "total-mismatch" in history and "judgement-mismatch" not in history
    book = openpyxl.load_workbook(out / "施策12(2)_修正版.xlsx")
    rows = list(book["修正履歴"].iter_rows(min_row=2, values_only=True))
    assert ("判定が数値と合いません", "judgement-mismatch") in [(r[6], r[8]) for r in rows]
    assert "total-mismatch" not in [r[8] for r in rows]


def test_names_equal_as_windows_compares_them_get_distinct_copies(
    tmp_path: Path, example_000_workbook: Path
) -> None:
    upper = damaged(example_000_workbook, tmp_path / "in" / "施策A.xlsx", **{TOTAL: 1})
    lower = damaged(example_000_workbook, tmp_path / "in" / "施策a.xlsx", **{TOTAL: 2})
    out = tmp_path / "修正版"
    code, err = run("fix", str(upper), str(lower), "-o", str(out))
    assert code == 0, err
    assert files_under(out) == ["施策A_修正版.xlsx", "施策a(2)_修正版.xlsx"]
    assert f"{lower} の修正版は、{upper} の修正版と名前が重なるため 施策a(2)_修正版.xlsx" in err


def test_an_input_is_never_a_copy_even_with_force(
    tmp_path: Path, example_000_workbook: Path
) -> None:
    folder = tmp_path / "提出"
    first = damaged(example_000_workbook, folder / "施策12.xlsx", **{TOTAL: 1})
    second = shutil.copy(first, folder / "施策12_修正版.xlsx")
    before = {p: digest(p) for p in (first, second)}
    code, err = run("fix", str(first), str(second), "-o", str(folder), "--force")
    assert code == 2 and "入力ファイルと同じです" in err
    assert {p: digest(p) for p in (first, second)} == before
    assert sorted(p.name for p in folder.iterdir()) == ["施策12.xlsx", "施策12_修正版.xlsx"]


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


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> Path:
    """提出/ as the clients write it: the parts as Excel writes them (総務/施策12.xlsx), the same
    with a VBA project (総務/施策12.xlsm), saved again by LibreOffice after a row was inserted
    (企画/施策13.xlsx) and that one saved by LibreOffice as Excel 97-2003 (企画/施策14.xls);
    each with 事業費計(A) R2 overwritten and numbers typed as text."""
    work = tmp_path_factory.mktemp("clients")
    root = work / "提出"
    (root / "総務").mkdir(parents=True)
    (root / "企画").mkdir()
    shutil.copy(excel_return(work).path, root / "総務" / "施策12.xlsx")
    shutil.copy(macro_return(work).path, root / "総務" / "施策12.xlsm")
    saved = libreoffice_return(work, soffice).path
    shutil.copy(saved, root / "企画" / "施策13.xlsx")
    shutil.copy(to_xls(saved, work / "xls", soffice=soffice), root / "企画" / "施策14.xls")
    return root


@pytest.mark.libreoffice
def test_returns_excel_and_libreoffice_wrote_are_corrected(
    clients: Path, tmp_path: Path, soffice: str
) -> None:
    assert check_file(clients / "企画" / "施策14.xls", default_registry()).changes
    before = {p: digest(p) for p in clients.rglob("*") if p.is_file()}
    out = tmp_path / "修正版"
    code, err = run("fix", str(clients), "-o", str(out), "-j", "2")
    assert code == 1  # the .xls has corrections but cannot have a copy
    assert (
        "修正版を書き出せません: 企画/施策14.xls: 施策14.xls は古い形式(.xls)のため修正版を作れません。"
        in err
    )
    assert "修正版 3 件" in err and "読めない 0 件" in err
    assert files_under(out) == [
        "企画/施策13_修正版.xlsx",
        "総務/施策12_修正版.xlsm",
        "総務/施策12_修正版.xlsx",
    ]
    with zipfile.ZipFile(clients / "総務" / "施策12.xlsm") as z:
        project = z.read("xl/vbaProject.bin")
    with zipfile.ZipFile(out / "総務" / "施策12_修正版.xlsm") as z:
        assert z.read("xl/vbaProject.bin") == project
    sources = {
        "企画/施策13_修正版.xlsx": clients / "企画" / "施策13.xlsx",
        "総務/施策12_修正版.xlsm": clients / "総務" / "施策12.xlsm",
        "総務/施策12_修正版.xlsx": clients / "総務" / "施策12.xlsx",
    }
    for name, source in sources.items():
        copy = out / name
        assert_corrected(copy)
        # LibreOffice recalculates the copy to the total xlsxsheet recomputes from the return
        read = check_file(source, default_registry()).read
        assert read is not None
        expected = read.value(("perf.cost.total_a", 2020))
        assert libreoffice_total(copy, tmp_path / "recalculated" / copy.stem, soffice) == expected
    assert_untouched(clients, before)


@pytest.mark.libreoffice
def test_libreoffice_recalculates_a_copy_to_the_seed_total(
    returns: Path, tmp_path: Path, soffice: str
) -> None:
    done = xlsxsheet.fix_folder([returns], tmp_path / "修正版")
    (copy,) = [r.out for r in done.written if r.name == "福祉/施策12.xlsx"]
    assert copy is not None
    assert libreoffice_total(copy, tmp_path / "recalculated", soffice) == SEED_TOTAL


def libreoffice_total(copy: Path, folder: Path, soffice: str) -> object:
    """事業費計(A) R2 of `copy` as LibreOffice recalculates it."""
    book = openpyxl.load_workbook(recalculate(copy, folder, soffice=soffice), data_only=True)
    sheet, ref = cell_of(book, TOTAL)
    return book[sheet][ref].value


def assert_untouched(folder: Path, before: dict[Path, str]) -> None:
    assert {p: digest(p) for p in folder.rglob("*") if p.is_file()} == before


def test_the_errors_left_are_named_by_return(returns: Path, tmp_path: Path) -> None:
    money = "xs_perf_cost_general_y2020"  # 一般財源 R2: a number no fix can guess
    damaged(returns / "福祉" / "施策12.xlsx", returns / "福祉" / "施策12.xlsx", **{money: "未定"})
    damaged(returns / "健康" / "施策13.xlsx", returns / "健康" / "施策13.xlsx", **{money: "未定"})
    left = {
        p: check_file(p, default_registry()).errors
        for p in (returns / "福祉" / "施策12.xlsx", returns / "健康" / "施策13.xlsx")
    }
    assert all(n >= 1 for n in left.values())
    out = tmp_path / "修正版"
    code, err = run("fix", str(returns), "-o", str(out), "-j", "1")
    assert code == 0, err
    copy = out / "福祉" / "施策12_修正版.xlsx"
    assert f"手で直すエラー 1 件: 福祉/施策12.xlsx(修正版 {copy})" in err
    assert "手で直すエラー 1 件: 健康/施策13.xlsx(修正版なし)" in err  # nothing fix corrects
    named = [line for line in err.splitlines() if line.startswith("手で直すエラー ")]
    assert len(named) == 2  # 子育て's copy leaves no error: not named
    assert check_file(copy, default_registry()).errors == 1
    assert "手で直すエラー 2 件 →" in err
    code, err = run("fix", str(returns), "-o", str(tmp_path / "静か"), "-q")
    assert code == 0 and "手で直す" not in err


def _dying_fix(original, path, *args, **kwargs):  # type: ignore[no-untyped-def]
    """fix_path, but the worker writing the copy of 落ちる.xlsx is killed."""
    if path.name == "落ちる.xlsx":
        os._exit(9)
    return original(path, *args, **kwargs)


def test_a_worker_that_dies_costs_its_one_copy(
    example_000_workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xlsxsheet.office import fixing_folder

    root = tmp_path / "提出"
    names = ["施策1.xlsx", "施策2.xlsx", "落ちる.xlsx", "施策3.xlsx", "施策4.xlsx"]
    for name in names:
        damaged(example_000_workbook, root / name, **{TOTAL: 1_918_000})
    original = fixing_folder.fix_path
    monkeypatch.setattr(
        fixing_folder, "fix_path", lambda path, *a, **k: _dying_fix(original, path, *a, **k)
    )  # the forked workers inherit it
    done = fixing_folder.fix_paths([root], tmp_path / "修正版", jobs=2)
    by_name = {r.name: r for r in done.returns}
    assert sorted(by_name) == sorted(names)
    dead = by_name["落ちる.xlsx"]
    assert dead.out is None and dead.failure is not None
    assert "プロセスが途中で終了しました" in dead.failure
    assert done.not_written == [dead] and not done.ok
    for name in names:
        if name != "落ちる.xlsx":
            assert by_name[name].out is not None, name
            assert_corrected(by_name[name].out)
    assert not (tmp_path / "修正版" / "落ちる_修正版.xlsx").exists()


def test_the_last_copy_after_a_worker_died_is_written_in_a_process_of_its_own(
    example_000_workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the pool breaks before the copies before 落ちる.xlsx (the last by name) are handed
    back, 落ちる.xlsx is left alone in the list: it must not be written in this process (it would
    end the whole command, here pytest itself)."""
    from xlsxsheet.office import fixing_folder

    root = tmp_path / "提出"
    names = ["施策1.xlsx", "落ちる.xlsx"]  # 落 sorts after 施: the dying return is the last
    for name in names:
        damaged(example_000_workbook, root / name, **{TOTAL: 1_918_000})
    original = fixing_folder.fix_path
    monkeypatch.setattr(
        fixing_folder, "fix_path", lambda path, *a, **k: _dying_fix(original, path, *a, **k)
    )
    passes: list[int] = []

    def pool_breaks_at_once(func, calls, jobs):  # type: ignore[no-untyped-def]
        passes.append(len(calls))
        if len(passes) > 1:
            raise AssertionError("a copy written in this process after a worker died")
        raise BrokenProcessPool("a worker died before any copy was handed back")
        yield  # a generator, as iter_in_processes

    monkeypatch.setattr(fixing_folder, "iter_in_processes", pool_breaks_at_once)
    done = fixing_folder.fix_paths([root], tmp_path / "修正版", jobs=2)
    assert passes == [2]
    by_name = {r.name: r for r in done.returns}
    assert by_name["施策1.xlsx"].out is not None  # written again alone, in its own process
    assert_corrected(by_name["施策1.xlsx"].out)
    assert by_name["落ちる.xlsx"].out is None
    assert "プロセスが途中で終了しました" in str(by_name["落ちる.xlsx"].failure)


def test_a_copy_written_by_a_worker_of_a_pool_that_broke_is_written_again(
    example_000_workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker may write its copy and the pool break (another worker died) before the copy is
    handed back: the copy written again must replace what this run wrote, not be refused as
    「すでにあります」 (seen once in twenty runs of the folder tests on two cores)."""
    from xlsxsheet.office import fixing_folder

    root = tmp_path / "提出"
    names = ["施策1.xlsx", "施策2.xlsx"]
    for name in names:
        damaged(example_000_workbook, root / name, **{TOTAL: 1_918_000})
    passes: list[int] = []

    def written_then_broken(func, calls, jobs):  # type: ignore[no-untyped-def]
        passes.append(len(calls))
        if len(passes) == 1:
            func(*calls[0])  # the first copy is on disk, never handed back
            raise BrokenProcessPool("another worker died")
        for call in calls:
            yield func(*call)

    monkeypatch.setattr(fixing_folder, "iter_in_processes", written_then_broken)
    done = fixing_folder.fix_paths([root], tmp_path / "修正版", jobs=2)
    assert passes == [2]  # 施策1 again alone, then 施策2 (the last) alone
    assert done.ok, [r.failure for r in done.returns]
    for r in done.returns:
        assert r.out is not None
        assert_corrected(r.out)
    # a copy that was there before the run is still refused without --force
    with pytest.raises(UsageError, match="修正版がすでにあります"):
        fixing_folder.fix_paths([root], tmp_path / "修正版", jobs=2)
