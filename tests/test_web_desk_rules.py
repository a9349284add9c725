"""What the desk of one year takes: a return of another evaluation year is an error, and a 課
cannot fill (or overwrite) a roster row the roster gives to another 課. Found by a walkthrough
in a browser: both used to show 問題なし and count on the roster."""

from __future__ import annotations

import csv
import io
import re
import urllib.parse
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cli_support import run_cli
from web_support import (
    ADMIN_PASSWORD,
    DEPT_A,
    DEPT_B,
    dept_id,
    make_return,
    run_job,
    signed_in,
    token,
    upload,
    upload_id,
    write_roster,
)

from xlsxsheet.web import create_app

pytestmark = pytest.mark.usefixtures("no_city_layouts")


def _app(tmp_path: Path, year: int) -> Any:
    tmp_path.mkdir(exist_ok=True)
    app = create_app(tmp_path / "data", write_roster(tmp_path / "名簿.csv"), ADMIN_PASSWORD, year)
    app.config["TESTING"] = True
    return app


def _row(page: str, key: str) -> str:
    """The department page's roster row of 施策 `key` (its cells' text): the first table."""
    roster = page[page.index("<table") : page.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", roster, re.S)
    found = [r for r in rows if re.search(rf"<td[^>]*>\s*{key}\s*</td>", r)]
    assert len(found) == 1, rows
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found[0]))


def test_a_return_of_another_year_is_an_error_and_left_out_of_the_years_summary(
    tmp_path: Path,
) -> None:
    app = _app(tmp_path, 2021)  # the desk takes 令和3年度
    sent = make_return(tmp_path, 1, DEPT_A, tag="昨年度の提出")  # a 令和2年度 return
    client = signed_in(app, DEPT_A)
    number = upload_id(upload(client, app, DEPT_A, sent))
    page = client.get(f"/uploads/{number}").text
    assert (
        f"{sent.name} は令和2年度の施策マネジメントシートです。受け付けているのは令和3年度の提出です。"
        in page
    )
    assert "年度の違う提出です" in page
    assert "年度違い" in _row(client.get(f"/dept/{dept_id(app, DEPT_A)}").text, "1")

    office = signed_in(app, "admin")
    summary = office.get("/admin/summary").text
    assert "令和3年度でない年度の提出 1 件は集計していません" in summary
    assert "令和2年度:" not in summary  # no table of the other year
    assert "各課の最新の提出 0 件から集計しています" in summary

    # after a restart the summaries are made again from the files: the same
    again = signed_in(_app(tmp_path, 2021), "admin").get("/admin/summary").text
    assert "令和3年度でない年度の提出 1 件は集計していません" in again

    # this year's return is taken as before
    app2020 = _app(tmp_path / "2020", 2020)
    client = signed_in(app2020, DEPT_A)
    page = client.get(f"/uploads/{upload_id(upload(client, app2020, DEPT_A, sent))}").text
    assert "年度の違う提出です" not in page


def _notice(page: str, section_id: str) -> list[str]:
    """The items of a notice on a page, as text."""
    found = re.search(
        rf'<section class="card notice" id="{section_id}">(.*?)</section>', page, re.S
    )
    assert found, f"no #{section_id} on the page"
    items = re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", item).split(": ", 1)[-1].strip() for item in items]


