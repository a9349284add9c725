"""Values of a layout's `params` given by a person (the command line, the web desk's form).

A layout's params (a plan's first and last year, the year an indicator's target is for) are
kept in each workbook beside the evaluation year. Their defaults are in the layout file; a city
that sets them for one year's templates gives them as ``名前=値``: the param's id or its label
(``target_year`` or ``まちづくり指標の目標年度``) and a value of the param's type (a fiscal year
as ``R9``, ``令和9年度``, ``2027``). Every mistake is a UsageError saying what to write.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from xlsxsheet.core.errors import UnknownLayoutError, UsageError
from xlsxsheet.core.fiscal_year import FiscalYearError, long_label, parse_fiscal_year
from xlsxsheet.layout.model import Layout, Param

__all__ = [
    "changed_params",
    "find_param",
    "layout_param_values",
    "param_setting",
    "param_shown",
    "param_value",
    "param_values",
]


def find_param(layout: Layout, name: str) -> Param:
    """The param of `layout` whose id or label is `name` (spaces around it ignored)."""
    wanted = name.strip()
    for param in layout.params.values():
        if wanted in (param.id, param.label):
            return param
    if not layout.params:
        raise UsageError(f"様式「{layout.title}」には設定できる項目(params)がありません。")
    names = [p.id for p in layout.params.values()] + [p.label for p in layout.params.values()]
    close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.5)
    hint = f"「{close[0]}」ではありませんか。" if close else ""
    listed = "、".join(f"{p.id}({p.label})" for p in layout.params.values())
    raise UsageError(
        f"様式「{layout.title}」に設定項目「{wanted}」はありません。{hint}設定できる項目: {listed}"
    )


def param_value(layout: Layout, param: Param, text: str | int) -> Any:
    """`text` read as a value of `param` (a fiscal year as its 西暦 year)."""
    if param.type == "fiscal-year":
        try:
            return parse_fiscal_year(text.strip() if isinstance(text, str) else text)
        except FiscalYearError as exc:
            raise UsageError(
                f"様式「{layout.title}」の「{param.label}」に「{text}」は指定できません: {exc}"
            ) from exc
    value = text.strip() if isinstance(text, str) else text
    if value == "":
        raise UsageError(f"様式「{layout.title}」の「{param.label}」の値が空です。")
    return value


def param_setting(layout: Layout, setting: str) -> tuple[Param, Any]:
    """One ``名前=値`` for `layout`: the param and its value."""
    name, equals, text = setting.partition("=")
    if not equals or not name.strip():
        raise UsageError(
            f"「{setting}」は 名前=値 の形ではありません"
            "(例: target_year=R9、まちづくり指標の目標年度=令和9年度)。"
        )
    param = find_param(layout, name)
    return param, param_value(layout, param, text)


def param_values(layout: Layout, settings: Iterable[str]) -> dict[str, Any]:
    """Several ``名前=値`` for `layout`, by param id (a param given twice: refused)."""
    values: dict[str, Any] = {}
    for setting in settings:
        param, value = param_setting(layout, setting)
        if param.id in values and values[param.id] != value:
            raise UsageError(
                f"様式「{layout.title}」の「{param.label}」が二度、違う値で指定されています。"
            )
        values[param.id] = value
    return values


def layout_param_values(
    find: Callable[[str], Layout], settings: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """Several ``様式.名前=値`` (the layout's id or title, a dot, then ``名前=値``), by layout id
    and param id. `find` gives a layout by its id or title, raising UnknownLayoutError."""
    given: dict[str, tuple[Layout, list[str]]] = {}
    for setting in settings:
        layout, rest = _split_layout(find, setting)
        given.setdefault(layout.id, (layout, []))[1].append(rest)
    return {lid: param_values(layout, rest) for lid, (layout, rest) in given.items()}


def _split_layout(find: Callable[[str], Layout], setting: str) -> tuple[Layout, str]:
    """The layout named before a dot of `setting`, and what follows the dot."""
    name = setting.partition("=")[0]
    dots = [i for i, ch in enumerate(name) if ch == "."]
    if not dots or "=" not in setting:
        raise UsageError(
            f"「{setting}」は 様式.名前=値 の形ではありません(例: shisaku-hyoka.target_year=R9、"
            "施策評価シート.まちづくり指標の目標年度=令和9年度)。"
        )
    first_error: UnknownLayoutError | None = None
    for dot in dots:  # a title may hold a dot: the first prefix that names a layout
        try:
            return find(setting[:dot].strip()), setting[dot + 1 :]
        except UnknownLayoutError as exc:
            first_error = first_error or exc
    assert first_error is not None
    raise first_error


def param_shown(param: Param, value: Any) -> str:
    """A param's value as staff read it (令和9年度 for a fiscal year)."""
    if param.type == "fiscal-year" and isinstance(value, int):
        return long_label(value)
    return str(value)


def changed_params(
    layout: Layout, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[tuple[Param, Any, Any]]:
    """The params whose value differs between two sets, in the layout's order."""
    return [
        (param, before.get(param.id), after[param.id])
        for param in layout.params.values()
        if param.id in after and before.get(param.id) != after[param.id]
    ]
