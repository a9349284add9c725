"""Find each field of a layout in a city's workbook by its labels, never by its address.

A field is found when its innermost row label is a cell of the city's sheet whose labels to
the left (inherited down blank or merged cells) contain the template's outer labels in order,
and its column is the heading above that names the same year (H28年度 = 平成28年度 = 2016) or
the same column; a field with no label beside it is the cell below its heading. Every way a
field could be found is tried: none is a miss, two different cells a conflict.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from xlsxsheet.core.cells import a1
from xlsxsheet.label_import.label_index import SheetIndex
from xlsxsheet.label_import.label_paths import Wanted
from xlsxsheet.label_import.label_text import header_year, is_label, normalise, year_forms
from xlsxsheet.layout.import_loader import ImportSpec

TEXT_BLOCK_ROWS = 80  # a text typed below its heading is read this far at most
VALUE_BELOW_ROWS = 3  # a value below its heading (a grade) is looked for this far


@dataclass(frozen=True)
class Hit:
    """Where a field was found: the cell, its value and the labels that led there."""

    sheet: str
    row: int
    col: int
    raw: object
    path: str  # the city's labels, as typed
    reason: str  # how sure: exact labels, an alias, a heading typed shorter, a 和暦 heading
    part: bool = False  # a part of the cell's text (import.fields): others may share the cell

    @property
    def cell(self) -> str:
        return a1(self.row, self.col)


@dataclass(frozen=True)
class Outcome:
    """A field's result: one hit, an empty place (labels found, no value), or nothing."""

    wanted: Wanted
    hits: tuple[Hit, ...] = ()
    empty_at: str | None = None  # sheet!cell where the labels lead but nothing is typed
    near: str | None = None  # a label found whose surroundings did not fit
    why: str | None = None  # why a positional field was not found (import.tables)


