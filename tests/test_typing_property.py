"""Whatever a department types into whichever input cells, check never raises, and every typed
cell yields a value or a problem at that very cell."""

from __future__ import annotations

import datetime as dt
import math
import tempfile
import warnings
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from corpus.build import DOC, LAYOUT_ID, PLAN, SHEET
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.core.cells import a1
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.writing.make_template import make_template

INPUT_KEYS = sorted(
    (key for key, slot in PLAN.slots.items() if not slot.field.computed),
    key=lambda k: (k[0], k[1] or 0),
)

TRICKY = [
    "ー",
    "－",
    "-",
    "—",
    "―",
    "‐",
    "−5",
    "△500",
    "▲1,000",
    "１２．８",
    "12.8 ％",
    "1万958",
    "1万 7436",
    "2.5億",
    "延べ600",
    "600 以上",
    "R元",
    "平成31年度",
    "FY2019",
    "=1+2",
    "=A1",
    "=SUM(",
    "#N/A",
    "#DIV/0!",
    "TRUE",
    "  ",
    "\u3000",
    "\u200b",
    "1,23",
    "1e5",
    "9" * 40,
    "🙂",
    "達成",
    " 未達成 ",
    "Ａ",
    "a",
    "_x000D_",
    "line1\r\nline2",
    "'0123",
]
_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",))
    | st.sampled_from("０１２３４５６７８９－ー△▲，．％万億円"),
    max_size=30,
)
VALUES = st.one_of(
    st.sampled_from(TRICKY),
    _text,
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.booleans(),
    st.none(),
)


def as_excel_stores(value: Any) -> Any:
    """What a cell can hold: Excel shows NaN and infinities as #NUM!; control characters
    cannot be typed."""
    if isinstance(value, float) and not math.isfinite(value):
        return "#NUM!"
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(" \t\r\n\u3000"))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("typing") / "filled.xlsx"
    make_template(default_registry().get(LAYOUT_ID), path, None, DOC)
    return path


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    typed=st.dictionaries(st.sampled_from(INPUT_KEYS), VALUES, min_size=1, max_size=6),
)
def test_anything_typed_yields_a_value_or_a_problem_there(
    template: Path, typed: dict[tuple[str, int | None], Any]
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(template)
    cells = {}
    for key, value in typed.items():
        slot = PLAN.slots[key]
        address = a1(slot.row, slot.col)
        stored = as_excel_stores(value)
        book[SHEET][address] = stored
        cells[key] = (address, stored)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "typed.xlsx"
        book.save(path)
        result = check_file(path)  # must not raise
    assert result.read is not None, result.problems
    places = {(p.sheet, p.cell) for p in result.problems}
    for key, (address, stored) in cells.items():
        value = result.read.inputs.get(key)
        if value is not None or is_blank(stored):
            continue
        assert (SHEET, address) in places, (key, stored, result.read.normalized.get(key))
