"""Every output goes through one writer: an existing OUT refused unless --force, a folder
refused, a `~$` temporary file removed on failure (the old OUT intact), the user's umask,
and the marked copies never inside the folder being checked."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xlsxsheet.cli import main
from xlsxsheet.core import safe_write
from xlsxsheet.core.errors import UsageError
from xlsxsheet.core.safe_write import atomic_path, check_target
from xlsxsheet.office.discovery import iter_workbooks


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


@pytest.fixture
def damaged(tmp_path: Path, example_000_workbook: Path) -> Path:
    path = tmp_path / "in" / "施策12.xlsx"
    path.parent.mkdir()
    book = openpyxl.load_workbook(example_000_workbook)
    sheet, ref = next(iter(book.defined_names["xs_perf_cost_total_a_y2020"].destinations))
    book[sheet][ref.replace("$", "")].value = 1_918_000
    book.save(path)
    return path


# (command line with OUT in it) for every command that writes a file with -o
def commands(source: Path, out: Path) -> dict[str, list[str]]:
    return {
        "fix": ["fix", str(source), "-o", str(out)],
        "template": ["template", "shisaku-management", "--year", "R2", "-o", str(out)],
        "read": ["read", str(source), "-o", str(out)],
        "check-text": ["check", str(source), "-o", str(out)],
        "check-json": ["check", str(source), "--format", "json", "-o", str(out)],
        "check-html": ["check", str(source), "--format", "html", "-o", str(out)],
        "check-xlsx": ["check", str(source), "--format", "xlsx", "-o", str(out)],
        "collect": ["collect", str(source.parent), "-o", str(out), "-q"],
    }


@pytest.mark.parametrize(
    "command",
    ["fix", "template", "read", "check-text", "check-json", "check-html", "check-xlsx", "collect"],
)
def test_an_existing_output_is_refused_unless_forced(
    damaged: Path, tmp_path: Path, command: str
) -> None:
    out = tmp_path / "out" / "既存.xlsx"
    out.parent.mkdir()
    out.write_bytes(b"an unrelated workbook")
    os.chmod(out, 0o444)  # even a read-only one
    code, err = run(*commands(damaged, out)[command])
    assert code == 2 and "すでにあります" in err and "--force" in err
    assert out.read_bytes() == b"an unrelated workbook"
    os.chmod(out, 0o644)
    code, err = run(*commands(damaged, out)[command], "--force")
    assert code in (0, 1) and "すでにあります" not in err  # check exits 1 for the errors it finds
    assert out.read_bytes() != b"an unrelated workbook"
    assert [p.name for p in out.parent.iterdir()] == ["既存.xlsx"]


@pytest.mark.parametrize(
    "command", ["fix", "template", "read", "check-text", "check-xlsx", "collect"]
)
def test_an_output_that_is_a_folder_is_refused(damaged: Path, tmp_path: Path, command: str) -> None:
    folder = tmp_path / "出力先"
    folder.mkdir()
    code, err = run(*commands(damaged, folder)[command])
    # (-o of collect is a file by its type: click itself refuses a folder, in Japanese)
    assert code == 2 and "はフォルダです" in err
    assert list(folder.iterdir()) == []


def test_a_crash_mid_write_leaves_no_temporary_file_and_the_old_output(
    damaged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "修正版.xlsx"
    out.write_bytes(b"the previous copy")

    def crash(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(safe_write.os, "replace", crash)
    code, err = run("fix", str(damaged), "-o", str(out), "--force")
    assert code == 1 and "を書き出せません(disk full)" in err and "Traceback" not in err
    assert out.read_bytes() == b"the previous copy"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "修正版.xlsx"]


def test_a_failing_writer_removes_its_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    with pytest.raises(RuntimeError), atomic_path(out) as temp:
        temp.write_bytes(b"half")
        assert temp.name.startswith("~$") and temp.suffix == ".xlsx"
        assert list(iter_workbooks([tmp_path])) == []  # a check of the folder skips it
        raise RuntimeError("crash")
    assert list(tmp_path.iterdir()) == []


def test_copies_get_the_users_umask(damaged: Path, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        out = tmp_path / "修正版.xlsx"
        assert run("fix", str(damaged), "-o", str(out))[0] == 0
        marked = tmp_path / "marked"
        run("check", str(damaged), "--per-file-dir", str(marked))
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    (copy,) = marked.iterdir()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o644


def test_per_file_dir_inside_the_checked_folder_is_refused(damaged: Path) -> None:
    inside = damaged.parent / "返却用"
    code, err = run("check", str(damaged.parent), "--per-file-dir", str(inside))
    assert code == 2 and "点検するフォルダの外" in err
    assert not inside.exists()
    code, err = run("check", str(damaged.parent), "--per-file-dir", str(damaged.parent))
    assert code == 2 and "点検するフォルダの外" in err


def test_existing_marked_copies_are_refused_unless_forced(damaged: Path, tmp_path: Path) -> None:
    folder = tmp_path / "返却用"
    run("check", str(damaged), "--per-file-dir", str(folder))
    (copy,) = folder.iterdir()
    copy.write_bytes(b"edited by hand")
    code, err = run("check", str(damaged), "--per-file-dir", str(folder))
    assert code == 2 and "すでにあります" in err and copy.read_bytes() == b"edited by hand"
    run("check", str(damaged), "--per-file-dir", str(folder), "--force")
    assert copy.read_bytes()[:2] == b"PK"


def test_fix_into_the_input_is_refused_even_with_force(damaged: Path) -> None:
    before = damaged.read_bytes()
    code, err = run("fix", str(damaged), "-o", str(damaged), "--force")
    assert code == 2 and "入力ファイルと同じです" in err
    assert damaged.read_bytes() == before


def test_demo_refuses_a_folder_with_files_unless_forced(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "大事なメモ.txt").write_text("keep", encoding="utf-8")
    code, err = run("demo", "-o", str(folder))
    assert code == 2 and "空ではありません" in err
    assert [p.name for p in folder.iterdir()] == ["大事なメモ.txt"]


def test_rollover_writes_each_template_through_a_temporary_file(
    damaged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xlsxsheet.office.rollover import rollover

    source = tmp_path / "returns"
    shutil.copytree(damaged.parent, source)
    seen: list[str] = []
    real = safe_write.os.replace

    def spy(src: str | Path, dst: str | Path) -> None:
        seen.append(Path(src).name)
        real(src, dst)

    monkeypatch.setattr(safe_write.os, "replace", spy)
    result = rollover([source], 2021, tmp_path / "R3")
    (written,) = result.written
    assert written.output is not None and written.output.exists()
    assert len(seen) == 1 and seen[0].startswith("~$")


def test_check_target_names_the_fix(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(b"x")
    with pytest.raises(UsageError, match="--force"):
        check_target(tmp_path / "a.xlsx")
    assert check_target(tmp_path / "a.xlsx", force=True) == tmp_path / "a.xlsx"


def test_a_return_whose_copy_cannot_be_made_is_named(damaged: Path, tmp_path: Path) -> None:
    import re
    import zipfile

    odd = damaged.parent / "番地なし.xlsx"
    with zipfile.ZipFile(damaged) as z, zipfile.ZipFile(odd, "w") as out:
        for name in z.namelist():
            data = z.read(name)
            if name == "xl/worksheets/sheet1.xml":  # cells without r="A1", as some tools write
                data = re.sub(rb'(<c) r="[A-Z]+\d+"', rb"\1", data)
            out.writestr(name, data)
    damaged.unlink()
    folder = tmp_path / "返却用"
    code, err = run("check", str(odd), "--per-file-dir", str(folder))
    assert code == 1
    assert "番地なし.xlsx の写しは作れませんでした" in err
    assert "写し 0 件" in err


@pytest.mark.parametrize("stem", ["短い", "施策" * 60, "a" * 250])
def test_the_temporary_name_fits_where_the_name_fits(tmp_path: Path, stem: str) -> None:
    """A name at the file system's limit (255 bytes) still gets a temporary file beside it."""
    from xlsxsheet.core.safe_write import temp_name

    out = tmp_path / f"{stem}.xlsx"
    temp = temp_name(out)
    assert temp.parent == out.parent and temp.name.startswith("~$") and temp.suffix == ".xlsx"
    assert len(temp.name.encode("utf-8")) <= 255
    assert len(temp.name.encode("utf-16-le")) // 2 <= 255
    assert temp.name[2:].startswith(stem[:1])
    temp.write_bytes(b"fits")  # the file system takes it


