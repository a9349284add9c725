"""Write a template workbook from a plan with xlsxwriter: styled, protected, print-ready.

Input cells are unlocked and tinted; everything else is locked and the sheets protected
(no password). Computed cells hold live formulas; choice fields get dropdowns; every field
cell gets its workbook-level defined name; a hidden sheet carries the metadata.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from xlsxsheet.core.cells import a1
from xlsxsheet.core.names import META_SHEET
from xlsxsheet.core.text_width import text_lines
from xlsxsheet.core.version import __version__
from xlsxsheet.layout.labels import render_label
from xlsxsheet.layout.model import DEFAULT_FORMATS, Layout, ListDef
from xlsxsheet.plan.cell_shape import cell_shape
from xlsxsheet.plan.workbook_plan import (
    LINE_HEIGHT,
    PlanCell,
    SheetPlan,
    Slot,
    WorkbookPlan,
)
from xlsxsheet.rules.formulas import formula_of
from xlsxsheet.rules.recompute import recompute
from xlsxsheet.writing.print_breaks import page_break_rows

Key = tuple[str, int | None]
PAPER_CODES = {"A3": 8, "A4": 9, "A5": 11, "B4": 12, "B5": 13}
INPUT_FILL = "#FFF9DB"
COMPUTED_FILL = "#E7ECF3"
LABEL_FILL = "#DDEBF7"
HEADING_FILL = "#1F4E79"

STYLES: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 16, "valign": "vcenter"},
    "title_note": {"align": "right", "valign": "vcenter", "font_size": 11},
    "heading": {
        "bold": True,
        "font_color": "#FFFFFF",
        "bg_color": HEADING_FILL,
        "valign": "vcenter",
        "border": 1,
    },
    "subheading": {
        "bold": True,
        "bg_color": LABEL_FILL,
        "text_wrap": True,
        "valign": "vcenter",
        "border": 1,
    },
    "label": {"bg_color": LABEL_FILL, "text_wrap": True, "valign": "vcenter", "border": 1},
    "vlabel": {
        "bg_color": LABEL_FILL,
        "rotation": 270,
        "align": "center",
        "valign": "vcenter",
        "border": 1,
    },
    "header": {
        "bold": True,
        "bg_color": LABEL_FILL,
        "text_wrap": True,
        "align": "center",
        "valign": "vcenter",
        "border": 1,
    },
    "note": {"text_wrap": True, "valign": "top", "border": 1, "font_size": 9},
    "unit": {"align": "center", "valign": "vcenter", "border": 1, "bg_color": LABEL_FILL},
    # wrapped: a number cell may hold words or a sentence (keep_text)
    "input": {
        "locked": False,
        "bg_color": INPUT_FILL,
        "valign": "vcenter",
        "border": 1,
        "text_wrap": True,
    },
    "input_text": {
        "locked": False,
        "bg_color": INPUT_FILL,
        "text_wrap": True,
        "valign": "top",
        "border": 1,
    },
    "computed": {"bg_color": COMPUTED_FILL, "valign": "vcenter", "border": 1, "bold": True},
    # records tables: computed text (lists, sentences), heading rows (施策 大/小) and the cells
    # a heading row leaves empty
    "computed_text": {"bg_color": COMPUTED_FILL, "text_wrap": True, "valign": "top", "border": 1},
    "heading_input": {
        "locked": False,
        "bg_color": INPUT_FILL,
        "bold": True,
        "text_wrap": True,
        "valign": "vcenter",
        "border": 1,
    },
    "heading_fill": {"bg_color": "#F2F2F2", "border": 1},
    "input_center": {
        "locked": False,
        "bg_color": INPUT_FILL,
        "align": "center",
        "valign": "vcenter",
        "border": 1,
    },
}


class _Formats:
    """xlsxwriter formats by (style, number format), made once per workbook."""

    def __init__(self, workbook: xlsxwriter.Workbook, layout: Layout) -> None:
        self.workbook, self.layout = workbook, layout
        self._cache: dict[tuple[str, str | None], Format] = {}

    def get(self, style: str, num_format: str | None = None) -> Format:
        key = (style, num_format)
        if key not in self._cache:
            props = {"font_name": self.layout.font_name, "font_size": self.layout.font_size}
            props |= STYLES[style]
            if num_format:
                props["num_format"] = num_format
                if num_format != "@":
                    props.setdefault("align", "right")
            self._cache[key] = self.workbook.add_format(props)
        return self._cache[key]


def write_template(plan: WorkbookPlan, path: Path, values: Mapping[Key, Any] | None = None) -> Path:
    """Write the template (prefilled with `values` by slot key) to `path`."""
    values = dict(values or {})
    computed, _ = recompute(plan, values)
    workbook = xlsxwriter.Workbook(
        str(path),
        {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    workbook.set_properties(
        {
            "title": f"{plan.layout.title} ({_year_text(plan.year)})",
            "subject": plan.layout.id,
            "author": "xlsxsheet",
            "comments": plan.layout.description,
        }
    )
    for key, value in _metadata(plan).items():
        workbook.set_custom_property(f"xlsxsheet.{key}", str(value))
    formats = _Formats(workbook, plan.layout)
    for sheet_plan in plan.sheets:
        worksheet = workbook.add_worksheet(sheet_plan.name)
        _paint(worksheet, sheet_plan, formats, plan, values, computed)
        _define_names(workbook, sheet_plan)
        _table_extras(workbook, worksheet, sheet_plan, plan)
        _page_setup(worksheet, sheet_plan, plan)
    _write_metadata(workbook, plan)
    workbook.close()
    return path


def _year_text(year: int) -> str:
    from xlsxsheet.core.fiscal_year import long_label

    return long_label(year)


def _metadata(plan: WorkbookPlan) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "layout": plan.layout.id,
        "version": plan.layout.version,
        "year": plan.year,
        "generator": f"xlsxsheet {__version__}",
    }
    meta["shape"] = cell_shape(plan.layout)  # where its field cells are: a later edit is told
    for name, value in plan.params.items():
        meta[f"param.{name}"] = value
    return meta


def _write_metadata(workbook: xlsxwriter.Workbook, plan: WorkbookPlan) -> None:
    sheet = workbook.add_worksheet(META_SHEET)
    sheet.write_row(0, 0, ["key", "value"])
    for row, (key, value) in enumerate(_metadata(plan).items(), start=1):
        sheet.write_string(row, 0, key)
        sheet.write_string(row, 1, str(value))
    sheet.protect()
    sheet.very_hidden()


def _number_format(slot: Slot) -> str | None:
    fdef = slot.field
    if fdef.type in ("text", "choice"):
        return "@" if fdef.type == "text" else None
    return fdef.format or DEFAULT_FORMATS.get(fdef.type)


def _paint(
    worksheet: Worksheet,
    sheet_plan: SheetPlan,
    formats: _Formats,
    plan: WorkbookPlan,
    values: Mapping[Key, Any],
    computed: Mapping[Key, Any],
) -> None:
    for col, width in enumerate(sheet_plan.definition.columns):
        worksheet.set_column(col, col, width)
    for row, height in _row_heights(sheet_plan, {**values, **computed}).items():
        worksheet.set_row(row, height)
    for cell in sheet_plan.cells:
        if cell.slot is None:
            _write(worksheet, cell, cell.text, formats.get(cell.style))
            continue
        slot = cell.slot
        fmt = formats.get(cell.style, _number_format(slot))
        formula = formula_of(slot, plan)
        if formula is not None:
            result = computed.get(slot.key)
            _merge_blank(worksheet, cell, fmt)
            worksheet.write_formula(
                cell.row, cell.col, formula, fmt, result if result is not None else ""
            )
        else:
            value = computed.get(slot.key) if slot.field.computed else values.get(slot.key)
            _write(worksheet, cell, value, fmt)
        _validation(worksheet, cell, plan)


def _row_heights(sheet_plan: SheetPlan, values: Mapping[Key, Any]) -> dict[int, float]:
    """The plan's row heights, raised where a prefilled text needs more lines to show."""
    heights = dict(sheet_plan.row_heights)
    widths = sheet_plan.definition.columns
    for cell in sheet_plan.cells:
        if cell.slot is None or cell.row != cell.last_row:
            continue
        text = values.get(cell.slot.key)
        if not isinstance(text, str):
            continue
        # 06-02-007 or 4410 takes half the room of as many full-width characters (it was
        # counted as full-width, and a short number made its row two lines tall)
        lines = text_lines(text, sum(widths[cell.col : cell.last_col + 1]))
        needed = min(lines * LINE_HEIGHT + 4, 409)  # Excel's maximum row height
        heights[cell.row] = max(heights.get(cell.row, 0), needed)
    return heights


