"""Records tables of a city's sheet, found by their labels: each table's title (施策①…), its
heading row (No., 取組内容, 指標, R2 … R8) and the rows below it (目標 / 実績 / 評価), page after
page — a table whose title and headings repeat on the next page goes on where it stopped."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import Any

from xlsxsheet.core.cells import a1
from xlsxsheet.label_import.heading_shapes import (
    blank_mark_item,
    is_blank_mark,
    opens_headings,
    rest_of,
    spanned_columns,
    unseen_columns,
)
from xlsxsheet.label_import.import_result import FieldItem
from xlsxsheet.label_import.label_index import SheetIndex, inline_labels
from xlsxsheet.label_import.label_match import Matcher
from xlsxsheet.label_import.label_text import header_year, normalise
from xlsxsheet.layout import model as m
from xlsxsheet.plan.record_rows import parse
from xlsxsheet.plan.workbook_plan import WorkbookPlan
from xlsxsheet.reading.return_reader import input_value, normalize_cell


@dataclass(frozen=True)
class TableLabels:
    """What the template prints for one records table."""

    path: tuple[str, ...]
    block: m.RecordsBlock
    title: str | None
    columns: dict[str, str]  # column id -> heading
    years: tuple[int, ...]
    grid_rows: dict[str, str]  # grid row label -> grid row id
    template_cols: dict[str, int]  # column id -> the template's column (for unheaded ones)
    caption: str | None = None  # the block's title as printed above its headings


def table_labels(plan: WorkbookPlan) -> list[TableLabels]:
    out = []
    for dotted, table in plan.records.items():
        sheet = next(s for s in plan.sheets if s.name == table.sheet)
        texts = [c for c in sheet.cells if c.slot is None and c.text]
        head = table.first_row - 1

        def heading(row: int, col: int, cells=texts) -> str:
            """The heading over a column: the lowest text cell covering it (merged down)."""
            over = [c for c in cells if c.row <= row <= c.last_row and c.col <= col <= c.last_col]
            return max(over, key=lambda c: c.row).text if over else ""

        columns = {cid: heading(head, col) for cid, col in table.col_of.items()}
        title = heading(head - 1, 0) if table.block.levels else None
        grid = table.block.grid
        out.append(
            TableLabels(
                tuple(dotted.split(".")),
                table.block,
                title,
                columns,
                tuple(sorted(table.year_col)),
                {normalise(r.label): r.id for r in grid.rows} if grid else {},
                dict(table.col_of),
                heading(head - 1, 0) if table.block.title else None,
            )
        )
    return out


@dataclass
class _Segment:
    sheet: SheetIndex
    title_row: int
    table: TableLabels | None
    end: int = 0


def import_records(
    plan: WorkbookPlan, sheets: list[SheetIndex], matcher: Matcher
) -> tuple[dict[str, list[dict[str, Any]]], list[FieldItem]]:
    """Each records table's records (by dotted path) and a report item per value found."""
    tables = table_labels(plan)
    units: dict[str, list[dict[Any, Any]]] = {".".join(t.path): [] for t in tables}
    seen: dict[str, set[str]] = {".".join(t.path): set() for t in tables}
    items: list[FieldItem] = []
    for segment in _segments(tables, sheets, matcher):
        if segment.table is None:
            continue
        dotted = ".".join(segment.table.path)
        items.extend(_read_segment(plan, segment, matcher, units[dotted], seen[dotted]))
    records: dict[str, list[dict[str, Any]]] = {}
    for t in tables:  # the units as the reader parses a table: fill-down, heading rows
        dotted = ".".join(t.path)
        found = [{k: v for k, v in u.items() if k != _GRIDS} for u in units[dotted]]
        records[dotted] = [record.values for record in parse(t.block, found)]
    for t in tables:
        if records[".".join(t.path)]:
            items.extend(unseen_columns(plan, t.path, t.columns, seen[".".join(t.path)]))
        else:
            items.append(
                FieldItem(
                    "missing",
                    ".".join(t.path),
                    None,
                    t.title or t.block.id,
                    t.title or "",
                    reason=f"表「{t.title or t.block.id}」の見出しが見つかりません",
                )
            )
    return records, items


