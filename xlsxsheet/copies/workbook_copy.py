"""Copies of a department's workbook (the corrected copy, the marked copy sent back).

Both open the source read-only through openpyxl and write the copy atomically beside its
destination; neither may ever write the source.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from pathlib import Path

import openpyxl

from xlsxsheet.core.errors import UsageError


def load_for_copy(source: Path, out: Path) -> openpyxl.Workbook:
    """The workbook at `source`, refusing an `out` that is the source itself."""
    source, out = Path(source), Path(out)
    if out.resolve() == source.resolve():
        raise UsageError(
            f"出力先 {out} が入力ファイルと同じです。別のファイル名か別のフォルダを指定してください。"
        )
    with warnings.catch_warnings(), source.open("rb") as handle:  # by handle: any file name
        warnings.simplefilter("ignore")
        keep_vba = source.suffix.lower() == ".xlsm"
        return openpyxl.load_workbook(handle, keep_vba=keep_vba, keep_links=True)


def save_atomically(book: openpyxl.Workbook, out: Path) -> Path:
    """Save to a temporary file beside `out`, then move it into place."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=out.parent, suffix=out.suffix, delete=False) as tmp:
        temp_path = Path(tmp.name)
    try:
        book.save(temp_path)
        shutil.move(temp_path, out)
    finally:
        temp_path.unlink(missing_ok=True)
    return out
