"""What a plan is: the cells a template paints and the slot of every field cell.

A `WorkbookPlan` is made by `plan.workbook_plan.build_plan` (and `cached_plan`) and never
changed after: the template writer paints it, the reader binds a workbook's cells to its slots.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xlsxsheet.layout import model as m

LINE_HEIGHT = 13.5
VERTICAL_LABEL_ROWS = 4


@dataclass
class Slot:
    """The cell of one field (one year of a series): where it is and what it is called."""

    field: m.FieldDef
    year: int | None
    sheet: str
    row: int
    col: int
    name: str
    label: str
    last_row: int = -1
    last_col: int = -1
    item: dict[int | None, dict[str, Slot]] = field(default_factory=dict)
    direction_path: tuple[str, ...] | None = None
    # a cell of a records table: the table (plan.records key) and the unit (record row) index;
    # such a cell has no defined name of its own: `name` is the table body's name
    table: str | None = None
    unit: int | None = None
    # The slot's key in plan.slots, made with the slot: every stage asks for it for every cell
    # (fields, years and units of a slot never change after planning).
    key: tuple[str, int | None] = field(init=False, repr=False, compare=False)

    @property
    def siblings(self) -> dict[str, Slot]:
        """The other series cells of the same year-table item and year (for formulas)."""
        return self.item.get(self.year, {})

    def __post_init__(self) -> None:
        if self.unit is not None:
            self.key = (f"{self.field.id}#{self.unit}", self.year)
        else:
            self.key = (self.field.id, self.year)

    @property
    def kind(self) -> str:
        return "computed" if self.field.computed else "input"


@dataclass
class PlanCell:
    """A painted cell or merged range: static text, or a field slot."""

    row: int
    col: int
    last_row: int
    last_col: int
    style: str
    text: str = ""
    slot: Slot | None = None


@dataclass
class SheetPlan:
    definition: m.SheetDef
    name: str
    cells: list[PlanCell] = field(default_factory=list)
    row_heights: dict[int, float] = field(default_factory=dict)
    rows: int = 0


@dataclass
class WorkbookPlan:
    layout: m.Layout
    year: int
    params: dict[str, Any]
    sheets: list[SheetPlan]
    slots: dict[tuple[str, int | None], Slot]
    # records tables by dotted path (plan_records.RecordsTable), and the shapes they were laid
    # out for: the body rows of a document's records, or a number of rows found in a workbook
    records: dict[str, Any] = field(default_factory=dict)
    shapes: dict[str, Any] = field(default_factory=dict)
    # `slots` in order as parts: a single cell's Slot, or a RecordsTable standing for its units'
    # slots (which follow in unit order): the binding takes a table's units whole
    parts: list[Any] = field(default_factory=list)

    def slots_of(self, field_id: str) -> list[Slot]:
        return [s for (fid, _), s in self.slots.items() if fid == field_id]
