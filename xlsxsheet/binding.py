"""Bind a workbook's plain cells to the fields of a layout, through the defined names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xlsxsheet.cells import RawCell, a1
from xlsxsheet.errors import WorkbookError
from xlsxsheet.fiscal_year import FiscalYearError, parse_fiscal_year
from xlsxsheet.layout.model import Layout
from xlsxsheet.layout.registry import LayoutRegistry
from xlsxsheet.plan import Slot, WorkbookPlan, build_plan
from xlsxsheet.problems import Problem
from xlsxsheet.workbook_reader import WorkbookContent

Key = tuple[str, int | None]


@dataclass(frozen=True)
class BoundCell:
    """The cell a field was found at, and what it holds."""

    slot: Slot
    raw: RawCell
    via_name: bool

    @property
    def sheet(self) -> str:
        return self.raw.sheet

    @property
    def address(self) -> str:
        return a1(self.raw.row, self.raw.col)


def identify(
    content: WorkbookContent,
    registry: LayoutRegistry,
    layout_id: str | None = None,
    year: int | None = None,
) -> tuple[Layout, int, dict[str, Any]]:
    """The layout, evaluation year and params of a workbook, from its metadata or the caller."""
    meta = content.metadata
    name = content.path.name
    layout_id = layout_id or meta.get("layout")
    if not layout_id:
        raise WorkbookError(
            str(content.path),
            "not-xlsxsheet",
            f"{name} には xlsxsheet の様式情報がありません。xlsxsheet で作成した様式に"
            "記入したファイルか確認してください(様式を指定するには --layout と --year)。",
        )
    layout = registry.get(layout_id)
    if year is None:
        try:
            year = parse_fiscal_year(meta.get("year", ""))
        except FiscalYearError as exc:
            raise WorkbookError(
                str(content.path),
                "not-xlsxsheet",
                f"{name} の様式情報に年度がありません(--year で指定してください)。",
            ) from exc
    params = layout.default_params()
    for key, param in layout.params.items():
        raw = meta.get(f"param.{key}")
        if raw is None:
            continue
        if param.type == "fiscal-year":
            try:
                params[key] = parse_fiscal_year(raw)
            except FiscalYearError:
                continue
        else:
            params[key] = raw
    return layout, year, params


def bind(
    content: WorkbookContent, plan: WorkbookPlan
) -> tuple[dict[Key, BoundCell], list[Problem]]:
    """Find every field's cell: by its defined name, else at the template's address."""
    problems: list[Problem] = []
    bound: dict[Key, BoundCell] = {}
    file = str(content.path)
    for key, slot in plan.slots.items():
        target = content.names.get(slot.name)
        if target is not None and not target.broken and target.sheet in content.cells:
            assert target.row is not None and target.col is not None
            bound[key] = BoundCell(slot, content.cell(target.sheet, target.row, target.col), True)
            continue
        sheet = slot.sheet if slot.sheet in content.cells else None
        where = f"'{slot.sheet}'!{a1(slot.row, slot.col)}"
        if target is not None:
            problems.append(
                Problem(
                    "name-broken",
                    f"名前定義 {slot.name} ({slot.label}) の参照先が壊れています"
                    f"({target.text})。様式の {where} の位置から読みます。行・列やシートを削除して"
                    "いないか確認してください。",
                    file=file,
                    sheet=slot.sheet,
                    cell=a1(slot.row, slot.col),
                    field=slot.field.id,
                    label=slot.label,
                    value=target.text,
                )
            )
        else:
            problems.append(
                Problem(
                    "name-missing",
                    f"名前定義 {slot.name} ({slot.label}) がありません。様式の {where}"
                    " の位置から読みます。",
                    file=file,
                    sheet=slot.sheet,
                    cell=a1(slot.row, slot.col),
                    field=slot.field.id,
                    label=slot.label,
                )
            )
        if sheet is None:
            continue
        bound[key] = BoundCell(slot, content.cell(sheet, slot.row, slot.col), False)
    return bound, problems


def plan_for(
    content: WorkbookContent,
    registry: LayoutRegistry,
    layout_id: str | None = None,
    year: int | None = None,
) -> WorkbookPlan:
    layout, year, params = identify(content, registry, layout_id, year)
    return build_plan(layout, year, params)
