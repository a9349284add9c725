"""A folder walk finds every return, and every spreadsheet a department sent in another format,
so that `check` says what to do with it instead of passing it over without a word."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cli_support import run_cli
from libreoffice_support import require_soffice
from web_support import make_return

from xlsxsheet.external.libreoffice import _convert
from xlsxsheet.office.discovery import iter_workbooks


def test_a_return_saved_as_ods_is_reported_not_passed_over(tmp_path: Path) -> None:
    soffice = require_soffice()
    folder = tmp_path / "提出"
    folder.mkdir()
    good = make_return(folder, 1, "福祉総務課")
    made = make_return(tmp_path, 2, "高齢者支援課")
    ods = _convert(made, folder, "ods", ".ods", 180, soffice)  # LibreOffice saves it
    assert ods.suffix == ".ods" and ods.read_bytes()[:2] == b"PK"
    shutil.copy(good, folder / f"~${good.name}")  # Excel's lock file beside an open book
    (folder / "メモ.txt").write_text("提出状況のメモ", encoding="utf-8")
    roster = folder / "名簿.csv"
    roster.write_text(
        "様式,施策番号,担当課,ファイル名\n"
        "施策マネジメントシート,1,福祉総務課,\n"
        f"施策マネジメントシート,2,高齢者支援課,{ods.name}\n",
        encoding="utf-8",
    )

    assert sorted(p.name for p in iter_workbooks([folder])) == sorted([good.name, ods.name])
    code, out, err = run_cli("check", str(folder), "--format", "json", "--roster", str(roster))
    assert code == 1, err
    report = json.loads(out)
    by_name = {Path(f["file"]).name: f for f in report["files"]}
    assert set(by_name) == {good.name, ods.name}
    (problem,) = by_name[ods.name]["problems"]
    assert problem["severity"] == "error"
    assert "OpenDocument" in problem["message"] and "保存し直してください" in problem["message"]
    # the roster row naming the .ods is 読めない, not a bare 未提出
    rows = {r["key"]: r["status"] for r in report["summary"]["roster"]}
    assert rows["2"] == "unreadable" and rows["1"] != "missing"
