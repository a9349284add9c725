"""A plain table as a new worksheet part (修正履歴, 点検結果): a bold header row frozen at the
top, text written inline (never computed), column widths, an optional filter."""

from __future__ import annotations

from collections.abc import Sequence

from xlsxsheet.copies.sheet_patch import cell_xml
from xlsxsheet.core.cells import a1, column_letter

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def table_sheet_xml(
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    header_style: int,
    autofilter: bool = False,
    wrapped: dict[int, int] | None = None,
) -> str:
    """The worksheet XML of `rows` (the first is the header); `wrapped`: column → the style of
    its body cells (text wrapped)."""
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
        body.append(f'<row r="{r}">{cells}</row>')
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
        f'<sheetFormatPr defaultRowHeight="13.5"/><cols>{cols}</cols>'
        f"<sheetData>{''.join(body)}</sheetData>{filtered}"
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        "</worksheet>"
    )


def _shown(value: object) -> object:
    """Numbers stay numbers; everything else is text, a formula's text included."""
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    return str(value)