def _merge_blank(worksheet: Worksheet, cell: PlanCell, fmt: Format) -> None:
    if (cell.last_row, cell.last_col) != (cell.row, cell.col):
        worksheet.merge_range(cell.row, cell.col, cell.last_row, cell.last_col, "", fmt)


def _write(worksheet: Worksheet, cell: PlanCell, value: Any, fmt: Format) -> None:
    merged = (cell.last_row, cell.last_col) != (cell.row, cell.col)
    if merged:
        worksheet.merge_range(cell.row, cell.col, cell.last_row, cell.last_col, "", fmt)
    if value is None or value == "":
        if not merged:
            worksheet.write_blank(cell.row, cell.col, None, fmt)
    elif isinstance(value, bool):
        worksheet.write_string(cell.row, cell.col, str(value), fmt)
    elif isinstance(value, int | float):
        worksheet.write_number(cell.row, cell.col, value, fmt)
    else:
        worksheet.write_string(cell.row, cell.col, str(value), fmt)


def _validation(
    worksheet: Worksheet, cell: PlanCell, plan: WorkbookPlan, whole_column: bool = False
) -> None:
    options = validation_options(cell, plan, whole_column)
    if options is not None:
        worksheet.data_validation(cell.row, cell.col, cell.last_row, cell.last_col, options)


