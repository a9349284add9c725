"""The next year's templates in the office's zip (翌年度の様式, 新しい年度の開始) are named as
their 課 downloads them from its own page: 様式_番号_課_年度. Found by a walkthrough as city
staff: the zip said 福祉総務課_1_R3.xlsx, without the 様式, while the 課's download said
施策マネジメントシート_1_福祉総務課_令和3年度.xlsx, so that the office and the 課 spoke of one
file by two names."""

from __future__ import annotations

import io
import re
import urllib.parse
import zipfile
from pathlib import Path

import pytest
from web_support import (
    ADMIN_PASSWORD,
    DEPT_A,
    codes,
    dept_id,
    make_return,
    run_job,
    signed_in,
    upload,
    upload_id,
)

from xlsxsheet.web import create_app

pytestmark = pytest.mark.usefixtures("no_city_layouts")

ODD_DEPT = "福祉課/高齢:支援"  # a 課 whose name Windows takes in no file name as it is
WINDOWS_REFUSES = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def _downloaded_name(disposition: str) -> str:
    """The file name a browser saves a download under (filename*, else filename)."""
    found = re.search(r"filename\*=UTF-8''([^;]+)", disposition)
    if found:
        return urllib.parse.unquote(found.group(1))
    return re.search(r'filename="?([^";]+)', disposition).group(1)


def test_the_next_years_zip_names_each_template_as_its_課_downloads_it(tmp_path: Path) -> None:
    roster = tmp_path / "名簿.csv"
    roster.write_text(
        f"様式,施策番号,担当課\nshisaku-management,1,{DEPT_A}\nshisaku-management,2,{ODD_DEPT}\n",
        encoding="utf-8",
    )
    app = create_app(tmp_path / "data", roster, ADMIN_PASSWORD, 2020)
    app.config["TESTING"] = True
    assert ODD_DEPT in codes(app)
    for number, dept in ((1, DEPT_A), (2, ODD_DEPT)):
        sent = make_return(tmp_path, number, dept)
        upload_id(upload(signed_in(app, dept), app, dept, sent))
    office = signed_in(app, "admin")

    _page, before = run_job(office, "rollover")  # before the year is started
    page, data = run_job(office, "new-year")
    in_zip = sorted(zipfile.ZipFile(io.BytesIO(data)).namelist())
    assert sorted(zipfile.ZipFile(io.BytesIO(before)).namelist()) == in_zip

    store = app.extensions["xlsxsheet_store"]
    downloaded = []
    for dept in (DEPT_A, ODD_DEPT):
        client = signed_in(app, dept)
        (row,) = store.roster(2021, dept)
        got = client.get(f"/dept/{dept_id(app, dept)}/template/{row['id']}")
        assert got.status_code == 200 and got.data.startswith(b"PK")
        downloaded.append(_downloaded_name(got.headers["Content-Disposition"]))
    assert in_zip == sorted(downloaded), (in_zip, downloaded)
    assert "施策マネジメントシート_1_福祉総務課_令和3年度.xlsx" in in_zip, in_zip
    assert not any(WINDOWS_REFUSES.search(name) for name in in_zip), in_zip
    # the job's table names each template by the same name
    table = page[page.index('id="rollover-report"') :].split("</table>", 1)[0]
    for name in in_zip:
        assert f"<td>{name}" in table, name


def test_a_rosters_file_name_names_the_download_and_the_zip_alike(tmp_path: Path) -> None:
    """A roster's ファイル名 column names the template in rollover's zip; the 課's download used
    the desk's own name instead, so that the two differed again."""
    roster = tmp_path / "名簿.csv"
    roster.write_text(
        f"様式,施策番号,担当課,ファイル名\nshisaku-management,1,{DEPT_A},健康づくり:施策1.xlsx\n",
        encoding="utf-8",
    )
    app = create_app(tmp_path / "data", roster, ADMIN_PASSWORD, 2020)
    store = app.extensions["xlsxsheet_store"]
    client = signed_in(app, DEPT_A)

    def downloaded(year: int) -> str:
        (row,) = store.roster(year, DEPT_A)
        got = client.get(f"/dept/{dept_id(app, DEPT_A)}/template/{row['id']}")
        assert got.status_code == 200 and got.data.startswith(b"PK")
        return _downloaded_name(got.headers["Content-Disposition"])

    assert downloaded(2020) == "健康づくり_施策1.xlsx"  # the blank one, made safe for Windows
    upload_id(upload(client, app, DEPT_A, make_return(tmp_path, 1, DEPT_A)))
    _page, data = run_job(signed_in(app, "admin"), "new-year")
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["健康づくり_施策1.xlsx"]
    assert downloaded(2021) == "健康づくり_施策1.xlsx"  # next year's, made from the return