def test_a_department_cannot_fill_a_row_the_roster_gives_another(tmp_path: Path) -> None:
    app = _app(tmp_path, 2020)
    theirs = make_return(tmp_path, 2, DEPT_A, tag="他課の施策")  # 施策2 is DEPT_B's
    a = signed_in(app, DEPT_A)
    wrong = upload_id(upload(a, app, DEPT_A, theirs))
    page = a.get(f"/uploads/{wrong}").text
    assert (
        f"名簿ではこの施策の担当課は「{DEPT_B}」です。この提出は{DEPT_B}の提出として数えず" in page
    )
    assert 'id="not-counted">数えていません<' in page  # not a green 問題なし
    history = a.get(f"/dept/{dept_id(app, DEPT_A)}").text
    assert "数えていません" in history[history.index('id="history"') :]
    # and its own page says so above its rows, with the 課 the roster names
    assert _notice(history, "misplaced") == [f"{theirs.name}(第1版) — 名簿の担当課: {DEPT_B}"]

    b = signed_in(app, DEPT_B)
    row = _row(b.get(f"/dept/{dept_id(app, DEPT_B)}").text, "2")
    assert "未提出" in row and theirs.name not in row
    office = signed_in(app, "admin")
    notice = office.get("/admin").text
    assert 'id="misplaced"' in notice and f"(名簿の担当課: {DEPT_B})" in notice
    assert "各課の最新の提出 0 件から集計しています" in office.get("/admin/summary").text

    own = make_return(tmp_path, 2, DEPT_B, tag="自課の提出")
    upload_id(upload(b, app, DEPT_B, own))
    upload_id(upload(a, app, DEPT_A, theirs, name="もう一度.xlsx"))  # sent again, later
    row = _row(b.get(f"/dept/{dept_id(app, DEPT_B)}").text, "2")
    assert own.name in row and "問題なし" in row  # not overwritten by the other 課's upload
    notice = _notice(a.get(f"/dept/{dept_id(app, DEPT_A)}").text, "misplaced")
    assert notice == [f"もう一度.xlsx(第2版) — 名簿の担当課: {DEPT_B}"]  # the newest only
    assert "各課の最新の提出 1 件から集計しています" in office.get("/admin/summary").text


def test_the_zips_hold_what_the_desk_counts_not_a_misplaced_upload(tmp_path: Path) -> None:
    """A 課's upload of a 施策 the roster gives another 課 was in the 提出, 点検結果 and 修正版
    zips: `collect` on the 提出 zip then chose between it and the owner's by date. Now the zips
    hold the uploads the desk counts, and say what they leave out."""
    app = _app(tmp_path, 2020)
    a, b = signed_in(app, DEPT_A), signed_in(app, DEPT_B)
    upload(b, app, DEPT_B, make_return(tmp_path, 2, DEPT_B, "total", tag="自課の提出"))
    upload(a, app, DEPT_A, make_return(tmp_path, 2, DEPT_A, "total", tag="他課の施策"))
    office = signed_in(app, "admin")
    for kind in ("originals", "marked", "fixed"):
        page, data = run_job(office, kind)
        assert "名簿では別の課が担当する施策を提出したもの 1 件は入れていません" in page, kind
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        assert names and all(n.startswith(DEPT_B + "/") for n in names), (kind, names)


def test_the_demo_desk_takes_its_examples_of_every_year(tmp_path: Path) -> None:
    """`serve --demo` holds the bundled examples of five cities and years in one desk."""
    from xlsxsheet.web.demo import load_demo, write_demo_roster

    app = create_app(tmp_path / "data", write_demo_roster(tmp_path), ADMIN_PASSWORD, 2021)
    load_demo(app, {})
    store = app.extensions["xlsxsheet_store"]
    assert store.takes_any_year
    years = {u.file_year for u in store.uploads(2021)}
    assert len(years) >= 4  # H28, R1, R2, R5, R6
    assert not any("return-wrong-year" in str(u.result) for u in store.uploads(2021))


def test_the_summary_workbook_names_a_file_as_it_was_sent(tmp_path: Path) -> None:
    """Not by the name it is kept under (its SHA-256): 要対応 said 「36538eef….xlsx はWord文書…」."""
    app = _app(tmp_path, 2020)
    word = tmp_path / "施策1 報告書.xlsx"
    with zipfile.ZipFile(word, "w") as docx:  # a Word document renamed .xlsx
        docx.writestr("[Content_Types].xml", "<Types/>")
        docx.writestr("word/document.xml", "<w:document/>")
    client = signed_in(app, DEPT_A)
    upload_id(upload(client, app, DEPT_A, word))
    _page, data = run_job(signed_in(app, "admin"), "summary")
    sheet = openpyxl.load_workbook(io.BytesIO(data))["要対応"]
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    assert "施策1 報告書.xlsx は" in text, text
    assert not re.search(r"[0-9a-f]{64}", text), text


