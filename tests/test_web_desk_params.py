"""The office's 様式の設定 page: the params it sets go into the templates the desk makes from
then on (a 課's blank download, next year's templates), through a real browser and back."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from web_support import (
    ADMIN_PASSWORD,
    DEPT_A,
    DEPT_B,
    chromium,
    dept_id,
    make_return,
    run_job,
    served,
    sign_in,
    signed_in,
    token,
    upload,
    upload_id,
    write_roster,
)

from xlsxsheet.reading.return_reader import read_file
from xlsxsheet.web import create_app
from xlsxsheet.web.desk_params import desk_params


@pytest.fixture
def app(tmp_path: Path) -> Any:
    return create_app(tmp_path / "data", write_roster(tmp_path / "名簿.csv"), ADMIN_PASSWORD, 2020)


def _store(app: Any) -> Any:
    return app.extensions["xlsxsheet_store"]


def _blank_template(app: Any, dept: str, year: int, out: Path) -> Path:
    client = signed_in(app, dept)
    roster_id = _store(app).roster(year, dept)[0]["id"]
    response = client.get(f"/dept/{dept_id(app, dept)}/template/{roster_id}")
    assert response.status_code == 200, response.text[:300]
    out.write_bytes(response.data)
    return out


def test_the_office_sets_a_param_in_the_browser_and_a_課_downloads_it(
    app: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    before = _blank_template(app, DEPT_A, 2020, tmp_path / "before.xlsx")
    assert read_file(before).plan.params["plan_final"] == 2027  # the layout file's default
    with served(app) as base, chromium(tmp_path / "profile") as driver:
        sign_in(driver, base, "企画担当(管理者)", ADMIN_PASSWORD)
        driver.get(base + "/admin")
        driver.find_element(By.ID, "params-link").click()
        field = driver.find_element(By.ID, "shisaku-management-plan_final")
        assert field.get_attribute("placeholder") == "令和9年度"
        field.send_keys("令和１２年度")  # typed as clerks type: full-width digits
        field.find_element(By.XPATH, "./ancestor::form").submit()
        said = driver.find_element(By.ID, "params-changed").text
        assert "施策マネジメントシートの計画最終年度: 令和9年度 → 令和12年度" in said
        sections = driver.find_elements(By.CSS_SELECTOR, "section[id^=params-s]")
        # the roster's layouts only: 基本計画 has params but is no template of this desk
        assert [e.get_attribute("id") for e in sections] == ["params-shisaku-management"]
        section = driver.find_element(By.ID, "params-shisaku-management").text
        assert "令和12年度(既定: 令和9年度)" in section
        driver.save_screenshot(str(tmp_path / "params.png"))
        # a value that is no year: told what to write, nothing changed
        field = driver.find_element(By.ID, "shisaku-management-plan_final")
        field.clear()
        field.send_keys("来年")
        field.find_element(By.XPATH, "./ancestor::form").submit()
        page = driver.find_element(By.TAG_NAME, "body").text
        assert "「計画最終年度」に「来年」は指定できません" in page
        assert "設定は変えていません。" in page
    assert desk_params(_store(app)) == {"shisaku-management": {"plan_final": 2030}}
    after = _blank_template(app, DEPT_A, 2020, tmp_path / "after.xlsx")
    assert read_file(after).plan.params == {"plan_start": 2020, "plan_final": 2030}


def test_a_param_set_back_to_empty_is_the_layouts_default_again(app: Any, tmp_path: Path) -> None:
    admin = signed_in(app, "admin")
    form = {"csrf": token(admin, "/admin/params"), "plan_final": "R12", "plan_start": ""}
    assert admin.post("/admin/params/shisaku-management", data=form).status_code == 200
    assert desk_params(_store(app)) == {"shisaku-management": {"plan_final": 2030}}
    form = {"csrf": token(admin, "/admin/params"), "plan_final": "", "plan_start": ""}
    page = admin.post("/admin/params/shisaku-management", data=form).text
    assert "施策マネジメントシートの計画最終年度: 令和12年度 → 令和9年度" in page
    assert desk_params(_store(app)) == {}
    made = _blank_template(app, DEPT_A, 2020, tmp_path / "t.xlsx")
    assert read_file(made).plan.params == {"plan_start": 2020, "plan_final": 2027}


def test_next_years_templates_take_the_desks_params_and_the_report_says_so(
    app: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "returns"
    folder.mkdir()
    upload_id(upload(signed_in(app, DEPT_A), app, DEPT_A, make_return(folder, 1, DEPT_A)))
    upload_id(upload(signed_in(app, DEPT_B), app, DEPT_B, make_return(folder, 2, DEPT_B)))
    admin = signed_in(app, "admin")
    form = {"csrf": token(admin, "/admin/params"), "plan_final": "令和12年度"}
    assert admin.post("/admin/params/shisaku-management", data=form).status_code == 200
    page, data = run_job(admin, "new-year")
    assert page.count("計画最終年度を令和9年度から令和12年度にしました(指定による)。") == 2, page
    archive = zipfile.ZipFile(io.BytesIO(data))
    for name in archive.namelist():
        path = tmp_path / Path(name).name
        path.write_bytes(archive.read(name))
        assert read_file(path).plan.params["plan_final"] == 2030, name
    # and the 課 downloads that template of the new year
    made = _blank_template(app, DEPT_A, 2021, tmp_path / "next.xlsx")
    read = read_file(made)
    assert (read.plan.year, read.plan.params["plan_final"]) == (2021, 2030)
