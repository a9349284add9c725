"""Shapes of a records table in a city's sheet that the template does not print: an upper
heading merged over the first columns, whose own headings stand in the row below (狛江's
`重層的支援体制整備事業実施計画 Plan(主な事業内容)` over 大 | 中 | 小 | Plan); a code typed with
the next column's text in one cell (`(1) 重層的支援体制整備事業の広報を行います。` in the 中
column: the layout's `import.tables.<id>.columns.<id>.rest_to`); a cell marked empty on
purpose (`/`: the layout's `import.blank_marks`)."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable
from typing import Any

from xlsxsheet.core.cells import a1
from xlsxsheet.label_import.import_result import FieldItem
from xlsxsheet.label_import.label_index import SheetIndex
from xlsxsheet.label_import.label_text import normalise


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
    """A heading merged over several columns where headings in the rows below it take some
    of them: its column is the first of its span none of them covers (the Plan heading over
    大 | 中 | 小 | Plan → Plan's column). Columns moved, by id."""
    moved: dict[str, int] = {}
    for cid, (row, col) in found_at.items():
        _, first, _, last = sheet.extent(row, col)
        if first == last:
            continue
        taken: set[int] = set()
        for other, (r, c) in found_at.items():
            if other != cid and r > row and first <= c <= last:
                _, c1, _, c2 = sheet.extent(r, c)
                taken.update(range(c1, c2 + 1))
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


def is_blank_mark(value: Any, spec: Any) -> bool:
    """Whether a cell holds only one of the layout's `import.blank_marks` (`/`)."""
    marks = getattr(spec, "blank_marks", ())
    return isinstance(value, str) and normalise(value) in {normalise(m) for m in marks}


def blank_mark_item(
    field_id: str, label: str, value: Any, where: str, sheet: SheetIndex, at: tuple[int, int]
) -> FieldItem:
    """The report of a cell read as empty because it holds a blank mark."""
    return FieldItem(
        "skipped",
        field_id,
        None,
        label,
        where,
        sheet=sheet.name,
        cell=a1(*at),
        typed=value,
        reason=f"「{value}」は空欄の印です(様式の import.blank_marks)。空欄として取り込みました",
    )


def unseen_columns(
    plan: Any, path: tuple[str, ...], columns: dict[str, str], seen: set[str]
) -> list[FieldItem]:
    """A column of a records table the city's sheet has on no page (狛江's 達成状況): missing,
    left empty in every record, never filled from elsewhere."""
    base = ".".join(path)
    out = []
    for cid, heading in columns.items():
        if cid in seen:
            continue
        label = plan.layout.fields[f"{base}.{cid}"].label
        out.append(
            FieldItem(
                "missing",
                f"{base}.{cid}",
                None,
                f"{base} {label}",
                f"{base} {heading or label}",
                reason=f"列「{heading or label}」の見出しが市のシートにありません。"
                "どの行も空欄のまま取り込みました",
            )
        )
    return out
