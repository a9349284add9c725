"""提出窓口 in process (Flask's test client): permissions on every route, CSRF, cookies,
limits, storage as sent, hostile files, versions, and the office's jobs against the CLI."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from web_support import (
    ADMIN_PASSWORD,
    DEPT_A,
    DEPT_B,
    codes,
    dept_id,
    make_return,
    run_job,
    signed_in,
    token,
    upload,
    upload_id,
    wait_for_job,
    write_roster,
    xxe_file,
    zip_bomb,
)

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.cli import main
from xlsxsheet.web import create_app


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("web-returns")
    clean = make_return(folder, 1, DEPT_A)
    return {
        "clean": clean,
        "total": make_return(folder, 1, DEPT_A, "total"),
        "script": make_return(folder, 1, DEPT_A, "<script>window.__xss=1</script>", "script"),
        "clean_b": make_return(folder, 2, DEPT_B),
        "bomb": zip_bomb(clean, folder / "爆弾.xlsx"),
        "xxe": xxe_file(clean, folder / "外部実体.xlsx"),
    }


@pytest.fixture
def app(tmp_path: Path) -> Any:
    app = create_app(tmp_path / "data", write_roster(tmp_path / "名簿.csv"), ADMIN_PASSWORD, 2020)
    app.config["TESTING"] = True
    return app


def test_codes_are_stored_hashed_and_sign_in_needs_the_right_one(app: Any, tmp_path: Path) -> None:
    made = codes(app)
    assert set(made) == {DEPT_A, DEPT_B}
    database = (tmp_path / "data" / "xlsxsheet.sqlite3").read_bytes()
    for code in [*made.values(), ADMIN_PASSWORD]:
        assert code.encode() not in database
        assert code.replace("-", "").encode() not in database
    client = app.test_client()
    form = {"who": str(dept_id(app, DEPT_A)), "secret": made[DEPT_B]}
    response = client.post("/signin", data={**form, "csrf": token(client, "/signin")})
    assert response.status_code == 401
    assert "アクセスコード(パスワード)が違います" in response.text
    # typed in lower case and without hyphens, the right code signs in
    form["secret"] = made[DEPT_A].replace("-", "").lower()
    response = client.post("/signin", data={**form, "csrf": token(client, "/signin")})
    assert response.status_code == 302
    assert response.location == f"/dept/{dept_id(app, DEPT_A)}"


def test_repeated_failed_sign_ins_are_refused_for_a_while(app: Any) -> None:
    client = app.test_client()
    wrong = {"who": "admin", "secret": "guess"}
    for _ in range(10):
        response = client.post("/signin", data={**wrong, "csrf": token(client, "/signin")})
        assert response.status_code == 401
    right = {"who": "admin", "secret": ADMIN_PASSWORD, "csrf": token(client, "/signin")}
    response = client.post("/signin", data=right)
    assert response.status_code == 429
    assert "企画担当(管理者)へのサインインを、しばらく受け付けません" in response.text
    assert "ごろまで(あと約10分)" in response.text  # when to try again (tests/test_web_sign_in.py)
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    right["csrf"] = token(other, "/signin")
    assert other.post("/signin", data=right).status_code == 302  # another machine signs in


@pytest.mark.parametrize(
    ("given", "goes"),
    [
        ("/admin/summary", "/admin/summary"),
        ("//evil.example/", "/admin"),
        ("/\\evil.example/", "/admin"),
        ("https://evil.example/", "/admin"),
    ],
)
def test_sign_in_returns_only_to_a_page_of_this_site(app: Any, given: str, goes: str) -> None:
    client = app.test_client()
    form = {"who": "admin", "secret": ADMIN_PASSWORD, "csrf": token(client, "/signin")}
    response = client.post("/signin", query_string={"next": given}, data=form)
    assert response.status_code == 302
    assert response.location == goes


def test_session_cookie_is_httponly_and_samesite(app: Any) -> None:
    client = app.test_client()
    form = {"who": "admin", "secret": ADMIN_PASSWORD, "csrf": token(client, "/signin")}
    cookie = client.post("/signin", data=form).headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    page = client.get("/admin")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def test_a_roster_row_without_a_department_is_shown_to_the_office(tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "名簿.csv")
    roster.write_text(roster.read_text(encoding="utf-8") + "shisaku-hyoka,07,\n", encoding="utf-8")
    app = create_app(tmp_path / "data", roster, ADMIN_PASSWORD, 2020)
    assert set(codes(app)) == {DEPT_A, DEPT_B}  # no department without a name
    page = signed_in(app, "admin").get("/admin").text
    assert "<td>(担当課なし)</td>\n    <td>施策評価シート</td>\n    <td>07</td>" in page


def test_a_new_code_ends_the_old_sessions(app: Any) -> None:
    dept = signed_in(app, DEPT_A)
    admin = signed_in(app, "admin")
    page = f"/dept/{dept_id(app, DEPT_A)}"
    assert dept.get(page).status_code == 200
    issue = f"/admin/dept/{dept_id(app, DEPT_A)}/code"
    unconfirmed = admin.post(issue, data={"csrf": token(admin)})
    assert unconfirmed.status_code == 400 and "にチェックを入れてください" in unconfirmed.text
    assert dept.get(page).status_code == 200  # nothing issued: still signed in
    shown = admin.post(issue, data={"csrf": token(admin), "confirm": "yes"})
    new_code = re.search(r'id="new-code">([^<]+)<', shown.text).group(1)
    assert dept.get(page).status_code == 302  # signed out
    client = app.test_client()
    form = {"who": str(dept_id(app, DEPT_A)), "secret": new_code}
    assert (
        client.post("/signin", data={**form, "csrf": token(client, "/signin")}).status_code == 302
    )


# --- permissions on every route ---------------------------------------------------------
ROUTES = {  # rule → (method, expected for: anonymous, department B, admin)
    "/": ("GET", 302, 302, 302),
    "/signin": ("GET", 200, 200, 200),
    "/signout": ("POST", 302, 302, 302),
    "/dept/<int:dept_id>": ("GET", 302, 403, 200),
    "/dept/<int:dept_id>/upload": ("POST", 302, 403, 403),
    "/dept/<int:dept_id>/template/<int:roster_id>": ("GET", 302, 403, 200),
    "/uploads/<int:upload_id>": ("GET", 302, 403, 200),
    "/uploads/<int:upload_id>/original": ("GET", 302, 403, 200),
    "/uploads/<int:upload_id>/marked": ("GET", 302, 403, 200),
    "/uploads/<int:upload_id>/fixed": ("GET", 302, 403, 200),
    "/admin": ("GET", 302, 403, 200),
    "/admin/summary": ("GET", 302, 403, 200),
    "/admin/jobs/<kind>": ("POST", 302, 403, 303),
    "/admin/jobs/<int:job_id>": ("GET", 302, 403, 200),
    "/admin/jobs/<int:job_id>/download": ("GET", 302, 403, 200),
    "/admin/dept/<int:dept_id>/code": ("POST", 302, 403, 200),
    "/admin/roster": ("POST", 302, 403, 400),  # no file sent: told to choose one
    "/admin/deadline": ("POST", 302, 403, 303),
    "/admin/roster.csv": ("GET", 302, 403, 200),
    "/admin/params": ("GET", 302, 403, 200),
    "/admin/params/<layout_id>": ("POST", 302, 403, 200),  # nothing typed: the defaults
    "/static/<path:filename>": ("GET", 200, 200, 200),
}


def test_every_route_is_in_the_permission_table(app: Any) -> None:
    assert {rule.rule for rule in app.url_map.iter_rules()} == set(ROUTES)


def test_permissions_of_every_route(app: Any, returns: dict[str, Path]) -> None:
    """Department A's things: anonymous → sign-in, department B → 403, admin → allowed."""
    owner = signed_in(app, DEPT_A)
    found = upload_id(upload(owner, app, DEPT_A, returns["total"]))
    admin = signed_in(app, "admin")
    job_response = admin.post("/admin/jobs/summary", data={"csrf": token(admin)})
    job = int(job_response.location.rsplit("/", 1)[1])
    wait_for_job(admin, job)
    roster_a = next(
        r["id"] for r in app.extensions["xlsxsheet_store"].roster(2020) if r["dept"] == DEPT_A
    )
    values = {
        "dept_id": dept_id(app, DEPT_A),
        "upload_id": found,
        "roster_id": roster_a,
        "kind": "summary",
        "job_id": job,
        "filename": "upload.js",
        "layout_id": "shisaku-management",
    }
    clients = {"anonymous": app.test_client(), "B": signed_in(app, DEPT_B), "admin": admin}
    for rule, (method, *expected) in ROUTES.items():
        if rule == "/signout":
            continue  # signs the client out; tested below
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)
        for (who, client), status in zip(clients.items(), expected, strict=True):
            if method == "POST":
                csrf = token(client, "/signin")
                data: dict[str, Any] = {"csrf": csrf}
                if rule.endswith("/upload"):
                    data["file"] = (io.BytesIO(returns["clean"].read_bytes()), "x.xlsx")
                if rule.endswith("/code"):
                    data["confirm"] = "yes"
                response = client.post(path, data=data, content_type="multipart/form-data")
            else:
                response = client.get(path)
            assert response.status_code == status, (rule, who, response.text[:300])
            if status == 302 and who == "anonymous" and rule != "/":
                assert response.location.startswith("/signin")
            if status == 403:
                assert "権限がありません" in response.text
    # department B saw nothing of A's; only A's upload and the office's job exist
    assert [u.id for u in app.extensions["xlsxsheet_store"].uploads(2020)] == [found]
    response = clients["B"].post("/signout", data={"csrf": token(clients["B"])})
    assert response.status_code == 302
    assert clients["B"].get(f"/dept/{dept_id(app, DEPT_B)}").status_code == 302