def _segments(tables: list[TableLabels], sheets: list[SheetIndex], matcher: Matcher):
    """Where each table is: from its title (a table per 施策), or from its heading row (a table
    without a title), to where the next table starts on the sheet."""
    titled = [t for t in tables if t.title]
    untitled = [t for t in tables if not t.title]
    for sheet in sheets:
        starts: list[_Segment] = []
        for (row, col), text in sheet.labels.items():
            if sheet.anchor(row, col) != (row, col):
                continue
            for t in titled:
                if text in matcher.variants(t.title or ""):
                    starts.append(_Segment(sheet, row, t))
        rows = sorted({r for r, _ in sheet.labels})
        started: tuple[int, int, Any] = (-2, 0, None)  # the last start: row, score, table
        for row in rows:
            scored = [(_heading_score(sheet, row, t, matcher), t) for t in untitled]
            scored = [(found, t) for (found, share), t in scored if share >= 0.5]
            if not scored:
                continue
            # the table whose headings the row (and the rows under it) has most of
            found, best = max(scored, key=lambda x: x[0])
            if row == started[0] + 1 and best is not started[2] and found < started[1]:
                continue  # the lower row of the headings of the table starting above
            starts.append(_Segment(sheet, row - 1, best))
            started = (row, found, best)
        starts.sort(key=lambda s: s.title_row)
        last_row = max((r for r, _ in sheet.values), default=0)
        for i, seg in enumerate(starts):
            seg.end = starts[i + 1].title_row if i + 1 < len(starts) else last_row
            yield seg


def _heading_score(
    sheet: SheetIndex, row: int, table: TableLabels, matcher: Matcher
) -> tuple[int, float]:
    """How many of a table's headings a row and the three under it hold, and their share
    (the first column's heading must be in the row itself)."""
    if not table.columns:
        return 0, 0.0
    if not _opens(sheet, row, table, matcher) and not _has_caption(sheet, row, table, matcher):
        return 0, 0.0
    texts = {t for r in range(row, row + 4) for _, t in sheet.row_labels(r)}
    found = sum(1 for cid in table.columns if texts & set(column_forms(table, cid, matcher)))
    return found, found / len(table.columns)


def _opens(sheet: SheetIndex, row: int, table: TableLabels, matcher: Matcher) -> bool:
    first_id = next(iter(table.columns))
    others = (
        f for cid in table.columns if cid != first_id for f in column_forms(table, cid, matcher)
    )
    return opens_headings(sheet, row, column_forms(table, first_id, matcher), others)


def column_forms(table: TableLabels, cid: str, matcher: Matcher) -> dict[str, str]:
    """The forms of a column's heading: the template's, and the one the layout's
    `import.tables` declares (`基準値 (基準年度)`, one heading over two columns)."""
    return {**matcher.variants(table.columns[cid]), **declared_forms(table, cid, matcher)}


def declared_forms(table: TableLabels, cid: str, matcher: Matcher) -> dict[str, str]:
    spec = matcher.spec.tables.get(table.path[-1])
    column = spec.columns.get(cid) if spec else None
    if column is None or not column.heading:
        return {}
    own = matcher.variants(table.columns[cid])
    return {k: v for k, v in matcher.variants(column.heading).items() if k not in own}


def _caption_col(sheet: SheetIndex, row: int, table: TableLabels, matcher: Matcher) -> int | None:
    """The column where the table's title is typed in its heading row (調布's まちづくり指標)."""
    if not table.caption:
        return None
    forms = matcher.variants(table.caption)
    return next((c for c, t in sheet.row_labels(row) if t in forms), None)


def _has_caption(sheet: SheetIndex, row: int, table: TableLabels, matcher: Matcher) -> bool:
    return _caption_col(sheet, row, table, matcher) is not None


