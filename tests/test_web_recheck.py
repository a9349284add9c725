"""A layout file changed under a running 提出窓口: the results made before are checked again.

The city's own copy of the 施策マネジメントシート layout (a folder in XLSXSHEET_TEMPLATES, as
`serve --templates` sets it) is broken after the service started, a department sends returns,
and the IT staff mend the file: the department's page, an upload's page and the office's job
each show the return checked with the mended layout, without a restart.
"""

from __future__ import annotations

import io
import re
import shutil
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest
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
    wait_for_job,
    write_roster,
)

from xlsxsheet.layout.folders import ENV_VAR
from xlsxsheet.layout.registry import LayoutRegistry, bundled_templates_dir, default_registry
from xlsxsheet.web import create_app
from xlsxsheet.web.store import Store

pytestmark = pytest.mark.usefixtures("no_city_layouts")
GOOD, BROKEN = "version: 1\n", "version: 0\n"


@pytest.fixture
def city(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The city's copy of shisaku-management.yaml, in the folder the service searches."""
    folder = tmp_path / "city"
    folder.mkdir()
    layout = folder / "shisaku-management.yaml"
    shutil.copy(bundled_templates_dir() / "shisaku-management.yaml", layout)
    assert GOOD in layout.read_text(encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(folder))
    default_registry.cache_clear()
    return layout


@pytest.fixture
def app(tmp_path: Path, city: Path) -> Any:
    app = create_app(tmp_path / "data", write_roster(tmp_path / "名簿.csv"), ADMIN_PASSWORD, 2020)
    app.config["TESTING"] = True
    return app


def _edit(layout: Path, old: str, new: str) -> None:
    text = layout.read_text(encoding="utf-8")
    assert old in text
    layout.write_text(text.replace(old, new, 1), encoding="utf-8")


def _state(app: Any, upload: int) -> Any:
    return app.extensions["xlsxsheet_store"].upload(upload)


def _codes(app: Any, upload: int) -> list[str]:
    return [p["code"] for p in _state(app, upload).result["problems"]]


def _roster_states(page: str) -> list[tuple[str, str, str]]:
    return re.findall(
        r"<td>(\S+課)</td>\s*<td>施策マネジメントシート</td>\s*<td>(\d)</td>\s*"
        r'<td><span class="state state-(\S+)">',
        page,
    )


def _own_states(page: str) -> list[tuple[str, str]]:
    """A department's page: its roster rows (番号, 状態)."""
    return re.findall(
        r'<td>施策マネジメントシート</td>\s*<td>(\d)</td>\s*<td><span class="state state-(\S+)">',
        page,
    )


def _section(page: str, section_id: str) -> str:
    found = re.search(
        rf'<section class="card notice" id="{section_id}">(.*?)</section>', page, re.S
    )
    assert found, f"no #{section_id} on the page"
    return found.group(1)


def test_the_fingerprint_follows_the_bytes_of_the_layout_files(tmp_path: Path) -> None:
    folder = tmp_path / "a"
    folder.mkdir()
    layout = folder / "my-city.yaml"
    layout.write_text("layout: my-city\nsheets: []\n", encoding="utf-8")
    first = LayoutRegistry([folder]).fingerprint()
    layout.write_text("layout: my-city\nsheets: []\n", encoding="utf-8")  # saved, same bytes
    assert LayoutRegistry([folder]).fingerprint() == first
    moved = shutil.copytree(folder, tmp_path / "b")  # the same files elsewhere
    assert LayoutRegistry([moved]).fingerprint() == first
    layout.write_text("layout: my-city\nsheets: [] # 変更\n", encoding="utf-8")
    changed = LayoutRegistry([folder]).fingerprint()
    assert changed != first
    (folder / "notes.yml").write_text("a: 1\n", encoding="utf-8")  # any YAML file counts
    added = LayoutRegistry([folder]).fingerprint()
    assert added not in (first, changed)
    (folder / "notes.yml").rename(folder / "other.yml")
    assert LayoutRegistry([folder]).fingerprint() not in (first, changed, added)
    # a later folder overrides an earlier one: the order is part of it
    assert (
        LayoutRegistry([folder, moved]).fingerprint()
        != LayoutRegistry([moved, folder]).fingerprint()
    )


def test_a_departments_page_checks_its_returns_again_after_the_layout_is_mended(
    app: Any, city: Path, tmp_path: Path
) -> None:
    sent = make_return(tmp_path, 1, DEPT_A, "total")
    department = signed_in(app, DEPT_A)
    _edit(city, GOOD, BROKEN)  # the IT staff save a mistake while the service runs
    broken = upload_id(upload(department, app, DEPT_A, sent))
    assert _codes(app, broken) == ["layout-broken"]
    assert "提出されたファイルの誤りではありません" in department.get(f"/uploads/{broken}").text
    # while the file is broken the pages still work and say which layout is wrong
    page = department.get(f"/dept/{dept_id(app, DEPT_A)}").text
    assert "<td>shisaku-management(様式定義に誤りがあります)</td>" in page
    assert "(様式定義の誤りで点検できません)" in page
    # the department is told why, and offered no template it could not get
    notice = _section(page, "layout-unusable")
    assert "いまは様式のダウンロードも提出の点検もできません" in notice
    assert "shisaku-management(様式定義に誤りがあります) 1" in notice
    assert "/template/" not in page and "いまは作れません(様式定義の誤り)" in page
    roster_id = app.extensions["xlsxsheet_store"].roster(2020, DEPT_A)[0]["id"]
    refused = department.get(f"/dept/{dept_id(app, DEPT_A)}/template/{roster_id}")
    assert refused.status_code == 400 and "いまは様式を作れません" in refused.text
    # the office sees the file's mistake, where it is and what to write
    office = _section(signed_in(app, "admin").get("/admin").text, "broken-layouts")
    assert "<b>shisaku-management</b>: レイアウト定義 shisaku-management.yaml" in office
    assert "version" in office and "xlsxsheet layouts --check" in office
    _edit(city, BROKEN, GOOD)  # mended: no restart
    page = department.get(f"/dept/{dept_id(app, DEPT_A)}").text
    assert 'id="layout-unusable"' not in page and "/template/" in page
    assert 'id="broken-layouts"' not in signed_in(app, "admin").get("/admin").text
    mended = _state(app, broken)
    assert mended.readable and mended.layout == "shisaku-management" and mended.key == "1"
    assert "layout-broken" not in _codes(app, broken)
    assert _codes(app, broken) == ["total-mismatch"]  # what the return itself has
    assert mended.rechecked and mended.received == _state(app, broken).received
    assert _own_states(page) == [("1", "エラー")]
    result = department.get(f"/uploads/{broken}").text
    assert 'id="rechecked"' in result and "現在の様式定義で点検し直しました" in result
    assert "提出されたファイルの誤りではありません" not in result
    # the corrected copy the page now offers is made from the mended layout
    assert mended.result["can_fix"]
    assert department.get(f"/uploads/{broken}/fixed").status_code == 200


def test_an_uploads_page_checks_it_again_and_the_office_sums_it_up(
    app: Any, city: Path, tmp_path: Path
) -> None:
    sent = make_return(tmp_path, 2, DEPT_B)  # made before the layout file breaks
    _edit(city, GOOD, BROKEN)
    broken = upload_id(upload(signed_in(app, DEPT_B), app, DEPT_B, sent))
    admin = signed_in(app, "admin")
    assert _kept(admin) == 0  # the summary made while broken: nothing could be read
    _edit(city, BROKEN, GOOD)
    assert _kept(admin) == 1  # the summary kept from the broken layout's time is not used
    page = admin.get(f"/uploads/{broken}").text  # the office opens it: checked again
    assert 'id="rechecked"' in page and _state(app, broken).readable
    assert _roster_states(admin.get("/admin").text) == [
        (DEPT_A, "1", "未提出"),
        (DEPT_B, "2", "問題なし"),
    ]


def _kept(client: Any) -> int:
    found = re.search(r"各課の最新の提出 (\d+) 件から集計", client.get("/admin/summary").text)
    assert found, "no count on the summary page"
    return int(found.group(1))


def test_the_office_is_told_and_one_job_checks_the_years_returns_again(
    app: Any, city: Path, tmp_path: Path
) -> None:
    sent = [make_return(tmp_path, 1, DEPT_A, "total"), make_return(tmp_path, 2, DEPT_B)]
    first = upload_id(upload(signed_in(app, DEPT_A), app, DEPT_A, make_return(tmp_path, 1, DEPT_A)))
    _edit(city, GOOD, BROKEN)
    second = upload_id(upload(signed_in(app, DEPT_A), app, DEPT_A, sent[0]))
    other = upload_id(upload(signed_in(app, DEPT_B), app, DEPT_B, sent[1]))
    admin = signed_in(app, "admin")
    # the first return's good result is not replaced by 「点検できません」: it stays, stale
    assert _state(app, first).readable and _state(app, second).layout_broken
    assert _stale(admin) == 1
    job_page, _download = run_job(admin, "recheck")
    assert "0 件の提出を現在の様式定義で点検し直しました(なし)。" in job_page
    assert (
        "1 件は様式定義(レイアウトファイル)に誤りがあるため点検できず、前の点検結果のままです"
        in job_page
    )
    assert _state(app, first).readable and _stale(admin) == 1
    assert _state(app, second).version == 1  # its 施策 unknown: the first of "nothing"
    _edit(city, BROKEN, GOOD)  # the same bytes as when the first was checked: it is current
    assert _stale(admin) == 2
    assert _roster_states(admin.get("/admin").text) == [
        (DEPT_A, "1", "問題なし"),
        (DEPT_B, "2", "未提出"),
    ]
    job_page, download = run_job(admin, "recheck")
    assert "2 件の提出を現在の様式定義で点検し直しました(エラー 1 件、問題なし 1 件)。" in job_page
    assert download == b""  # nothing to download: the results are on the pages
    assert _stale(admin) == 0
    page = admin.get("/admin").text
    assert _roster_states(page) == [(DEPT_A, "1", "エラー"), (DEPT_B, "2", "問題なし")]
    # the second return of 施策 1 is now its second version; the first keeps its number
    assert (_state(app, first).version, _state(app, second).version) == (1, 2)
    assert _state(app, other).version == 1
    assert "第2版" in page


def _stale(client: Any) -> int:
    """The count the office's page gives of uploads checked with other layouts (0: no notice)."""
    page = client.get("/admin").text
    found = re.search(r'<section class="card notice" id="stale">.*?<b>(\d+)</b>', page, re.S)
    assert (found is None) == ('id="stale"' not in page)
    return int(found.group(1)) if found else 0


def test_every_office_job_checks_stale_uploads_first(app: Any, city: Path, tmp_path: Path) -> None:
    sent = make_return(tmp_path, 1, DEPT_A, "total")
    _edit(city, GOOD, BROKEN)
    broken = upload_id(upload(signed_in(app, DEPT_A), app, DEPT_A, sent))
    _edit(city, BROKEN, GOOD)
    _page, data = run_job(signed_in(app, "admin"), "fixed")
    assert _state(app, broken).result["can_fix"]  # checked again before the job chose
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert [n for n in archive.namelist() if n.endswith("_修正版.xlsx")], archive.namelist()


OLD_UPLOADS = """
CREATE TABLE departments (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, code_hash TEXT NOT NULL,
    code_version INTEGER NOT NULL DEFAULT 1);
CREATE TABLE uploads (
    id INTEGER PRIMARY KEY, dept_id INTEGER NOT NULL REFERENCES departments(id),
    year INTEGER NOT NULL, received TEXT NOT NULL, original_name TEXT NOT NULL,
    size INTEGER NOT NULL, sha256 TEXT NOT NULL, blob TEXT NOT NULL,
    layout TEXT, layout_title TEXT, file_year INTEGER, key TEXT, name TEXT,
    readable INTEGER NOT NULL, errors INTEGER NOT NULL, warnings INTEGER NOT NULL,
    version INTEGER NOT NULL, result TEXT NOT NULL);
INSERT INTO departments (name, code_hash) VALUES ('福祉総務課', 'x');
INSERT INTO uploads (dept_id, year, received, original_name, size, sha256, blob, readable,
    errors, warnings, version, result)
    VALUES (1, 2020, '2026-12-01T09:00:00+09:00', 'a.xlsx', 1, 'ab', 'ab/ab.xlsx', 0, 1, 0, 1,
    '{"problems": []}');
"""


def test_a_data_folder_of_an_earlier_version_opens_and_its_results_count_as_stale(
    tmp_path: Path,
) -> None:
    root = tmp_path / "data"
    root.mkdir()
    with sqlite3.connect(root / "xlsxsheet.sqlite3") as db:
        db.executescript(OLD_UPLOADS)
    store = Store(root)
    (kept,) = store.uploads(2020)
    assert (kept.checked, kept.checked_with, kept.rechecked) == (None, "", False)
    assert kept.checked_with != default_registry().fingerprint()
    Store(root)  # opening it again adds nothing twice
    with sqlite3.connect(root / "xlsxsheet.sqlite3") as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(uploads)")]
    assert columns.count("checked_with") == 1


def test_a_roster_row_whose_layout_file_is_gone_is_told_on_both_pages(
    tmp_path: Path, city: Path
) -> None:
    """The IT staff rename or delete a city layout file the roster names, while the service
    runs: the office is told which layout is gone and what to do, the department why its row
    offers no template."""
    own = city.parent / "kaku-shisaku.yaml"
    shutil.copy(Path(__file__).parent / "city_layouts" / "kaku-shisaku.yaml", own)
    default_registry.cache_clear()
    roster = tmp_path / "名簿.csv"
    roster.write_text(f"様式,施策番号,担当課\nkaku-shisaku,5,{DEPT_A}\n", encoding="utf-8")
    app = create_app(tmp_path / "data", roster, ADMIN_PASSWORD, 2024)
    app.config["TESTING"] = True
    department = signed_in(app, DEPT_A)
    assert "/template/" in department.get(f"/dept/{dept_id(app, DEPT_A)}").text
    own.rename(own.with_name("kaku-shisaku.yaml.bak"))  # gone under the running service
    page = department.get(f"/dept/{dept_id(app, DEPT_A)}").text
    assert "kaku-shisaku(様式定義がありません) 5" in _section(page, "layout-unusable")
    assert "/template/" not in page
    office = _section(signed_in(app, "admin").get("/admin").text, "broken-layouts")
    assert "<b>kaku-shisaku</b>: 名簿にある様式ですが、様式定義のファイルが見つかりません" in office


def test_the_office_jobs_say_what_a_broken_layout_file_leaves_out(
    app: Any, city: Path, tmp_path: Path
) -> None:
    """A return checked before the file broke cannot be read with it now: the summary says
    it is not in, instead of a bare 「0 件の提出を集計しました」; a new year is refused with
    the file's mistake, not started half way."""
    department = signed_in(app, DEPT_A)
    upload(department, app, DEPT_A, make_return(tmp_path, 1, DEPT_A))
    _edit(city, GOOD, BROKEN)
    office = signed_in(app, "admin")
    page, data = run_job(office, "summary")
    assert "0 件の提出を集計しました。" in page and data.startswith(b"PK")
    assert "いま点検できない提出 1 件は入っていません" in page
    response = office.post("/admin/jobs/new-year", data={"csrf": token(office), "confirm": "yes"})
    failed = wait_for_job(office, int(response.location.rsplit("/", 1)[1]))
    assert 'data-state="failed"' in failed
    assert "様式定義(レイアウトファイル)に誤りがあるため、できませんでした。" in failed
    assert "shisaku-management.yaml (12行目 (最上位))" in failed
    assert app.extensions["xlsxsheet_store"].year == 2020  # the year did not move
    _edit(city, BROKEN, GOOD)
    page, _data = run_job(office, "summary")
    assert "1 件の提出を集計しました。" in page and "入っていません" not in page
