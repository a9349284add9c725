"""提出窓口 in a real browser (Debian's headless Chromium through chromedriver and selenium):
a failed sign-in keeps the 課 chosen; Back after an upload shows the department's page as it
is now, with and without JavaScript, not the copy Chromium kept with 「送信して点検しています…」."""

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
)

from xlsxsheet.web import create_app

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import Select, WebDriverWait

SENDING = "送信して点検しています…"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("web-browser-back")
    app = create_app(root / "data", write_roster(root / "名簿.csv"), ADMIN_PASSWORD, 2020)
    returns = root / "returns"
    returns.mkdir()
    with served(app) as base:
        yield {"app": app, "base": base, "root": root, "return": make_return(returns, 1, DEPT_A)}


@pytest.fixture
def driver(site: dict[str, Any], tmp_path: Path) -> Iterator[Any]:
    with chromium(tmp_path / "profile") as driver:
        yield driver


def _wait(found: Any, seconds: float = 30) -> Any:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = found()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_a_failed_sign_in_keeps_the_課_chosen(site: dict[str, Any], driver: Any) -> None:
    driver.get(site["base"] + "/signin")
    Select(driver.find_element(By.ID, "who")).select_by_visible_text(DEPT_B)
    driver.find_element(By.ID, "secret").send_keys("AAAA-BBBB-CCCC")
    form = driver.find_element(By.TAG_NAME, "form")
    driver.find_element(By.CSS_SELECTOR, "button[type=submit].primary").click()
    WebDriverWait(driver, 10).until(staleness_of(form))
    assert (
        "アクセスコード(パスワード)が違います"
        in driver.find_element(By.CLASS_NAME, "error-box").text
    )
    chosen = Select(driver.find_element(By.ID, "who")).first_selected_option
    assert chosen.text == DEPT_B
    secret = driver.find_element(By.ID, "secret")
    assert secret.get_attribute("value") == ""
    assert driver.switch_to.active_element == secret  # ready for the code to be typed again
    assert "AAAA-BBBB-CCCC" not in driver.page_source


def _history(driver: Any) -> int:
    """Rows of the history table (its heading row included)."""
    return len(driver.find_elements(By.CSS_SELECTOR, "#history tr"))


def _upload_and_go_back(driver: Any, site: dict[str, Any]) -> None:
    driver.find_element(By.ID, "file").send_keys(str(site["return"]))
    driver.find_element(By.ID, "submit").click()
    _wait(lambda: driver.find_elements(By.ID, "counts"))
    driver.back()
    _wait(lambda: driver.find_elements(By.ID, "upload-form"))


@pytest.mark.parametrize("script", [True, False], ids=["javascript", "no-javascript"])
def test_back_after_an_upload_shows_the_page_as_it_is_now(
    site: dict[str, Any], driver: Any, script: bool
) -> None:
    store = site["app"].extensions["xlsxsheet_store"]
    sign_in(driver, site["base"], DEPT_A, site["app"].extensions["xlsxsheet_startup"].codes[DEPT_A])
    driver.get(site["base"] + "/")
    before = _history(driver)
    count = store.count_uploads()
    if script:
        driver.execute_script("window.__drawn = 'before the upload'")
    else:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
        driver.refresh()
    _upload_and_go_back(driver, site)
    assert store.count_uploads() == count + 1
    # the page drawn again, the upload in its history (a kept copy would never show it)
    _wait(lambda: _history(driver) == max(before, 1) + 1, 10)
    assert driver.find_element(By.ID, "upload-status").text != SENDING
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    assert driver.execute_script("return window.__drawn === undefined")
    assert driver.find_element(By.ID, "submit").is_enabled()
