"""The layout formula language: parsed, rendered to Excel, evaluated like Excel (blanks too)."""

from __future__ import annotations

from typing import Any

import pytest
from formula_cases import ADDRESSES, CASES, ERROR

from xlsxsheet.layout.formula import FormulaSyntaxError, FormulaValueError, parse_formula

VALUE_CASES = [(text, inputs, value) for text, _excel, rows in CASES for inputs, value in rows]


@pytest.mark.parametrize(("text", "excel"), [(text, excel) for text, excel, _ in CASES])
def test_rendered_as_excel(text: str, excel: str) -> None:
    assert parse_formula(text).to_excel(ADDRESSES.__getitem__) == excel


@pytest.mark.parametrize(("text", "inputs", "value"), VALUE_CASES)
def test_evaluated_like_excel(text: str, inputs: dict[str, Any], value: Any) -> None:
    formula = parse_formula(text)
    if value == ERROR:
        with pytest.raises(FormulaValueError):
            formula.evaluate(inputs)
    else:
        result = formula.evaluate(inputs)
        assert result == value and isinstance(result, str) == isinstance(value, str)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a +", "3文字目: 式が途中で終わっています。値か閉じ括弧が足りません。"),
        (
            "=SUM(I34,I36)",
            "1文字目: 先頭の = は不要です。Excel の式ではなく series の id で書いてください",
        ),
        ("sum(I34, I36)", "5文字目: 「I34」はセル番地です。セル番地は書けません。series の id で"),
        ("actual / target * 100%", "22文字目: % は使えません。百分率は 100 を掛けて書いてください"),
        ("a ** 2", "3文字目: ** (累乗)は使えません"),
        ("a ^ 2", "3文字目: ^ (累乗)は使えません"),
        ("a & b", "3文字目: & (文字の連結)は使えません"),
        ("$A$1 + 1", "1文字目: セル番地は書けません"),
        ("open(a)", "1文字目: 関数「open」はありません。使える関数: sum, min, max, round, if,"),
        ("SUM(a, b)", "1文字目: 関数名「SUM」は小文字で書いてください。例: sum(…)"),
        ("round(a, b)", "1文字目: round の桁数は整数で書いてください。例: round(rate, 1)"),
        ("round(a, 1, 2)", "1文字目: round の引数は1~2個です(いま 3個)"),
        ("if(a, 1, 2)", "1文字目: if の1つ目と and / or / not の中には条件が必要です"),
        ("if(a > 1)", "1文字目: if の引数は2~3個です(いま 1個)"),
        ("a > b", "条件(比較・and・or・not・isblank)は if の1つ目にだけ書けます"),
        ("sum(a, b = c)", "1文字目: 条件(比較・and・or・not・isblank)は if の1つ目にだけ書けます"),
        ("a if b else c", "3文字目: 「if」の前で式が終わっています"),
        ("a < b < c", "7文字目: 比較は1つの式に1つまでです"),
        ("(a + b", "6文字目: 1文字目の括弧が閉じていません。「)」を補ってください"),
        (
            "実績 / 目標",
            "1文字目: 「実」は使えません(全角の文字・記号)。series の id(半角英小文字)",
        ),
        ("a + 'x", "5文字目: 引用符が閉じていません"),
        ("sum", "1文字目: 関数「sum」の後に ( がありません。例: sum(a, b)"),
        ("", "式が空です"),
    ],
)
def test_rejected_in_the_authors_words(text: str, message: str) -> None:
    with pytest.raises(FormulaSyntaxError) as caught:
        parse_formula(text)
    assert str(caught.value).startswith(message), str(caught.value)


def test_references_exclude_function_names() -> None:
    formula = parse_formula("sum(a, b) + round(c, 1) / activity.a1.actual")
    assert formula.references() == {"a", "b", "c", "activity.a1.actual"}


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("round((total_a + personnel_b) / actual, 1)", "ROUND((「A」+「B」)/「実績値」, 1)"),
        ("total_a + personnel_b / actual", "「A」+「B」/「実績値」"),
        ("actual - (total_a - personnel_b)", "「実績値」-(「A」-「B」)"),
        ("if(actual >= 1, 'あり', blank)", 'IF(「実績値」>=1, "あり", 空欄)'),
    ],
)
def test_described_without_ambiguity(text: str, shown: str) -> None:
    labels = {"total_a": "A", "personnel_b": "B", "actual": "実績値"}
    assert parse_formula(text).describe(labels.__getitem__) == shown
