"""A return of another evaluation year (a 課 sends last year's sheet to this year's desk) is a
state of its own, 年度違い: found by a walkthrough as city staff, where its roster row said
エラー like any return with a mistake to mend, though what its 課 must do is send another
file. The totals count it apart, and the year's summary workbook, CSV and zips leave it out
as the summary page does."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from web_support import (
    ADMIN_PASSWORD,
    DEPT_A,
    dept_id,
    make_return,
    run_job,
    signed_in,
    upload,
    upload_id,
    write_roster,
)

from xlsxsheet.web import create_app

pytestmark = pytest.mark.usefixtures("no_city_layouts")

WRONG_YEAR_SAID = "年度違いの提出(令和2年度の様式) 1 件は"


def _desk(tmp_path: Path, year: int, mistake: str | None) -> Any:
    """A desk of `year` to which 福祉総務課 has sent its 令和2年度 return of 施策1."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    app = create_app(tmp_path / "data", write_roster(tmp_path / "名簿.csv"), ADMIN_PASSWORD, year)
    app.config["TESTING"] = True
    sent = make_return(tmp_path, 1, DEPT_A, mistake, tag="送った提出")
    upload_id(upload(signed_in(app, DEPT_A), app, DEPT_A, sent))
    return app


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _roster_states(page: str) -> dict[str, str]:
    """The office's roster table: 番号 → its 状態 cell's text."""
    table = page[page.index('id="roster"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    cells = [re.findall(r"<td>(.*?)</td>", row, re.S) for row in rows]
    return {_text(c[2]): _text(c[3]) for c in cells}


def _totals(page: str) -> list[tuple[str, int]]:
    """The boxes above the roster: each state and its count, in order."""
    found = re.search(r'<div class="counts" id="state-counts">(.*?)</div>\s*\n', page, re.S)
    assert found, "no totals on the office page"
    boxes = re.findall(r'class="state state-([^"]+)">([^<]+)</span><b>(\d+)</b>', found.group(1))
    assert all(css == word for css, word, _n in boxes)
    return [(word, int(n)) for _css, word, n in boxes]


@pytest.mark.parametrize(
    ("desk_year", "mistake", "state", "totals"),
    [
        # last year's sheet, clean or with a mistake: 年度違い either way, counted apart
        (2021, None, "年度違い", [("未提出", 1), ("エラー", 0), ("年度違い", 1), ("警告のみ", 0), ("問題なし", 0)]),
        (2021, "total", "年度違い", [("未提出", 1), ("エラー", 0), ("年度違い", 1), ("警告のみ", 0), ("問題なし", 0)]),
    ],
    ids=["clean", "with-a-mistake"],
)  # fmt: skip
def test_a_return_of_another_year_has_its_own_state_on_the_roster(
    tmp_path: Path, desk_year: int, mistake: str | None, state: str, totals: list[Any]
) -> None:
    app = _desk(tmp_path, desk_year, mistake)
    office = signed_in(app, "admin").get("/admin").text
    assert _roster_states(office) == {"1": state, "2": "未提出"}
    assert _totals(office) == totals
    recent = office[office.index('id="uploads"') :]
    assert f'class="state state-{state}">{state}<' in recent  # the recent uploads too
    # its 課's page tells the same, and the state is styled on the office's page
    own = signed_in(app, DEPT_A).get(f"/dept/{dept_id(app, DEPT_A)}").text
    assert f'class="state state-{state}">{state}<' in own
    if state == "年度違い":
        assert ".state-年度違い {" in office
        row = office[office.index('id="roster"') :].split("</tr>")[1]
        assert "(令和2年度の様式)" in _text(row)  # which year it is, not エラー 2・警告 0


@pytest.mark.parametrize("kind", ["summary", "csv", "originals", "fixed"])
def test_the_years_workbook_csv_and_zips_leave_a_return_of_another_year_out(
    tmp_path: Path, kind: str
) -> None:
    """The summary page left it out (令和3年度でない年度の提出 1 件は集計していません) while the
    summary workbook summed it in a 令和2年度 table, the CSV wrote its values and the 提出 and
    修正版 zips held it: `collect` on the zip summed last year's figures as this year's."""
    app = _desk(tmp_path / "2021", 2021, "total")
    page, data = run_job(signed_in(app, "admin"), kind)
    said = _text(page[page.index('<pre class="message">') :])
    what = "集計していません" if kind in ("summary", "csv") else "入れていません"
    assert f"{WRONG_YEAR_SAID}{what}" in said, said
    assert "全体の状況では状態「年度違い」と表示しています" in said
    assert _holds_the_return(kind, data) is False

    # the same file on the desk of its own year is in each of them
    app = _desk(tmp_path / "2020", 2020, "total")
    office = signed_in(app, "admin")
    page, data = run_job(office, kind)
    assert "年度違い" not in _text(page[page.index("<main") :])  # what the page says, not its CSS
    assert _holds_the_return(kind, data) is True
    # its row is エラー there, and the totals have no 年度違い 0 for a desk with none
    totals = [("未提出", 1), ("エラー", 1), ("警告のみ", 0), ("問題なし", 0)]
    assert _totals(office.get("/admin").text) == totals


def _holds_the_return(kind: str, data: bytes) -> bool:
    """Whether the job's download holds 施策1's return (its figures, or its file)."""
    if kind == "summary":
        sheet = openpyxl.load_workbook(io.BytesIO(data))["評価総括表"]
        titles = [r[0] for r in sheet.iter_rows(values_only=True) if r[0]]
        return any("施策マネジメントシート 令和2年度" in str(t) for t in titles)
    if kind == "csv":
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        return any(DEPT_A in " ".join(map(str, r.values())) for r in rows)
    if not data:  # no zip at all: nothing in it
        return False
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    return any(n.startswith(f"{DEPT_A}/") and "送った提出" in n for n in names)


def test_the_summary_page_names_the_state_the_roster_shows(tmp_path: Path) -> None:
    app = _desk(tmp_path, 2021, None)
    summary = signed_in(app, "admin").get("/admin/summary").text
    notice = _text(summary[summary.index('id="other-years"') :].split("</p>", 1)[0])
    assert "令和3年度でない年度の提出 1 件は集計していません" in notice
    assert "全体の状況では状態「年度違い」" in notice


def test_the_marked_zip_keeps_it_with_the_copy_that_tells_its_課_to_send_this_years(
    tmp_path: Path,
) -> None:
    """Unlike the sums, the 点検結果 zip keeps it: its copy says, in its 課's words, which year
    it is and what to send; the job's message says so too."""
    app = _desk(tmp_path, 2021, None)
    page, data = run_job(signed_in(app, "admin"), "marked")
    said = _text(page[page.index('<pre class="message">') :])
    assert "うち年度違いの提出 1 件の写しには、令和3年度の様式で提出し直すように" in said, said
    (name,) = zipfile.ZipFile(io.BytesIO(data)).namelist()
    copy = openpyxl.load_workbook(io.BytesIO(zipfile.ZipFile(io.BytesIO(data)).read(name)))
    texts = [str(c) for sheet in copy for row in sheet.iter_rows(values_only=True) for c in row]
    assert any("は令和2年度の施策マネジメントシートです" in t for t in texts)
