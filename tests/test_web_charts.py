"""The summary page's SVG charts: round, distinct axis ticks; a note where nothing was entered;
text that stays legible when a phone shrinks the chart."""

from __future__ import annotations

import io
import itertools
import math
import random
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns_factory import ShisakuManagement
from web_support import (
    ADMIN_PASSWORD,
    DEPT_A,
    dept_id,
    run_job,
    signed_in,
    upload,
    write_roster,
)

from xlsxsheet.web import create_app
from xlsxsheet.web.charts import (
    FONT_SIZE,
    MIN_FONT,
    NO_COSTS,
    axis_ticks,
    cost_chart,
    grade_chart,
)

SVG = "{http://www.w3.org/2000/svg}"


def _is_round(step: int) -> bool:
    """1, 2 or 5 times a power of ten."""
    while step >= 10 and step % 10 == 0:
        step //= 10
    return step in (1, 2, 5)


@pytest.mark.parametrize(
    ("values", "ticks"),
    [
        ([], [0, 1]),
        ([0, 0, 0], [0, 1]),  # all zero: not 0, 0, 0, 1, 1
        ([0.3], [0, 1]),  # a fraction of 千円: whole ticks only
        ([1], [0, 1]),
        ([3], [0, 1, 2, 3]),
        ([7], [0, 2, 4, 6, 8]),
        ([12], [0, 5, 10, 15]),
        ([72_000], [0, 20_000, 40_000, 60_000, 80_000]),
        ([1_918_138], [0, 500_000, 1_000_000, 1_500_000, 2_000_000]),
        ([2_600_000, 2_090_000], [0, 1_000_000, 2_000_000, 3_000_000]),
        ([-5, 3], [-6, -4, -2, 0, 2, 4]),
        ([-1234], [-1500, -1000, -500, 0]),
        ([10**15], [0, 2 * 10**14, 4 * 10**14, 6 * 10**14, 8 * 10**14, 10**15]),
        ([float("nan"), float("inf"), 4], [0, 1, 2, 3, 4]),  # what is not a number is left out
        # a tiny value beside a big one (found by hypothesis): its step is not lost to underflow
        (
            [2.225073858507e-311, -20000000000001.0],
            [-3 * 10**13, -2 * 10**13, -(10**13), 0, 10**13],
        ),
    ],
)
def test_axis_ticks(values: list[float], ticks: list[int]) -> None:
    assert axis_ticks(values) == ticks


finite = st.floats(min_value=-1e15, max_value=1e15, allow_nan=False) | st.integers(
    min_value=-(10**15), max_value=10**15
)


@given(st.lists(finite, max_size=12))
def test_axis_ticks_are_round_distinct_and_cover_the_values(values: list[float]) -> None:
    ticks = axis_ticks(values)
    low, high = min([0, *values]), max([0, *values])
    if low == high:  # nothing to show but 0
        assert ticks == [0, 1]
        return
    labels = [f"{t:,}" for t in ticks]
    assert all(isinstance(t, int) for t in ticks)
    assert len(set(labels)) == len(labels) == len(ticks)  # distinct, also as printed
    assert 2 <= len(ticks) <= 6
    assert 0 in ticks
    step = ticks[1] - ticks[0]
    assert all(b - a == step for a, b in itertools.pairwise(ticks))
    assert _is_round(step)
    assert ticks[0] <= low and ticks[-1] >= high
    assert ticks[0] + step > low and ticks[-1] - step < high  # no empty step at either end


def _cost_table(series: dict[tuple[str, str], dict[int, float]], years: list[int]) -> dict:
    return {
        "title": "施策マネジメントシート",
        "years": years,
        "policies": {policy: {"トータルコスト": s} for policy, s in series.items()},
    }


def _svg(markup: str) -> ElementTree.Element:
    found = re.search(r"<svg.*</svg>", markup, re.S)
    assert found, markup
    return ElementTree.fromstring(found.group(0))


def test_a_cost_chart_without_figures_is_a_note() -> None:
    blank = _cost_table({("", ""): {}}, [])  # a blank template: no year, no figure
    assert str(cost_chart(blank, "トータルコスト")) == f'<p class="chart-empty">{NO_COSTS}</p>'
    years_only = _cost_table({("4", "保健・福祉"): {}}, [2019, 2020])
    assert "<svg" not in cost_chart(years_only, "トータルコスト")
    assert NO_COSTS in cost_chart(years_only, "トータルコスト")