def test_a_rows_template_comes_with_its_number_and_department(tmp_path: Path) -> None:
    """The empty template of a roster row has its 施策番号 and 担当課 filled in: a clerk who
    forgot them sent a return that answered no row."""
    from xlsxsheet.checks.pipeline import check_file

    app = _app(tmp_path, 2020)
    client = signed_in(app, DEPT_B)
    page = client.get(f"/dept/{dept_id(app, DEPT_B)}").text
    (link,) = re.findall(r'href="(/dept/\d+/template/\d+)"', page)
    response = client.get(link)
    assert response.status_code == 200
    template = tmp_path / "様式.xlsx"
    template.write_bytes(response.data)
    book = openpyxl.load_workbook(template)

    def named(name: str) -> Any:
        ((sheet, cell),) = book.defined_names[name].destinations
        return book[sheet][cell.replace("$", "")].value

    assert (named("xs_header_shisaku_no"), named("xs_header_lead_dept")) == ("2", DEPT_B)
    info = check_file(template).summary(values=False)
    assert (info.key, info.department) == ("2", DEPT_B)


def test_the_next_years_report_on_a_page_names_no_command_line_option(tmp_path: Path) -> None:
    """The office reads the report in a browser: 「(--all で一覧、--format json で値)」 was
    rollover's terminal hint."""
    app = _app(tmp_path, 2020)
    client = signed_in(app, DEPT_A)
    upload_id(upload(client, app, DEPT_A, make_return(tmp_path, 1, DEPT_A)))
    page, data = run_job(signed_in(app, "admin"), "rollover")
    assert data[:2] == b"PK"
    assert "様式に載りません。" in page  # the oldest year's values leave the template
    assert "--" not in re.sub(r"<!--.*?-->", "", page)


def test_nothing_to_correct_gives_no_empty_zip(tmp_path: Path) -> None:
    app = _app(tmp_path, 2020)
    client = signed_in(app, DEPT_A)
    upload_id(upload(client, app, DEPT_A, make_return(tmp_path, 1, DEPT_A)))
    page, data = run_job(signed_in(app, "admin"), "fixed")
    assert "自動で直せるもの(計算式の上書き・数値の表記など)のある提出はありません。" in page
    assert data == b"" and 'id="job-download"' not in page
    upload_id(upload(client, app, DEPT_A, make_return(tmp_path, 1, DEPT_A, mistake="total")))
    page, data = run_job(signed_in(app, "admin"), "fixed")
    assert "自動で直せるものがあった提出 1 件の修正版です。" in page
    assert len(zipfile.ZipFile(io.BytesIO(data)).namelist()) == 1


def test_the_office_mends_the_roster_in_the_browser(tmp_path: Path) -> None:
    """施策2 changed hands: the office downloads the roster, edits it and sends it back; the
    upload the roster gave to another 課 now answers its row; a new 課 gets its code once; a
    roster with a bad line changes nothing and names the line."""
    app = _app(tmp_path, 2020)
    a = signed_in(app, DEPT_A)
    upload_id(upload(a, app, DEPT_A, make_return(tmp_path, 2, DEPT_A, tag="引き継いだ施策")))
    assert len(_notice(a.get(f"/dept/{dept_id(app, DEPT_A)}").text, "misplaced")) == 1
    office = signed_in(app, "admin")
    sent = office.get("/admin/roster.csv")
    assert sent.status_code == 200 and sent.data.startswith("\ufeff".encode())
    text = sent.data.decode("utf-8-sig")
    assert text.splitlines() == [  # by the names an office writes
        "様式,施策番号,担当課,ファイル名",
        f"施策マネジメントシート,1,{DEPT_A},",
        f"施策マネジメントシート,2,{DEPT_B},",
    ]

    def send(csv_text: str) -> Any:
        data = {
            "csrf": token(office, "/admin"),
            "roster": (io.BytesIO(csv_text.encode("utf-8")), "名簿_修正.csv"),
        }
        return office.post("/admin/roster", data=data, content_type="multipart/form-data")

    bad = send(text.replace(f"2,{DEPT_B}", "2,子ども家庭課") + "なにかの様式,3,子ども家庭課\n")
    assert bad.status_code == 400
    assert (
        "名簿 名簿_修正.csv を使えません" in bad.text and "4行目: 様式「なにかの様式」" in bad.text
    )
    assert "(使える様式: 事務事業評価シート、" in bad.text and "jimu-jigyo" not in bad.text
    assert "<h1>400" not in bad.text  # no status code before the words
    assert "子ども家庭課" not in office.get("/admin").text  # nothing changed

    mended = text.replace(f"2,{DEPT_B}", f"2,{DEPT_A}") + "施策評価シート,9,子ども家庭課,\n"
    done = send(mended)
    assert done.status_code == 200, done.text
    assert "4 行の名簿になりました" not in done.text and "3 行の名簿になりました" in done.text
    changes = re.findall(r"<li>([^<]+)</li>", done.text[done.text.index('id="roster-changes"') :])
    assert changes[:2] == [
        "追加: 施策評価シート 9(子ども家庭課)",
        f"担当課の変更: 施策マネジメントシート 2({DEPT_B} → {DEPT_A})",
    ]
    (code,) = re.findall(r'<td>子ども家庭課</td><td class="code">([^<]+)</td>', done.text)
    assert len(code) >= 8
    row = _row(a.get(f"/dept/{dept_id(app, DEPT_A)}").text, "2")
    assert "問題なし" in row or "警告のみ" in row  # the upload now answers its row
    assert 'id="misplaced"' not in office.get("/admin").text
    assert 'id="misplaced"' not in a.get(f"/dept/{dept_id(app, DEPT_A)}").text
    assert "子ども家庭課" in office.get("/admin").text
    assert "<td>子ども家庭課</td>" not in send(mended).text  # a code is shown only once
    # sent back in the order the office wrote it (the page lists it by 課: 子ども家庭課 first)
    again = office.get("/admin/roster.csv").data.decode("utf-8-sig").splitlines()
    assert [line.split(",")[1] for line in again[1:]] == ["1", "2", "9"]


