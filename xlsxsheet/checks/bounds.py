"""Numbers outside the bounds a layout gives their field (`min`, `max`): a 決算額 below 0
(△35,400 read as −35,400), a 達成率 above 1,000. A warning at the cell; `fix` changes nothing."""

from __future__ import annotations

from collections.abc import Iterator

from xlsxsheet.checks.base import Finding, problem_at, show
from xlsxsheet.plan.slot_queries import slots_where
from xlsxsheet.plan.workbook_plan import Slot
from xlsxsheet.reading.return_reader import ReadResult


def _bounded(slot: Slot) -> bool:
    return slot.field.minimum is not None or slot.field.maximum is not None


def range_text(low: float | None, high: float | None) -> str:
    """The bounds as a sentence part: 0以上, 1,000以下, 0以上1,000以下."""
    words = []
    if low is not None:
        words.append(f"{show(low)}以上")
    if high is not None:
        words.append(f"{show(high)}以下")
    return "".join(words)


def check_bounds(result: ReadResult) -> Iterator[Finding]:
    for slot in slots_where(result.plan, "bounds", _bounded):
        value = result.value(slot.key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue  # blank, or a text the other checks report (not-a-number) or keep (words)
        fdef = slot.field
        low, high = fdef.minimum, fdef.maximum
        if low is not None and value < low:
            side = f"下限 {show(low)} より小さい値です"
        elif high is not None and value > high:
            side = f"上限 {show(high)} より大きい値です"
        else:
            continue
        expected = range_text(low, high)
        if fdef.computed:
            message = (
                f"計算結果 {show(value)} は{side}(この欄は{expected})。"
                "計算のもとになる値(目標値・実績値など)の入力の誤りがないか確かめてください。"
            )
        else:
            raw = result.cells[slot.key].raw.value if slot.key in result.cells else value
            typed = show(raw) if raw == value else f"{show(raw)}({show(value)} として読みました)"
            message = (
                f"入力値 {typed} は{side}(この欄は{expected})。符号(△・－)や桁、単位を"
                "確かめてください。正しい値であればこのままで構いません。"
            )
        yield Finding(
            problem_at(result, slot, "out-of-range", message, value=value, expected=expected)
        )
