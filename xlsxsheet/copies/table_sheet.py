"""A plain table as a new worksheet part (修正履歴, 点検結果): a bold header row frozen at the
top, text written inline (never computed), column widths, an optional filter.

Printed, it reads whole: wrapped cells get rows tall enough for their text (neither Excel nor
LibreOffice sizes a row written with the file), the page is landscape and one page wide, the
header row repeats on every page (the print titles are a defined name: workbook_patch) and the
grid lines print.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from xlsxsheet.copies.sheet_patch import cell_xml
from xlsxsheet.core.cells import a1, column_letter
from xlsxsheet.core.text_width import text_lines

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MAX_ROW_HEIGHT = 409.0  # Excel's tallest row, in points


def table_sheet_xml(
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    header_style: int,
    autofilter: bool = False,
    wrapped: dict[int, int] | None = None,
    font_size: float = 11.0,
) -> str:
    """The worksheet XML of `rows` (the first is the header); `wrapped`: column → the style of
    its body cells (text wrapped, rows made tall enough); `font_size`: of the styles' font."""
    wrapped = wrapped or {}
    last = a1(max(0, len(rows) - 1), max(0, len(widths) - 1))
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1)
    )
    letters = [column_letter(c) for c in range(max(map(len, rows), default=0))]
    body = []
    for r, row in enumerate(rows, start=1):
        styles = (
            [header_style] * len(row) if r == 1 else [wrapped.get(c, 0) for c in range(len(row))]
        )
        cells = "".join(
            cell_xml("", f"{letter}{r}", style, _shown(value))
            for letter, style, value in zip(letters, styles, row, strict=False)
        )
        height = "" if r == 1 else _height_attrs(row, widths, wrapped, font_size)
        body.append(f'<row r="{r}"{height}>{cells}</row>')
    pane = (
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2"'
        ' activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2"'
        ' sqref="A2"/></sheetView></sheetViews>'
    )
    filtered = f'<autoFilter ref="A1:{last}"/>' if autofilter and len(rows) > 1 else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN_NS}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:{last}"/>{pane}'
        f'<sheetFormatPr defaultRowHeight="{line_height(font_size)}"/><cols>{cols}</cols>'
        f"<sheetData>{''.join(body)}</sheetData>{filtered}"
        '<printOptions horizontalCentered="1" gridLines="1"/>'
        '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        "<headerFooter><oddFooter>&amp;L&amp;A&amp;R&amp;P / &amp;N</oddFooter></headerFooter>"
        "</worksheet>"
    )


def line_height(font_size: float) -> float:
    """The height (points) of one line of text in the font's size: what Excel gives a row of
    ＭＳ Ｐゴシック or Calibri 11 (13.5, 15), with room for LibreOffice's Japanese fonts."""
    return round(font_size * 1.4 * 4) / 4


def _height_attrs(
    row: Sequence[object], widths: Sequence[float], wrapped: dict[int, int], font_size: float
) -> str:
    """` ht=… customHeight="1"` for a row whose wrapped text takes more than one line."""
    lines = max(
        (
            text_lines(str(value), widths[c])
            for c, value in enumerate(row)
            if c in wrapped and c < len(widths) and value not in (None, "")
        ),
        default=1,
    )
    if lines <= 1:
        return ""
    height = min(math.ceil((lines * line_height(font_size) + 3) * 4) / 4, MAX_ROW_HEIGHT)
    return f' ht="{height:g}" customHeight="1"'


def _shown(value: object) -> object:
    """Numbers stay numbers; everything else is text, a formula's text included."""
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    return str(value)