def _read_segment(
    plan: WorkbookPlan,
    seg: _Segment,
    matcher: Matcher,
    units: list[dict[Any, Any]],
    seen: set[str],
) -> list[FieldItem]:
    """The units of one table's part on one page (a record, or a heading row of a
    hierarchy), added to `units`, the columns found added to `seen`, and a report item per
    value."""
    table, sheet = seg.table, seg.sheet
    assert table is not None
    head_row = None
    for r in range(seg.title_row + 1, seg.end + 1):
        if _opens(sheet, r, table, matcher):
            head_row = r
            break
        if _has_caption(sheet, r, table, matcher):
            head_row = r
            break
    if head_row is None:
        return []
    # the headings: the row of the first one and the rows under it that hold headings only
    # (a heading grouped under another: 取組実績 > 計画前倒し)
    cols: dict[str, int] = {}
    declared: set[str] = set()  # columns found by the heading `import.tables` declares
    found_at: dict[str, tuple[int, int]] = {}
    heading_rows: list[int] = []
    for r in range(head_row, min(head_row + 4, seg.end + 1)):
        if r > head_row and ("num" in cols and sheet.value(r, cols["num"]) is not None):
            break  # the first record
        row_labels = sheet.row_labels(r)
        if r > head_row and not row_labels:
            break
        found_here = False
        for cid in table.columns:
            if cid in cols:
                continue
            forms = column_forms(table, cid, matcher)
            for c, t in row_labels:
                if t in forms or any(len(f) >= 6 and t.startswith(f) for f in forms):
                    cols[cid] = sheet.anchor(r, c)[1]
                    found_at[cid] = sheet.anchor(r, c)
                    if t in declared_forms(table, cid, matcher):
                        declared.add(cid)
                    found_here = True
                    break
        if r > head_row and not found_here:
            break  # a row under the headings with none of them: the body
        heading_rows.append(r)
    cols.update(spanned_columns(sheet, found_at, cols))
    under_caption = _under_caption(table, cols, _caption_col(sheet, head_row, table, matcher))
    cols.update(under_caption)
    by_position = _unheaded(table, cols)
    cols.update(by_position)
    seen.update(cols)
    parts = {
        cid: c for cid, c in _parts(table, matcher).items() if cid in declared or not c.heading
    }
    year_cols = {
        header_year(v): c
        for (rr, c), v in sheet.values.items()
        if rr in heading_rows and header_year(v) in table.years
    }
    head_row = heading_rows[-1]
    aggregates = {normalise(a.label) for a in table.block.aggregates}
    label_col = _grid_label_col(sheet, table, head_row + 1, seg.end)
    fill_down = {c.id for c in table.block.columns if c.fill_down}
    items: list[FieldItem] = []
    current: dict[Any, Any] | None = None
    base = ".".join(table.path)
    for r in range(head_row + 1, seg.end + 1):
        grid_id = table.grid_rows.get(sheet.label_at(r, label_col) or "") if label_col else None
        if label_col is not None and grid_id is None:
            continue  # not a row of the table (a legend, a blank row)
        row_texts = {t for _, t in sheet.row_labels(r)}
        if row_texts & aggregates:
            items.append(_aggregate_row(table, sheet, r, row_texts & aggregates))
            continue  # the city's own 計 / 割合 row: the layout computes it
        filled = {sheet.anchor(r, c) for c in cols.values() if sheet.value(r, c) is not None}
        if label_col is None and not filled:
            continue  # a blank row
        if label_col is None and (
            (len(filled) == 1 and len(cols) > 2 and not table.block.hierarchy)
            or any(matcher.is_heading(sheet.values.get(a)) for a in filled)
        ):
            break  # a heading, a note or the template's next block: the table has ended
        starts_unit = (
            current is None
            or label_col is None  # a table without a grid: a unit a row
            or any(
                sheet.value(r, cols[c]) is not None and sheet.anchor(r, cols[c])[0] == r
                for c in ("num", "indicator")
                if c in cols
            )
            or (grid_id is not None and grid_id in current[_GRIDS])
        )
        if starts_unit:
            if current is not None:
                items.extend(_lacking(table, current, len(units) + 1, sheet, r))
                units.append(current)
            current = {_GRIDS: set()}
            rests = _rests(table, sheet, r, cols, parts)
            for cid, c in cols.items():
                if cid in fill_down and sheet.anchor(r, c)[0] < r:
                    continue  # merged down from the unit above: "as above", as a blank cell
                value = sheet.value(r, c)
                if value is not None and cid in parts:
                    part = _part(value, parts[cid])
                    # a `rest_to` column keeps a cell its pattern does not split (a name)
                    value = value if part is None and parts[cid].rest_to else part
                if cid in rests:
                    value = rests[cid][0]
                if value is None:
                    continue
                where = f"{table.title or base} {len(units) + 1}件目"
                if is_blank_mark(value, matcher.spec):
                    fid = f"{base}.{cid}"
                    label = f"{where} {plan.layout.fields[fid].label}"
                    items.append(blank_mark_item(fid, label, value, where, sheet, (r, c)))
                    continue
                item, normalized = _value(plan, f"{base}.{cid}", value, where, sheet, r, c)
                if cid in by_position and item.status == "placed":
                    item = replace(item, reason=by_position_reason(table, cid))
                if cid in under_caption and item.status == "placed":
                    reason = (
                        f"見出しのない列: 表題「{table.caption}」の下、様式の列の順で読みました"
                    )
                    item = replace(item, reason=reason)
                if cid in parts and item.status == "placed":
                    reason = f"{item.reason}、様式の import.tables の pattern で取り出し"
                    item = replace(item, reason=reason)
                if cid in rests and item.status == "placed":
                    source = rests[cid][1]
                    reason = (
                        f"「{table.columns.get(source) or source}」の列のセル"
                        f" {a1(r, cols[source])} の続き(様式の import.tables の rest_to)"
                    )
                    item = replace(item, cell=a1(r, cols[source]), reason=reason)
                items.append(item)
                if item.status == "placed":
                    current[(cid, None)] = normalized
            _split_codes(table, sheet, r, cols, current)
        if grid_id is not None:
            assert current is not None
            current[_GRIDS].add(grid_id)
            for year, c in year_cols.items():
                value = sheet.value(r, c)
                if value is None:
                    continue
                where = f"{table.title or base} {len(units) + 1}件目 {grid_id} {year}"
                item, normalized = _value(plan, f"{base}.{grid_id}", value, where, sheet, r, c)
                items.append(replace(item, year=year))
                if item.status == "placed":
                    current[(grid_id, year)] = normalized
    if current is not None:
        items.extend(_lacking(table, current, len(units) + 1, sheet, seg.end + 1))
        units.append(current)
    return items