@pytest.mark.parametrize(
    "command",
    ["fix", "template", "read", "check-text", "check-json", "check-html", "check-xlsx", "collect"],
)
def test_every_output_into_a_missing_folder_makes_the_folder(
    damaged: Path, tmp_path: Path, command: str
) -> None:
    """One behaviour for every -o: a folder that does not exist yet is made (no traceback)."""
    out = tmp_path / "まだない" / "下の階" / "出力.xlsx"
    code, err = run(*commands(damaged, out)[command])
    assert code in (0, 1) and "Traceback" not in err, err  # check exits 1 for its errors
    assert out.is_file() and out.stat().st_size > 0
    assert [p.name for p in out.parent.iterdir()] == ["出力.xlsx"]  # no temporary file left


def test_the_folder_outputs_into_a_missing_folder_make_it(damaged: Path, tmp_path: Path) -> None:
    """-o of rollover, demo and import, and --per-file-dir of check, name folders: made too."""
    missing = tmp_path / "まだない"
    code, err = run("rollover", str(damaged), "--year", "R3", "-o", str(missing / "様式R3"))
    assert code == 0, err
    assert [p.suffix for p in (missing / "様式R3").iterdir()] == [".xlsx"]
    code, err = run("check", str(damaged), "--per-file-dir", str(missing / "返却用"))
    assert code == 1 and "Traceback" not in err
    assert [p.name for p in (missing / "返却用").iterdir()] == ["施策12_点検結果.xlsx"]
    code, err = run(
        "import",
        str(damaged),
        "--layout",
        "shisaku-management",
        "--year",
        "R2",
        "-o",
        str(missing / "取込" / "施策12_取込.xlsx"),
    )
    assert code in (0, 1) and "Traceback" not in err, err
    assert (missing / "取込" / "施策12_取込.xlsx").is_file()
