"""Every normalisation reaches the check report as an info item with its cell, the raw text
and the value read, from the workbook to the JSON and text reports."""

from __future__ import annotations

import json
import warnings

import openpyxl
import pytest
from corpus.build import DOC, LAYOUT_ID, SHEET, cell

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.report import Report, render_json, render_text
from xlsxsheet.writing.make_template import make_template

TYPED = [
    # field, year, what the department typed, the value read
    ("perf.target.a.actual", 2020, "76,423", 76423),
    ("perf.target.i.actual", 2020, "７１", 71),
    ("perf.target.u.actual", 2020, "6万3", 60003),
    ("perf.target.a.forecast", 2020, "△5", -5),
    ("perf.target.i.forecast", 2020, "−5", -5),
    ("perf.target.u.forecast", 2020, "延べ600", 600),
    ("perf.outcome.d1.a.actual", 2020, "12.8 ％", 12.8),
    ("perf.outcome.d2.a.actual", 2020, "1,234.5", 1234.5),
    ("perf.outcome.d1.a.achievement", None, " 未達成 ", "未達成"),
    ("evaluation.achievement_grade", None, "Ｄ", "D"),
    (
        "header.shisaku_name",
        None,
        " 支え合いの地域づくりと自立支援 ",
        "支え合いの地域づくりと自立支援",
    ),
]


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("normalised")
    filled = folder / "filled.xlsx"
    make_template(default_registry().get(LAYOUT_ID), filled, None, DOC)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(filled)
    for field_id, year, raw, _value in TYPED:
        book[SHEET][cell(field_id, year)] = raw
    typed = folder / "typed.xlsx"
    book.save(typed)
    return check_file(typed)


@pytest.mark.parametrize(("field_id", "year", "raw", "value"), TYPED)
def test_info_item_with_cell_raw_and_value(checked, field_id, year, raw, value) -> None:
    items = [
        p
        for p in checked.problems
        if p.code == "value-normalized" and p.cell == cell(field_id, year)
    ]
    assert len(items) == 1, [p.message for p in checked.problems]
    item = items[0]
    assert (item.severity, item.sheet, item.field) == ("info", SHEET, field_id)
    assert item.value == raw
    assert item.expected == value and type(item.expected) is type(value)
    assert f"'{SHEET}'!{cell(field_id, year)}" in item.message
    assert checked.read.value((field_id, year)) == value


def test_reports_carry_them(checked) -> None:
    data = json.loads(render_json(Report([checked])))
    items = [p for p in data["files"][0]["problems"] if p["code"] == "value-normalized"]
    assert {(p["cell"], p["value"]) for p in items} >= {(cell(f, y), raw) for f, y, raw, _ in TYPED}
    hidden = render_text(Report([checked]))
    shown = render_text(Report([checked]), show_info=True)
    assert "value-normalized" not in hidden and "(--all で表示)" in hidden
    assert shown.count("[情報] value-normalized") == len(items)