def _lacking(
    table: TableLabels, record: dict[str, Any], number: int, sheet: SheetIndex, before: int
) -> list[FieldItem]:
    """A grid row a record does not have (目標 / 実績 / 評価): missing, never filled."""
    out = []
    where = f"{table.title or '.'.join(table.path)} {number}件目"
    for label, grid_id in table.grid_rows.items():
        if grid_id not in record[_GRIDS]:
            out.append(
                FieldItem(
                    "missing",
                    f"{'.'.join(table.path)}.{grid_id}",
                    None,
                    f"{where} {label}",
                    where,
                    sheet=sheet.name,
                    reason=f"この{table.block.record_label or '行'}に「{label}」の行がありません"
                    f"({a1(before - 1, 0)} より上)。空欄のまま取り込みました",
                )
            )
    return out


_GRIDS = ("\0grids", None)  # the grid rows (目標 / 実績 / 評価) a unit has


def _unheaded(table: TableLabels, cols: dict[str, int]) -> dict[str, int]:
    """A column without a heading in the city's sheet: placed as the template has it from the
    nearest headed column to its left — a column the template prints no heading for (the
    name beside a 施策's code), or one between two found columns as far apart as in the
    template (the 事業 code between 小 and Plan)."""
    out = {}
    at = table.template_cols
    for cid, heading in table.columns.items():
        if cid in cols:
            continue
        left = [c for c in cols if at[c] < at[cid]]
        right = [c for c in cols if at[c] > at[cid]]
        if not left:
            continue
        near = max(left, key=lambda c: at[c])
        if heading:
            if not right:
                continue
            after = min(right, key=lambda c: at[c])
            if cols[after] - cols[near] != at[after] - at[near]:
                continue
        out[cid] = cols[near] + at[cid] - at[near]
    return out


def _under_caption(table: TableLabels, cols: dict[str, int], at: int | None) -> dict[str, int]:
    """The table's title typed in its heading row stands over the columns before the first
    heading found (No. and 指標名 under `まちづくり指標 【…】`): those, in the template's
    order, from the title's column on."""
    if at is None or not cols:
        return {}
    first = min(table.template_cols[c] for c in cols)
    before = sorted(
        (c for c in table.columns if c not in cols and table.template_cols[c] < first),
        key=lambda c: table.template_cols[c],
    )
    return {cid: at + i for i, cid in enumerate(before) if at + i < min(cols.values())}


