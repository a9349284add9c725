"""提出窓口 in a real browser (Debian's headless Chromium through chromedriver and selenium).

A department signs in, uploads a return with mistakes, sees the problem row and its cell
picture, downloads the corrected copy (which then checks clean); the office sees the state
change; another department gets 403 on the first one's files; a zip bomb, an XXE file and a
workbook with <script> in a cell each give one problem and nothing else.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_support import (
    ADMIN_PASSWORD,
    DEPT_A,
    DEPT_B,
    chromium,
    make_return,
    served,
    sign_in,
    write_roster,
    xxe_file,
    zip_bomb,
)

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.web import create_app

pytest.importorskip("selenium")
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("web-browser")
    app = create_app(root / "data", write_roster(root / "名簿.csv"), ADMIN_PASSWORD, 2020)
    returns = root / "returns"
    returns.mkdir()
    clean = make_return(returns, 1, DEPT_A)
    files = {
        "mistakes": make_return(returns, 1, DEPT_A, "total"),
        "script": make_return(returns, 1, DEPT_A, "<script>window.__xss=1</script>", "script"),
        "bomb": zip_bomb(clean, returns / "爆弾.xlsx"),
        "xxe": xxe_file(clean, returns / "外部実体.xlsx"),
    }
    with served(app) as base:
        yield {"app": app, "base": base, "files": files, "root": root}


@pytest.fixture(scope="module")
def department(site: dict[str, Any]) -> Iterator[Any]:
    downloads = site["root"] / "downloads"
    downloads.mkdir()
    with chromium(site["root"] / "profile-a", downloads) as driver:
        driver.execute_cdp_cmd(
            "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        codes = site["app"].extensions["xlsxsheet_startup"].codes
        sign_in(driver, site["base"], DEPT_A, codes[DEPT_A])
        driver.downloads = downloads
        yield driver


@pytest.fixture(scope="module")
def office(site: dict[str, Any]) -> Iterator[Any]:
    downloads = site["root"] / "office-downloads"
    downloads.mkdir()
    with chromium(site["root"] / "profile-admin", downloads) as driver:
        driver.execute_cdp_cmd(
            "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        sign_in(driver, site["base"], "企画担当(管理者)", ADMIN_PASSWORD)
        driver.downloads = downloads
        yield driver


def _upload(driver: Any, path: Path) -> None:
    """Choose the file in the plain file input and press 提出する."""
    driver.find_element(By.ID, "file").send_keys(str(path))
    driver.find_element(By.ID, "submit").click()
    _wait(lambda: driver.find_elements(By.ID, "counts"))


def _wait(found: Any, seconds: float = 30) -> Any:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = found()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def _roster_state(driver: Any, base: str, dept: str) -> str:
    driver.get(base + "/admin")
    for row in driver.find_elements(By.CSS_SELECTOR, "#roster tr"):
        cells = row.find_elements(By.TAG_NAME, "td")
        if cells and cells[0].text == dept:
            return str(cells[3].text)
    raise AssertionError(f"{dept} not in the roster table")


def _job_state(driver: Any) -> str | None:
    """The job page's state; None while the page reloads itself (it does every second)."""
    from selenium.common.exceptions import WebDriverException

    try:
        return driver.find_element(By.ID, "job").get_attribute("data-state")
    except WebDriverException:
        return None


def _no_script_ran(driver: Any) -> None:
    assert driver.execute_script("return window.__xss === undefined")
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors  # no CSP violation, no failed script


def test_a_department_uploads_sees_the_cell_and_sends_the_corrected_copy(
    site: dict[str, Any], department: Any, office: Any
) -> None:
    base = site["base"]
    assert _roster_state(office, base, DEPT_A) == "未提出"
    department.get(f"{base}/")
    assert DEPT_A in department.find_element(By.TAG_NAME, "h1").text
    _upload(department, site["files"]["mistakes"])
    checked = check_file(site["files"]["mistakes"])
    assert department.find_element(By.ID, "count-errors").text == str(checked.errors)
    rows = department.find_elements(By.CSS_SELECTOR, "#problems tr.problem")
    assert len(rows) == len(checked.problems)
    row = next(r for r in rows if "合計が一致しません" in r.text)
    assert "J77" in row.text and "123,456" in row.text
    marked = row.find_element(By.CSS_SELECTOR, "table.grid td.mark")
    assert marked.text == "123,456"
    assert marked.get_attribute("title") == "J77: 123,456"
    assert marked.value_of_css_property("outline-style") == "solid"
    _no_script_ran(department)
    assert _roster_state(office, base, DEPT_A) == "エラー"

    department.find_element(By.ID, "download-fixed").click()
    fixed = _wait(lambda: [p for p in department.downloads.glob("*_修正版.xlsx")])[0]
    _wait(lambda: not list(department.downloads.glob("*.crdownload")))
    assert check_file(fixed).errors == 0
    department.get(f"{base}/")
    _upload(department, fixed)
    assert department.find_element(By.ID, "count-errors").text == "0"
    assert "問題は見つかりませんでした" in department.page_source or department.find_elements(
        By.CSS_SELECTOR, "#problems"
    )
    assert _roster_state(office, base, DEPT_A) in ("問題なし", "警告のみ")
    department.get(f"{base}/")
    history = department.find_elements(By.CSS_SELECTOR, "#history tr")
    assert len(history) == 3  # heading and two versions


