"""The layout's parameters (`plan_final`, `target_year`, `mid_year`) as the city's sheet states
them, else the layout's defaults — each reported with where it came from.

A parameter is stated by its label with a year beside it (`計画最終年度 | R8`), or by a heading
the template prints with it: the texts that change when the parameter does (`目標値 令和4年度`)
are found in the sheet with another year (`目標値 令和5年度`), or as the upper heading over
year headings (`目標値` over `Ｈ31年` | `Ｈ35年`: the parameters in the template's column order).
Nothing here knows a layout; two different years stated for one parameter are reported and
the default kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from xlsxsheet.core.cells import a1
from xlsxsheet.core.errors import XlsxsheetError
from xlsxsheet.label_import.import_result import ParamItem
from xlsxsheet.label_import.label_index import SheetIndex
from xlsxsheet.label_import.label_text import header_year, normalise
from xlsxsheet.layout.model import Layout
from xlsxsheet.plan.workbook_plan import cached_plan

_YEAR = re.compile(r"(?:H|R|S|平成|令和|昭和)(?:\d{1,2}|元)(?:年度|年)?|(?:19|20)\d{2}(?:年度|年)?")


@dataclass(frozen=True)
class _Found:
    sheet: str
    row: int
    col: int
    typed: str
    value: int
    how: str


def stated_params(layout: Layout, year: int, sheets: list[SheetIndex], variants) -> list[ParamItem]:
    """Each fiscal-year parameter of the layout: stated in the sheet, or its default."""
    heads = _headings(layout, year)
    out = []
    for param in layout.params.values():
        if param.type != "fiscal-year":
            continue
        found = _by_label(sheets, variants(param.label)) + _by_heading(sheets, param.id, heads)
        values = sorted({f.value for f in found})
        if len(values) == 1:
            first = found[0]
            out.append(
                ParamItem(
                    param.id,
                    param.label,
                    values[0],
                    "sheet",
                    first.sheet,
                    a1(first.row, first.col),
                    first.typed,
                    first.how + (f"(ほか{len(found) - 1}か所も同じ)" if len(found) > 1 else ""),
                )
            )
            continue
        if values:
            where = "、".join(f"'{f.sheet}'!{a1(f.row, f.col)} {f.typed}" for f in found[:4])
            reason = f"シートの記載が一致しません({where})。既定値のままにしました"
        else:
            reason = "シートに書かれていません。既定値のままにしました"
        out.append(ParamItem(param.id, param.label, param.default, "default", reason=reason))
    return out


def _by_label(sheets: list[SheetIndex], forms: dict[str, str]) -> list[_Found]:
    """`計画最終年度 | R8`: the first cell right of the label that names a year."""
    out = []
    for sheet in sheets:
        for text in forms:
            for row, col in sheet.by_text.get(text, ()):
                last = sheet.extent(row, col)[3]
                right = sorted(c for (r, c) in sheet.values if r == row and c > last)
                for c in right[:1]:
                    raw = sheet.values[(row, c)]
                    value = _year_of(raw)
                    if value is not None:
                        label = sheet.values.get(sheet.anchor(row, col))
                        out.append(
                            _Found(sheet.name, row, c, str(raw), value, f"ラベル「{label}」の右")
                        )
    return out


def _year_of(raw: Any) -> int | None:
    if isinstance(raw, int) and 1900 < raw < 2200:
        return raw
    return header_year(raw) if isinstance(raw, str) else None


def _headings(layout: Layout, year: int) -> dict[str, list[tuple[str, int]]]:
    """Per parameter, the (text before the year, template column) of each heading the
    template prints with it; a bare year heading (`R9年度`) names none (every year column
    would match it)."""
    base = cached_plan(layout, year, None)
    texts = {(c.text, c.col) for s in base.sheets for c in s.cells if c.slot is None and c.text}
    out: dict[str, list[tuple[str, int]]] = {}
    for param in layout.params.values():
        if param.type != "fiscal-year" or not isinstance(param.default, int):
            continue
        try:
            moved = cached_plan(layout, year, {param.id: param.default + 1})
        except XlsxsheetError:  # a shift the layout refuses: no heading names it
            continue
        others = {c.text for s in moved.sheets for c in s.cells if c.slot is None and c.text}
        for text, col in texts:
            if text in others:
                continue
            folded = normalise(text)
            for m in _YEAR.finditer(folded):
                if header_year(m.group()) == param.default and m.start() > 0:
                    out.setdefault(param.id, []).append((folded[: m.start()], col))
                    break
    return out


def _by_heading(
    sheets: list[SheetIndex], param_id: str, heads: dict[str, list[tuple[str, int]]]
) -> list[_Found]:
    out = []
    for before, _col in heads.get(param_id, []):
        # the parameters whose headings start the same way, in the template's column order
        same = sorted((c, p) for p, hs in heads.items() for b, c in hs if b == before)
        rank = [p for _, p in same].index(param_id)
        for sheet in sheets:
            for (row, c), text in sorted(sheet.labels.items()):
                if sheet.anchor(row, c) != (row, c) or not text.startswith(before):
                    continue
                typed = str(sheet.values.get((row, c)))
                if len(text) > len(before):  # `目標値 令和4年度` in one cell
                    value = header_year(text[len(before) :])
                    if value is not None:
                        out.append(_Found(sheet.name, row, c, typed, value, f"見出し「{typed}」"))
                    continue
                years = _years_below(sheet, row, c)  # `目標値` over `Ｈ31年` | `Ｈ35年`
                if len(years) == len(same):
                    yc, raw, value = years[rank]
                    out.append(
                        _Found(
                            sheet.name, row + 1, yc, str(raw), value, f"見出し「{typed}」>「{raw}」"
                        )
                    )
    return out


def _years_below(sheet: SheetIndex, row: int, col: int) -> list[tuple[int, Any, int]]:
    last = sheet.extent(row, col)[3]
    if last == col:  # not merged: up to the next label of the row
        nxt = [c for c, _ in sheet.row_labels(row) if c > col]
        last = (nxt[0] - 1) if nxt else col + 20
    out = []
    for c in range(col, last + 1):
        raw = sheet.values.get((row + 1, c))
        value = header_year(raw)
        if value is not None:
            out.append((c, raw, value))
    return out