def test_earlier_years_stay_readable_after_a_new_year_starts(tmp_path: Path) -> None:
    """Once 令和3年度 started, the department's and the office's pages of 令和2年度 were reachable
    only by typing an upload's address; now each page links the desk's years (read only)."""
    app = _app(tmp_path, 2020)
    a = signed_in(app, DEPT_A)
    sent = make_return(tmp_path, 1, DEPT_A, tag="令和2年度の提出")
    upload_id(upload(a, app, DEPT_A, sent))
    office = signed_in(app, "admin")
    report, _data = run_job(office, "new-year")
    # 施策2 of the roster had no return: said for a desk that has moved on
    assert "令和3年度を開始しました。名簿の 1 行は今年度の使える提出がなかったため" in report
    page = f"/dept/{dept_id(app, DEPT_A)}"
    now = a.get(page).text
    assert "の提出(令和3年度)" in now and sent.name not in now and 'id="upload-form"' in now
    assert f'href="{page}?year=2020"' in now
    before = a.get(f"{page}?year=2020").text
    assert "の提出(令和2年度)" in before and sent.name in before
    assert 'id="closed-year"' in before and "いま受け付けているのは令和3年度です" in before
    assert 'id="upload-form"' not in before and "/template/" not in before  # read only
    assert "問題なし" in _row(before, "1") or "警告のみ" in _row(before, "1")
    office_before = office.get("/admin?year=2020").text
    assert "全体の状況(令和2年度)" in office_before
    # its downloads, made from its results as they were kept; no year's work (rollover, new year)
    jobs = set(re.findall(r'action="/admin/jobs/([a-z-]+)"', office_before))
    assert jobs == {"summary", "csv", "marked", "fixed", "originals"}
    assert 'name="year" value="2020"' in office_before
    assert "/code" not in office_before  # access codes are issued on the current year's page
    page, data = run_job(office, "summary", year=2020)
    assert "1 件の提出を集計しました" in page and "集計_令和2年度.xlsx" in page
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [str(c) for sheet in book.worksheets for row in sheet.values for c in row]
    assert any(sent.name in c for c in cells)  # the return of 令和2年度, named as sent
    page, data = run_job(office, "originals", year=2020)
    (sent_back,) = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert sent_back == f"{DEPT_A}/第1版_{sent.name}"
    assert zipfile.ZipFile(io.BytesIO(data)).read(sent_back) == sent.read_bytes()
    refused = office.post(
        "/admin/jobs/rollover", data={"csrf": token(office, "/admin"), "year": "2020"}
    )
    assert refused.status_code == 400 and "いまの年度だけでできます" in refused.text
    assert 'id="roster-form"' not in office_before
    summary = office.get("/admin/summary?year=2020").text
    assert "各課の最新の提出 1 件から集計しています" in summary
    assert "全体の状況(令和3年度)" in office.get("/admin?year=1999").text  # not a desk year