def test_another_department_gets_403_on_the_first_ones_files(
    site: dict[str, Any], department: Any
) -> None:
    store = site["app"].extensions["xlsxsheet_store"]
    first = store.uploads(2020, store.department_named(DEPT_A)["id"])
    assert first, "runs after the upload test"
    codes = site["app"].extensions["xlsxsheet_startup"].codes
    with chromium(site["root"] / "profile-b") as other:
        sign_in(other, site["base"], DEPT_B, codes[DEPT_B])
        for suffix in ("", "/fixed", "/original"):
            other.get(f"{site['base']}/uploads/{first[-1].id}{suffix}")
            assert other.find_element(By.ID, "error").get_attribute("data-status") == "403"
            assert first[-1].original_name not in other.page_source
        other.get(f"{site['base']}/dept/{first[-1].dept_id}")
        assert other.find_element(By.ID, "error").get_attribute("data-status") == "403"


@pytest.mark.parametrize(
    ("kind", "title"),
    [("bomb", "zip-bomb"), ("xxe", "xml-dtd"), ("script", "not-a-number")],
)
def test_hostile_uploads_give_one_problem_and_nothing_else(
    site: dict[str, Any], department: Any, kind: str, title: str
) -> None:
    from xlsxsheet.core.problems import CATALOGUE

    department.get(f"{site['base']}/")
    _upload(department, site["files"][kind])
    assert department.find_element(By.ID, "count-errors").text == "1"
    errors = [
        r
        for r in department.find_elements(By.CSS_SELECTOR, "#problems tr.problem")
        if "エラー" in r.find_element(By.TAG_NAME, "td").text
    ]
    assert len(errors) == 1
    assert CATALOGUE[title][1] in errors[0].text
    _no_script_ran(department)
    if kind == "script":
        assert "<script>window.__xss=1</script>" in errors[0].text  # shown as text
    else:
        assert not department.find_elements(By.ID, "download-fixed")
        assert not department.find_elements(By.CSS_SELECTOR, "td.mark")


DROP = """
const [name, b64] = arguments;
const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
const transfer = new DataTransfer();
transfer.items.add(new File([bytes], name));
const zone = document.getElementById("dropzone");
zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true, cancelable: true}));
zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
"""


def test_a_file_dropped_on_the_page_is_uploaded(site: dict[str, Any], department: Any) -> None:
    import base64
    import hashlib

    store = site["app"].extensions["xlsxsheet_store"]
    before = store.count_uploads()
    department.get(f"{site['base']}/")
    data = base64.b64encode(site["files"]["mistakes"].read_bytes()).decode()
    department.execute_script(DROP, "ドロップした.xlsx", data)
    _wait(lambda: department.find_elements(By.ID, "counts"))
    assert "点検結果: ドロップした.xlsx" in department.find_element(By.TAG_NAME, "h1").text
    assert store.count_uploads() == before + 1
    assert (
        store.uploads(2020)[0].sha256
        == hashlib.sha256(site["files"]["mistakes"].read_bytes()).hexdigest()
    )


def test_the_office_downloads_every_corrected_copy_as_one_zip(
    site: dict[str, Any], department: Any, office: Any
) -> None:
    import zipfile

    department.get(f"{site['base']}/")
    _upload(department, site["files"]["mistakes"])  # DEPT_A's latest: a total to restore
    office.get(site["base"] + "/admin")
    button = next(
        b
        for b in office.find_elements(By.CSS_SELECTOR, "form button.primary")
        if b.text == "修正版(すべて、zip)"
    )
    button.click()
    _wait(lambda: _job_state(office) not in (None, "running"), 120)
    assert _job_state(office) == "done"
    assert "自動で直せるものがあった提出 1 件の修正版です。" in office.page_source
    office.find_element(By.ID, "job-download").click()
    _wait(lambda: list(office.downloads.glob("修正版_*.zip")))
    _wait(lambda: not list(office.downloads.glob("*.crdownload")))
    (archive,) = office.downloads.glob("修正版_*.zip")
    with zipfile.ZipFile(archive) as copies:
        (name,) = copies.namelist()
        assert name.startswith(f"{DEPT_A}/第") and name.endswith("施策1_mistake_修正版.xlsx")
        copy = site["root"] / "from-the-zip.xlsx"
        copy.write_bytes(copies.read(name))
    assert check_file(site["files"]["mistakes"]).errors > 0
    assert check_file(copy).errors == 0
