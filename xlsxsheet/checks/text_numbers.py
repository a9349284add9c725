"""A number stored as text in a numeric input: xlsxsheet reads it, Excel's formulas do not.

SUM skips a text cell and arithmetic over one is #VALUE! where Excel cannot turn it into a
number (△500, 13,000千円; LibreOffice turns even fewer), so the department's own sheet shows
totals without the value while xlsxsheet's include it. The warning names the computed cells of
the layout that use the input, worked out from the plan once and only for returns that need it.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from xlsxsheet.checks.base import Finding, problem_at, show
from xlsxsheet.core.changes import Change
from xlsxsheet.core.memo import derived
from xlsxsheet.layout.formula import parse_formula
from xlsxsheet.layout.formula_syntax import Node
from xlsxsheet.plan.workbook_plan import Slot, WorkbookPlan
from xlsxsheet.reading.return_reader import Key, ReadResult
from xlsxsheet.reading.values import Normalized

NUMERIC_TYPES = frozenset({"number", "integer", "money", "percent"})
SKIPPING = frozenset({"sum", "min", "max"})  # Excel's SUM/MIN/MAX skip a text cell
SHOWN = 3  # dependent cells named in a message; the others counted

# a cell a formula reads -> (the computed cell reading it, read by sum/min/max)
Edges = dict[Key, list[tuple[Slot, bool]]]


def stored_as_text(slot: Slot, normalized: Normalized, formula: str | None) -> bool:
    """A numeric input whose cell holds text that was read as a number (not one of the field's
    words, not a sentence kept as typed; a formula's result is formula-in-input's to report)."""
    value = normalized.value
    return (
        normalized.status == "ok"
        and isinstance(normalized.raw, str)
        and isinstance(value, int | float)
        and not isinstance(value, bool)
        and slot.field.type in NUMERIC_TYPES
        and formula is None
    )


def text_number_finding(
    result: ReadResult, slot: Slot, normalized: Normalized, fixed: Change | None
) -> Finding:
    """The warning for a number stored as text; `fixed`: the change by which fix writes the
    number in its place (value-normalized's), said when the copy makes it."""
    raw, value = normalized.raw, normalized.value
    left_out, failing = dependents(result.plan, slot.key)
    parts = [f"入力値 {show(raw)} は数値ではなく文字列として保存されています。"]
    if left_out:
        parts.append(
            f"Excel の合計(SUM)は文字列を飛ばすため、{_names(left_out)} の計算にこの値が入りません。"
        )
    if failing:
        parts.append(
            f"Excel では {_names(failing)} が #VALUE! になることがあります(文字列は計算できないため)。"
        )
    if not (left_out or failing):
        parts.append(
            "Excel の合計(SUM)はこの値を飛ばし、掛け算・割り算などは #VALUE! になることがあります。"
        )
    if fixed is not None:  # by hand; what the corrected copy writes is said last (pipeline)
        advice = f"半角の数字だけで {_plain(value)} と入力し直してください"
    elif normalized.qualifier:
        advice = (
            f"「{normalized.qualifier}」は数値の欄に入れず、半角の数字だけで入力し直してください"
        )
    else:
        advice = "半角の数字だけで入力し直してください"
    parts.append(
        f"{advice}(セルの表示形式が「文字列」なら「標準」に戻してから)。"
        f"点検では {show(value)} として読みました。"
    )
    message = "".join(parts)
    problem = problem_at(result, slot, "number-stored-as-text", message, value=raw, expected=value)
    if fixed is None:
        return Finding(problem)
    return Finding(problem, fixed, f"修正版では数値の {show(value)} にします。")


def dependents(plan: WorkbookPlan, key: Key) -> tuple[list[str], list[str]]:
    """The labels of the computed cells an input feeds, in the plan's order: those that leave
    it out when it is text (a sum/min/max over it, and what is computed from them), and the
    others (arithmetic over it: #VALUE! where Excel cannot read the text). Once per plan and
    input."""
    kept = derived(plan)
    found: dict[Key, tuple[list[str], list[str]]] = kept.setdefault("text_number_uses", {})
    if key in found:
        return found[key]
    edges = kept.get("text_number_edges")
    if edges is None:
        edges = kept["text_number_edges"] = _edges(plan)
    left_out = _reached([s for s, skipping in edges.get(key, ()) if skipping], edges)
    failing = _reached([s for s, skipping in edges.get(key, ()) if not skipping], edges)
    order = {k: i for i, k in enumerate(plan.slots)}
    first = sorted(left_out.values(), key=lambda s: order.get(s.key, 0))
    second = sorted(
        (s for k, s in failing.items() if k not in left_out), key=lambda s: order.get(s.key, 0)
    )
    found[key] = answer = [s.label for s in first], [s.label for s in second]
    return answer


def _edges(plan: WorkbookPlan) -> Edges:
    """Each cell a formula reads -> the computed cells reading it, and whether as an argument
    of sum/min/max; a records column's cells -> its `sum` row (the other aggregates over
    records count marks: not numbers typed as text)."""
    edges: Edges = {}
    for slot in plan.slots.values():
        fdef = slot.field
        spec = fdef.aggregate
        if spec is not None and spec.kind == "column-sum":
            table = plan.records.get(".".join(spec.table))
            for unit in table.units if table is not None else ():
                cell = unit.get((spec.column or "", None))
                if cell is not None:
                    edges.setdefault(cell.key, []).append((slot, True))
            continue
        if not fdef.computed or fdef.formula is None or spec is not None:
            continue
        for ref, skipping in _reads(fdef.formula):
            sibling = slot.siblings.get(ref)
            if sibling is not None:
                edges.setdefault(sibling.key, []).append((slot, skipping))
    return edges


def _reached(start: list[Slot], edges: Edges) -> dict[Key, Slot]:
    """The slots of `start` and every computed slot computed from them."""
    reached: dict[Key, Slot] = {}
    stack = list(start)
    while stack:
        slot = stack.pop()
        if slot.key in reached:
            continue
        reached[slot.key] = slot
        stack.extend(s for s, _skipping in edges.get(slot.key, ()))
    return reached


@cache
def _reads(formula: str) -> tuple[tuple[str, bool], ...]:
    """(ref, read as a direct argument of sum/min/max) for each reference of a formula."""
    return tuple(sorted(_walk(parse_formula(formula).tree, False)))


def _walk(node: Node, skipping: bool) -> set[tuple[str, bool]]:
    if node.kind == "ref":
        return {(str(node.value), skipping)}
    inner = node.kind == "call" and node.value in SKIPPING
    found: set[tuple[str, bool]] = set()
    for arg in node.args:
        found |= _walk(arg, inner)
    return found


def _names(labels: list[str]) -> str:
    shown = "・".join(labels[:SHOWN])
    return shown if len(labels) <= SHOWN else f"{shown} ほか{len(labels) - SHOWN}欄"


def _plain(value: int | float) -> str:
    """A number as typed into a cell: half-width digits, no separators (1200, -500, 12.8)."""
    if isinstance(value, int):
        return str(value)
    return format(Decimal(repr(value)), "f")
