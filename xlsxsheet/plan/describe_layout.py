"""What `xlsxsheet layouts --check FILE` prints: a layout file validated, its fields (id, label,
type, years, formula) and the defined names a template of its default year has."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from xlsxsheet.core.errors import LayoutError
from xlsxsheet.layout.folders import not_layout_reason
from xlsxsheet.layout.loader import load_layout


def describe_layout_file(path: Path) -> Iterator[str]:
    """Lines about one layout file; a LayoutError (file, line, place, fix) when it is wrong."""
    from xlsxsheet.core.cells import a1
    from xlsxsheet.core.fiscal_year import long_label
    from xlsxsheet.plan.workbook_plan import build_plan

    reason = not_layout_reason(path) if path.is_file() else None
    if reason is not None:
        raise LayoutError(
            path.name,
            "ファイル",
            f"レイアウトファイルではありません({reason})",
            "データ文書なら xlsxsheet template 様式id --data ファイル -o 出力.xlsx で使います",
        )
    layout = load_layout(path)
    yield (
        f"{path.name}: レイアウト定義として正しく読めました"
        f"(layout: {layout.id}、version: {layout.version}、{layout.title})"
    )
    yield f"項目 {len(layout.fields)} 件:"
    for field in layout.fields.values():
        parts = [field.id, field.label, field.type]
        if field.years:
            parts.append(f"年度別 {field.years}")
        if field.formula:
            parts.append(f"計算式 {field.formula}")
        if field.aggregate is not None:
            kind = field.aggregate.kind
            parts.append("集計 sum(列の合計)" if kind == "column-sum" else f"集計 {kind}")
        if field.words:
            parts.append("数値のかわりに " + "・".join(field.words))
        yield "  " + "\t".join(parts)
    plan = build_plan(layout, layout.default_year, layout.default_params())
    names: dict[str, str] = {}
    for slot in plan.slots.values():
        if slot.name and slot.name not in names:
            address = a1(slot.row, slot.col) if slot.table is None else "(表の本体)"
            names[slot.name] = f"'{slot.sheet}'!{address}"
    yield f"定義名 {len(names)} 件({long_label(layout.default_year)}の様式):"
    for name, where in names.items():
        yield f"  {name}\t{where}"