class Matcher:
    """Finds fields in a workbook's sheets, with the layout's aliases."""

    def __init__(self, sheets: list[SheetIndex], spec: ImportSpec, known: set[str]) -> None:
        self.sheets, self.spec, self.known = sheets, spec, known
        self.aliases = {
            normalise(k): {normalise(w) for w in words} for k, words in spec.aliases.items()
        }
        self._years: dict[tuple[str, int], list[tuple[int, int]]] = {}
        self._positions = None

    def expect(self, wanted: list[Wanted]) -> None:
        """The fields to be found: what a positional table (`import.tables`) needs to know
        of its items' order and its headings."""
        from xlsxsheet.label_import.label_positions import PositionalTables

        stops = self.known | {w for words in self.aliases.values() for w in words}
        self._positions = PositionalTables(self.sheets, self.variants, wanted, stops)

    def variants(self, label: str) -> dict[str, str]:
        """Normalised forms of a label -> the reason to give when that form matched."""
        base = normalise(label)
        out = {base: "ラベル一致"}
        for word in sorted(self.aliases.get(base, ())):
            out.setdefault(word, f"別名「{word}」")
        for form in year_forms(label):
            out.setdefault(form, f"年度の書き方違い「{form}」")
        return out

    def find(self, wanted: Wanted) -> Outcome:
        # where the labels the template prints are not found: the layout's other ways
        table = self.spec.tables.get(wanted.slot.field.id.split(".")[0])
        if table is not None and table.group is None:
            table = None  # a records table's columns: label_records reads them
        whole = self.spec.cells.get(wanted.slot.field.id)
        if table is not None or whole is not None:
            by_labels = self._find_by_labels(wanted)
            if by_labels.hits:
                return by_labels
            if table is not None:
                other = self._find_by_position(wanted, table)
            else:
                assert whole is not None
                other = self._find_in_cell(wanted, whole.pattern, whole.remove_spaces)
            if other.hits or other.empty_at or not (by_labels.near or by_labels.empty_at):
                return other
            return by_labels
        return self._find_by_labels(wanted)

    def _find_by_labels(self, wanted: Wanted) -> Outcome:
        special = self.spec.fields.get(wanted.slot.field.id)
        if special is not None:
            return self._find_inside(wanted, special.label, special.pattern, special.remove_spaces)
        if wanted.row_labels:
            return self._find_in_row(wanted)
        if wanted.above:
            return self._find_below(wanted)
        return Outcome(wanted)

    # --- a label left of the value ---------------------------------------------------------
    def _find_in_row(self, wanted: Wanted) -> Outcome:
        hits: list[Hit] = []
        empty_at = near = None
        inner = self.variants(wanted.row_labels[-1])
        for sheet in self.sheets:
            for text, reason in inner.items():
                for row, col in sheet.by_text.get(text, ()):
                    outer = self._outer_match(sheet, row, col, wanted.row_labels[:-1])
                    if outer is None:
                        near = near or f"{sheet.name}!{a1(row, col)}"
                        continue
                    reasons = [r for r in (*outer, reason) if r != "ラベル一致"]
                    place = self._value_col(sheet, wanted, row, col, reasons)
                    if place is None:
                        near = near or f"{sheet.name}!{a1(row, col)}"
                        continue
                    vcol = place
                    value = sheet.value(row, vcol)
                    if value is None or self.is_heading(value):
                        empty_at = empty_at or f"{sheet.name}!{a1(row, vcol)}"
                        continue
                    path = " > ".join([*sheet.context(row, col), sheet.label_at(row, col) or text])
                    if wanted.column_label:
                        path += f" > {wanted.column_label}"
                    hits.append(
                        Hit(sheet.name, row, vcol, value, path, "、".join(reasons) or "ラベル一致")
                    )
        if not hits and wanted.column_label and wanted.year is None:
            hits = self._find_inline(wanted)
        return Outcome(wanted, _distinct(hits), empty_at if not hits else None, near)

    # --- a table's row labels typed at the start of its first cell ---------------------------
    def _find_inline(self, wanted: Wanted) -> list[Hit]:
        """`ア 人口(各年4月1日現在)` under 名称: the row labelled ア; a cell starting with fewer
        labels (`イ …` under `1 ア …`) takes the outer ones from the cell above it."""
        hits = []
        depth = len(wanted.row_labels)
        for sheet in self.sheets:
            for (row, col), (tokens, rest) in sheet.inline.items():
                if self.is_heading(sheet.values.get((row, col))):
                    continue  # a heading of the template (`3 総事業費…`), not a row
                full = self._inherit_tokens(sheet, row, col, tokens, depth)
                if full is None:
                    continue
                reasons = []
                for label, token in zip(wanted.row_labels, full, strict=True):
                    forms = self.variants(label)
                    if token not in forms:
                        break
                    reasons.append(forms[token])
                else:
                    head = self._table_head(sheet, row, wanted, lambda c: True)
                    if head is None:
                        continue
                    hr, hc = head
                    _, c1, _, c2 = sheet.extent(hr, hc)
                    if c1 <= col <= c2:
                        value, vcol = rest, col
                    else:
                        value, vcol = sheet.value(row, hc), hc
                    if value is None or value == "":
                        continue
                    reason = "、".join(r for r in reasons if r != "ラベル一致")
                    hits.append(
                        Hit(
                            sheet.name,
                            row,
                            vcol,
                            value,
                            " > ".join([*full, str(sheet.values[(hr, hc)])]),
                            (reason + "、" if reason else "")
                            + "セルの先頭の記号を行の見出しとして照合",
                            part=vcol == col,
                        )
                    )
        return hits

    def _table_head(
        self, sheet: SheetIndex, row: int, wanted: Wanted, col_ok: Callable[[int], bool]
    ) -> tuple[int, int] | None:
        """The heading of the wanted column nearest above `row`, if it is this table's: for a
        table, its row holds another of the table's headings too (`名称` and `単位`) and no
        other table's heading row comes between (`単位` beside `望ましい方向` below it)."""
        forms = self.variants(wanted.column_label or "")
        heads = [
            (r, c)
            for text in forms
            for r, c in sheet.by_text.get(text, ())
            if r < row and col_ok(c)
        ]
        if not heads:
            return None
        hr, hc = max(heads)
        if not wanted.siblings:
            return hr, hc
        texts = {t for _, t in sheet.row_labels(hr)}
        if not any(texts & set(self.variants(s)) for s in wanted.siblings):
            return None
        for r in range(hr + 1, row):
            row_texts = {t for _, t in sheet.row_labels(r)}
            if sum(1 for t in row_texts if len(t) >= 2 and t in self.known) >= 2:
                return None  # another table's heading row between
        return hr, hc

    def _inherit_tokens(
        self, sheet: SheetIndex, row: int, col: int, tokens: tuple[str, ...], depth: int
    ) -> tuple[str, ...] | None:
        if len(tokens) > depth:
            return None
        if len(tokens) == depth:
            # a row of a deeper table (`イ …` under `1 ア …`) is not a row of this one
            for r in range(row - 1, max(row - 20, -1), -1):
                above = sheet.inline.get((r, col))
                if above is not None:
                    return tokens if len(above[0]) <= depth else None
                if sheet.label_at(r, col) is not None:
                    break
            return tokens
        for r in range(row - 1, max(row - 20, -1), -1):
            above = sheet.inline.get((r, col))
            if above is not None and len(above[0]) >= depth:
                return (*above[0][: depth - len(tokens)], *tokens)
            if above is None and sheet.label_at(r, col) is not None:
                return None  # another kind of row: no labels to take
        return None

    def _outer_match(
        self, sheet: SheetIndex, row: int, col: int, outer: tuple[str, ...]
    ) -> list[str] | None:
        """The reasons each outer label matched with, in order, or None when one is missing."""
        context = sheet.context(row, col)
        reasons, at = [], 0
        for label in outer:
            forms = self.variants(label)
            while at < len(context) and context[at] not in forms:
                at += 1
            if at == len(context):
                return None
            reasons.append(forms[context[at]])
            at += 1
        return reasons

    def _value_col(
        self, sheet: SheetIndex, wanted: Wanted, row: int, col: int, reasons: list[str]
    ) -> int | None:
        last = sheet.extent(row, col)[3]
        if wanted.year is not None:
            heads = [
                (r, c) for r, c in self._year_heads(sheet, wanted.year) if r < row and c > last
            ]
            if not heads:
                return None
            r, c = max(heads)
            typed = str(sheet.value(r, c))
            if normalise(typed) != normalise(wanted.column_label or ""):
                reasons.append(f"年度見出し「{typed.strip()}」")
            return c
        if wanted.column_label:
            head = self._table_head(sheet, row, wanted, lambda c: c > last)
            return head[1] if head else None
        # the n-th value right of the label
        seen = -1
        for c in sorted(c for (r, c) in sheet.values if r == row and c > last):
            if sheet.anchor(row, c) != (row, c):
                continue
            seen += 1
            if seen == wanted.ordinal:
                return c
        return last + 1

    def _year_heads(self, sheet: SheetIndex, year: int) -> list[tuple[int, int]]:
        key = (sheet.name, year)
        if key not in self._years:
            self._years[key] = [
                (r, c) for (r, c), v in sheet.values.items() if header_year(v) == year
            ]
        return self._years[key]

    # --- a positional table (import.tables) and a label with its value in one cell ----------
    def _find_by_position(self, wanted: Wanted, table) -> Outcome:
        if self._positions is None:
            self.expect([wanted])
        assert self._positions is not None
        found, empty_at, why = self._positions.find(wanted, table)
        hits = tuple(Hit(*h) for h in found)
        return Outcome(wanted, _distinct(list(hits)), empty_at, why=None if hits else why)

    def _find_in_cell(
        self, wanted: Wanted, pattern: re.Pattern[str], remove_spaces: bool
    ) -> Outcome:
        """The first cell of each sheet (top to bottom) whose text matches: group 1."""
        hits: list[Hit] = []
        for sheet in self.sheets:
            for (row, col), raw in sorted(sheet.values.items()):
                if not isinstance(raw, str):
                    continue
                found = pattern.search(unicodedata.normalize("NFKC", raw).strip())
                if found is None or not found.group(1).strip():
                    continue
                value = found.group(1).strip()
                if remove_spaces:
                    value = "".join(value.split())
                reason = "ラベルと値が一つのセル、様式の import.fields の pattern で取り出し"
                hits.append(
                    Hit(
                        sheet.name,
                        row,
                        col,
                        value,
                        f"「{raw.strip()[:40]}」の一部",
                        reason,
                        part=True,
                    )
                )
                break
        return Outcome(wanted, _distinct(hits))

    # --- a value inside the cell after its label (import.fields) -----------------------------
    def _find_inside(
        self, wanted: Wanted, label: str, pattern: re.Pattern[str], remove_spaces: bool
    ) -> Outcome:
        hits: list[Hit] = []
        empty_at = None
        for sheet in self.sheets:
            for text, reason in self.variants(label).items():
                for row, col in sheet.by_text.get(text, ()):
                    last = sheet.extent(row, col)[3]
                    cols = sorted(c for (r, c) in sheet.values if r == row and c > last)[:2]
                    found = None
                    for vcol in cols:  # the cell after the label, or the one after it
                        raw = sheet.value(row, vcol)
                        if self.is_heading(raw):
                            break
                        text = unicodedata.normalize("NFKC", str(raw)).strip()
                        found = pattern.search(text)
                        if found is not None and found.group(1).strip():
                            break
                        found = None
                    if found is None:
                        empty_at = empty_at or f"{sheet.name}!{a1(row, last + 1)}"
                        continue
                    value = found.group(1).strip()
                    if remove_spaces:
                        value = "".join(value.split())
                    hits.append(
                        Hit(
                            sheet.name,
                            row,
                            vcol,
                            value,
                            f"{sheet.values.get((row, col))} > 「{raw}」の一部",
                            f"{reason}、様式の import.fields の pattern で取り出し",
                            part=True,
                        )
                    )
        return Outcome(wanted, _distinct(hits), empty_at)

    # --- a value below its heading ---------------------------------------------------------
    def _find_below(self, wanted: Wanted) -> Outcome:
        hits: list[Hit] = []
        empty_at = None
        heading = normalise(wanted.above)
        for sheet in self.sheets:
            for (row, col), text in list(sheet.labels.items()):
                if sheet.anchor(row, col) != (row, col) or row != sheet.extent(row, col)[0]:
                    continue
                reason = _heading_match(text, heading, self.variants(wanted.above or ""))
                if reason is None:
                    continue
                c1, c2 = col, sheet.extent(row, col)[3]
                found = self._below(
                    sheet, row, c1, c2, wanted.slot.field.type == "text", wanted.ordinal
                )
                if found is None:
                    empty_at = empty_at or f"{sheet.name}!{a1(row + 1, col)}"
                    continue
                vrow, vcol, value = found
                hits.append(
                    Hit(
                        sheet.name,
                        vrow,
                        vcol,
                        value,
                        f"{sheet.values[(row, col)]}"[:60] + " の下",
                        reason,
                    )
                )
        return Outcome(wanted, _distinct(hits), empty_at)

    def _below(
        self, sheet: SheetIndex, row: int, c1: int, c2: int, text_block: bool, ordinal: int = 0
    ) -> tuple[int, int, object] | None:
        lines: list[str] = []
        first: tuple[int, int] | None = None
        limit = TEXT_BLOCK_ROWS if text_block else VALUE_BELOW_ROWS
        r = row + sheet.extent(row, c1)[2] - row + 1
        while r <= row + limit:
            cells = [(c, sheet.values[(r, c)]) for c in range(c1, c2 + 1) if (r, c) in sheet.values]
            if any(c < c1 for c in sheet.row_cols.get(r, ())) and not cells:
                break  # a label further left: another block
            if cells:
                c, value = cells[0]
                if self.is_heading(value):
                    break
                if not text_block or ordinal:
                    anchors = sorted({sheet.anchor(r, c) for c, _ in cells})
                    if ordinal >= len(anchors):
                        return None
                    ar, ac = anchors[ordinal]
                    return r, ac, sheet.values[(ar, ac)]
                first = first or (r, c)
                lines.append(str(value).strip())
            r += 1
        if first is None:
            return None
        return first[0], first[1], "\n".join(lines)

    def is_heading(self, value: object) -> bool:
        """A template's own text (or a heading typed shorter): where a value is not."""
        if not is_label(value):
            return False
        text = normalise(value)
        if len(text) < 2:
            return False  # a level label (`4`, `ア`) may be a value too
        folded = unicodedata.normalize("NFKC", str(value)).strip()
        if any(t.group is not None and t.group.search(folded) for t in self.spec.tables.values()):
            return True  # a group heading of a table (`＜展開方向１：…＞`)
        return text in self.known or (
            len(text) >= 6 and any(k.startswith(text) for k in self.known)
        )


def _heading_match(text: str, heading: str, forms: dict[str, str]) -> str | None:
    if text in forms:
        return forms[text]
    if len(text) >= 6 and heading.startswith(text):
        return "見出しの前方一致(市の見出しが短い)"
    if len(heading) >= 6 and text.startswith(heading):
        return "見出しの前方一致(市の見出しが長い)"
    return None


def _distinct(hits: list[Hit]) -> tuple[Hit, ...]:
    seen: dict[tuple[str, int, int], Hit] = {}
    for hit in hits:
        seen.setdefault((hit.sheet, hit.row, hit.col), hit)
    return tuple(seen.values())
