"""提出窓口 on a phone, at 200% zoom and on a desktop, in a real browser (headless Chromium).

At 390 px (a phone), 640 px with device scale factor 2 (a 1280 px window zoomed to 200%)
and 1280 px: the problem list fits the screen, the first problem's message is on it, each
label of the header is on one line, the department's template link is not cut off, the charts'
text stays 11 px or more, and the pages pass a small accessibility check (lang, labelled
controls, headings in order, a visible focus, contrast of the coloured labels).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
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

from xlsxsheet.web import create_app

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

SCREENS = [
    pytest.param((390, 844, 3), id="phone-390"),
    pytest.param((640, 900, 2), id="zoom-200"),
    pytest.param((1280, 1000, 1), id="desktop-1280"),
]
LONG = "長い説明文" * 20 + "A1B2C3" * 40  # a value with no space to break at


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("web-layout")
    app = create_app(root / "data", write_roster(root / "名簿.csv"), ADMIN_PASSWORD, 2020)
    returns = root / "returns"
    returns.mkdir()
    client = signed_in(app, DEPT_A)
    uploads = {
        kind: upload_id(upload(client, app, DEPT_A, make_return(returns, 1, DEPT_A, *args)))
        for kind, args in {"mistakes": ("total",), "long": (LONG, "long")}.items()
    }
    with served(app) as base:
        yield {"app": app, "base": base, "root": root, "uploads": uploads}


@pytest.fixture(scope="module")
def department(site: dict[str, Any]) -> Iterator[Any]:
    with chromium(site["root"] / "profile-dept") as driver:
        sign_in(driver, site["base"], DEPT_A, codes(site["app"])[DEPT_A])
        yield driver


@pytest.fixture(scope="module")
def office(site: dict[str, Any]) -> Iterator[Any]:
    with chromium(site["root"] / "profile-office") as driver:
        sign_in(driver, site["base"], "企画担当(管理者)", ADMIN_PASSWORD)
        yield driver


def _screen(driver: Any, screen: tuple[int, int, int]) -> None:
    width, height, scale = screen
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": width < 500},
    )


BEYOND = """
const vw = window.innerWidth;
const out = [];
function hidden(e) {  // inside a part kept for screen readers only (clipped to nothing)
  for (; e; e = e.parentElement) {
    const s = getComputedStyle(e);
    if (s.clipPath !== 'none' || s.clip !== 'auto') return true;
  }
  return false;
}
for (const e of [arguments[0], ...arguments[0].querySelectorAll('*')]) {
  const r = e.getBoundingClientRect();
  if (r.width > 1 && (r.right > vw + 0.5 || r.left < -0.5) && !hidden(e)) {
    out.push(`${e.tagName}.${e.className} ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
}
for (let a = arguments[0].parentElement; a; a = a.parentElement) {
  if (a.scrollWidth > a.clientWidth + 1 && getComputedStyle(a).overflowX !== 'visible') {
    out.push(`scrolls sideways: ${a.tagName}.${a.className}`);
  }
}
return [document.scrollingElement.scrollWidth, vw, out.slice(0, 5)];
"""

ON_SCREEN = """
const e = arguments[0];
e.scrollIntoView({block: 'center', inline: 'nearest'});
const r = e.getBoundingClientRect();
const hit = document.elementFromPoint(r.left + Math.min(20, r.width / 2), r.top + 8);
return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
        vw: innerWidth, vh: innerHeight, clipped: e.scrollWidth > e.clientWidth + 1,
        hit: !!hit && (e === hit || e.contains(hit))};
"""


def _on_screen(driver: Any, element: Any) -> None:
    box = driver.execute_script(ON_SCREEN, element)
    assert box["left"] >= -0.5 and box["right"] <= box["vw"] + 0.5, box
    assert box["top"] >= -0.5 and box["top"] < box["vh"], box
    assert not box["clipped"] and box["hit"], box


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("kind", ["mistakes", "long"])
def test_the_problem_list_fits_the_screen_and_shows_the_message(
    site: dict[str, Any], department: Any, screen: tuple[int, int, int], kind: str
) -> None:
    _screen(department, screen)
    department.get(f"{site['base']}/uploads/{site['uploads'][kind]}")
    problems = department.find_element(By.ID, "problems")
    scroll_width, viewport, beyond = department.execute_script(BEYOND, problems)
    assert scroll_width <= viewport
    assert beyond == []
    first = department.find_element(By.CSS_SELECTOR, "#problems tr.problem td:nth-child(4)")
    assert first.text.strip()
    _on_screen(department, first)
    rows = department.find_elements(By.CSS_SELECTOR, "#problems tr.problem")
    if kind == "long":  # the long value is all there, wrapped
        assert any(LONG in r.text for r in rows)
    else:  # every piece of the problem is shown: cell, 項目, value, expected value, grid
        row = next(r for r in rows if "合計が一致しません" in r.text)
        for text in ("J77", "123,456"):
            assert text in row.text
        marked = row.find_element(By.CSS_SELECTOR, "table.grid td.mark")
        assert marked.is_displayed() and marked.text == "123,456"


LINES = """
const lines = [];
for (const e of document.querySelectorAll(arguments[0])) {
  if (!e.textContent.trim()) continue;
  const range = document.createRange();
  range.selectNodeContents(e);
  const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                       .map(r => Math.round(r.top / 4)));
  lines.push([e.textContent.trim(), tops.size, e.getClientRects().length]);
}
return lines;
"""
HEADER = "header .brand, header > span:not(.who), header nav a, header .who .name, header button"


@pytest.mark.parametrize("screen", SCREENS)
def test_each_label_of_the_header_is_on_one_line(
    site: dict[str, Any], department: Any, office: Any, screen: tuple[int, int, int]
) -> None:
    for driver, page in ((office, "/admin/summary"), (office, "/admin"), (department, "/")):
        _screen(driver, screen)
        driver.get(site["base"] + page)
        labels = driver.execute_script(LINES, HEADER)
        assert len(labels) >= (6 if driver is office else 4), labels
        for label in labels:
            assert label[1:] == [1, 1], (page, label)
        assert driver.execute_script("return document.scrollingElement.scrollWidth") <= screen[0]


@pytest.mark.parametrize("screen", SCREENS)
def test_the_department_page_fits_and_its_file_input_is_labelled(
    site: dict[str, Any], department: Any, screen: tuple[int, int, int]
) -> None:
    _screen(department, screen)
    department.get(site["base"] + "/")
    template = department.find_element(By.CSS_SELECTOR, "#roster a[href*='/template/']")
    _on_screen(department, template)
    for table in ("roster", "history"):
        element = department.find_element(By.ID, table)
        assert department.execute_script(BEYOND, element)[2] == [], table
    file_input = department.find_element(By.ID, "file")
    assert "提出するファイル(.xlsx・.xlsm・.xls)" in file_input.accessible_name
    label = department.find_element(By.CSS_SELECTOR, "label[for=file]")
    assert label.is_displayed() and label.text == "提出するファイル(.xlsx・.xlsm・.xls)"


SMALLEST_TEXT = """
let least = 1e9;
for (const svg of document.querySelectorAll('.charts svg')) {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  for (const t of svg.querySelectorAll('text')) {
    least = Math.min(least, scale * parseFloat(getComputedStyle(t).fontSize));
  }
}
return [least, document.querySelectorAll('.charts svg').length];
"""


@pytest.mark.parametrize("screen", SCREENS)
def test_the_charts_text_stays_legible(
    site: dict[str, Any], office: Any, screen: tuple[int, int, int]
) -> None:
    _screen(office, screen)
    office.get(site["base"] + "/admin/summary")
    least, charts = office.execute_script(SMALLEST_TEXT)
    assert charts >= 4
    assert least >= 11, least
    assert office.execute_script("return document.scrollingElement.scrollWidth") <= screen[0]
    overflowing = office.execute_script(  # no chart box with a scroll bar of its own
        "return [...document.querySelectorAll('.charts .chart')]"
        ".filter(c => c.scrollWidth > c.clientWidth).length"
    )
    assert overflowing == 0


AUDIT = """
const problems = [];
if (document.documentElement.lang !== 'ja') problems.push('lang');
const levels = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => +h.tagName[1]);
if (levels.filter(l => l === 1).length !== 1) problems.push('one h1: ' + levels);
levels.forEach((l, i) => { if (i && l > levels[i - 1] + 1) problems.push('heading skips: ' + levels); });
function rgb(text) { return text.match(/[\\d.]+/g).map(Number); }
function luminance([r, g, b]) {
  const c = [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}
function background(e) {
  for (; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
  }
  return [255, 255, 255];
}
const coloured = '.state, .muted, a, th, td, .chart-empty, header, header button, label, summary, button';
for (const e of document.querySelectorAll(coloured)) {
  if (!e.textContent.trim() || !e.getClientRects().length) continue;
  const [a, b] = [luminance(rgb(getComputedStyle(e).color)), luminance(background(e))];
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  if (ratio < 4.5) problems.push(`contrast ${ratio.toFixed(2)}: ${e.className || e.tagName} ${e.textContent.trim().slice(0, 20)}`);
}
return problems;
"""


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("department", "/"),
        ("department", "/uploads/{mistakes}"),
        ("office", "/admin"),
        ("office", "/admin/summary"),
    ],
)
def test_the_pages_pass_a_small_accessibility_check(
    site: dict[str, Any], department: Any, office: Any, who: str, page: str
) -> None:
    driver = department if who == "department" else office
    _screen(driver, (1280, 1000, 1))
    driver.get(site["base"] + page.format(**site["uploads"]))
    assert driver.execute_script(AUDIT) == []
    controls = driver.find_elements(
        By.CSS_SELECTOR, "input:not([type=hidden]), select, textarea, button"
    )
    assert controls
    for control in controls:
        assert control.accessible_name.strip(), control.get_attribute("outerHTML")
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = driver.switch_to.active_element
    outline = driver.execute_script(
        "const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth];",
        focused,
    )
    assert outline[0] != "none" and float(outline[1].removesuffix("px")) >= 2, outline