def test_the_same_file_sent_again_is_said_to_be_the_same(tmp_path: Path) -> None:
    """A clerk who sends the unchanged file again (the corrected one left unsaved) is told so."""
    app = _app(tmp_path, 2020)
    client = signed_in(app, DEPT_A)
    sent = make_return(tmp_path, 1, DEPT_A, mistake="total")
    first = upload_id(upload(client, app, DEPT_A, sent))
    assert 'id="same-file"' not in client.get(f"/uploads/{first}").text
    again = upload_id(upload(client, app, DEPT_A, sent, name="直したつもり.xlsx"))
    page = client.get(f"/uploads/{again}").text
    assert 'id="same-file"' in page and f'href="/uploads/{first}">第1版(' in page
    assert "と同じ内容です" in page


def test_the_office_sets_a_deadline_every_department_sees(tmp_path: Path) -> None:
    from datetime import date, timedelta

    from xlsxsheet.web.deadline import day_label

    app = _app(tmp_path, 2020)
    office = signed_in(app, "admin")

    def set_day(text: str) -> Any:
        form = {"csrf": token(office, "/admin"), "deadline": text}
        return office.post("/admin/deadline", data=form)

    a = signed_in(app, DEPT_A)
    page = f"/dept/{dept_id(app, DEPT_A)}"
    assert 'id="deadline"' not in a.get(page).text
    soon = date.today() + timedelta(days=12)
    assert set_day(soon.isoformat()).status_code == 303
    shown = a.get(page).text
    assert f"提出期限: <b>{day_label(soon)}</b>(あと 12 日)" in shown
    assert set_day("6月30日").status_code == 400  # not a date: told how to write one
    assert f"いまの期限: {day_label(soon)}" in office.get("/admin").text
    assert 'id="deadline-passed"' not in office.get("/admin").text

    upload_id(upload(a, app, DEPT_A, make_return(tmp_path, 1, DEPT_A)))
    assert "期限後</span>" not in office.get("/admin").text
    passed = date.today() - timedelta(days=1)
    set_day(passed.isoformat())
    assert "期限を過ぎています" in a.get(page).text
    assert "期限後</span>" in office.get("/admin").text  # received after the deadline's day
    # a day already past (a typo in the year?): the office is told what every 課 now sees
    assert "この期限は 1 日前に過ぎています。" in office.get("/admin").text
    set_day("")
    assert (
        'id="deadline"' not in a.get(page).text and "期限後</span>" not in office.get("/admin").text
    )


def test_the_office_sees_uploads_no_roster_row_names(tmp_path: Path) -> None:
    app = _app(tmp_path, 2020)
    a = signed_in(app, DEPT_A)
    upload_id(upload(a, app, DEPT_A, make_return(tmp_path, 1, DEPT_A)))
    office = signed_in(app, "admin")
    assert 'id="unlisted"' not in office.get("/admin").text
    assert 'id="not-in-roster"' not in a.get("/uploads/1").text
    stray = make_return(tmp_path, 9, DEPT_A, tag="名簿にない施策")
    number = upload_id(upload(a, app, DEPT_A, stray))
    told = a.get(f"/uploads/{number}").text  # the 課 is told, not only the office
    assert 'id="not-in-roster"' in told and "番号 9)は名簿のどの施策にも当たりません" in told
    page = office.get("/admin").text
    assert 'id="unlisted"' in page
    listed = page[page.index('id="unlisted"') :]
    listed = listed[: listed.index("</table>")]
    assert stray.name in listed and "施策1_clean" not in listed


