"""A table whose rows have no labels, found by position under a labelled heading.

A plan's indicator table (国立's 基本計画) prints no `1` / `ア` beside its rows: each group
starts at a heading the layout's `import.tables.<id>.group` matches (`＜展開方向１：…＞`, group 1
= the first level's label), then the table's heading row (most of the template's column
headings), then its rows, which are the next level's items in the layout's order (ア, イ). A
heading over two rows (`目標値` over `Ｈ31年` | `Ｈ35年`) names a column when the template's
heading is the upper text and the year (`目標値 R1年度`). Nothing here knows a layout.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from xlsxsheet.core.cells import a1
from xlsxsheet.label_import.label_index import SheetIndex
from xlsxsheet.label_import.label_paths import Wanted
from xlsxsheet.label_import.label_text import header_year, normalise
from xlsxsheet.layout.import_loader import TableImport


@dataclass(frozen=True)
class Group:
    """One group of a positional table in a sheet: its heading, heading rows and data rows."""

    sheet: SheetIndex
    label: str  # the first level's label (normalised), e.g. "1"
    title: str  # the group's heading as typed
    head_row: int  # the row of the column headings
    sub_row: int | None  # a row of year headings under them, if any
    rows: tuple[int, ...]  # the data rows, in order


def row_cells(sheet: SheetIndex, row: int) -> list[tuple[int, object]]:
    """The (column, value) of a row, left to right."""
    return sheet.row_values(row)


def _no_group(tid: str, label: str) -> str:
    return f"「{label}」の見出し(様式の import.tables.{tid}.group に当たるセル)がありません"


def table_id(wanted: Wanted) -> str:
    return wanted.slot.field.id.split(".")[0]


def column_id(wanted: Wanted) -> str:
    return wanted.slot.field.id.rsplit(".", 1)[-1]


class PositionalTables:
    """Finds the fields of the layout's positional tables (`import.tables`)."""

    def __init__(
        self,
        sheets: list[SheetIndex],
        variants,
        wanted: list[Wanted],
        stops: set[str] = frozenset(),
    ) -> None:
        self.sheets, self.variants = sheets, variants
        self.stops = set(stops)  # texts a block of text below its heading stops at
        self._groups: dict[str, list[Group]] = {}
        # per table: the column headings the template prints and its items in order
        self._headings: dict[str, set[str]] = {}
        self._items: dict[tuple[str, str], list[str]] = {}
        for w in wanted:
            if not w.row_labels or not w.column_label:
                continue
            tid = table_id(w)
            self._headings.setdefault(tid, set()).add(normalise(w.column_label))
            if len(w.row_labels) < 2:
                continue
            items = self._items.setdefault((tid, w.row_labels[0]), [])
            if w.row_labels[1] not in items:
                items.append(w.row_labels[1])

    def find(self, wanted: Wanted, spec: TableImport) -> tuple[list[tuple], str | None, str]:
        """(hits as (sheet, row, col, value, path, reason, part), empty_at, why not)."""
        tid = table_id(wanted)
        if len(wanted.row_labels) == 1 and wanted.column_label:
            return self._find_in_group(wanted, spec)
        if len(wanted.row_labels) < 2 or not wanted.column_label:
            return [], None, "位置で読む表の項目ではありません"
        group_label, item = normalise(wanted.row_labels[0]), wanted.row_labels[1]
        index = self._items.get((tid, wanted.row_labels[0]), []).index(item)
        declared = spec.columns.get(column_id(wanted))
        hits, empty_at, why = [], None, _no_group(tid, wanted.row_labels[0])
        for group in self.groups(tid, spec):
            if group.label != group_label:
                continue
            if index >= len(group.rows):
                why = f"「{group.title}」の下の表に{index + 1}行目がありません"
                continue
            # the template's heading (a pattern without a heading of its own applies to it),
            # else the heading the layout declares, with its pattern: a part of that cell
            place = self._column(group, wanted.column_label)
            column = declared if declared is not None and not declared.heading else None
            if place is None and declared is not None and declared.heading:
                place, column = self._column(group, declared.heading), declared
            if place is None:
                why = f"「{group.title}」の下の表に見出し「{wanted.column_label}」がありません"
                continue
            col, typed_heading = place
            row = group.rows[index]
            sheet = group.sheet
            raw = sheet.values.get((row, col)) if sheet.anchor(row, col) == (row, col) else None
            value = raw
            if raw is not None and column is not None and column.pattern is not None:
                text = unicodedata.normalize("NFKC", str(raw)).strip()
                found = column.pattern.search(text)
                value = found.group(1).strip() if found and found.group(1).strip() else None
                if value is not None and column.remove_spaces:
                    value = "".join(value.split())
            if value is None or value == "":
                empty_at = empty_at or f"{sheet.name}!{a1(row, col)}"
                continue
            path = f"{group.title} > 表の{index + 1}行目 > {typed_heading}"
            reason = f"見出しの下の位置(表の{index + 1}行目)で照合"
            if column is not None and column.pattern is not None:
                reason += "、様式の import.tables の pattern で取り出し"
            part = column is not None and column.pattern is not None
            hits.append((sheet.name, row, col, value, path, reason, part))
        return hits, (empty_at if not hits else None), why

    def _find_in_group(
        self, wanted: Wanted, spec: TableImport
    ) -> tuple[list[tuple], str | None, str]:
        """A table of one level (展開方向 1…4 with 名称, 【目的】, 【手段】): per group heading,
        a part of the heading itself (`from_group`) or the text below the column's heading
        inside the group, up to the next heading of the table or of the template."""
        assert spec.group is not None
        label = normalise(wanted.row_labels[0])
        column = spec.columns.get(column_id(wanted))
        heading = (column.heading if column and column.heading else None) or wanted.column_label
        headings = {
            f
            for c, cs in spec.columns.items()
            for h in (cs.heading,)
            if h
            for f in self.variants(h)
        } | {f for h in self._own_headings(spec, wanted) for f in self.variants(h)}
        hits, empty_at = [], None
        why = _no_group(table_id(wanted), wanted.row_labels[0])
        for sheet, row, col, found, end in self._starts(spec):
            if normalise(found.group(1)) != label:
                continue
            title = str(sheet.values[(row, col)]).strip()
            if column is not None and column.from_group:
                value = found.group(column.from_group).strip()
                hits.append(
                    (
                        sheet.name,
                        row,
                        col,
                        value,
                        f"{title} の一部",
                        "見出しの一部(様式の import.tables の group)",
                        True,
                    )
                )
                continue
            forms = self.variants(heading or "")
            at = next(
                (
                    (r, c)
                    for (r, c), t in sorted(sheet.labels.items())
                    if row < r < end and t in forms
                ),
                None,
            )
            if at is None:
                why = f"「{title}」の下に見出し「{heading}」がありません"
                continue
            lines, first = [], None
            for r in range(at[0] + 1, end):
                cells = row_cells(sheet, r)
                if not cells:
                    continue
                text = normalise(cells[0][1])
                if text in headings or text in self.stops:
                    break
                first = first or (r, cells[0][0])
                lines.append(" ".join(str(v).strip() for _, v in cells))
            if first is None:
                empty_at = empty_at or f"{sheet.name}!{a1(at[0] + 1, at[1])}"
                continue
            typed = str(sheet.values.get(at)).strip()
            hits.append(
                (
                    sheet.name,
                    first[0],
                    first[1],
                    "\n".join(lines),
                    f"{title} > {typed} の下",
                    "見出しの下(様式の import.tables の group の中)",
                    False,
                )
            )
        return hits, (empty_at if not hits else None), why

    def _own_headings(self, spec: TableImport, wanted: Wanted) -> set[str]:
        return self._headings.get(table_id(wanted), set())

    def _starts(self, spec: TableImport):
        """(sheet, row, col, match, end row) of every group heading, in sheet order."""
        assert spec.group is not None
        for sheet in self.sheets:
            starts = []
            for (row, col), value in sorted(sheet.values.items()):
                if isinstance(value, str):
                    found = spec.group.search(unicodedata.normalize("NFKC", value).strip())
                    if found:
                        starts.append((row, col, found))
            last_row = max((r for r, _ in sheet.values), default=0)
            for i, (row, col, found) in enumerate(starts):
                end = starts[i + 1][0] if i + 1 < len(starts) else last_row + 1
                yield sheet, row, col, found, end

    def groups(self, tid: str, spec: TableImport) -> list[Group]:
        if tid not in self._groups:
            self._groups[tid] = [
                g for sheet in self.sheets for g in self._sheet_groups(sheet, tid, spec)
            ]
        return self._groups[tid]

    def _sheet_groups(self, sheet: SheetIndex, tid: str, spec: TableImport) -> list[Group]:
        starts = []
        for (row, _col), value in sorted(sheet.values.items()):
            if not isinstance(value, str):
                continue
            found = spec.group.search(unicodedata.normalize("NFKC", value).strip())
            if found:
                starts.append((row, normalise(found.group(1)), value.strip()))
        last_row = max((r for r, _ in sheet.values), default=0)
        out = []
        for i, (row, label, title) in enumerate(starts):
            end = starts[i + 1][0] if i + 1 < len(starts) else last_row + 1
            head = self._head_row(sheet, tid, row + 1, end)
            if head is None:
                continue
            sub = head + 1 if self._is_year_row(sheet, head + 1) else None
            rows = self._data_rows(sheet, (sub or head) + 1, end)
            out.append(Group(sheet, label, title, head, sub, tuple(rows)))
        return out

    def _head_row(self, sheet: SheetIndex, tid: str, first: int, end: int) -> int | None:
        headings = self._headings.get(tid, set())
        forms = {f for h in headings for f in self.variants(h)}
        for row in range(first, end):
            if sum(1 for _, t in sheet.row_labels(row) if t in forms) >= 2:
                return row
        return None

    @staticmethod
    def _is_year_row(sheet: SheetIndex, row: int) -> bool:
        cells = [v for _, v in row_cells(sheet, row)]
        return bool(cells) and all(header_year(v) is not None for v in cells)

    @staticmethod
    def _data_rows(sheet: SheetIndex, first: int, end: int) -> list[int]:
        """Rows of two cells or more, from `first` to a row of one cell (a note, a heading)."""
        rows = []
        for row in range(first, end):
            cells = {sheet.anchor(row, c) for c, _ in row_cells(sheet, row)}
            if not cells:
                continue
            if len(cells) < 2:
                break
            rows.append(row)
        return rows

    def _column(self, group: Group, heading: str) -> tuple[int, str] | None:
        """The column under `heading` in the group's heading row(s), and the heading typed."""
        sheet = group.sheet
        forms = self.variants(heading)
        labels = sheet.row_labels(group.head_row)
        for col, text in labels:
            if text in forms:
                return col, str(sheet.values.get(sheet.anchor(group.head_row, col), text))
        if group.sub_row is None:
            return None
        wanted = normalise(heading)
        for i, (col, text) in enumerate(labels):
            year = header_year(wanted[len(text) :]) if wanted.startswith(text) else None
            if year is None:
                continue
            last = sheet.extent(group.head_row, col)[3]
            if last == col:  # not merged: up to the next heading of the row
                nxt = [c for c, _ in labels[i + 1 :]]
                last = (nxt[0] - 1) if nxt else col + 20
            for c in range(col, last + 1):
                typed = sheet.values.get((group.sub_row, c))
                if header_year(typed) == year:
                    upper = sheet.values.get(sheet.anchor(group.head_row, col))
                    return c, f"{upper} > {str(typed).strip()}"
        return None
