"""Plain data tables in an xlsxwriter workbook: one header row, one datum per cell, no merges.

Text is always written as text (a value like ``=1+1`` from a department shows, never computes),
numbers as numbers; the font is Japanese. Used by the xlsx report and the collect workbook.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from xlsxsheet.core.cells import whole_characters

FONT = {"font_name": "ＭＳ Ｐゴシック", "font_size": 10}


def text_lines(value: Any, width: float) -> int:
    """About how many lines a wrapped text takes in a column `width` characters wide."""
    if not isinstance(value, str) or not value:
        return 1
    lines = 0
    for line in value.split("\n"):
        units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in line)
        lines += max(1, -(-units // max(1, int(width))))
    return lines


class TableBook:
    """An xlsxwriter workbook with the formats the tables share."""

    def __init__(self, path: Path) -> None:
        self.workbook = xlsxwriter.Workbook(
            str(path),
            {
                "default_format_properties": dict(FONT),
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        wb = self.workbook
        self.header = wb.add_format({**FONT, "bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.title = wb.add_format({**FONT, "bold": True, "font_size": 13})
        self.text = wb.add_format({**FONT, "border": 1, "valign": "top"})
        self.wrap = wb.add_format({**FONT, "border": 1, "valign": "top", "text_wrap": True})
        self.integer = wb.add_format({**FONT, "border": 1, "num_format": "#,##0"})
        self.decimal = wb.add_format({**FONT, "border": 1, "num_format": "#,##0.0##"})
        self.percent = wb.add_format({**FONT, "border": 1, "num_format": "0.0"})
        self.total = wb.add_format({**FONT, "border": 1, "bold": True, "num_format": "#,##0"})

    def sheet(self, name: str) -> Worksheet:
        """A sheet printed A4 landscape, one page wide, header row repeated."""
        sheet = self.workbook.add_worksheet(name)
        sheet.set_paper(9)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        return sheet

    def write_title(self, sheet: Worksheet, row: int, text: str) -> int:
        sheet.write_string(row, 0, text, self.title)
        return row + 1

    def write_table(
        self,
        sheet: Worksheet,
        row: int,
        header: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        widths: Sequence[float] | None = None,
        percent_columns: Sequence[int] = (),
        wrap_columns: Sequence[int] = (),
        bold_rows: Sequence[int] = (),
        percent_rows: Sequence[int] = (),
        autofilter: bool = False,
    ) -> int:
        """Write header and rows from `row`; returns the row after the table."""
        for col, text in enumerate(header):
            sheet.write_string(row, col, str(text), self.header)
        for i, values in enumerate(rows, start=1):
            for col, value in enumerate(values):
                self.write_cell(
                    sheet,
                    row + i,
                    col,
                    value,
                    percent=col in percent_columns or (i - 1) in percent_rows,
                    wrap=col in wrap_columns,
                    bold=(i - 1) in bold_rows,
                )
        if widths:
            for col, width in enumerate(widths):
                sheet.set_column(col, col, width)
            for i, values in enumerate(rows, start=1):
                lines = max(
                    (text_lines(values[c], widths[c]) for c in wrap_columns if c < len(widths)),
                    default=1,
                )
                if lines > 1:
                    sheet.set_row(row + i, 13.5 * lines + 3)
        if autofilter:
            sheet.autofilter(row, 0, row + len(rows), max(0, len(header) - 1))
        return row + len(rows) + 1

    def write_cell(
        self,
        sheet: Worksheet,
        row: int,
        col: int,
        value: Any,
        *,
        percent: bool = False,
        wrap: bool = False,
        bold: bool = False,
    ) -> None:
        if value is None or value == "":
            sheet.write_blank(row, col, None, self.text)
        elif isinstance(value, bool):
            sheet.write_string(row, col, str(value), self.text)
        elif isinstance(value, int | float) and not _finite(value):
            # past what a cell holds (1e309, a sum past 1e308): written as the text it is
            sheet.write_string(row, col, str(value), self.text)
        elif isinstance(value, int | float):
            if percent:
                fmt = self.percent
            elif bold:
                fmt = self.total
            else:
                fmt = self.integer if float(value).is_integer() else self.decimal
            sheet.write_number(row, col, value, fmt)
        else:
            text = whole_characters(str(value))
            sheet.write_string(row, col, text, self.wrap if wrap else self.text)

    def close(self) -> None:
        self.workbook.close()


def _finite(value: int | float) -> bool:
    """True when `value` is a finite number a cell can hold as a double."""
    try:
        return math.isfinite(value)
    except OverflowError:  # an int past the largest double
        return False
