"""Bad input at the command line: one clear Japanese message per file, a non-zero exit, no
traceback, and the other files of a batch still checked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from corpus.build import DOC, LAYOUT_ID
from corpus.cfb import write_cfb
from libreoffice_support import sha256

from xlsxsheet.cli import main
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.writing.make_template import make_template


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "施策12.xlsx"
    make_template(default_registry().get(LAYOUT_ID), path, None, DOC)
    return path


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    text = result.stdout + result.stderr
    assert "Traceback" not in text
    return result.exit_code, text


def _empty(folder: Path) -> Path:
    path = folder / "empty.xlsx"
    path.write_bytes(b"")
    return path


def _random(folder: Path) -> Path:
    path = folder / "random.xlsx"
    path.write_bytes(bytes(range(256)) * 4)
    return path


def _encrypted(folder: Path) -> Path:
    return write_cfb(folder / "locked.xlsx", {"EncryptionInfo": b"\x04", "EncryptedPackage": b"x"})


BAD = [
    (
        _empty,
        "file-empty",
        "empty.xlsx は空のファイル(0バイト)です。保存に失敗している可能性があります。"
        "元のブックを保存し直して、提出し直してください。",
    ),
    (
        _random,
        "not-a-workbook",
        "random.xlsx はExcelブックではないファイル(拡張子だけが .xlsx になっている可能性が"
        "あります)です。提出するファイルか確認し、Excelで開き、[名前を付けて保存] で"
        "「Excel ブック (*.xlsx)」を選んで保存し直してください。",
    ),
    (
        _encrypted,
        "workbook-encrypted",
        "locked.xlsx は読み取りパスワードで暗号化されています。",
    ),
]


@pytest.mark.parametrize(("make", "code", "message"), BAD)
def test_check_says_what_is_wrong(tmp_path: Path, make, code: str, message: str) -> None:
    path = make(tmp_path)
    exit_code, text = invoke("check", str(path))
    assert exit_code == 1
    assert f"[エラー] {code}: {message}" in text


@pytest.mark.parametrize(("make", "code", "message"), BAD)
def test_read_and_fix_say_it_too(tmp_path: Path, make, code: str, message: str) -> None:
    path = make(tmp_path)
    before = sha256(path)
    exit_code, text = invoke("read", str(path))
    assert exit_code == 1
    assert message in text
    exit_code, text = invoke("fix", str(path), "-o", str(tmp_path / "fixed.xlsx"))
    assert exit_code == 1
    assert message in text
    assert sha256(path) == before
    assert not (tmp_path / "fixed.xlsx").exists()


def test_check_many_files_reports_each_and_exits_1(tmp_path: Path, good: Path) -> None:
    files = [shutil.copy(good, tmp_path / "a_good.xlsx"), _empty(tmp_path), _random(tmp_path)]
    gone = tmp_path / "gone.xlsx"  # listed, but not there when its turn comes
    args = [str(p) for p in files] + [str(gone)]
    exit_code, text = invoke("check", "--format", "json", *args)
    assert exit_code == 1
    report = json.loads(text[text.index("{") :])
    codes = {Path(f["file"]).name: [p["code"] for p in f["problems"]] for f in report["files"]}
    assert codes == {
        "a_good.xlsx": [],
        "empty.xlsx": ["file-empty"],
        "random.xlsx": ["not-a-workbook"],
        "gone.xlsx": ["file-missing"],
    }


def test_check_only_good_files_exits_0(tmp_path: Path, good: Path) -> None:
    exit_code, _ = invoke("check", str(good))
    assert exit_code == 0
