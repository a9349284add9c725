"""The texts the template writes (headings, units, labels) and the cells it leaves empty.

A department that removes the sheet protection can retype a unit cell (千円 → 円) or a heading,
and type notes in cells that are no field (「※R6は課長決裁済み」 beside the form). Reading goes
through the fields only, so neither would be seen: this check compares each fixed text of the
plan (rendered for the return's year, so 年度 headings match) with the cell the return has there
(`label-changed`), and names every cell with a value that is neither a field, a records table's
body nor a fixed text (`text-outside-form`).

Texts are compared as people see them: NFKC (全角/半角), whitespace ignored, a blank cell and an
empty string alike. On a sheet whose rows moved, each text is looked for where the field rows
around it moved to; a sheet whose columns moved, or whose records table lost its name, is not
compared and said so once (`fixed-texts-unchecked`). A return read through a migration (an
older version of the layout) is not compared: that template wrote other texts.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from xlsxsheet.checks.base import Finding
from xlsxsheet.core.cells import RawCell, a1
from xlsxsheet.core.memo import derived
from xlsxsheet.core.problems import Problem
from xlsxsheet.plan.records_plan import body_range
from xlsxsheet.plan.workbook_plan import WorkbookPlan
from xlsxsheet.reading.binding import BoundCell, bound_as_planned, sheet_map
from xlsxsheet.reading.return_reader import ReadResult

Place = tuple[int, int]  # 0-based row, column

OUTSIDE_LIMIT = 20  # text-outside-form problems on one sheet; the rest in one line
CHANGED_LIMIT = 10  # more changed texts on one sheet than this: one line (another template)
_QUOTED = 40  # characters of a value quoted in a message


@dataclass(frozen=True)
class _Text:
    """A fixed text of the template at its top-left cell."""

    row: int
    col: int
    text: str
    folded: str


@dataclass(frozen=True)
class _SheetForm:
    """What the template has on one sheet, at the plan's places."""

    texts: tuple[_Text, ...]
    known: frozenset[Place]  # the fixed texts' cells and the single fields' (merged) cells
    bodies: tuple[str, ...]  # the defined name of each records table body