def test_department_b_cannot_read_a_by_guessing_ids(app: Any, returns: dict[str, Path]) -> None:
    found = upload_id(upload(signed_in(app, DEPT_A), app, DEPT_A, returns["total"]))
    other = signed_in(app, DEPT_B)
    for suffix in ("", "/original", "/marked", "/fixed"):
        response = other.get(f"/uploads/{found}{suffix}")
        assert response.status_code == 403
        assert returns["total"].read_bytes()[:200] not in response.data
    assert other.get(f"/uploads/{found + 1}").status_code == 404


# --- CSRF and limits --------------------------------------------------------------------
def test_every_post_without_the_csrf_token_is_refused(app: Any, returns: dict[str, Path]) -> None:
    client = signed_in(app, DEPT_A)
    page = f"/dept/{dept_id(app, DEPT_A)}/upload"
    for sent in ({}, {"csrf": "forged"}):
        data = {**sent, "file": (io.BytesIO(returns["clean"].read_bytes()), "a.xlsx")}
        response = client.post(page, data=data, content_type="multipart/form-data")
        assert response.status_code == 400
        assert "フォームの有効期限が切れました" in response.text
    anonymous = app.test_client()
    form = {"who": "admin", "secret": ADMIN_PASSWORD}
    refused = anonymous.post("/signin", data=form)  # back to the form, told why, not signed in
    assert (refused.status_code, refused.location) == (302, "/signin?who=admin&why=signin")
    assert anonymous.get("/admin").status_code == 302
    admin = signed_in(app, "admin")
    assert admin.post("/admin/jobs/new-year", data={}).status_code == 400
    assert app.extensions["xlsxsheet_store"].count_uploads() == 0
    assert app.extensions["xlsxsheet_store"].jobs() == []


