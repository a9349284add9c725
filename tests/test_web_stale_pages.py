"""提出窓口's pages that outlive their session, in process: a form sent after the session ended
or after another sign-in in a second tab, pages and files kept by no cache (and dropped from
Chromium's back/forward cache after a POST), and the page of a file over the size limit."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from web_support import (
    ADMIN_PASSWORD,
    DEPT_A,
    DEPT_B,
    codes,
    dept_id,
    make_return,
    signed_in,
    token,
    upload,
    upload_id,
    wait_for_job,
    write_roster,
)

from xlsxsheet.web import create_app

SESSION = "xlsxsheet_session"
AGAIN = "サインインし直して、もう一度ファイルを選んで送ってください。"


@pytest.fixture
def app(tmp_path: Path) -> Any:
    app = create_app(tmp_path / "data", write_roster(tmp_path / "名簿.csv"), ADMIN_PASSWORD, 2020)
    app.config["TESTING"] = True
    return app


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("stale-returns")
    return {
        "clean": make_return(folder, 1, DEPT_A),
        "total": make_return(folder, 1, DEPT_A, "total"),
    }


def send(client: Any, app: Any, csrf: str, path: Path) -> Any:
    """The upload form of 課 A sent with the token the page was drawn with."""
    data = {"csrf": csrf, "file": (io.BytesIO(path.read_bytes()), path.name)}
    page = f"/dept/{dept_id(app, DEPT_A)}/upload"
    return client.post(page, data=data, content_type="multipart/form-data")


def uploads(app: Any) -> int:
    return int(app.extensions["xlsxsheet_store"].count_uploads())


def test_a_form_sent_after_the_session_ended_goes_to_sign_in_and_back(
    app: Any, returns: dict[str, Path]
) -> None:
    client = signed_in(app, DEPT_A)
    a = dept_id(app, DEPT_A)
    csrf = token(client, f"/dept/{a}")
    client.delete_cookie(SESSION)  # the browser was closed, the page kept
    response = send(client, app, csrf, returns["clean"])
    assert response.status_code == 302
    assert response.location == f"/signin?next=/dept/{a}&who={a}&why=upload"
    assert uploads(app) == 0
    page = client.get(response.location).text
    assert "サインインが切れていたため" in page
    assert "送ったファイルは受け付けていません。" + AGAIN in page
    assert f'<option value="{a}" selected>' in page
    form = {"who": str(a), "secret": codes(app)[DEPT_A], "csrf": token(client, response.location)}
    signed = client.post(response.location, data=form)
    assert (signed.status_code, signed.location) == (302, f"/dept/{a}")
    assert "サインインが切れていたため" not in client.get("/signin").text  # only when sent there


def test_a_form_sent_after_the_code_was_reset_returns_to_its_page(
    app: Any, returns: dict[str, Path]
) -> None:
    client = signed_in(app, DEPT_A)
    a = dept_id(app, DEPT_A)
    csrf = token(client, f"/dept/{a}")
    admin = signed_in(app, "admin")
    admin.post(f"/admin/dept/{a}/code", data={"csrf": token(admin), "confirm": "yes"})
    response = send(client, app, csrf, returns["clean"])
    assert response.status_code == 302  # to a page that can be shown, not to the POST's URL
    assert response.location == f"/signin?next=/dept/{a}&who={a}&why=upload"
    assert uploads(app) == 0


def test_a_form_of_a_課_sent_after_another_signed_in_in_a_second_tab(
    app: Any, returns: dict[str, Path]
) -> None:
    client = signed_in(app, DEPT_A)
    a = dept_id(app, DEPT_A)
    csrf = token(client, f"/dept/{a}")  # tab 1: 課 A's page
    form = {"who": str(dept_id(app, DEPT_B)), "secret": codes(app)[DEPT_B]}
    assert (
        client.post("/signin", data={**form, "csrf": token(client, "/signin")}).status_code == 302
    )
    response = send(client, app, csrf, returns["clean"])  # tab 1's form, after tab 2 signed in
    assert response.status_code == 400
    text = response.text
    assert "<h1>フォームの有効期限が切れました。" in text
    assert "別のタブかウィンドウでサインインし直したため" in text
    assert "(いまは「高齢者支援課」としてサインインしています)" in text
    assert "送ったファイルは受け付けていません。" in text
    assert AGAIN in text
    assert f'href="/signin?next=/dept/{a}&amp;who={a}&amp;why=upload">サインインし直す' in text
    assert uploads(app) == 0


def test_no_form_is_acted_on_without_the_sessions_token(app: Any) -> None:
    """The notices add no way past the token: a POST without it does nothing, signed in or not."""
    admin = signed_in(app, "admin")
    refused = admin.post("/admin/jobs/summary", data={"csrf": "forged"})
    assert refused.status_code == 400
    assert "サインインし直して、もう一度操作してください。" in refused.text
    stranger = app.test_client()  # a page elsewhere posting here: no cookie (SameSite=Lax)
    sent = stranger.post("/admin/jobs/summary", data={})
    assert (sent.status_code, sent.location) == (302, "/signin?next=/admin&who=admin&why=expired")
    assert "送信は受け付けていません" in stranger.get(sent.location).text
    a = dept_id(app, DEPT_A)
    assert stranger.post(f"/admin/dept/{a}/code", data={}).status_code == 302
    assert app.extensions["xlsxsheet_store"].jobs() == []
    assert signed_in(app, DEPT_A)  # the code was not changed
    signed_out = stranger.post("/signout", data={})
    assert (signed_out.status_code, signed_out.location) == (302, "/signin")


def test_pages_and_files_are_kept_by_no_cache(app: Any, returns: dict[str, Path]) -> None:
    dept = signed_in(app, DEPT_A)
    a = dept_id(app, DEPT_A)
    found = upload_id(upload(dept, app, DEPT_A, returns["total"]))
    admin = signed_in(app, "admin")
    job = int(
        admin.post("/admin/jobs/summary", data={"csrf": token(admin)}).location.split("/")[-1]
    )
    wait_for_job(admin, job)
    roster = app.extensions["xlsxsheet_store"].roster(2020, DEPT_A)[0]["id"]
    pages = [f"/dept/{a}", f"/uploads/{found}", "/signin"]
    files = [f"/uploads/{found}/{kind}" for kind in ("original", "marked", "fixed")]
    files.append(f"/dept/{a}/template/{roster}")
    for path in pages + files:
        response = dept.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    for path in ("/admin", "/admin/summary", f"/admin/jobs/{job}", f"/admin/jobs/{job}/download"):
        response = admin.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    script = dept.get("/static/upload.js")  # the same for everyone: revalidated, not no-store
    assert script.headers["Cache-Control"] == "no-cache"
    assert script.headers["ETag"]


def test_every_post_reissues_the_session_cookie(app: Any, returns: dict[str, Path]) -> None:
    """A cookie changed tells Chromium the pages it keeps for Back (bfcache) are stale."""
    dept = signed_in(app, DEPT_A)
    before = dept.get_cookie(SESSION).value
    sent = upload(dept, app, DEPT_A, returns["clean"])
    assert sent.status_code == 303
    assert re.search(rf"{SESSION}=[^;]+", sent.headers["Set-Cookie"])
    after = dept.get_cookie(SESSION).value
    assert after != before
    assert dept.get("/signin").headers.get("Set-Cookie") is None  # a GET changes nothing
    out = dept.post("/signout", data={"csrf": token(dept)})
    assert f"{SESSION}=;" in out.headers["Set-Cookie"]  # removed, not re-made


def test_a_file_over_the_limit_is_told_in_mb_with_what_to_do(tmp_path: Path) -> None:
    app = create_app(tmp_path / "data", write_roster(tmp_path / "r.csv"), ADMIN_PASSWORD, 2020, 1)
    client = signed_in(app, DEPT_A)
    page = f"/dept/{dept_id(app, DEPT_A)}"
    data = {"csrf": token(client, page), "file": (io.BytesIO(b"x" * (3 * 1024 * 1024)), "大.xlsx")}
    response = client.post(page + "/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    text = response.text
    assert "<h1>ファイルが大きすぎます(1 MB まで)。" in text  # no 「413:」 before it
    assert "システム担当への連絡用: エラー番号 413" in text
    assert "送られたファイルは約 3.0 MB で、1 MB を超えています。" in text
    assert "ファイルを小さくするには:" in text
    tips = re.findall(r"<li>([^<]+)</li>", text)
    assert tips[0].startswith("画像を圧縮する")
    assert tips[1].startswith("不要なシート")
    assert any(".xlsx" in tip for tip in tips)
    assert "企画担当に相談してください" in text
