"""The small formula language of layout files.

A computed field's `formula` is an expression over sibling series of the same item and year
(``sum(national, general)``, ``round(actual / target * 100, 1)``), series of another section of
the same year table (``total / activity.a1.actual``), numbers, text in quotes and ``blank``, with
``if``, comparisons, ``and``/``or``/``not`` and ``isblank``. The same parse tree is rendered as a
live Excel formula for the template and evaluated in Python for checking, so that Excel,
LibreOffice and xlsxsheet agree on every cell, blanks included:

- ``sum``/``min``/``max`` skip blank and text cells, as Excel does (all blank: 0);
- arithmetic (+ - * /, ``round``) over a blank is blank, and so is a division by 0: the Excel
  formula guards it (``IF(OR(B1="",B1=0),"",A1/B1)``), so no ``#DIV/0!`` is ever shown;
- a comparison with a blank side is false (``AND(A1<>"",A1>=B1)``).

The grammar is in `formula_syntax`; docs/layouts.md is the author's guide.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from xlsxsheet.layout.formula_syntax import (
    FUNCTIONS,
    VALUE_FUNCTIONS,
    FormulaSyntaxError,
    Node,
    parse_tree,
    references,
)

__all__ = ["FUNCTIONS", "Formula", "FormulaSyntaxError", "FormulaValueError", "parse_formula"]

Resolve = Callable[[str], str]
_CLUSTER = ("ref", "neg", "op", "round")
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


class FormulaValueError(ValueError):
    """Evaluating the formula met a value it cannot compute with (Excel would show #VALUE!)."""


@dataclass(frozen=True)
class Formula:
    text: str
    tree: Node

    def references(self) -> set[str]:
        return set(self._references)

    @cached_property
    def _references(self) -> frozenset[str]:
        # Walked once per formula: recompute asks for every computed cell of every return.
        return frozenset(references(self.tree))

    def to_excel(self, resolve: Resolve) -> str:
        """Excel formula text (with the leading '='), refs turned into cell addresses."""
        return "=" + _excel_value(self.tree, resolve)

    def to_excel_before_guards(self, resolve: Resolve) -> str:
        """The text xlsxsheet wrote before blanks were guarded (``=(F10+F11)``): a template made
        then computes the same for filled cells, so its formula is no changed formula."""
        return "=" + _excel_plain(self.tree, resolve)

    def evaluate(self, values: Mapping[str, Any]) -> int | float | str | None:
        """The value Excel shows: a number, a text, or None for a blank cell.

        `values` holds each reference's cell value: None for an empty cell, "" for a computed
        cell that is blank."""
        result = _value(self.tree, values)
        if result is None or result == "":
            return None
        return _tidy(result) if isinstance(result, int | float) else result

    def describe(self, label_of: Callable[[str], str]) -> str:
        """The formula in the sheet's words, parenthesised only where needed:
        ``ROUND(「実績値」/「目標値」*100, 1)``."""
        return _describe(self.tree, lambda ref: f"「{label_of(ref)}」", 0)


@lru_cache(maxsize=4096)
def parse_formula(text: str) -> Formula:
    """The parsed formula (kept: every check of every return asks for the same few texts)."""
    return Formula(text, parse_tree(text))


# --- Excel text ---------------------------------------------------------------------------
def _literal(node: Node) -> str:
    if node.kind == "num":
        return repr(node.value)
    if node.kind == "str":
        return '"' + str(node.value).replace('"', '""') + '"'
    return '""'  # blank


def _is_cluster(node: Node) -> bool:
    return node.kind in _CLUSTER or (node.kind == "call" and node.value == "round")


def _maybe_blank(node: Node) -> bool:
    if node.kind in ("ref", "blank"):
        return True
    if node.kind in ("num", "str"):
        return False
    if node.kind == "call" and node.value == "if":
        return len(node.args) == 2 or any(_maybe_blank(a) for a in node.args[1:])
    if _is_cluster(node):
        return bool(_conditions(node))
    return False  # sum, min, max


@lru_cache(maxsize=4096)
def _conditions(node: Node) -> tuple[tuple[str, Node, bool], ...]:
    """What makes an arithmetic expression blank, in the order they are tested:
    (blank | zero, the node tested, simple: a test that never errs, made first)."""
    found: list[tuple[str, Node, bool]] = []

    def walk(current: Node) -> None:
        if current.kind == "ref":
            found.append(("blank", current, True))
        elif current.kind in ("neg", "op") or (current.kind == "call" and current.value == "round"):
            operands = current.args[:1] if current.kind == "call" else current.args
            for arg in operands:
                walk(arg)
            if current.kind == "op" and current.value == "/":
                divisor = current.args[1]
                found.append(("zero", divisor, divisor.kind in ("ref", "num")))
        elif _maybe_blank(current):
            found.append(("blank", current, True))

    walk(node)
    return tuple(c for c in found if c[2]) + tuple(c for c in found if not c[2])


def _excel_value(node: Node, resolve: Resolve) -> str:
    if node.kind in ("num", "str", "blank"):
        return _literal(node)
    if node.kind == "call" and node.value in ("sum", "min", "max"):
        args = ",".join(_excel_arg(arg, resolve) for arg in node.args)
        return f"{VALUE_FUNCTIONS[str(node.value)]}({args})"
    if node.kind == "call" and node.value == "if":
        branches = [_excel_value(arg, resolve) for arg in node.args[1:]]
        if len(branches) == 1:
            branches.append('""')
        return f"IF({_excel_condition(node.args[0], resolve)},{','.join(branches)})"
    plain = _excel_plain(node, resolve)
    conditions = _conditions(node)
    simple = [_excel_test(kind, n, resolve) for kind, n, easy in conditions if easy]
    for kind, tested, easy in reversed(conditions):
        if not easy:
            plain = f'IF({_excel_test(kind, tested, resolve)},"",{plain})'
    if simple:
        test = simple[0] if len(simple) == 1 else f"OR({','.join(simple)})"
        plain = f'IF({test},"",{plain})'
    return plain


def _excel_test(kind: str, node: Node, resolve: Resolve) -> str:
    text = (
        _excel_plain(node, resolve)
        if kind == "zero" or node.kind == "ref"
        else (_excel_value(node, resolve))
    )
    return f"{text}=0" if kind == "zero" else f'{text}=""'


def _excel_plain(node: Node, resolve: Resolve) -> str:
    """The arithmetic without its guards (the guards of `_excel_value` come first)."""
    if node.kind == "ref":
        return resolve(str(node.value))
    if node.kind == "num":
        return _literal(node)
    if node.kind == "neg":
        return "-" + _excel_plain(node.args[0], resolve)
    if node.kind == "op":
        left, right = (_excel_plain(arg, resolve) for arg in node.args)
        return f"({left}{node.value}{right})"
    if node.kind == "call" and node.value == "round":
        digits = _literal(node.args[1]) if len(node.args) > 1 else "0"
        return f"ROUND({_excel_plain(node.args[0], resolve)},{digits})"
    return _excel_value(node, resolve)


def _excel_arg(node: Node, resolve: Resolve) -> str:
    """An argument of SUM/MIN/MAX: a cell as it is (blank and text skipped), a blank result 0."""
    if node.kind == "ref":
        return resolve(str(node.value))
    text = _excel_value(node, resolve)
    return f"N({text})" if _maybe_blank(node) else text


def _excel_side(node: Node, resolve: Resolve) -> tuple[str, str | None]:
    if node.kind in ("num", "str"):
        return _literal(node), None
    text = resolve(str(node.value)) if node.kind == "ref" else _excel_value(node, resolve)
    return text, (f'{text}<>""' if _maybe_blank(node) else None)


def _excel_condition(node: Node, resolve: Resolve) -> str:
    if node.kind == "cmp":
        (left, left_test), (right, right_test) = (_excel_side(a, resolve) for a in node.args)
        tests = [t for t in (left_test, right_test) if t is not None]
        compare = f"{left}{node.value}{right}"
        return f"AND({','.join([*tests, compare])})" if tests else compare
    name = str(node.value)
    if name == "isblank":
        arg = node.args[0]
        text = resolve(str(arg.value)) if arg.kind == "ref" else _excel_value(arg, resolve)
        return f'{text}=""'
    inner = ",".join(_excel_condition(arg, resolve) for arg in node.args)
    return f"{name.upper()}({inner})"


# --- Python values ------------------------------------------------------------------------
def _is_blank(value: Any) -> bool:
    return value is None or value == ""


def _value(node: Node, values: Mapping[str, Any]) -> Any:
    if node.kind == "num":
        return node.value
    if node.kind == "str":
        return node.value
    if node.kind == "blank":
        return ""
    if node.kind == "call" and node.value in ("sum", "min", "max"):
        items = [item for arg in node.args if (item := _arg(arg, values)) is not None]
        if node.value == "sum":
            return _tidy(sum(items))
        return (min if node.value == "min" else max)(items) if items else 0
    if node.kind == "call" and node.value == "if":
        if _condition(node.args[0], values):
            return _value(node.args[1], values)
        return _value(node.args[2], values) if len(node.args) > 2 else ""
    if node.kind == "ref":  # IF(A1="","",A1): the cell's value, a text too
        found = values.get(str(node.value))
        return "" if found is None else found
    for kind, tested, _easy in _conditions(node):
        if kind == "blank":
            found = (
                values.get(str(tested.value)) if tested.kind == "ref" else _value(tested, values)
            )
            if _is_blank(found):
                return ""
        else:
            divisor = (
                _plain(tested, values) if tested.kind != "ref" else values.get(str(tested.value))
            )
            if isinstance(divisor, int | float) and not isinstance(divisor, bool) and divisor == 0:
                return ""
    return _plain(node, values)


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise FormulaValueError(f"真偽値 {value!r} は計算できません")
    if isinstance(value, int | float):
        return value
    raise FormulaValueError(f"文字列「{value}」は計算できません")


def _plain(node: Node, values: Mapping[str, Any]) -> int | float:
    if node.kind == "ref":
        return _number(values.get(str(node.value)))
    if node.kind == "num":
        return _number(node.value)
    if node.kind == "neg":
        return -_plain(node.args[0], values)
    if node.kind == "op":
        left, right = (_plain(arg, values) for arg in node.args)
        if node.value == "+":
            return left + right
        if node.value == "-":
            return left - right
        if node.value == "*":
            return left * right
        if right == 0:  # tested before; kept for safety
            raise FormulaValueError("0で割ることはできません")
        return left / right
    if node.kind == "call" and node.value == "round":
        digits = int(node.args[1].value) if len(node.args) > 1 else 0  # type: ignore[arg-type]
        return _excel_round(_plain(node.args[0], values), digits)
    return _number(_value(node, values))


def _arg(node: Node, values: Mapping[str, Any]) -> int | float | None:
    """An argument of sum/min/max: a cell's number (blank and text skipped: None)."""
    if node.kind == "ref":
        value = values.get(str(node.value))
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        return None
    value = _value(node, values)
    if value == "" or value is None:
        return 0
    return _number(value)


def _side(node: Node, values: Mapping[str, Any]) -> Any:
    if node.kind == "ref":
        return values.get(str(node.value))
    return _value(node, values)


def _condition(node: Node, values: Mapping[str, Any]) -> bool:
    if node.kind == "cmp":
        left, right = (_side(arg, values) for arg in node.args)
        if _is_blank(left) or _is_blank(right):
            return False
        return _compare(str(node.value), left, right)
    name = str(node.value)
    if name == "isblank":
        return _is_blank(_side(node.args[0], values))
    results = [_condition(arg, values) for arg in node.args]
    if name == "and":
        return all(results)
    if name == "or":
        return any(results)
    return not results[0]


def _compare(op: str, left: Any, right: Any) -> bool:
    """Excel's comparison: numbers below texts, texts without regard to case."""

    def key(value: Any) -> tuple[int, Any]:
        if isinstance(value, bool):
            return (2, value)
        if isinstance(value, int | float):
            return (0, value)
        return (1, str(value).casefold())

    a, b = key(left), key(right)
    return {
        "=": a == b,
        "<>": a != b,
        "<": a < b,
        "<=": a <= b,
        ">": a > b,
        ">=": a >= b,
    }[op]


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


# --- the formula in the sheet's words -------------------------------------------------------
def _describe(node: Node, name: Callable[[str], str], outer: int) -> str:
    if node.kind == "ref":
        return name(str(node.value))
    if node.kind in ("num", "str"):
        return _literal(node)
    if node.kind == "blank":
        return "空欄"
    if node.kind == "neg":
        return "-" + _describe(node.args[0], name, 3)
    if node.kind in ("op", "cmp"):
        level = 0 if node.kind == "cmp" else _PRECEDENCE[str(node.value)]
        left = _describe(node.args[0], name, level)
        # the right side of - and / binds tighter: a-(b-c), a/(b*c)
        right = _describe(node.args[1], name, level + (node.value in ("-", "/")))
        text = f"{left}{node.value}{right}"
        return f"({text})" if level < outer else text
    args = ", ".join(_describe(arg, name, 0) for arg in node.args)
    return f"{str(node.value).upper()}({args})"