def test_an_upload_over_the_limit_is_refused_and_not_kept(tmp_path: Path) -> None:
    app = create_app(tmp_path / "data", write_roster(tmp_path / "r.csv"), ADMIN_PASSWORD, 2020, 1)
    client = signed_in(app, DEPT_A)
    page = f"/dept/{dept_id(app, DEPT_A)}"
    data = {
        "csrf": token(client, page),
        "file": (io.BytesIO(b"x" * (1024 * 1024 + 10)), "big.xlsx"),
    }
    response = client.post(page + "/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "ファイルが大きすぎます(1 MB まで)" in response.text
    assert app.extensions["xlsxsheet_store"].count_uploads() == 0
    assert not list((tmp_path / "data" / "blobs").rglob("*.*"))


def test_excels_lock_file_is_refused_with_what_to_choose(
    app: Any, returns: dict[str, Path]
) -> None:
    """A clerk picks 「~$施策1.xlsx」, the file Excel keeps beside a book it has open: told what it
    is and which file to choose, and nothing is kept or numbered as a version."""
    client = signed_in(app, DEPT_A)
    page = f"/dept/{dept_id(app, DEPT_A)}"
    data = {
        "csrf": token(client, page),
        "file": (io.BytesIO(returns["total"].read_bytes()[:165]), "~$施策1.xlsx"),
    }
    response = client.post(page + "/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Excel がブックを開いている間だけ作る一時ファイル" in response.text
    assert "~$ で始まらない元のファイルを選んでください" in response.text
    assert app.extensions["xlsxsheet_store"].count_uploads() == 0


@pytest.mark.parametrize(
    ("name", "said"),
    [
        (
            "子育て支援課_14.csv",
            "子育て支援課_14.csv はCSV(テキスト)のファイルで、Excel ブックではありません。",
        ),
        (
            "施策14.pdf",
            "施策14.pdf は Excel ブック(.xlsx・.xlsm・.xls)ではありません(拡張子 .pdf)。",
        ),
        ("施策14", "(拡張子がありません)"),
    ],
)
def test_a_file_that_is_no_workbook_by_its_name_is_refused_and_not_kept(
    app: Any, name: str, said: str
) -> None:
    """A CSV a 課 picked was kept as 第1版 and told 「拡張子だけが .xlsx になっている可能性」
    (the desk had stored it as .bin): now refused with what it is and what to send instead."""
    client = signed_in(app, DEPT_A)
    page = f"/dept/{dept_id(app, DEPT_A)}"
    data = {"csrf": token(client, page), "file": (io.BytesIO(b"No.,name\n14,a\n"), name)}
    response = client.post(page + "/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert said in response.text
    assert "「Excel ブック (*.xlsx)」として保存し" in response.text
    assert app.extensions["xlsxsheet_store"].count_uploads() == 0


# --- storage -----------------------------------------------------------------------------
def test_uploads_are_kept_as_sent_by_hash_and_later_ones_are_new_versions(
    app: Any, returns: dict[str, Path], tmp_path: Path
) -> None:
    client = signed_in(app, DEPT_A)
    sent = returns["total"].read_bytes()
    first = upload_id(upload(client, app, DEPT_A, returns["total"], "C:/evil/../施策1.xlsx"))
    second = upload_id(upload(client, app, DEPT_A, returns["total"], "../../施策1.xlsx"))
    third = upload_id(upload(client, app, DEPT_A, returns["clean"]))
    store = app.extensions["xlsxsheet_store"]
    rows = {u.id: u for u in store.uploads(2020)}
    assert [rows[i].version for i in (first, second, third)] == [1, 2, 3]
    assert rows[first].original_name == rows[second].original_name == "施策1.xlsx"
    digest = hashlib.sha256(sent).hexdigest()
    assert rows[first].sha256 == rows[second].sha256 == digest
    assert rows[first].size == len(sent)
    blobs = sorted(p for p in (tmp_path / "data" / "blobs").rglob("*") if p.is_file())
    assert [p.name for p in blobs] == sorted(
        [f"{digest}.xlsx", f"{hashlib.sha256(returns['clean'].read_bytes()).hexdigest()}.xlsx"]
    )
    assert store.blob_path(rows[first]).read_bytes() == sent
    assert not list(tmp_path.rglob("evil"))
    # the department's page lists the three versions; the roster row shows the latest
    page = client.get(f"/dept/{dept_id(app, DEPT_A)}").text
    assert page.count("/uploads/") >= 4
    assert "第3版" in page and "問題なし" in page
    # the original downloads byte for byte, under its name
    original = client.get(f"/uploads/{first}/original")
    assert original.data == sent
    assert "filename*=UTF-8''%E6%96%BD%E7%AD%961.xlsx" in original.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        (r"C:\Users\課\Desktop\施策1.xlsx", "施策1.xlsx"),
        ("../../etc/passwd", "passwd"),
        ("施策\n1.xlsx", "施策1.xlsx"),
        ("", "(名前なし)"),
        ("あ" * 300 + ".xlsx", "あ" * 195 + ".xlsx"),
    ],
)
def test_an_uploaded_name_is_only_shown(sent: str, shown: str) -> None:
    from xlsxsheet.web.views import original_name

    assert original_name(sent) == shown


def test_a_failure_before_the_commit_leaves_no_record(
    app: Any, returns: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = app.extensions["xlsxsheet_store"]
    client = signed_in(app, DEPT_A)
    original = sqlite3.Connection.execute

    def insert_then_fail(self: sqlite3.Connection, sql: str, *args: Any) -> Any:
        result = original(self, sql, *args)
        if sql.startswith("INSERT INTO uploads"):
            raise OSError("disk gone")
        return result

    monkeypatch.setattr(store, "connect", _patched_connect(store, insert_then_fail))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = upload(client, app, DEPT_A, returns["clean"])
    assert response.status_code == 500
    assert "エラーが起きました" in response.text
    assert "Traceback" not in response.text and "disk gone" not in response.text
    monkeypatch.undo()
    assert store.count_uploads() == 0
    assert upload_id(upload(client, app, DEPT_A, returns["clean"]))
    assert [u.version for u in store.uploads(2020)] == [1]


def _patched_connect(store: Any, execute: Any) -> Any:
    from contextlib import contextmanager

    class Connection(sqlite3.Connection):
        pass

    Connection.execute = execute  # type: ignore[method-assign]

    @contextmanager
    def connect() -> Any:
        db = sqlite3.connect(store.db_path, timeout=30, isolation_level=None, factory=Connection)
        db.row_factory = sqlite3.Row
        try:
            yield db
        finally:
            db.close()

    return connect


# --- the check, as the CLI's --------------------------------------------------------------
def test_the_result_is_check_files_with_a_grid_around_each_cell(
    app: Any, returns: dict[str, Path]
) -> None:
    client = signed_in(app, DEPT_A)
    found = upload_id(upload(client, app, DEPT_A, returns["total"]))
    page = client.get(f"/uploads/{found}").text
    checked = check_file(returns["total"])
    assert checked.errors and checked.changes
    assert f'id="count-errors">{checked.errors}<' in page
    assert f'id="count-warnings">{checked.warnings}<' in page
    for problem in checked.problems:  # the place stands in its own columns, not twice
        place = f"'{problem.sheet}'!{problem.cell} ({problem.label}): "
        assert problem.message.startswith(place)
        assert problem.message.removeprefix(place).replace("'", "&#39;") in page
        assert f"<b>{problem.cell}</b>" in page and place.replace("'", "&#39;") not in page
    # one marked cell a problem ("mark", or "mark num" for a figure)
    assert page.count('class="mark') == sum(bool(p.cell) for p in checked.problems)
    # the figure typed over the formula as the sheet shows it (千円, separators), not the formula
    assert '<td class="mark num" title="J77: 123,456">123,456</td>' in page
    # the corrected copy checks clean; the marked copy has the problem cells filled
    fixed = client.get(f"/uploads/{found}/fixed")
    assert fixed.status_code == 200
    out = Path(app.extensions["xlsxsheet_store"].root) / "fixed.xlsx"
    out.write_bytes(fixed.data)
    assert check_file(out).errors == 0
    marked = openpyxl.load_workbook(io.BytesIO(client.get(f"/uploads/{found}/marked").data))
    assert marked["施策マネジメントシート"]["J77"].comment is not None
    texts = [str(c) for row in marked.worksheets[-1].iter_rows(values_only=True) for c in row]
    blob = app.extensions["xlsxsheet_store"].upload(found).blob
    assert not any(Path(blob).stem in t for t in texts)  # the file named as sent, not by hash
    # the page's columns say what the 点検結果 sheet of the marked copy says
    header = next(marked.worksheets[-1].iter_rows(values_only=True))
    assert {"入力値", "期待値"} <= set(header)
    assert all(f'data-label="{word}"' in page for word in ("入力値", "期待値"))


@pytest.mark.parametrize(
    ("kind", "code"), [("bomb", "zip-bomb"), ("xxe", "xml-dtd"), ("script", "not-a-number")]
)
def test_hostile_files_give_a_problem_and_nothing_else(
    app: Any, returns: dict[str, Path], kind: str, code: str
) -> None:
    client = signed_in(app, DEPT_A)
    response = upload(client, app, DEPT_A, returns[kind])
    page = client.get(response.location).text
    upload_row = app.extensions["xlsxsheet_store"].upload(upload_id(response))
    assert [p["code"] for p in upload_row.result["problems"] if p["severity"] == "error"] == [code]
    assert "<script>window" not in page
    assert upload_row.sha256 not in page  # messages name the file as it was sent
    assert "/etc/passwd" not in page or kind != "xxe" or "root:" not in page
    if kind == "script":
        assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in page
    else:
        assert not upload_row.readable
        assert f"{returns[kind].name} の" in upload_row.result["problems"][0]["message"]
        assert 'class="mark' not in page
        assert client.get(f"/uploads/{upload_row.id}/fixed").status_code == 404


# --- the office ----------------------------------------------------------------------------
def test_the_office_sees_the_roster_state_and_the_same_summary_as_collect(
    app: Any, returns: dict[str, Path], tmp_path: Path
) -> None:
    admin = signed_in(app, "admin")
    states = re.findall(r'<span class="state state-(\S+)">', admin.get("/admin").text)
    assert states.count("未提出") == 3  # the count box and both rows
    upload_id(upload(signed_in(app, DEPT_A), app, DEPT_A, returns["total"]))
    upload_id(upload(signed_in(app, DEPT_B), app, DEPT_B, returns["clean_b"]))
    page = admin.get("/admin").text
    rows = re.findall(
        r"<td>(\S+課)</td>\s*<td>施策マネジメントシート</td>\s*<td>(\d)</td>\s*"
        r'<td><span class="state state-(\S+)">',
        page,
    )
    assert rows == [(DEPT_A, "1", "エラー"), (DEPT_B, "2", "問題なし")]
    summary = admin.get("/admin/summary").text
    assert summary.count("<svg") >= 4  # three grade items and the cost totals
    assert "<script" not in summary
    # the summary workbook is the one `collect` writes for the same two files
    _page, data = run_job(admin, "summary")
    web_book = openpyxl.load_workbook(io.BytesIO(data))
    folder = tmp_path / "same"
    folder.mkdir()
    for source in (returns["total"], returns["clean_b"]):
        (folder / source.name).write_bytes(source.read_bytes())
    cli_out = tmp_path / "cli.xlsx"
    result = CliRunner().invoke(main, ["collect", str(folder), "-o", str(cli_out), "-q"])
    assert result.exit_code == 1, result.output  # a return with errors: 要対応
    cli_book = openpyxl.load_workbook(cli_out)
    for sheet in ("評価総括表", "コスト集計"):
        assert _values(web_book[sheet]) == _values(cli_book[sheet]), sheet


def _values(sheet: Any) -> list[tuple[Any, ...]]:
    return [row for row in sheet.iter_rows(values_only=True)]


def test_office_downloads_every_corrected_copy_as_one_zip(
    app: Any, returns: dict[str, Path], tmp_path: Path
) -> None:
    """The office's 修正版(すべて) holds the corrected copy of each latest upload that has
    something to correct, as `xlsxsheet fix` writes it; a clean return gets none, and an
    .xlsm keeps its suffix (Excel refuses a workbook with macros named .xlsx)."""
    from fidelity_support import as_macro_workbook

    macro = as_macro_workbook(returns["total"], tmp_path / "施策1_マクロ.xlsm")
    upload_id(upload(signed_in(app, DEPT_A), app, DEPT_A, macro))
    upload_id(upload(signed_in(app, DEPT_B), app, DEPT_B, returns["clean_b"]))
    admin = signed_in(app, "admin")
    page, data = run_job(admin, "fixed")
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == [f"{DEPT_A}/第1版_施策1_マクロ_修正版.xlsm"]
    assert "自動で直せるものがあった提出 1 件の修正版です。" in page
    copy = tmp_path / "修正版.xlsm"
    copy.write_bytes(archive.read(archive.namelist()[0]))
    assert zipfile.ZipFile(copy).read("xl/vbaProject.bin") == zipfile.ZipFile(macro).read(
        "xl/vbaProject.bin"
    )
    before = {p.code for p in check_file(macro).problems}
    after = check_file(copy)
    assert "total-mismatch" in before
    assert not {"formula-overwritten", "total-mismatch"} & {p.code for p in after.problems}
    assert "修正履歴" in after.read.content.sheet_names
    # the department's own download of the same copy is named the same way
    client = signed_in(app, DEPT_A)
    found = app.extensions["xlsxsheet_store"].uploads(2020, dept_id(app, DEPT_A))[0]
    response = client.get(f"/uploads/{found.id}/fixed")
    assert "%E4%BF%AE%E6%AD%A3%E7%89%88.xlsm" in response.headers["Content-Disposition"]
    # and the marked copies' zip names it .xlsm too
    _page, data = run_job(admin, "marked")
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == [
        f"{DEPT_A}/第1版_施策1_マクロ_点検結果.xlsm"
    ]


def test_office_downloads_marked_zip_csv_and_next_years_templates(
    app: Any, returns: dict[str, Path]
) -> None:
    upload_id(upload(signed_in(app, DEPT_A), app, DEPT_A, returns["total"]))
    upload_id(upload(signed_in(app, DEPT_B), app, DEPT_B, returns["clean_b"]))
    admin = signed_in(app, "admin")
    _page, data = run_job(admin, "marked")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert names == [f"{DEPT_A}/第1版_施策1_mistake_点検結果.xlsx"]
    _page, data = run_job(admin, "csv")
    web_rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    folder = Path(app.extensions["xlsxsheet_store"].root) / "same"
    folder.mkdir()
    for source in (returns["total"], returns["clean_b"]):
        (folder / source.name).write_bytes(source.read_bytes())
    cli_csv = folder.parent / "cli.csv"
    result = CliRunner().invoke(
        main,
        ["collect", str(folder), "-o", str(folder.parent / "c.xlsx"), "--csv", str(cli_csv), "-q"],
    )
    assert result.exit_code == 1, result.output  # a return with errors: 要対応
    cli_rows = list(csv.reader(io.StringIO(cli_csv.read_text(encoding="utf-8-sig"))))
    assert len(web_rows) == len(cli_rows) > 10
    file_column = web_rows[0].index("ファイル")
    # the same rows, but for the file: the web names it by 担当課, name and version
    strip = lambda rows: sorted(r[:file_column] + r[file_column + 1 :] for r in rows)  # noqa: E731
    assert strip(web_rows) == strip(cli_rows)
    assert {r[file_column] for r in web_rows[1:]} == {
        f"{DEPT_A}/施策1_mistake.xlsx (第1版)",
        f"{DEPT_B}/施策2_clean.xlsx (第1版)",
    }
    refused = admin.post("/admin/jobs/new-year", data={"csrf": token(admin)})
    assert refused.status_code == 400
    assert "「確認しました」にチェックを入れてください" in refused.text
    assert app.extensions["xlsxsheet_store"].year == 2020
    page, data = run_job(admin, "new-year")
    templates = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert len(templates) == 2, page
    store = app.extensions["xlsxsheet_store"]
    assert store.year == 2021
    assert [r["dept"] for r in store.roster(2021)] == [DEPT_A, DEPT_B]
    # department A downloads next year's template made from its return
    client = signed_in(app, DEPT_A)
    roster_id = store.roster(2021, DEPT_A)[0]["id"]
    template = client.get(f"/dept/{dept_id(app, DEPT_A)}/template/{roster_id}")
    assert template.status_code == 200
    path = Path(store.root) / "next.xlsx"
    path.write_bytes(template.data)
    read = check_file(path)
    assert read.year == 2021
    assert read.info.key == "1"
    assert json.loads(store.setting("templates_2021"))


def test_the_課_are_listed_in_the_rosters_order_not_by_code_point(tmp_path: Path) -> None:
    """The sign-in list, the office's roster table and the codes printed at start follow the
    order the office's roster first names each 課 (its 組織順), each 課's rows together; they
    were sorted by code point, 福祉総務課 before 高齢者支援課 whatever the roster said."""
    roster = tmp_path / "名簿.csv"
    roster.write_text(
        "様式,施策番号,担当課\n"
        f"shisaku-management,2,{DEPT_B}\n"
        f"shisaku-management,1,{DEPT_A}\n"
        f"shisaku-management,3,{DEPT_B}\n",
        encoding="utf-8",
    )
    app = create_app(tmp_path / "data", roster, ADMIN_PASSWORD, 2020)
    assert list(codes(app)) == [DEPT_B, DEPT_A]
    page = app.test_client().get("/signin").text
    assert re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', page) == [DEPT_B, DEPT_A]
    office = signed_in(app, "admin").get("/admin").text
    table = office.split('id="roster"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<tr>\s*<td>([^<]*)</td>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>", table)
    assert cells == [(DEPT_B, "2"), (DEPT_B, "3"), (DEPT_A, "1")]
