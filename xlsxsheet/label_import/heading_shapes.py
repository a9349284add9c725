"""Shapes of a records table's headings in a city's sheet that the template does not print:
an upper heading merged over the first columns, whose own headings stand in the row below
(狛江's `重層的支援体制整備事業実施計画 Plan(主な事業内容)` over 大 | 中 | 小 | Plan), and a
code typed with the next column's text in one cell (`(1) 重層的支援体制整備事業の広報を行います。`
in the 中 column, declared by the layout's `import.tables.<id>.columns.<id>.rest_to`)."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable
from typing import Any

from xlsxsheet.label_import.label_index import SheetIndex


def opens_headings(
    sheet: SheetIndex, row: int, first_forms: Collection[str], other_forms: Iterable[str]
) -> bool:
    """Whether the table's headings start on `row`: the first column's heading is in it, or
    in the row below while `row` holds another of the table's headings (an upper heading
    over the first columns, merged or not)."""
    texts = {t for _, t in sheet.row_labels(row)}
    if texts & set(first_forms):
        return True
    below = {t for _, t in sheet.row_labels(row + 1)}
    return bool(below & set(first_forms)) and bool(texts & set(other_forms))


def spanned_columns(
    sheet: SheetIndex, found_at: dict[str, tuple[int, int]], cols: dict[str, int]
) -> dict[str, int]:
    """A heading merged over several columns where other headings (in the rows below) take
    some of them: its column is the first of its span none of them takes (the Plan heading
    over 大 | 中 | 小 | Plan → Plan's column). Columns moved, by id."""
    moved: dict[str, int] = {}
    for cid, (row, col) in found_at.items():
        _, first, _, last = sheet.extent(row, col)
        if first == last:
            continue
        taken = {c for other, c in cols.items() if other != cid and first <= c <= last}
        if cols[cid] not in taken:
            continue
        free = [c for c in range(first, last + 1) if c not in taken]
        if free:
            moved[cid] = free[0]
    return moved


def rest_of(text: Any, pattern: Any) -> str | None:
    """What follows the part `pattern` takes of a cell (`(1)` of `(1) 重層的…`), as typed
    (matched on the NFKC text where the typed one does not match), or None."""
    for form in (str(text).strip(), unicodedata.normalize("NFKC", str(text)).strip()):
        found = pattern.search(form)
        if found is not None:
            return form[found.end() :].strip() or None
    return None