def fold(value: Any) -> str:
    """A cell's text as compared: NFKC (全角 → 半角), no whitespace; blank and "" alike."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


def check_fixed_texts(result: ReadResult) -> Iterator[Finding]:
    if result.migration is not None:
        return  # an older template: its texts are that version's, not this one's
    content, plan = result.content, result.plan
    forms = _forms(plan)
    mapping = sheet_map(content, plan)
    in_place = bound_as_planned(content, plan)
    by_sheet: dict[str, list[BoundCell]] | None = None
    if not in_place:
        by_sheet = {}
        for cell in result.cells.values():
            by_sheet.setdefault(cell.slot.sheet, []).append(cell)
    for planned, form in forms.items():
        found = mapping.get(planned)
        if found is None:
            continue  # sheet-missing says so
        cells = content.cells.get(found, {})
        bound = None if by_sheet is None else by_sheet.get(planned, [])
        yield from _sheet(result, found, form, cells, bound)


def _sheet(
    result: ReadResult,
    sheet: str,
    form: _SheetForm,
    cells: dict[Place, RawCell],
    bound: list[BoundCell] | None,
) -> Iterator[Finding]:
    """The findings of one sheet; `bound` its field cells when some field may have moved."""
    offsets: _Offsets | None = None
    if bound is not None and any((c.raw.row, c.raw.col) != (c.slot.row, c.slot.col) for c in bound):
        offsets = _Offsets.of(bound)
        if offsets is None:
            yield _unchecked(result, sheet, "列が挿入・削除されているため")
            return
    body_columns: dict[int, tuple[int, int]] = {}  # row -> the columns of a records body
    for name in form.bodies:  # (the blocks of a sheet are stacked: no two bodies share a row)
        found = body_range(result.content, name)
        if found is None:
            yield _unchecked(result, sheet, "表の名前定義がないため")
            return
        span = (found.first_col, found.last_col)
        body_columns.update(dict.fromkeys(range(found.first_row, found.last_row + 1), span))
    if offsets is None:
        changed, known = _compare_in_place(form, cells)
    else:
        changed, known = _compare_moved(form, cells, offsets, bound or [])
    yield from _changed(result, sheet, changed)
    outside = []
    for place in cells.keys() - known:
        span = body_columns.get(place[0])
        if span is not None and span[0] <= place[1] <= span[1]:
            continue
        raw = cells[place]
        if not _blank(raw):
            outside.append(raw)
    yield from _outside(result, sheet, sorted(outside, key=lambda raw: (raw.row, raw.col)))


Changed = list[tuple[Place, _Text, RawCell | None]]


def _compare_in_place(
    form: _SheetForm, cells: dict[Place, RawCell]
) -> tuple[Changed, frozenset[Place]]:
    """Each fixed text against the cell at its own place (nothing on the sheet moved)."""
    changed: Changed = []
    for text in form.texts:
        raw = cells.get((text.row, text.col))
        if raw is not None and raw.value == text.text and raw.formula is None:
            continue
        if not _same(raw, text):
            changed.append(((text.row, text.col), text, raw))
    return changed, form.known


def _compare_moved(
    form: _SheetForm, cells: dict[Place, RawCell], offsets: _Offsets, bound: list[BoundCell]
) -> tuple[Changed, set[Place]]:
    """Each fixed text where the rows around it moved to; one between two field rows that
    moved apart is looked for at both places, and not reported when at neither (it cannot be
    told which is its cell: its row may be the one deleted)."""
    known: set[Place] = set()
    for cell in bound:
        slot, raw = cell.slot, cell.raw
        height, width = max(slot.last_row - slot.row, 0), max(slot.last_col - slot.col, 0)
        known.update(
            (row, col)
            for row in range(raw.row, raw.row + height + 1)
            for col in range(raw.col, raw.col + width + 1)
        )
    changed: Changed = []
    for text in form.texts:
        places = [(text.row + shift, text.col) for shift in offsets.at(text.row)]
        known.update(places)
        if any(_same(cells.get(place), text) for place in places):
            continue
        if len(places) == 1:
            changed.append((places[0], text, cells.get(places[0])))
    return changed, known


class _Offsets:
    """How far each template row moved on a sheet, from its field cells found by their names."""

    def __init__(self, rows: list[int], shifts: list[int]) -> None:
        self.rows, self.shifts = rows, shifts

    @classmethod
    def of(cls, bound: list[BoundCell]) -> _Offsets | None:
        """None when a column moved, or one template row moved by two amounts."""
        by_row: dict[int, int] = {}
        for cell in bound:
            if not cell.via_name:
                continue  # read at the template's place: says nothing of where rows went
            slot, raw = cell.slot, cell.raw
            if raw.col != slot.col or by_row.setdefault(slot.row, raw.row - slot.row) != (
                raw.row - slot.row
            ):
                return None
        rows = sorted(by_row)
        return cls(rows, [by_row[row] for row in rows])

    def at(self, row: int) -> list[int]:
        """The shifts a template row may have had: its own field row's, else those of the
        field rows just above and below it (one when they agree)."""
        if not self.rows:
            return [0]
        index = bisect.bisect_left(self.rows, row)
        if index < len(self.rows) and self.rows[index] == row:
            return [self.shifts[index]]
        near = {self.shifts[i] for i in (index - 1, index) if 0 <= i < len(self.rows)}
        return sorted(near)


def _same(raw: RawCell | None, text: _Text) -> bool:
    if raw is None:
        return not text.folded
    if raw.formula is not None:
        return False
    return fold(raw.value) == text.folded


def _blank(raw: RawCell) -> bool:
    return raw.formula is None and not fold(raw.value)


def _quote(raw: RawCell | None) -> str:
    """A cell's content as quoted: its formula, or its value, cut after _QUOTED characters."""
    if raw is None or _blank(raw):
        return "(空欄)"
    text = raw.formula if raw.formula is not None else str(raw.value)
    text = " ".join(text.split())
    return f"「{text[:_QUOTED]}…」" if len(text) > _QUOTED else f"「{text}」"


