"""The small formula language of layout files.

A computed field's `formula` is an expression over sibling fields of the same row group and
year, e.g. ``sum(national, prefectural, bonds, other, general)`` or ``total_a + personnel_b``.
The same parsed formula is rendered as a live Excel formula for the template and evaluated in
Python for checking, with Excel's semantics: blanks count as 0, SUM skips text.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

FUNCTIONS = {"sum": "SUM", "min": "MIN", "max": "MAX", "round": "ROUND"}
OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class FormulaSyntaxError(ValueError):
    """The formula text is not in the layout formula language."""


class FormulaValueError(ValueError):
    """Evaluating the formula met a value it cannot compute with (Excel would show #VALUE!)."""


@dataclass(frozen=True)
class Formula:
    text: str
    tree: ast.expr

    def references(self) -> set[str]:
        return set(self._references)

    @cached_property
    def _references(self) -> frozenset[str]:
        # Walked once per formula: recompute asks for every computed cell of every return.
        return frozenset(
            node.id
            for node in ast.walk(self.tree)
            if isinstance(node, ast.Name) and not _is_function_name(self.tree, node)
        )

    def to_excel(self, resolve: Callable[[str], str]) -> str:
        """Excel formula text (with the leading '='), refs turned into cell addresses."""
        return "=" + _excel(self.tree, resolve)

    def evaluate(self, values: Mapping[str, Any]) -> int | float:
        return _evaluate(self.tree, values)


@lru_cache(maxsize=4096)
def parse_formula(text: str) -> Formula:
    """The parsed formula (kept: every check of every return asks for the same few texts)."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise FormulaSyntaxError(f"式として読めません ({exc.msg})") from exc
    for node in ast.walk(tree):
        _check_node(node)
    return Formula(text, tree)


def _is_function_name(tree: ast.expr, name: ast.Name) -> bool:
    return any(isinstance(n, ast.Call) and n.func is name for n in ast.walk(tree))


def _check_node(node: ast.AST) -> None:
    allowed = (
        ast.BinOp,
        ast.UnaryOp,
        ast.Call,
        ast.Name,
        ast.Constant,
        ast.Load,
        ast.USub,
        *OPERATORS,
    )
    if not isinstance(node, allowed):
        raise FormulaSyntaxError(f"使えない書き方があります: {type(node).__name__}")
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise FormulaSyntaxError("使える関数は " + ", ".join(FUNCTIONS) + " だけです")
        if node.keywords:
            raise FormulaSyntaxError("関数にキーワード引数は使えません")
    if isinstance(node, ast.Constant) and (
        not isinstance(node.value, int | float) or isinstance(node.value, bool)
    ):
        raise FormulaSyntaxError(f"数値以外の定数 {node.value!r} は使えません")


def _excel(node: ast.expr, resolve: Callable[[str], str]) -> str:
    if isinstance(node, ast.Name):
        return resolve(node.id)
    if isinstance(node, ast.Constant):
        return repr(node.value)
    if isinstance(node, ast.UnaryOp):
        return "-" + _excel(node.operand, resolve)
    if isinstance(node, ast.BinOp):
        op = OPERATORS[type(node.op)]
        return f"({_excel(node.left, resolve)}{op}{_excel(node.right, resolve)})"
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    args = ",".join(_excel(arg, resolve) for arg in node.args)
    return f"{FUNCTIONS[node.func.id]}({args})"


def _number(value: Any, strict: bool) -> int | float | None:
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise FormulaValueError(f"真偽値 {value!r} は計算できません")
    if isinstance(value, int | float):
        return value
    if strict:
        raise FormulaValueError(f"文字列「{value}」は計算できません")
    return None


def _evaluate(node: ast.expr, values: Mapping[str, Any]) -> int | float:
    if isinstance(node, ast.Name):
        result = _number(values.get(node.id), strict=True)
        assert result is not None
        return result
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp):
        return -_evaluate(node.operand, values)
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, values), _evaluate(node.right, values)
        if isinstance(node.op, ast.Div):
            if right == 0:
                raise FormulaValueError("0で割ることはできません")
            return left / right
        return {ast.Add: left + right, ast.Sub: left - right, ast.Mult: left * right}[type(node.op)]
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    name = node.func.id
    if name == "round":
        digits = int(_evaluate(node.args[1], values)) if len(node.args) > 1 else 0
        return _excel_round(_evaluate(node.args[0], values), digits)
    items: list[int | float] = []
    for arg in node.args:
        if isinstance(arg, ast.Name):
            value = _number(values.get(arg.id), strict=False)  # SUM skips text, as in Excel
            if value is not None:
                items.append(value)
        else:
            items.append(_evaluate(arg, values))
    if name == "sum":
        return _tidy(sum(items))
    return (min if name == "min" else max)(items) if items else 0


def _excel_round(value: float, digits: int) -> float | int:
    """Round half away from zero, as Excel's ROUND does."""
    from decimal import ROUND_HALF_UP, Decimal

    quantum = Decimal(1).scaleb(-digits)
    result = Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    return int(result) if digits <= 0 else float(result)


def _tidy(value: int | float) -> int | float:
    if isinstance(value, float):
        return round(value, 10)
    return value
