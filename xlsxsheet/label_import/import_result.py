"""What an import found: per field where it came from, and every field it could not place.

Nothing is guessed silently: a field is `placed` (sheet, cell, the labels that matched, how
sure), `missing` (no label found, or the labels lead to an empty cell), `conflict` (found at
two different cells, or one cell claimed by two fields: left empty), or `invalid` (found, but
the value does not fit the field). A total the city typed is compared with the layout's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlsxsheet.core.fiscal_year import column_label


@dataclass(frozen=True)
class FieldItem:
    """One field (one year of a series) and what became of it."""

    status: str  # placed | missing | conflict | invalid | skipped (a city's own 計 row)
    field: str
    year: int | None
    label: str  # the field's Japanese label (with its year column)
    template_path: str  # the labels the template prints for it
    sheet: str | None = None
    cell: str | None = None
    source_path: str | None = None  # the city's labels that led to the cell
    value: Any = None  # the value as it goes into the xlsxsheet workbook
    typed: Any = None  # the value as the city typed it
    reason: str = ""  # how sure, or why not
    computed: bool = False  # a field the layout computes: compared, never written

    def as_dict(self) -> dict[str, Any]:
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        return {k: v for k, v in data.items() if v is not None and v != "" and v is not False}


@dataclass(frozen=True)
class TotalCheck:
    """A total the city typed beside the layout's own (a computed field)."""

    field: str
    year: int | None
    label: str
    sheet: str
    cell: str
    typed: Any
    computed: Any

    @property
    def agrees(self) -> bool:
        if isinstance(self.typed, int | float) and isinstance(self.computed, int | float):
            return abs(self.typed - self.computed) < 0.5
        return self.typed == self.computed


@dataclass(frozen=True)
class ParamItem:
    """A layout parameter (計画最終年度): stated in the sheet, given, or the layout's default."""

    param: str
    label: str
    value: Any
    source: str  # sheet | given | default
    sheet: str | None = None
    cell: str | None = None
    typed: str | None = None
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        return {k: v for k, v in data.items() if v is not None and v != ""}

    def line(self) -> str:
        """One line of the text report."""
        where = f" '{self.sheet}'!{self.cell} 「{self.typed}」" if self.cell else ""
        how = {"sheet": "シートから", "given": "指定"}.get(self.source, "既定値")
        return (
            f"  ◇ 様式の設定 {self.label} = {column_label(self.value)}({how}{where}、{self.reason})"
        )


@dataclass
class ImportResult:
    """One workbook imported into a layout and year."""

    source: Path
    layout: str
    year: int
    items: list[FieldItem] = field(default_factory=list)
    totals: list[TotalCheck] = field(default_factory=list)
    document: dict[str, Any] = field(default_factory=dict)
    output: Path | None = None
    params: list[ParamItem] = field(default_factory=list)
    # computed fields the city typed (slot, item), compared once the workbook is written
    pending_totals: list[Any] = field(default_factory=list, repr=False)

    def of(self, status: str) -> list[FieldItem]:
        return [i for i in self.items if i.status == status]

    @property
    def ok(self) -> bool:
        """No input placed twice or unreadable: what was found is in the workbook."""
        return not [i for i in self.items if i.status in ("conflict", "invalid") and not i.computed]

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": str(self.source),
            "output": str(self.output) if self.output else None,
            "layout": self.layout,
            "year": self.year,
            "counts": {
                s: len(self.of(s)) for s in ("placed", "missing", "conflict", "invalid", "skipped")
            },
            "params": [p.as_dict() for p in self.params],
            "fields": [i.as_dict() for i in self.items],
            "totals": [
                {
                    "field": t.field,
                    "year": t.year,
                    "label": t.label,
                    "sheet": t.sheet,
                    "cell": t.cell,
                    "typed": t.typed,
                    "computed": t.computed,
                    "agrees": t.agrees,
                }
                for t in self.totals
            ],
        }

    def text(self) -> str:
        """The report for a person: what came from where, then everything not placed."""
        lines = [
            f"{self.source.name}: 様式 {self.layout} {column_label(self.year)} として取り込み",
            f"  取り込んだ項目 {len(self.of('placed'))}、見つからない {len(self.of('missing'))}、"
            f"重複 {len(self.of('conflict'))}、値が読めない {len(self.of('invalid'))}",
        ]
        if self.output:
            lines.append(f"  書き出し: {self.output}")
        lines.extend(p.line() for p in self.params)
        for item in self.of("placed"):
            lines.append(
                f"  ○ {item.label}: '{item.sheet}'!{item.cell} 「{item.source_path}」"
                f" = {item.typed!r} ({item.reason})"
            )
        for status, mark in (("conflict", "× 重複"), ("invalid", "× 値")):
            for item in self.of(status):
                where = f" '{item.sheet}'!{item.cell}" if item.cell else ""
                lines.append(f"  {mark} {item.label}{where}: {item.reason}")
        for item in self.of("skipped"):
            lines.append(f"  ・ {item.label} '{item.sheet}'!{item.cell}: {item.reason}")
        empty: dict[str, list[FieldItem]] = {}
        for item in self.of("missing"):
            if item.cell and item.year is not None:  # a year the city left blank
                empty.setdefault(item.field, []).append(item)
            else:
                where = f" '{item.sheet}'!{item.cell}" if item.cell else ""
                lines.append(f"  － なし {item.label}{where}: {item.reason}")
        for items in empty.values():
            years = "、".join(column_label(i.year) for i in items if i.year is not None)
            name = items[0].label.rsplit(" ", 1)[0]
            lines.append(f"  － 空欄 {name}: {years}")
        for total in self.totals:
            verdict = "一致" if total.agrees else "不一致"
            lines.append(
                f"  Σ {total.label}: '{total.sheet}'!{total.cell} 市の入力 {total.typed!r}、"
                f"様式の計算 {total.computed!r}、{verdict}"
            )
        return "\n".join(lines)