def validation_options(
    cell: PlanCell, plan: WorkbookPlan, whole_column: bool = False
) -> dict[str, Any] | None:
    """The xlsxwriter data_validation options of a field cell (None: it gets no validation)."""
    slot = cell.slot
    assert slot is not None
    fdef = slot.field
    if fdef.computed or (slot.unit is not None and slot.year is None and not whole_column):
        return None  # records columns get one validation over the table body (_table_extras)
    if fdef.type == "choice" and fdef.list:
        ldef = plan.layout.lists[fdef.list]
        return {
            "validate": "list",
            "source": list(ldef.values),
            "input_title": _short(slot.label, 32),
            "input_message": _short(_list_prompt(ldef, plan), 255),
            "error_title": "選択肢にない値です",
            "error_message": _short("次のいずれかを選んでください: " + "、".join(ldef.values), 255),
            "error_type": "stop",
        }
    if fdef.type in ("number", "money", "integer", "percent") and not (
        fdef.words or fdef.keep_text
    ):
        whole = fdef.type in ("money", "integer")
        bounded = fdef.minimum is not None or fdef.maximum is not None
        return {
            "validate": "integer" if whole else "decimal",
            "criteria": "between",
            "minimum": -1e15 if fdef.minimum is None else fdef.minimum,
            "maximum": 1e15 if fdef.maximum is None else fdef.maximum,
            "error_title": "数値を入力してください",
            "error_message": (
                "この欄は"
                + (_bounds_words(fdef.minimum, fdef.maximum) if bounded else "")
                + ("千円単位の" if fdef.type == "money" else "")
                + ("整数" if whole else "数値")
                + "です。該当がない場合は「－」を"
                "入力してください。このまま確定することもできます。"
            ),
            "error_type": "warning",
        }
    return None


def _bounds_words(low: float | None, high: float | None) -> str:
    """A field's `min` and `max` in the validation's message: 「0以上1,000以下の」."""
    words = [
        f"{value:,.10g}{word}"
        for value, word in ((low, "以上"), (high, "以下"))
        if value is not None
    ]
    return "".join(words) + "の"


