"""The `serve` command: its messages, and `serve --demo` starting the desk with the examples."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from web_support import token, write_roster

from xlsxsheet.cli import main

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from web_upload import DeskClient, free_port  # noqa: E402


def test_serve_needs_a_data_folder() -> None:
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 2  # a usage mistake
    assert "--data で提出を置くフォルダを指定してください" in result.output
    assert "Traceback" not in result.output


def test_a_bad_roster_stops_serve_with_its_lines(tmp_path: Path) -> None:
    roster = tmp_path / "名簿.csv"
    roster.write_text("様式,施策番号,担当課\nno-such-layout,1,福祉総務課\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["serve", "--data", str(tmp_path / "d"), "--roster", str(roster)]
    )
    assert result.exit_code == 2  # a roster that cannot be used is a usage mistake
    assert "2行目: 様式「no-such-layout」はありません" in result.output
    assert "Traceback" not in result.output


def test_serve_demo_starts_with_the_examples(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from xlsxsheet.cli import main; main()",
            "serve",
            "--demo",
            "--no-browser",
            "--data",
            str(tmp_path / "demo"),
            "--port",
            str(port),
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        lines = []
        for line in process.stderr:
            lines.append(line)
            if line.startswith("止めるには"):
                break
        codes = dict(line.strip().split("\t") for line in lines if "\t" in line)
        assert f"提出窓口: http://127.0.0.1:{port}/" in lines[0]
        roster = (
            (tmp_path / "demo" / "名簿(体験用).csv").read_text(encoding="utf-8-sig").splitlines()
        )
        rows = [line for line in roster[1:] if line.strip()]
        depts = {line.split(",")[2] for line in rows}
        assert lines[1] == f"受け付ける年度: 令和2年度  名簿: {len(rows)} 行(担当課 {len(depts)})\n"
        assert "管理者のパスワード: demo\n" in lines
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/signin", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        office = DeskClient(f"http://127.0.0.1:{port}")
        office.sign_in("admin", "demo")
        page = office.request("/admin")[2].decode()
        for state, count in (("未提出", 1), ("エラー", 1), ("警告のみ", 1), ("問題なし", 3)):
            assert f'<span class="state state-{state}">{state}</span><b>{count}</b>' in page
        department = DeskClient(f"http://127.0.0.1:{port}")
        department.sign_in("福祉総務課", codes["福祉総務課"])
        assert (
            "誤りあり_shisaku-management-R2.xlsx" in department.request(department.home)[2].decode()
        )
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_trusted_proxies_makes_serve_count_the_forwarded_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`serve --trusted-proxies 1`: behind one reverse proxy the client's own address (the
    proxy's X-Forwarded-For entry) is the one sign-in failures are counted for."""
    import waitress

    served: list[Any] = []
    monkeypatch.setattr(waitress, "serve", lambda app, **_: served.append(app))
    roster = write_roster(tmp_path / "名簿.csv")
    args = ["serve", "--data", str(tmp_path / "d"), "--roster", str(roster)]
    result = CliRunner().invoke(main, [*args, "--trusted-proxies", "1"])
    assert result.exit_code == 0, result.output
    client = served[0].test_client()
    client.environ_base.update(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    for _ in range(11):
        form = {"who": "admin", "secret": "wrong", "csrf": token(client, "/signin")}
        response = client.post("/signin", data=form)
    assert response.status_code == 429
    assert "このアドレス(203.0.113.7)から" in response.text
