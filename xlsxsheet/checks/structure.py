"""The sheet as the template made it: sheets, names, protection and merged cells.

Departments rename, hide, reorder and delete sheets, unprotect them, insert or delete rows and
merge or unmerge cells. Reading goes through the defined names, so most of this does not stop
it; these checks say what was done, where, and what it means for the values read.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product

from xlsxsheet.checks.base import Finding
from xlsxsheet.core.cells import a1
from xlsxsheet.core.copy_sheets import is_copy_sheet
from xlsxsheet.core.memo import derived
from xlsxsheet.core.names import META_SHEET
from xlsxsheet.core.problems import Problem
from xlsxsheet.plan.slot_queries import slots_where
from xlsxsheet.plan.workbook_plan import Slot
from xlsxsheet.reading.binding import bound_as_planned, sheet_map
from xlsxsheet.reading.return_reader import ReadResult

Range = tuple[int, int, int, int]  # 0-based first row, first col, last row, last col


def _problem(result: ReadResult, code: str, message: str, **place: object) -> Finding:
    return Finding(Problem(code, message, file=str(result.path), **place))  # type: ignore[arg-type]


def check_structure(result: ReadResult) -> Iterator[Finding]:
    yield from _metadata(result)
    yield from _sheets(result)
    if result.migration is not None:
        return  # made from an older version of the layout: its cells sit where that one put them
    if _in_place(result) and _template_merges_clean(result):
        return  # nothing moved and the template's merges: nothing for _moved or _merges to say
    yield from _moved(result)
    yield from _merges(result)


def _in_place(result: ReadResult) -> bool:
    """Every field cell was read on its planned sheet, row and column (almost every return)."""
    if result.migration is None and bound_as_planned(result.content, result.plan):
        return True
    for cell in result.cells.values():
        slot, raw = cell.slot, cell.raw
        if raw.row != slot.row or raw.col != slot.col or raw.sheet != slot.sheet:
            return False
    return True


def _template_merges_clean(result: ReadResult) -> bool:
    """True when, with this workbook's merged ranges, no field cell of the plan at its planned
    place would be hidden in a merge or unmerged; kept per plan and merged ranges (returns of
    one template share them), so a return in place is not checked cell by cell."""
    plan, merged = result.plan, result.content.merged
    key = tuple((sheet.name, tuple(merged.get(sheet.name, ()))) for sheet in plan.sheets)
    cache: dict[tuple[object, ...], bool] = derived(plan).setdefault("merges_clean", {})
    clean = cache.get(key)
    if clean is None:
        ranges_of = dict(key)
        covering: dict[str, _Covering] = {}  # made for the sheets a cell needs it on
        clean = True
        for slot in slots_where(plan, "merge-watched", _merge_watched):
            row, col = slot.row, slot.col
            cover = covering.get(slot.sheet)
            if cover is None:
                cover = covering[slot.sheet] = _covering(list(ranges_of[slot.sheet]), plan)
            over = cover.over(row, col)
            if slot.unit is not None and over is not None and over[:2] != (row, col):
                continue  # a records cell inside a merge is not read (binding leaves it out)
            if _merge_issue(slot, row, col, over) is not None:
                clean = False
                break
        if len(cache) >= 64:
            cache.clear()
        cache[key] = clean
    return clean


def _merge_watched(slot: Slot) -> bool:
    """False for a records cell of one cell: not read inside a merge, else fine."""
    return not (slot.unit is not None and slot.last_row <= slot.row and slot.last_col <= slot.col)


def _merge_issue(slot: Slot, row: int, col: int, covering: Range | None) -> str | None:
    """ "cells-merged", "cells-unmerged" or None for a field cell read at (row, col) under the
    merged range `covering` (None: not merged)."""
    if covering is not None and (covering[0] != row or covering[1] != col):
        return "cells-merged"
    expected = _planned_merge(slot, row, col)
    if expected is None:
        return None
    if covering is None or covering[2] < expected[2] or covering[3] < expected[3]:
        return "cells-unmerged"
    return None


def _planned_merge(slot: Slot, row: int, col: int) -> Range | None:
    """The merged range the template gives a field whose cell was read at (row, col); None
    for a field of a single cell."""
    height, width = slot.last_row - slot.row, slot.last_col - slot.col
    if height <= 0 and width <= 0:
        return None
    return (row, col, row + max(height, 0), col + max(width, 0))


def _metadata(result: ReadResult) -> Iterator[Finding]:
    if not result.content.metadata.get("layout"):
        yield _problem(
            result,
            "metadata-missing",
            f"{result.path.name} に様式情報(隠しシート {META_SHEET} と文書のプロパティ)が"
            f"ありません。指定された様式「{result.plan.layout.id}」・{result.plan.year}年度として"
            "読みました。様式のシートを別のブックにコピーしていないか確認してください。",
        )


def _sheets(result: ReadResult) -> Iterator[Finding]:
    content = result.content
    mapping = sheet_map(content, result.plan, result.migration)
    for planned, found in mapping.items():
        if found is None:
            others = "、".join(f"「{s}」" for s in content.sheet_names if s != META_SHEET)
            yield _problem(
                result,
                "sheet-missing",
                f"シート「{planned}」がありません(ブックにあるシート: {others or 'なし'})。"
                "このシートの項目は読めません。シートを削除していないか確認し、"
                "様式のシートに記入して提出し直してください。",
                sheet=planned,
            )
            continue
        if found != planned:
            yield _problem(
                result,
                "sheet-renamed",
                f"シート名が「{planned}」から「{found}」に変更されています。"
                "名前定義から項目を読みました。シート名は様式のままにしてください。",
                sheet=found,
                value=found,
                expected=planned,
            )
        state = content.sheet_states.get(found, "visible")
        if state != "visible":
            yield _problem(
                result,
                "sheet-hidden",
                f"シート「{found}」が非表示になっています。値は読みましたが、"
                "[ホーム] → [書式] → [非表示/再表示] でシートを再表示してください。",
                sheet=found,
                value=state,
            )
        if content.protected.get(found) is False:
            yield _problem(
                result,
                "protection-removed",
                f"シート「{found}」の保護が解除されています。計算式・見出し・単位の変更と、"
                "入力欄でないセルへの記入は、この点検の他の項目で報告します。"
                "確認のうえ、シートを保護し直してください([校閲] → [シートの保護])。",
                sheet=found,
            )
    present = [found for found in mapping.values() if found is not None]
    in_book = [s for s in content.sheet_names if s in present]
    if in_book != present and result.migration is None:  # an older version had its own order
        moved = next(b for a, b in zip(present, in_book, strict=True) if a != b)
        yield _problem(
            result,
            "sheet-order",
            f"シートの順序が様式と違います(様式: {'、'.join(present)} / ブック:"
            f" {'、'.join(in_book)})。シートを様式の順に並べ直してください。",
            sheet=moved,
        )
    for sheet in content.sheet_names:
        if sheet != META_SHEET and sheet not in present and not is_copy_sheet(sheet):
            yield _problem(
                result,
                "sheet-added",
                f"様式にないシート「{sheet}」が追加されています。このシートは読みません。",
                sheet=sheet,
            )


def _moved(result: ReadResult) -> Iterator[Finding]:
    """One finding per sheet whose fields the names show moved: rows or columns were inserted
    or deleted. Reading followed the names, so the values are right."""
    moved: dict[str, list] = {}
    for cell in result.cells.values():
        slot, raw = cell.slot, cell.raw
        if cell.via_name and (raw.row != slot.row or raw.col != slot.col):
            moved.setdefault(raw.sheet, []).append(cell)
    for sheet, cells in moved.items():
        first = cells[0]
        slot = first.slot
        yield _problem(
            result,
            "cells-moved",
            f"'{sheet}'!{first.address}: 行または列が挿入・削除され、{len(cells)} 項目の位置が様式から"
            f"変わっています(例: {slot.label} は {a1(slot.row, slot.col)} → {first.address})。"
            "名前定義から読みました。行・列の挿入や削除はしないでください。",
            sheet=sheet,
            cell=first.address,
            field=slot.field.id,
            label=slot.label,
            value=first.address,
            expected=a1(slot.row, slot.col),
        )


class _Covering(dict[tuple[int, int], Range]):
    """The merged range over each cell a sheet's ranges cover (the first in the sheet's order
    where ranges overlap); a sheet with a huge merged range is searched range by range."""

    def __init__(self, ranges: list[Range]) -> None:
        super().__init__()
        self.ranges = [r for r in ranges if r[:2] != r[2:]]
        self.huge = any((r[2] - r[0] + 1) * (r[3] - r[1] + 1) > _HUGE for r in self.ranges)
        if not self.huge:
            for r in reversed(self.ranges):  # an earlier range's cells overwrite a later one's
                self.update(dict.fromkeys(product(range(r[0], r[2] + 1), range(r[1], r[3] + 1)), r))

    def over(self, row: int, col: int) -> Range | None:
        if not self.huge:
            return self.get((row, col))
        return next((r for r in self.ranges if r[0] <= row <= r[2] and r[1] <= col <= r[3]), None)


_HUGE = 10_000  # cells in one merged range


def _covering(ranges: list[Range], plan: object) -> _Covering:
    """A sheet's merged ranges by cell. Returns share their template's merges: kept per plan."""
    cache: dict[tuple[Range, ...], _Covering] = derived(plan).setdefault("merge_cover", {})
    key = tuple(ranges)
    found = cache.get(key)
    if found is not None:
        return found
    covering = _Covering(ranges)
    if len(cache) >= 64:
        cache.clear()
    cache[key] = covering
    return covering


def _range_text(r: Range) -> str:
    first, last = a1(r[0], r[1]), a1(r[2], r[3])
    return first if first == last else f"{first}:{last}"


def _merges(result: ReadResult) -> Iterator[Finding]:
    """Field cells against the merged ranges: hidden inside a merge (its value is lost), or a
    merge of the template undone."""
    merged = {
        sheet: _covering(ranges, result.plan) for sheet, ranges in result.content.merged.items()
    }
    for cell in result.cells.values():
        slot, raw = cell.slot, cell.raw
        row, col = raw.row, raw.col
        covering = merged[raw.sheet].over(row, col) if raw.sheet in merged else None
        issue = _merge_issue(slot, row, col, covering)
        if issue is None:
            continue
        where = f"'{cell.sheet}'!{cell.address} ({slot.label})"
        if issue == "cells-merged":
            assert covering is not None
            yield _problem(
                result,
                "cells-merged",
                f"{where}: この欄はセルの結合 {_range_text(covering)} の中に隠れています。"
                "結合すると左上以外のセルの値は失われます。結合を解除して値を入力し直してください。",
                sheet=cell.sheet,
                cell=cell.address,
                field=slot.field.id,
                label=slot.label,
                value=_range_text(covering),
            )
            continue
        expected = _planned_merge(slot, row, col)
        assert expected is not None  # "cells-unmerged" is said only of a merged field
        yield _problem(
            result,
            "cells-unmerged",
            f"{where}: 様式では {_range_text(expected)} を結合した欄ですが、"
            f"{'結合が解除されています' if covering is None else '結合の範囲が ' + _range_text(covering) + ' に変わっています'}。"
            "値はこのセルから読みました。様式の形に戻してください。",
            sheet=cell.sheet,
            cell=cell.address,
            field=slot.field.id,
            label=slot.label,
            value=None if covering is None else _range_text(covering),
            expected=_range_text(expected),
        )