def _changed(result: ReadResult, sheet: str, changed: Changed) -> Iterator[Finding]:
    if len(changed) > CHANGED_LIMIT:
        examples = "、".join(
            f"{a1(*place)} {_quote_text(text.text)}→{_quote(raw)}"
            for place, text, raw in changed[:3]
        )
        yield _problem(
            result,
            "label-changed",
            f"シート「{sheet}」の見出し・単位など様式の文字が {len(changed)} か所、様式と違います"
            f"(例: {examples})。古い様式や別の様式に記入したブックではないか確認し、"
            "新しい様式をダウンロードして転記してください。",
            sheet=sheet,
        )
        return
    for place, text, raw in changed:
        cell = a1(*place)
        what = (
            "が消されています"
            if raw is None or _blank(raw)
            else f"が{_quote(raw)}に変更されています"
        )
        yield _problem(
            result,
            "label-changed",
            f"'{sheet}'!{cell}: 様式の文字{_quote_text(text.text)}{what}。点検・集計は様式の"
            "見出し・単位のとおりに値を読みます。値が様式の見出し・単位で記入されているか確認し、"
            f"このセルを{_quote_text(text.text)}に戻してください。",
            sheet=sheet,
            cell=cell,
            value=None if raw is None else (raw.formula or raw.value),
            expected=text.text,
        )


def _outside(result: ReadResult, sheet: str, outside: list[RawCell]) -> Iterator[Finding]:
    for raw in outside[:OUTSIDE_LIMIT]:
        yield _problem(
            result,
            "text-outside-form",
            f"'{sheet}'!{raw.address}: 様式の入力欄でないセルに{_quote(raw)}と記入されています"
            "(点検・集計では読みません)。必要なことは備考欄などの入力欄に書き、"
            "このセルは空欄にしてください。",
            sheet=sheet,
            cell=raw.address,
            value=raw.formula or raw.value,
        )
    rest = outside[OUTSIDE_LIMIT:]
    if rest:
        cells = "、".join(raw.address for raw in rest[:5]) + ("ほか" if len(rest) > 5 else "")
        yield _problem(
            result,
            "text-outside-form",
            f"シート「{sheet}」には、ほかにも様式の入力欄でないセルへの記入が {len(rest)} か所"
            f"あります({cells})。点検・集計では読みません。必要なことは備考欄などの入力欄に"
            "書いてください。",
            sheet=sheet,
        )


def _unchecked(result: ReadResult, sheet: str, because: str) -> Finding:
    return _problem(
        result,
        "fixed-texts-unchecked",
        f"シート「{sheet}」は{because}、見出し・単位が様式のままか、入力欄でないセルに記入が"
        "ないかを確認していません。様式の形に戻すと確認できます。",
        sheet=sheet,
    )


def _quote_text(text: str) -> str:
    text = " ".join(text.split())
    return f"「{text[:_QUOTED]}…」" if len(text) > _QUOTED else f"「{text}」"


def _problem(result: ReadResult, code: str, message: str, **place: Any) -> Finding:
    return Finding(Problem(code, message, file=str(result.path), **place))


# --- what the template has, once per plan -----------------------------------------------


def _forms(plan: WorkbookPlan) -> dict[str, _SheetForm]:
    """Each sheet's fixed texts, field cells and records bodies (kept per plan)."""
    kept = derived(plan)
    forms = kept.get("fixed_texts")
    if forms is None:
        forms = kept["fixed_texts"] = {
            sheet.name: _form(plan, sheet.name, sheet.cells) for sheet in plan.sheets
        }
    return forms


def _form(plan: WorkbookPlan, name: str, painted: list[Any]) -> _SheetForm:
    texts: list[_Text] = []
    fields: set[Place] = set()
    for cell in painted:
        if cell.slot is not None:
            fields.update(
                (row, col)
                for row in range(cell.row, cell.last_row + 1)
                for col in range(cell.col, cell.last_col + 1)
            )
        elif cell.text:
            texts.append(_Text(cell.row, cell.col, cell.text, fold(cell.text)))
    bodies = tuple(table.name for table in plan.records.values() if table.sheet == name)
    fields.update((text.row, text.col) for text in texts)
    return _SheetForm(tuple(texts), frozenset(fields), bodies)