def _list_prompt(ldef: ListDef, plan: WorkbookPlan) -> str:
    """The input message of a list's dropdown, rendered for the plan's year (a label template)."""
    return render_label(ldef.prompt, plan.year, plan.params) if ldef.prompt else _PICK


_PICK = "一覧から選んでください。"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _define_names(workbook: xlsxwriter.Workbook, sheet_plan: SheetPlan) -> None:
    for name, formula in field_names(sheet_plan):
        workbook.define_name(name, formula)


def field_names(sheet_plan: SheetPlan) -> list[tuple[str, str]]:
    """(name, formula) of the defined name of every field cell of the sheet outside tables."""
    quoted = "'" + sheet_plan.name.replace("'", "''") + "'"
    return [
        (cell.slot.name, f"={quoted}!{_absolute(a1(cell.row, cell.col))}")
        for cell in sheet_plan.cells
        if cell.slot is not None and cell.slot.unit is None
    ]


def table_names(sheet_plan: SheetPlan, plan: WorkbookPlan) -> list[tuple[str, str]]:
    """(name, formula) of the body of every records table on the sheet."""
    quoted = "'" + sheet_plan.name.replace("'", "''") + "'"
    return [
        (
            table.name,
            f"={quoted}!{_absolute(a1(table.first_row, table.first_col))}"
            f":{_absolute(a1(table.last_row, table.last_col))}",
        )
        for table in plan.records.values()
        if table.sheet == sheet_plan.name and table.units
    ]


def _absolute(ref: str) -> str:
    column = ref.rstrip("0123456789")
    return f"${column}${ref[len(column) :]}"


def body_cells(sheet_plan: SheetPlan, plan: WorkbookPlan) -> list[PlanCell]:
    """One cell per column of every records table on the sheet, spanning the table's body:
    the cells its column validations cover."""
    cells = []
    for table in plan.records.values():
        if table.sheet != sheet_plan.name or not table.units:
            continue
        for (column, year), slot in table.units[0].items():
            if year is None:
                col = table.col_of[column]
                last_col = col + table.span_of[column] - 1
                cells.append(
                    PlanCell(table.first_row, col, table.last_row, last_col, "", slot=slot)
                )
    return cells


def _table_extras(
    workbook: xlsxwriter.Workbook, worksheet: Worksheet, sheet_plan: SheetPlan, plan: WorkbookPlan
) -> None:
    """Each records table on the sheet: the defined name of its body (reading goes through it,
    so rows inserted inside are read) and one validation per column over the whole body."""
    for name, formula in table_names(sheet_plan, plan):
        workbook.define_name(name, formula)
    for body in body_cells(sheet_plan, plan):
        _validation(worksheet, body, plan, whole_column=True)


def _page_setup(worksheet: Worksheet, sheet_plan: SheetPlan, plan: WorkbookPlan) -> None:
    setup = sheet_plan.definition.print
    worksheet.set_paper(PAPER_CODES[setup.paper])
    if setup.landscape:
        worksheet.set_landscape()
    else:
        worksheet.set_portrait()
    if setup.fit_width or setup.pages_tall:
        worksheet.fit_to_pages(1 if setup.fit_width else 0, setup.pages_tall)
    if setup.repeat_rows:
        worksheet.repeat_rows(0, setup.repeat_rows - 1)
    breaks = page_break_rows(sheet_plan, plan.layout.source.name)
    if breaks:
        worksheet.set_h_pagebreaks(breaks)
    worksheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    worksheet.center_horizontally()
    worksheet.set_footer(f"&L{plan.layout.title}&C&P / &N&R{_year_text(plan.year)}")
    worksheet.print_area(0, 0, max(sheet_plan.rows - 1, 0), sheet_plan.definition.width - 1)
    worksheet.hide_gridlines(2)
    worksheet.protect(
        "",
        {
            "format_columns": True,
            "format_rows": True,
            "select_locked_cells": True,
            "select_unlocked_cells": True,
            # a sheet with records tables: departments add rows inside a table's body
            "insert_rows": any(t.sheet == sheet_plan.name for t in plan.records.values()),
        },
    )