def test_a_cost_chart_labels_its_axis_in_thousands_of_yen() -> None:
    table = _cost_table(
        {("4", "保健・福祉"): {2019: 2_600_000, 2020: 2_090_000}, ("5", "<b>教育</b>"): {2020: 0}},
        [2019, 2020],
    )
    svg = _svg(cost_chart(table, "トータルコスト"))
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    axis = [t.text for t in svg.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert axis[0] == "千円"
    assert (
        axis[1:]
        == [
            "3,000,000",
            "2,000,000",
            "1,000,000",
            "0",
        ][::-1]
    )
    assert "5 <b>教育</b>" in texts  # escaped: the parser reads it back as text
    titles = [t.text for t in svg.iter(f"{SVG}title")]
    assert "4 保健・福祉 R1: 2,600,000 千円" in titles


def test_negative_figures_are_drawn_down_from_the_zero_line() -> None:
    table = _cost_table({("1", "a"): {2020: -300, 2021: 500}}, [2020, 2021])
    svg = _svg(cost_chart(table, "トータルコスト"))
    zero = next(
        float(line.get("y1")) for line in svg.iter(f"{SVG}line") if line.get("stroke") == "#666"
    )
    down, up = (r for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None)
    assert math.isclose(float(down.get("y")), zero, abs_tol=0.1)
    assert math.isclose(float(up.get("y")) + float(up.get("height")), zero, abs_tol=0.1)
    assert float(up.get("height")) > float(down.get("height")) > 0


def _grades() -> dict[str, Any]:
    rows = [
        SimpleNamespace(
            text=f"{n} 支え合いの地域づくりと自立支援の推進", counts={"A": n, "未入力": 1}
        )
        for n in range(1, 9)
    ]
    return {"title": "施策評価シート", "item": "総合評価", "scale": ["A", "B"], "rows": rows}


@pytest.mark.parametrize(
    "chart",
    [
        lambda: grade_chart(_grades()),
        lambda: cost_chart(
            _cost_table(
                {(str(n), f"政策{n}"): {2019 + y: n * 1e5 for y in range(3)} for n in (1, 2, 3)},
                [2019, 2020, 2021],
            ),
            "トータルコスト",
        ),
    ],
    ids=["grades", "costs"],
)
def test_a_phone_shows_the_charts_with_legible_text(chart: Any) -> None:
    """A phone's column is about 358 px (390 less the margins): the chart is drawn at most
    that wide for its text to stay at 11 px or more, and never shrinks below it."""
    svg = _svg(chart())
    width = float(svg.get("width"))
    assert svg.get("viewBox") == f"0 0 {svg.get('width')} {svg.get('height')}"
    assert FONT_SIZE * 358 / width >= MIN_FONT
    least = float(re.search(r"min-width:(\d+)px", svg.get("style")).group(1))
    assert FONT_SIZE * least / width >= MIN_FONT - 0.05
    assert f"font-size:{FONT_SIZE}px" in svg.get("style")
    for text in svg.iter(f"{SVG}text"):
        assert "font-size" not in (text.get("style") or "")  # one size, the SVG's


def test_the_summary_page_says_when_no_amount_was_entered(tmp_path: Path) -> None:
    """A blank template uploaded: its cost item is the note, not an empty chart."""
    app = create_app(tmp_path / "data", write_roster(tmp_path / "名簿.csv"), ADMIN_PASSWORD, 2020)
    dept = signed_in(app, DEPT_A)
    page = dept.get(f"/dept/{dept_id(app, DEPT_A)}").text
    template = dept.get(re.search(r'href="(/dept/\d+/template/\d+)"', page).group(1))
    assert template.status_code == 200
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    sent = dept.post(
        f"/dept/{dept_id(app, DEPT_A)}/upload",
        data={"csrf": token, "file": (io.BytesIO(template.data), "白紙.xlsx")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 303
    summary = signed_in(app, "admin").get("/admin/summary").text
    costs = summary.split("コストの集計(政策別)", 1)[1]
    assert NO_COSTS in costs
    assert "<svg" not in costs


def test_the_cost_chart_of_a_layout_with_a_budget_year_draws_its_actuals(
    tmp_path: Path,
) -> None:
    """事務事業評価シート keeps the budget year's total apart (トータルコスト(A)+(B)(予算)): the
    chart drew that one series, R7 alone, and left out the years evaluated."""

    roster = tmp_path / "名簿.csv"
    roster.write_text(
        f"様式,施策番号,担当課\n事務事業評価シート,03-02-015,{DEPT_A}\n", encoding="utf-8"
    )
    app = create_app(tmp_path / "data", roster, ADMIN_PASSWORD, 2024)
    example = Path(__file__).resolve().parents[1] / "examples" / "jimu-jigyo-R6.xlsx"
    assert upload(signed_in(app, DEPT_A), app, DEPT_A, example).status_code == 303
    summary = signed_in(app, "admin").get("/admin/summary").text
    costs = summary.split("コストの集計(政策別)", 1)[1]
    assert "事務事業評価シート 令和6年度: トータルコスト(A)+(B)</h3>" in costs
    chart = costs[costs.index("<svg") : costs.index("</svg>")]
    for year in ("R4", "R5", "R6"):  # the actuals, the year evaluated among them
        assert year in chart, year


def test_a_return_with_its_政策_left_blank_is_named_alike_in_the_chart_table_and_workbook(
    tmp_path: Path,
) -> None:
    """The chart said (政策なし) where the table under it, and the summary workbook's
    政策別コスト, showed an empty cell: the office could not tell the two apart."""
    app = create_app(tmp_path / "data", write_roster(tmp_path / "名簿.csv"), ADMIN_PASSWORD, 2020)
    factory = ShisakuManagement(random.Random(1))
    doc, _made = factory.document(1, DEPT_A, "4")
    doc["header"].update(policy_no="", policy_name="")
    sent = tmp_path / "施策1.xlsx"
    factory.write(doc, sent)
    assert upload(signed_in(app, DEPT_A), app, DEPT_A, sent).status_code == 303
    office = signed_in(app, "admin")
    costs = office.get("/admin/summary").text.split("コストの集計(政策別)", 1)[1]
    chart, table = costs.split("<details>", 1)
    assert "(政策なし)" in chart
    assert "<td>(政策なし)</td>" in table.split("</table>", 1)[0]
    _page, data = run_job(office, "summary")
    sheet = openpyxl.load_workbook(io.BytesIO(data))["政策別コスト"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r[2] == "トータルコスト(A)+(B)"]
    assert [r[:2] for r in rows] == [(None, "(政策なし)"), ("全体", None)]