def test_starting_a_year_says_first_which_rows_carry_nothing(tmp_path: Path) -> None:
    app = _app(tmp_path, 2020)
    office = signed_in(app, "admin")
    assert "名簿の 2 行には今年度の使える提出がありません" in office.get("/admin").text
    a = signed_in(app, DEPT_A)
    upload_id(upload(a, app, DEPT_A, make_return(tmp_path, 1, DEPT_A)))
    assert "名簿の 1 行には今年度の使える提出がありません" in office.get("/admin").text


def _report(page: str) -> list[list[str]]:
    """The rows of the next-year job's table, each cell as text."""
    table = page[page.index('id="rollover-report"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]
    text = lambda cell: " ".join(re.sub(r"<[^>]+>", " ", cell).split())  # noqa: E731
    return [[text(c) for c in re.findall(r"<td>(.*?)</td>", row, re.S)] for row in rows]


def test_the_next_year_report_is_a_table_with_what_needs_a_look_first(tmp_path: Path) -> None:
    """One row per template, the rows with no template first; a return named as its 課 sent
    it, what it leaves behind said; a roster row with no return gets a blank template."""
    app = _app(tmp_path, 2020)
    a = signed_in(app, DEPT_A)
    sent = make_return(tmp_path, 1, DEPT_A, tag="課内集計つき")
    book = openpyxl.load_workbook(sent)
    book.create_sheet("課内集計")["A1"] = "課で使う表"
    book.save(sent)
    upload_id(upload(a, app, DEPT_A, sent, name="福祉総務課の提出.xlsx"))
    page, data = run_job(signed_in(app, "admin"), "new-year")
    assert "各行の内容は下の表のとおりです" in page and "<pre" in page
    made = "施策マネジメントシート_1_福祉総務課_令和3年度.xlsx"  # as the 課 downloads it
    assert f"作成 {made} ←" not in page  # rollover's text is not the page
    blank, carried = _report(page)
    assert blank[0] == "空の様式(ダウンロード時に作成)" and blank[1] == f"2 {DEPT_B}"
    assert "各課がダウンロードするときに、施策番号・担当課だけを記入した空の様式" in blank[4]
    assert carried[0] == made
    assert carried[0] in zipfile.ZipFile(io.BytesIO(data)).namelist()[0]
    assert carried[2] == f"{DEPT_A}/福祉総務課の提出.xlsx (第1版)"  # not the stored hash name
    assert re.fullmatch(r"\d+ 項目\(消去 \d+\)", carried[3])
    assert "様式にないシート「課内集計」は翌年度の様式に引き継ぎません" in carried[4]


def test_the_next_year_jobs_with_no_return_at_all(
    tmp_path: Path,
) -> None:
    """「翌年度の様式(zip)」 without starting the year: no template for a row with no return
    in the zip, the table says its 課 get a blank one once the year is started (it said
    作成できませんでした, while the office page promised the blank template) and no empty zip
    is offered; a new year started then gives each 課 its blank template."""
    app = _app(tmp_path, 2020)
    page, data = run_job(signed_in(app, "admin"), "rollover")
    assert data == b"" and 'id="job-download"' not in page  # no empty zip to download
    rows = _report(page)
    assert [r[0] for r in rows] == ["空の様式(ダウンロード時に作成)"] * 2
    assert "この zip には入っていません。翌年度を開始すると" in rows[0][4]
    assert "作成 0 件(新規 0 件)、空の様式(ダウンロード時に作成) 2 件。" in page
    assert "作成できなかったもの 2 件" not in page
    # a new year started with no return at all: each 課 still gets its blank template
    page, data = run_job(signed_in(app, "admin"), "new-year")
    assert data == b"" and [r[0] for r in _report(page)] == ["空の様式(ダウンロード時に作成)"] * 2
    a = signed_in(app, DEPT_A)
    roster_id = app.extensions["xlsxsheet_store"].roster(2021, DEPT_A)[0]["id"]
    blank = a.get(f"/dept/{dept_id(app, DEPT_A)}/template/{roster_id}")
    assert blank.status_code == 200 and blank.data.startswith(b"PK")


def test_last_years_sheet_sent_again_is_a_row_of_its_own_not_a_template_not_made(
    tmp_path: Path,
) -> None:
    """The report counted it with the roster rows as 作成できなかったもの (4 of them, while
    their 課 do get blank templates) and called its row 作成できませんでした."""
    app = _app(tmp_path, 2021)  # the desk takes 令和3年度
    a = signed_in(app, DEPT_A)
    upload_id(upload(a, app, DEPT_A, make_return(tmp_path, 1, DEPT_A, tag="昨年度の提出")))
    page, _data = run_job(signed_in(app, "admin"), "new-year")
    assert (
        "作成 0 件(新規 0 件)、空の様式(ダウンロード時に作成) 2 件、様式を作れない提出 1 件。"
        in page
    )
    states = sorted(r[0] for r in _report(page))
    assert states == ["この提出からは作れません", *["空の様式(ダウンロード時に作成)"] * 2]
    (sent,) = [r for r in _report(page) if r[0] == "この提出からは作れません"]
    assert "令和2年度の施策マネジメントシートです" in sent[4]


def test_an_upload_of_another_課s_施策_is_not_carried_to_next_year(tmp_path: Path) -> None:
    """福祉総務課 sends 施策2, which the roster gives to 高齢者支援課: not counted, so not carried
    either; next year's template of 施策2 used to be made from it (the same file) or refused
    as a duplicate (a changed copy), leaving the right 課 a template with nothing carried."""
    app = _app(tmp_path, 2020)
    a, b = signed_in(app, DEPT_A), signed_in(app, DEPT_B)
    upload_id(upload(a, app, DEPT_A, make_return(tmp_path, 2, DEPT_A, tag="他課の施策")))
    office = signed_in(app, "admin")
    recent = office.get("/admin").text
    recent = recent[recent.index('id="uploads"') :]
    assert "数えていません" in recent and "問題なし" not in recent
    page, data = run_job(office, "rollover")
    assert data == b"" and [r[0] for r in _report(page)] == ["空の様式(ダウンロード時に作成)"] * 2
    assert "他課の施策" not in page
    own = make_return(tmp_path, 2, DEPT_B, tag="自課の施策")
    upload_id(upload(b, app, DEPT_B, own))
    upload_id(upload(a, app, DEPT_A, make_return(tmp_path, 2, DEPT_A, tag="他課の施策2")))
    page, data = run_job(office, "rollover")
    made = [r for r in _report(page) if r[0] != "空の様式(ダウンロード時に作成)"]
    assert [(r[0], r[2]) for r in made] == [
        (f"施策マネジメントシート_2_{DEPT_B}_令和3年度.xlsx", f"{DEPT_B}/{own.name} (第1版)")
    ]
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == [made[0][0]]


def test_the_csv_job_counts_the_returns_it_wrote_values_of(tmp_path: Path) -> None:
    """A blank template sent back gives the CSV no row: not counted among those written."""
    app = _app(tmp_path, 2020)
    a, b = signed_in(app, DEPT_A), signed_in(app, DEPT_B)
    upload_id(upload(a, app, DEPT_A, make_return(tmp_path, 1, DEPT_A)))
    blank = tmp_path / "白紙.xlsx"  # the template as `xlsxsheet template` makes it
    code, _out, err = run_cli(
        "template", "施策マネジメントシート", "--year", "R2", "-o", str(blank)
    )
    assert code == 0, err
    upload_id(upload(b, app, DEPT_B, blank))
    page, data = run_job(signed_in(app, "admin"), "csv")
    assert "1 件の提出の値を書き出しました。何も記入されていない提出 1 件には" in page
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert {r[rows[0].index("ファイル")] for r in rows[1:]} == {
        f"{DEPT_A}/施策1_clean.xlsx (第1版)"
    }


def test_an_unreadable_file_is_no_version_of_a_施策(tmp_path: Path) -> None:
    """The history numbered unreadable files apart (two 第3版, two 第2版 side by side): a file
    that is no readable return shows no version; the office's row says how many older ones it
    does not list."""
    app = _app(tmp_path, 2020)
    a = signed_in(app, DEPT_A)
    sent = make_return(tmp_path, 1, DEPT_A)
    for n in range(8):  # eight versions of 施策1, each a little different
        book = openpyxl.load_workbook(sent)
        book["施策マネジメントシート"]["A1"] = f"第{n + 1}稿"
        book.save(sent)
        upload_id(upload(a, app, DEPT_A, sent, name=f"施策1_{n + 1}.xlsx"))
    broken = tmp_path / "壊れた.xlsx"
    broken.write_bytes(b"not a workbook")
    upload_id(upload(a, app, DEPT_A, broken))
    history = a.get(f"/dept/{dept_id(app, DEPT_A)}").text
    history = history[history.index('id="history"') :]
    numbers = re.findall(r'<td class="num">(\d+|<span[^>]*>—</span>)</td>\s*<td>', history)
    assert numbers[0].endswith("—</span>") and [int(n) for n in numbers[1:]] == list(
        range(8, 0, -1)
    )
    row = _row(signed_in(app, "admin").get("/admin").text, "1")
    assert "第8版" in row and "ほか 2 件(第1版〜)" in row


def test_a_misplaced_事務事業_is_called_by_its_layouts_word(tmp_path: Path) -> None:
    roster = tmp_path / "名簿.csv"
    roster.write_text(
        f"様式,施策番号,担当課\n事務事業評価シート,03-02-015,{DEPT_B}\n"
        f"事務事業評価シート,03-02-016,{DEPT_A}\n",
        encoding="utf-8",
    )
    app = create_app(tmp_path / "data", roster, ADMIN_PASSWORD, 2024)
    a = signed_in(app, DEPT_A)
    example = Path(__file__).resolve().parents[1] / "examples" / "jimu-jigyo-R6.xlsx"
    page = a.get(f"/uploads/{upload_id(upload(a, app, DEPT_A, example))}").text
    assert f"名簿ではこの事務事業の担当課は「{DEPT_B}」です。" in page
    assert "提出する事務事業とサインインした課を確かめてください" in page


@pytest.mark.parametrize(
    ("title", "key", "dept", "expected"),
    [
        ("施策評価シート", "2", DEPT_B, f"施策評価シート_2_{DEPT_B}_令和2年度.xlsx"),
        ("進捗管理シート", "", "企画課", "進捗管理シート_企画課_令和2年度.xlsx"),
        (
            "施策評価シート",
            "03/02",
            "福祉課:高齢",
            "施策評価シート_03_02_福祉課_高齢_令和2年度.xlsx",
        ),
    ],
)
def test_a_downloaded_template_is_named_by_its_課(
    title: str, key: str, dept: str, expected: str
) -> None:
    """A template saved beside another 課's, or forwarded, says whose it is (it was named
    様式_番号_年度 alone), and the name stays one Windows takes."""
    from xlsxsheet.web.views import desk_template_name

    assert desk_template_name(title, key, dept, 2020) == expected


def test_the_template_download_says_the_課_in_its_file_name(tmp_path: Path) -> None:
    app = _app(tmp_path, 2020)
    client = signed_in(app, DEPT_B)
    page = client.get(f"/dept/{dept_id(app, DEPT_B)}").text
    (link,) = re.findall(r'href="(/dept/\d+/template/\d+)"', page)
    disposition = client.get(link).headers["Content-Disposition"]
    assert urllib.parse.quote(f"_2_{DEPT_B}_令和2年度.xlsx") in disposition, disposition


@pytest.mark.parametrize(
    ("rows", "heading"),
    [
        ("事務事業評価シート,03-02-015", "担当する事務事業"),
        ("施策マネジメントシート,1\n事務事業評価シート,03-02-015", "担当する施策・事務事業"),
        ("施策マネジメントシート,1", "担当する施策"),
    ],
)
def test_the_pages_call_the_rows_by_their_layouts_unit(
    tmp_path: Path, rows: str, heading: str
) -> None:
    """A desk of 事務事業評価シート called each row a 施策 (「担当する施策」, 「名簿にこの課の施策
    はありません」): the pages use the layouts' summary.unit."""
    roster = tmp_path / "名簿.csv"
    lines = "".join(f"{row},{DEPT_A}\n" for row in rows.splitlines())
    roster.write_text("様式,施策番号,担当課\n" + lines, encoding="utf-8")
    app = create_app(tmp_path / "data", roster, ADMIN_PASSWORD, 2024)
    page = signed_in(app, DEPT_A).get(f"/dept/{dept_id(app, DEPT_A)}").text
    assert f"<h2>{heading}</h2>" in page
