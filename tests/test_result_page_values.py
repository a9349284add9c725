"""The result page as a clerk reads it: the cells around a problem as Excel shows them (values,
not formulas; 千円 figures with separators; a total the check computed otherwise than the file
saved, said), and the 入力値 and 期待値 columns quoting numbers as the messages do.

The returns are real: made by xlsxsheet, mistakes typed with openpyxl, and one opened and
saved by LibreOffice (which saves each formula's result as Excel does, skipping a number typed
as text in a SUM); the page is read with Flask's test client and in a headless Chromium.
"""

from __future__ import annotations

import datetime as dt
import html
import random
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from returns_factory import ShisakuManagement
from web_support import (
    ADMIN_PASSWORD,
    DEPT_A,
    chromium,
    codes,
    make_return,
    served,
    sign_in,
    signed_in,
    upload,
    upload_id,
    write_roster,
)

from xlsxsheet.checks.base import show
from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.external.libreoffice import recalculate
from xlsxsheet.reading.return_reader import read_file
from xlsxsheet.web import create_app
from xlsxsheet.web.result_grid import cell_text, file_cells, number_text

ROOT = Path(__file__).resolve().parents[1]
TYPED = "１,２００"  # full-width digits, a half-width comma: shown as typed


# --- the page, parsed ---------------------------------------------------------------------
class _Problems(HTMLParser):
    """The rows of #problems: each column's text, and the grid's cells and notes."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []
        self._column: str | None = None
        self._cell: dict[str, Any] | None = None
        self._note: list[str] | None = None
        self._in_grid = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "tr" and "problem" in classes:
            self.rows.append({"grid": [], "notes": [], "html": {}})
        elif not self.rows:
            return
        elif tag == "td" and a.get("role") == "cell":
            self._column = next(c for c in classes if c.startswith("p-"))
            self.rows[-1][self._column] = ""
        elif tag == "table" and "grid" in classes:
            self._in_grid = True
        elif tag == "td" and self._in_grid and "corner" not in classes:
            self._cell = {"classes": classes, "title": a.get("title", ""), "text": ""}
            self._cell["formula"] = a.get("data-formula")
        elif tag == "p" and "grid-note" in classes:
            self._note = []
        elif self._column in ("p-value", "p-expected"):
            self.rows[-1]["html"].setdefault(self._column, []).append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_grid = False
        elif tag == "td" and self._cell is not None:
            self.rows[-1]["grid"].append(self._cell)
            self._cell = None
        elif tag == "td" and self._column is not None and not self._in_grid:
            self._column = None
        elif tag == "p" and self._note is not None:
            self.rows[-1]["notes"].append("".join(self._note))
            self._note = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell["text"] += data
        elif self._note is not None:
            self._note.append(data)
        if self._column is not None and self._cell is None:
            self.rows[-1][self._column] += data


def problem_rows(page: str) -> list[dict[str, Any]]:
    parser = _Problems()
    parser.feed(page)
    return parser.rows


def row_at(rows: list[dict[str, Any]], cell: str, title: str) -> dict[str, Any]:
    return next(r for r in rows if r["p-cell"].startswith(cell) and title in r["p-message"])


def by_ref(row: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["title"].split(":", 1)[0]: c for c in row["grid"]}


# --- the returns --------------------------------------------------------------------------
def _typed(folder: Path, name: str, texts: dict[str, str]) -> Path:
    """A 施策 1 return with `texts` typed into money cells (by defined name), saved by openpyxl."""
    sm = ShisakuManagement(random.Random(1))
    doc, _made = sm.document(1, DEPT_A, "4")
    path = folder / name
    sm.write(doc, path)
    book = openpyxl.load_workbook(path)
    for defined, text in texts.items():
        sheet, ref = next(iter(book.defined_names[defined].destinations))
        cell = book[sheet][ref.replace("$", "")]
        cell.value = text
        cell.data_type = "s"  # typed text
    book.save(path)
    return path


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("result-page-returns")
    typed = _typed(
        folder,
        "施策1_文字.xlsx",
        {"xs_perf_cost_national_y2019": "1,200円", "xs_perf_cost_general_y2018": TYPED},
    )
    saved = folder / "libreoffice"
    return {
        "total": make_return(folder, 1, DEPT_A, "total"),
        "typed": typed,
        # opened and saved by LibreOffice: every formula's result saved in the file, as Excel
        # saves it (the text typed in a money cell left out of its SUM)
        "resaved": recalculate(typed, saved, soffice=soffice),
    }


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("result-page-site")
    made = create_app(root / "data", write_roster(root / "名簿.csv"), ADMIN_PASSWORD, 2020)
    made.config["TESTING"] = True
    return made


def _page(app: Any, path: Path) -> tuple[int, str]:
    client = signed_in(app, DEPT_A)
    found = upload_id(upload(client, app, DEPT_A, path))
    return found, client.get(f"/uploads/{found}").text


def _saved_and_computed(path: Path, sheet: str, ref: str) -> tuple[Any, Any, str | None]:
    """What the file saved at a cell, what the check computed there, and its formula."""
    result = read_file(path)
    bound = next(c for c in result.cells.values() if (c.sheet, c.address) == (sheet, ref))
    raw = bound.raw
    saved = result.content.cached_value(raw.sheet, raw.row, raw.col) if raw.formula else raw.value
    return saved, result.computed.get(bound.slot.key), raw.formula


# --- numbers as a number format shows them ------------------------------------------------
@pytest.mark.parametrize(
    ("value", "code", "shown"),
    [
        (14000, "#,##0", "14,000"),  # a 千円 figure
        (2167435.0, "#,##0", "2,167,435"),  # a saved SUM (a float in the file)
        (-1234, "#,##0", "-1,234"),
        (999.5, "#,##0", "1,000"),  # Excel rounds half away from zero
        (80, "0.0", "80.0"),  # an integer in a percent cell of one place
        (0.125, "0.00", "0.13"),  # not Python's half-to-even 0.12
        (1234.5, "#,##0.0##", "1,234.5"),
        (1234.5678, "#,##0.0##", "1,234.568"),
        (14000, "General", "14000"),  # General has no separators
        (0.1 + 0.2, "General", "0.3"),
        (14000, None, "14,000"),  # a cell of no known format: as the messages quote it
        (14000, "0%", "14,000"),  # a format not handled here: as the messages quote it
        (1e30, "#,##0", "1" + ",000" * 10),  # typed in a cell: shown, not a failed page
        (1e30, "0.0", "1" + "0" * 30 + ".0"),
    ],
)
def test_a_number_is_shown_as_its_cell_format_shows_it(
    value: float, code: str | None, shown: str
) -> None:
    assert number_text(value, code) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (True, "TRUE"),  # not Python's True
        (dt.datetime(2020, 4, 1), "2020/4/1"),  # not 2020-04-01 00:00:00
        (dt.datetime(2020, 4, 1, 9, 30), "2020/4/1 09:30"),
        (TYPED, TYPED),  # a text as typed
        (None, ""),
    ],
)
def test_a_cell_that_is_no_number_is_shown_as_excel_shows_it(value: Any, shown: str) -> None:
    assert cell_text(value, "#,##0") == shown


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.xlsx")), ids=lambda p: p.stem)
def test_a_cell_of_the_form_shows_a_number_as_its_number_format_in_the_file_does(
    path: Path,
) -> None:
    """The format the page takes for a cell of the form (the layout's) shows a number as the
    format the bundled example holds at that cell does (a year or a choice: General)."""
    cells = file_cells(path)
    assert cells is not None and cells.formats
    book = openpyxl.load_workbook(path)
    for (sheet, row, col), code in cells.formats.items():
        held = book[sheet].cell(row + 1, col + 1).number_format
        for number in (2020, 14000, 1234.5):
            assert number_text(number, code) == number_text(number, held), (sheet, row, col)


# --- the grid -----------------------------------------------------------------------------
def test_the_grid_shows_what_excel_shows_not_formulas(app: Any, returns: dict[str, Path]) -> None:
    """The return LibreOffice saved: each formula cell shows its value (the check's, where the
    check computed it, with a note when the file saved another), with its formula in the title."""
    path = returns["resaved"]
    _found, page = _page(app, path)
    rows = problem_rows(page)
    grids = [c for r in rows for c in r["grid"]]
    assert grids and not [c["text"] for c in grids if c["text"].startswith("=")]
    row = row_at(rows, "H76", "数値が文字列として保存されています")  # TYPED, in a SUM's column
    cells = by_ref(row)
    sheet = row["p-cell"].removeprefix("H76")
    formulas = [ref for ref, c in cells.items() if c["formula"]]
    assert {"H77", "I77"} <= set(formulas)
    for ref in formulas:
        saved, computed, formula = _saved_and_computed(path, sheet, ref)
        cell = cells[ref]
        assert cell["text"] == show(computed), ref  # the check's value, as the sheet shows it
        assert f"計算式: {formula}" in cell["title"] and cell["formula"] == formula
        differs = saved != computed
        assert ("recomputed" in cell["classes"]) is differs, ref
        note = f"{ref} は点検で計算し直した値です(ブックに保存された値は {show(saved)})。"
        assert (f"※ {note}" in row["notes"]) is differs, (ref, row["notes"])
    # H77 and I77 add H76 and I72, typed 「１,２００」 and 「1,200円」: LibreOffice's SUM skips
    # the texts, the check reads 1,200 in each
    for ref in ("H77", "I77"):
        saved, computed, _formula = _saved_and_computed(path, sheet, ref)
        assert computed - saved == 1200
    # a typed 千円 figure with separators, right-aligned; the text typed stays as typed
    figure = cells["H75"]
    assert figure["text"] == show(_saved_and_computed(path, sheet, "H75")[0])
    assert "," in figure["text"] and "num" in figure["classes"] and not figure["formula"]
    assert cells["H76"]["text"] == TYPED and "num" not in cells["H76"]["classes"]
    assert 'id="grid-legend"' in page


def test_a_total_typed_over_its_formula_shows_as_typed(app: Any, returns: dict[str, Path]) -> None:
    """A return saved without formula results (openpyxl): the check's values, no note; the
    total typed over its formula shows the figure typed, as Excel does."""
    _found, page = _page(app, returns["total"])
    row = row_at(problem_rows(page), "J77", "合計が一致しません")
    cells = by_ref(row)
    assert cells["J77"]["text"] == "123,456" and "mark" in cells["J77"]["classes"]
    assert not cells["J77"]["formula"]
    assert cells["I77"]["formula"] and re.fullmatch(r"\d{1,3}(,\d{3})+", cells["I77"]["text"])
    assert "点検で計算した値を表示" in cells["I77"]["title"]
    assert row["notes"] == []


# --- 入力値 and 期待値 ----------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["total", "typed"])
def test_the_values_are_quoted_as_the_messages_quote_them(
    app: Any, returns: dict[str, Path], kind: str
) -> None:
    """A number as the message says it (123,456, not 123456); a text exactly as typed."""
    path = returns[kind]
    _found, page = _page(app, path)
    rows = problem_rows(page)
    problems = check_file(path).problems
    assert len(rows) == len(problems)
    quoted = 0
    in_order = sorted(problems, key=lambda p: ("error", "warning", "info").index(p.severity))
    for problem, row in zip(in_order, rows, strict=True):  # the page lists errors first
        assert row["p-message"].startswith(problem.title)
        for which, column in (("value", "p-value"), ("expected", "p-expected")):
            value = getattr(problem, which)
            if isinstance(value, int | float) and not isinstance(value, bool):
                assert row[column] == show(value), (problem.code, which)
                quoted += show(value) in problem.message
            elif isinstance(value, str):
                assert row[column] == value, (problem.code, which)  # as typed
    assert quoted  # the figures the columns show are the messages' own
    if kind == "typed":
        assert any(r["p-value"] == TYPED for r in rows)
        assert any(r["p-value"] == "1,200円" and r["p-expected"] == "1,200" for r in rows)


def test_a_long_formula_is_folded_under_its_name(app: Any, tmp_path: Path) -> None:
    """A formula of 249 characters in the 期待値 column: 「様式の計算式」, the formula inside."""
    source = ROOT / "examples" / "jimu-jigyo-R6.xlsx"
    result = read_file(source)
    bound = max(
        (c for c in result.cells.values() if c.raw.formula), key=lambda c: len(c.raw.formula)
    )
    book = openpyxl.load_workbook(source)
    book[bound.sheet][bound.address].value = result.computed[bound.slot.key]
    book.save(tmp_path / "事務事業.xlsx")
    _found, page = _page(app, tmp_path / "事務事業.xlsx")
    row = row_at(problem_rows(page), bound.address, "計算式が値で上書きされています")
    assert row["p-expected"].startswith("様式の計算式")
    assert "details" in row["html"]["p-expected"] and "code" in row["html"]["p-expected"]
    assert len(bound.raw.formula) > 200
    folded = re.search(
        r'<details class="formula-text"><summary>様式の計算式</summary><code>(.*?)</code>', page
    )
    assert folded and html.unescape(folded.group(1)) == bound.raw.formula


# --- in a real browser --------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser(
    app: Any, returns: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    pytest.importorskip("selenium")
    found, _page_text = _page(app, returns["resaved"])
    with served(app) as base, chromium(tmp_path_factory.mktemp("result-page-profile")) as driver:
        sign_in(driver, base, DEPT_A, codes(app)[DEPT_A])
        driver.result_url = f"{base}/uploads/{found}"
        yield driver


CUT = """return [...document.querySelectorAll('#problems table.grid td.num')]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.title.split('\\n')[0]);"""


@pytest.mark.parametrize("width", [1280, 400])
def test_the_browser_shows_the_value_with_its_formula_in_the_title(
    browser: Any, returns: dict[str, Path], width: int
) -> None:
    from selenium.webdriver.common.by import By

    browser.set_window_size(width, 1000)
    browser.get(browser.result_url)
    row = next(
        r
        for r in browser.find_elements(By.CSS_SELECTOR, "#problems tr.problem")
        if "H76" in r.text and "数値が文字列として保存されています" in r.text
    )
    total = row.find_element(By.CSS_SELECTOR, "table.grid td[title^='H77:']")
    sheet = row.find_element(By.CSS_SELECTOR, "td.p-cell .muted").text
    saved, computed, formula = _saved_and_computed(returns["resaved"], sheet, "H77")
    assert total.is_displayed() and total.text == show(computed)
    assert f"計算式: {formula}" in total.get_attribute("title")
    assert total.value_of_css_property("text-align") == "right"
    assert total.value_of_css_property("background-color") != "rgba(255, 255, 255, 1)"
    note = row.find_element(By.CSS_SELECTOR, ".grid-note:not(.far)")
    assert note.is_displayed() and show(saved) in note.text
    assert row.find_element(By.CSS_SELECTOR, "table.grid td.mark").text == TYPED
    assert browser.execute_script(CUT) == []  # no figure cut short, on a phone too


def test_the_page_says_the_file_in_words_not_its_hash(app: Any, returns: dict[str, Path]) -> None:
    """The line about the file: its version, when, its size; the SHA-256 only in a title."""
    _found, page = _page(app, returns["total"])
    line = re.search(r'<p class="muted">第\d+版.*?</p>', page, re.S)
    assert line is not None
    shown = re.sub(r"<[^>]*>", "", line.group(0))
    assert "SHA-256" not in shown and "バイト" in shown
    assert 'title="ファイルを見分ける値(SHA-256): ' in line.group(0)
