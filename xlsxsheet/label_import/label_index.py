"""A city's workbook as labels: each sheet's text cells with positions and merged extents."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from xlsxsheet.label_import.label_text import is_label, normalise
from xlsxsheet.reading.workbook_reader import WorkbookContent


@dataclass
class SheetIndex:
    """One sheet: every cell's value (a merged range's at each cell it covers) and its labels."""

    name: str
    values: dict[tuple[int, int], Any]
    anchors: dict[tuple[int, int], tuple[int, int, int, int]]  # covered cell -> merged range
    labels: dict[tuple[int, int], str] = field(default_factory=dict)  # normalised text
    by_text: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    row_cols: dict[int, list[int]] = field(default_factory=dict)  # label columns per row
    # a cell that begins with its row's labels (`1 ア 福祉活動に取り組んでいる市民の割合`):
    # those labels (normalised) and the rest of the text
    inline: dict[tuple[int, int], tuple[tuple[str, ...], str]] = field(default_factory=dict)
    _context: dict[tuple[int, int], str | None] = field(default_factory=dict, repr=False)
    _rows: dict[int, list[tuple[int, Any]]] | None = field(default=None, repr=False)

    def row_values(self, row: int) -> list[tuple[int, Any]]:
        """The (column, value) of a row's cells, left to right (indexed on first use)."""
        if self._rows is None:
            self._rows = {}
            for (r, c), v in sorted(self.values.items()):
                self._rows.setdefault(r, []).append((c, v))
        return self._rows.get(row, [])

    def value(self, row: int, col: int) -> Any:
        return self.values.get(self.anchor(row, col))

    def anchor(self, row: int, col: int) -> tuple[int, int]:
        merged = self.anchors.get((row, col))
        return (merged[0], merged[1]) if merged else (row, col)

    def extent(self, row: int, col: int) -> tuple[int, int, int, int]:
        """The cell's merged range (first row, first col, last row, last col), or itself."""
        return self.anchors.get((row, col), (row, col, row, col))

    def row_labels(self, row: int) -> list[tuple[int, str]]:
        """The (column, label) of a row, left to right."""
        return [(c, self.labels[(row, c)]) for c in sorted(set(self.row_cols.get(row, ())))]

    def label_at(self, row: int, col: int) -> str | None:
        return self.labels.get((row, col))

    def inherited(self, row: int, col: int) -> str | None:
        """The label column `col` gives row `row`: its own text, else the text above it, as far
        up as no label further left starts a new group (a hand-made sheet leaves the cells of
        a group blank below its label, or merges them)."""
        key = (row, col)
        if key in self._context:
            return self._context[key]
        found = None
        for r in range(row, -1, -1):
            text = self.labels.get((r, col))
            if text is not None:
                found = text
                break
            if any(c < col for c in self.row_cols.get(r, ())):
                break
        self._context[key] = found
        return found

    def context(self, row: int, col: int) -> list[str]:
        """The labels left of (row, col), outer first, each column's inherited label."""
        out = []
        for c in range(col):
            text = self.inherited(row, c)
            if text is not None and (not out or out[-1] != text):
                out.append(text)
        return out


def index_workbook(content: WorkbookContent) -> list[SheetIndex]:
    """Every visible sheet of a workbook, in workbook order."""
    sheets = []
    for name in content.sheet_names:
        if content.sheet_states.get(name, "visible") != "visible":
            continue
        sheets.append(index_sheet(content, name))
    return sheets


def index_sheet(content: WorkbookContent, name: str) -> SheetIndex:
    anchors: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for r1, c1, r2, c2 in content.merged.get(name, []):
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                anchors[(r, c)] = (r1, c1, r2, c2)
    values: dict[tuple[int, int], Any] = {}
    for (row, col), cell in content.cells.get(name, {}).items():
        value = cell.value
        if cell.formula is not None:
            value = content.cached_value(name, row, col)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        values[(row, col)] = value
    index = SheetIndex(name, values, anchors)
    for (row, col), value in values.items():
        if not is_label(value):
            continue
        text = normalise(value)
        r1, c1, r2, c2 = index.extent(row, col)
        for r in range(r1, r2 + 1):  # a merged label labels every row it covers
            index.labels[(r, c1)] = text
            index.row_cols.setdefault(r, []).append(c1)
        index.by_text.setdefault(text, []).append((row, col))
        found = inline_labels(str(value))
        if found is not None:
            index.inline[(row, col)] = found
    return index


_TOKEN = re.compile(r"^(?:\d{1,2}|[ア-ン]|[①-⑳]|\(\d{1,2}\))$")


def inline_labels(text: str) -> tuple[tuple[str, ...], str] | None:
    """The level labels a cell's text begins with (up to three: `1`, `ア`, `①`, `(1)`) and the
    rest, or None when it begins with none or is nothing but labels."""
    parts = unicodedata.normalize("NFKC", text).strip().split(maxsplit=3)
    tokens: list[str] = []
    for part in parts:
        if len(tokens) < 3 and _TOKEN.match(part):
            tokens.append(part)
        else:
            break
    if not tokens or len(tokens) == len(parts):
        return None
    rest = unicodedata.normalize("NFKC", text).strip()
    for token in tokens:
        rest = rest[rest.index(token) + len(token) :].lstrip()
    return tuple(normalise(t) for t in tokens), rest
