"""Values for template-writer tests: what stresses the cell, string and row writers."""

from __future__ import annotations

from typing import Any

from xlsxsheet.plan.workbook_plan import WorkbookPlan

Key = tuple[str, int | None]


def edge_values(plan: WorkbookPlan) -> dict[Key, Any]:
    """Values that stress the cell, string and row writers."""
    inputs = [s for s in plan.slots.values() if not s.field.computed]
    texts = [s for s in inputs if s.field.type == "text"]
    numbers = [s for s in inputs if s.field.type in ("money", "integer", "number", "percent")]
    label = next(c.text for sp in plan.sheets for c in sp.cells if c.slot is None and c.text)
    odd_texts = [
        "  leading and trailing spaces  ",
        "a & b < c > d \"quoted\" 'single'",
        "control\x01char and _x0041_ literal",
        "line\n" * 30,  # a tall row
        label,  # the same text as a label: shares its string
        "全角テキスト" * 80,
        "-",
    ]
    odd_numbers = [0, -1, 1918000, 0.1 + 0.2, 1e20, -0.0, 12345678901234567, 13.5, True]
    values: dict[Key, Any] = {}
    for slot, value in zip(texts, odd_texts, strict=False):
        values[slot.key] = value
    for slot, value in zip(numbers, odd_numbers, strict=False):
        values[slot.key] = value
    return values
