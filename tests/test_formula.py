"""The layout formula language: parsed, rendered to Excel, evaluated like Excel."""

from __future__ import annotations

import pytest

from xlsxsheet.layout.formula import FormulaSyntaxError, FormulaValueError, parse_formula

ADDRESSES = {"a": "F10", "b": "F11", "c": "F12"}


@pytest.mark.parametrize(
    ("text", "excel"),
    [
        ("sum(a, b, c)", "=SUM(F10,F11,F12)"),
        ("a + b", "=(F10+F11)"),
        ("a - b * 2", "=(F10-(F11*2))"),
        ("round(a / b * 100, 1)", "=ROUND(((F10/F11)*100),1)"),
        ("-a", "=-F10"),
        ("max(a, b)", "=MAX(F10,F11)"),
    ],
)
def test_rendered_as_excel(text: str, excel: str) -> None:
    assert parse_formula(text).to_excel(ADDRESSES.__getitem__) == excel


@pytest.mark.parametrize(
    ("text", "values", "result"),
    [
        ("sum(a, b, c)", {"a": 1, "b": 2, "c": 3}, 6),
        ("sum(a, b, c)", {"a": 1, "b": None, "c": 3}, 4),  # blank counts as 0
        ("sum(a, b, c)", {"a": 1, "b": "-", "c": 3}, 4),  # SUM skips text, as in Excel
        ("sum(a, b)", {}, 0),
        ("a + b", {"a": 1.5, "b": None}, 1.5),
        ("round(a / b * 100, 1)", {"a": 2, "b": 3}, 66.7),
        ("round(a, 0)", {"a": 2.5}, 3),  # half away from zero, as Excel's ROUND
        ("round(a, 0)", {"a": -2.5}, -3),
        ("sum(a, b)", {"a": 0.1, "b": 0.2}, 0.3),
    ],
)
def test_evaluated_like_excel(text: str, values: dict, result: float) -> None:
    assert parse_formula(text).evaluate(values) == result


@pytest.mark.parametrize(
    ("text", "values"),
    [("a + b", {"a": 1, "b": "abc"}), ("a / b", {"a": 1, "b": 0})],
)
def test_values_excel_cannot_compute(text: str, values: dict) -> None:
    with pytest.raises(FormulaValueError):
        parse_formula(text).evaluate(values)


@pytest.mark.parametrize(
    "text",
    [
        "a +",
        "__import__('os')",
        "a.b",
        "open(a)",
        "'x'",
        "a if b else c",
        "sum(a, key=b)",
        "a ** 2",
    ],
)
def test_rejected(text: str) -> None:
    with pytest.raises(FormulaSyntaxError):
        parse_formula(text)


def test_references_exclude_function_names() -> None:
    assert parse_formula("sum(a, b) + round(c, 1)").references() == {"a", "b", "c"}
