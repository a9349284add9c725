"""What kind of file was sent: a legacy .xls, a workbook with macros, a sheet claiming the grid.

These are read (values only for .xls, never running macros) but each is an error: the central
office needs the .xlsx the template was, to check formulas and write a corrected copy.
"""

from __future__ import annotations

from collections.abc import Iterator

from xlsxsheet.checks.base import Finding
from xlsxsheet.core.cells import parse_a1
from xlsxsheet.core.problems import Problem
from xlsxsheet.reading.return_reader import ReadResult
from xlsxsheet.reading.safe_open import SAVE_AS_XLSX

GRID_ROWS = 1_048_576
GRID_COLS = 16_384


def check_file_kind(result: ReadResult) -> Iterator[Finding]:
    content, file, name = result.content, str(result.path), result.path.name
    if content.format == "xls":
        yield Finding(
            Problem(
                "legacy-xls",
                f"{name} は古い Excel 97-2003 形式(.xls)です。値は様式の位置から読みましたが、"
                f"計算式・名前定義は確かめられず、修正版も作れません。{SAVE_AS_XLSX}",
                file=file,
            )
        )
    if content.has_macros:
        yield Finding(
            Problem(
                "macro-workbook",
                f"{name} はマクロ(VBA)を含むブックです。マクロは読み込まず、実行もしていません"
                "(値は読みました)。マクロを含むブックは受け付けられません。Excelで開き、"
                "[名前を付けて保存] で「Excel ブック (*.xlsx)」を選んで保存し直してください。",
                file=file,
            )
        )
    for sheet, ref in content.dimensions.items():
        if _whole_grid(ref):
            yield Finding(
                Problem(
                    "dimension-huge",
                    f"シート「{sheet}」の使用範囲が {ref}(シートの最終行・最終列まで)と記録されて"
                    "います。読み取りは実際に値のあるセルだけにしました。表の外の不要な行・列を"
                    "選んで削除し、保存し直してください(印刷や他のソフトで開くときに支障が出ます)。",
                    file=file,
                    sheet=sheet,
                    value=ref,
                )
            )


def _whole_grid(ref: str) -> bool:
    last = ref.split(":")[-1]
    try:
        row, col = parse_a1(last)
    except ValueError:
        return False
    return row + 1 >= GRID_ROWS or col + 1 >= GRID_COLS