def _parts(table: TableLabels, matcher: Matcher) -> dict[str, Any]:
    spec = matcher.spec.tables.get(table.path[-1])
    if spec is None:
        return {}
    return {cid: c for cid, c in spec.columns.items() if c.pattern is not None}


def _rests(
    table: TableLabels, sheet: SheetIndex, row: int, cols: dict[str, int], parts: dict[str, Any]
) -> dict[str, tuple[str, str]]:
    """Columns a cell of another column continues into (`rest_to`: the 中 column's
    `(1) 重層的…` → the Plan column's text), where the sheet leaves them empty: column id ->
    (the text, the column it was typed in)."""
    out: dict[str, tuple[str, str]] = {}
    for cid, column in parts.items():
        target = column.rest_to
        if target is None or cid not in cols or target not in cols:
            continue
        value = sheet.value(row, cols[cid])
        if value is None or sheet.value(row, cols[target]) is not None:
            continue
        rest = rest_of(value, column.pattern)
        if rest is not None:
            out[target] = (rest, cid)
    return out


def _part(value: Any, column: Any) -> Any:
    """The part of a cell a column's `pattern` takes (group 1), or None."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    found = column.pattern.search(text)
    if found is None or not found.group(1).strip():
        return None
    part = found.group(1).strip()
    return "".join(part.split()) if column.remove_spaces else part


_CODE_AND_NAME = re.compile(r"^\s*(\S+)\s+(\S.*)$", re.DOTALL)


def _split_codes(
    table: TableLabels, sheet: SheetIndex, row: int, cols: dict[str, int], unit: dict[Any, Any]
) -> None:
    """A heading row of a hierarchy with its code and name in one cell (`(1) 新しい…`,
    `① 【拡充】…`, `1 普及啓発`): the code, and the name where the template puts it."""
    for level in table.block.hierarchy:
        code_key, name_key = (level.code, None), (level.name_at, None)
        if code_key not in unit or name_key in unit or level.code not in cols:
            continue
        raw = sheet.value(row, cols[level.code])
        found = _CODE_AND_NAME.match(str(raw)) if isinstance(raw, str) else None
        if found and inline_labels(found.group(0)) is not None:
            unit[code_key], unit[name_key] = found.group(1), found.group(2).strip()


def by_position_reason(table: TableLabels, cid: str) -> str:
    left = [c for c in table.columns if table.template_cols[c] < table.template_cols[cid]]
    near = max(left, key=lambda c: table.template_cols[c])
    return f"見出しのない列: 見出し「{table.columns[near]}」の列からの位置で読みました"


def _aggregate_row(table: TableLabels, sheet: SheetIndex, row: int, labels: set[str]) -> FieldItem:
    where = f"{table.title or '.'.join(table.path)} {'・'.join(sorted(labels))}"
    return FieldItem(
        "skipped",
        ".".join(table.path),
        None,
        where,
        where,
        sheet=sheet.name,
        cell=a1(row, 0),
        reason="市が入力した集計行です。様式が表から計算するため、取り込みません",
    )


def _grid_label_col(sheet: SheetIndex, table: TableLabels, first: int, last: int) -> int | None:
    counts: dict[int, int] = {}
    for (r, c), t in sheet.labels.items():
        if first <= r <= last and t in table.grid_rows:
            counts[c] = counts.get(c, 0) + 1
    return max(counts, key=lambda c: counts[c]) if counts else None


def _value(
    plan: WorkbookPlan, field_id: str, raw: Any, where: str, sheet: SheetIndex, r: int, c: int
) -> tuple[FieldItem, Any]:
    fdef = plan.layout.fields[field_id]
    normalized = normalize_cell(SimpleNamespace(field=fdef), raw, plan)  # type: ignore[arg-type]
    base = {
        "field": field_id,
        "year": None,
        "label": f"{where} {fdef.label}",
        "template_path": where,
        "sheet": sheet.name,
        "cell": a1(r, c),
        "typed": raw,
    }
    if normalized.status == "invalid":
        return FieldItem("invalid", reason=normalized.error or "", **base), None
    value = input_value(normalized)
    notes = "、".join(n.message for n in normalized.notes)
    return FieldItem("placed", value=value, reason=notes or "表の見出し一致", **base), value
