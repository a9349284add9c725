"""Helpers of the web tests: a served app on loopback, a headless Chromium, sign-in."""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1000",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(app: Any) -> Iterator[str]:
    """The app served by waitress on a free loopback port, in a thread; its base URL."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=free_port(), threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)


def _binary(names: tuple[str, ...], what: str) -> str:
    for name in names:
        found = shutil.which(name) or (name if Path(name).exists() else None)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not installed (.ci/run installs it)")
    pytest.skip(f"{what} is not installed")
    raise AssertionError  # unreachable


@contextmanager
def chromium(profile: Path, downloads: Path | None = None) -> Iterator[Any]:
    """A headless Debian Chromium driven by chromedriver, with a fresh profile."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = _binary(("chromium", "/usr/bin/chromium"), "chromium")
    for flag in [*CHROME_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    if downloads is not None:
        options.add_experimental_option(
            "prefs",
            {
                "download.default_directory": str(downloads),
                "download.prompt_for_download": False,
                "safebrowsing.enabled": False,
            },
        )
    service = Service(_binary(("chromedriver", "/usr/bin/chromedriver"), "chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def sign_in(driver: Any, base: str, who: str, secret: str) -> None:
    """Sign in through the form, as a person would: pick the 課 (or 管理者), type the code."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    driver.get(base + "/signin")
    Select(driver.find_element(By.ID, "who")).select_by_visible_text(who)
    driver.find_element(By.ID, "secret").send_keys(secret)
    form = driver.find_element(By.TAG_NAME, "form")
    driver.find_element(By.CSS_SELECTOR, "button[type=submit].primary").click()
    # the click returns before the browser has left the form: wait for the next page, so that
    # the caller's next get() is not cut short by the sign-in's own redirect
    WebDriverWait(driver, 10).until(lambda _driver: _left_behind(form))


def _left_behind(element: Any) -> bool:
    """Whether the page holding `element` is gone: selenium's staleness_of, but for Chromium's
    other answer while the next page replaces it ("Node with given id does not belong to the
    document"), which staleness_of lets through as an error (a CI run failed on it)."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as exc:
        if "does not belong to the document" in str(exc):
            return True
        raise
    return False


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


# --- returns and hostile files -----------------------------------------------------------
DEPT_A, DEPT_B = "福祉総務課", "高齢者支援課"
ADMIN_PASSWORD = "office-secret-1"
XXE = '<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def write_roster(path: Path) -> Path:
    """Two departments, a 施策マネジメントシート each (番号 1 and 2)."""
    path.write_text(
        f"様式,施策番号,担当課\nshisaku-management,1,{DEPT_A}\nshisaku-management,2,{DEPT_B}\n",
        encoding="utf-8",
    )
    return path


def make_return(
    folder: Path, number: int, dept: str, mistake: str | None = None, tag: str = ""
) -> Path:
    """A 施策マネジメントシート return of 施策 `number`, with a mistake if asked:
    "total" (a total overwritten with a value: fixable) or a text to type into a money cell."""
    import random

    import openpyxl
    from returns_factory import ShisakuManagement

    sm = ShisakuManagement(random.Random(number))
    doc, made = sm.document(number, dept, "4")
    path = folder / f"施策{number}_{tag or (mistake and 'mistake') or 'clean'}.xlsx"
    sm.write(doc, path)
    if mistake is not None:
        book = openpyxl.load_workbook(path)
        if mistake == "total":
            sm.overwrite_total(book, made)
        else:
            sm.text_in_money(book, made, mistake)
        book.save(path)
    return path


def rezipped(source: Path, out: Path, replace: dict[str, Any] | None = None, add=None) -> Path:
    """A copy of a return's zip with parts changed (a function of the bytes) or added."""
    import zipfile

    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if replace and info.filename in replace:
                data = replace[info.filename](data)
            dst.writestr(info.filename, data)
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return out


def zip_bomb(source: Path, out: Path) -> Path:
    """64 MB of zeros in one part, 64 KB compressed."""
    return rezipped(source, out, add={"xl/media/image1.png": bytes(64 * 1024 * 1024)})


def xxe_file(source: Path, out: Path) -> Path:
    """An external entity declared in xl/workbook.xml."""

    def declare(data: bytes) -> bytes:
        head, sep, rest = data.partition(b"?>")
        return head + sep + b"\n" + XXE.encode() + rest

    return rezipped(source, out, replace={"xl/workbook.xml": declare})


# --- the app in process (Flask's test client) ---------------------------------------------
def codes(app: Any) -> dict[str, str]:
    return app.extensions["xlsxsheet_startup"].codes


def dept_id(app: Any, name: str) -> int:
    return int(app.extensions["xlsxsheet_store"].department_named(name)["id"])


def signed_in(app: Any, who: str) -> Any:
    """A test client signed in as `who` (a department's name, or "admin")."""
    client = app.test_client()
    token = csrf_of(client.get("/signin").text)
    if who == "admin":
        form = {"who": "admin", "secret": ADMIN_PASSWORD}
    else:
        form = {"who": str(dept_id(app, who)), "secret": codes(app)[who]}
    response = client.post("/signin", data={**form, "csrf": token})
    assert response.status_code == 302, response.text
    return client


def token(client: Any, path: str = "/") -> str:
    return csrf_of(client.get(path, follow_redirects=True).text)


def upload(client: Any, app: Any, dept: str, path: Path, name: str | None = None) -> Any:
    page = f"/dept/{dept_id(app, dept)}"
    data = {"csrf": token(client, page), "file": (io.BytesIO(path.read_bytes()), name or path.name)}
    return client.post(f"{page}/upload", data=data, content_type="multipart/form-data")


def upload_id(response: Any) -> int:
    assert response.status_code == 303, response.text
    return int(re.search(r"/uploads/(\d+)$", response.location).group(1))


# --- sign-in, cookies, codes ------------------------------------------------------------


def wait_for_job(client: Any, job: int) -> str:
    for _ in range(600):
        page = client.get(f"/admin/jobs/{job}").text
        state = re.search(r'data-state="(\w+)"', page).group(1)
        if state != "running":
            return page
        assert '<meta http-equiv="refresh"' in page
        time.sleep(0.1)
    raise AssertionError("job did not finish")


def run_job(client: Any, kind: str, year: int | None = None) -> tuple[str, bytes]:
    form = {"csrf": token(client)} | ({"confirm": "yes"} if kind == "new-year" else {})
    form |= {"year": str(year)} if year is not None else {}
    response = client.post(f"/admin/jobs/{kind}", data=form)
    assert response.status_code == 303
    job = int(response.location.rsplit("/", 1)[1])
    page = wait_for_job(client, job)
    assert 'data-state="done"' in page, page
    download = client.get(f"/admin/jobs/{job}/download")
    return page, download.data if download.status_code == 200 else b""
