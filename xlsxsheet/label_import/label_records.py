"""Records tables of a city's sheet, found by their labels: each table's title (施策①…), its
heading row (No., 取組内容, 指標, R2 … R8) and the rows below it (目標 / 実績 / 評価), page after
page — a table whose title and headings repeat on the next page goes on where it stopped."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from xlsxsheet.cells import a1
from xlsxsheet.label_import.import_result import FieldItem
from xlsxsheet.label_import.label_index import SheetIndex
from xlsxsheet.label_import.label_match import Matcher
from xlsxsheet.label_import.label_text import header_year, normalise
from xlsxsheet.layout import model as m
from xlsxsheet.plan import WorkbookPlan
from xlsxsheet.reading import input_value, normalize_cell


@dataclass(frozen=True)
class TableLabels:
    """What the template prints for one records table."""

    path: tuple[str, ...]
    block: m.RecordsBlock
    title: str | None
    columns: dict[str, str]  # column id -> heading
    years: tuple[int, ...]
    grid_rows: dict[str, str]  # grid row label -> grid row id


def table_labels(plan: WorkbookPlan) -> list[TableLabels]:
    out = []
    for dotted, table in plan.records.items():
        sheet = next(s for s in plan.sheets if s.name == table.sheet)
        texts = {(c.row, c.col): c.text for c in sheet.cells if c.slot is None and c.text}
        head = table.first_row - 1
        columns = {cid: texts.get((head, col), "") for cid, col in table.col_of.items()}
        title = texts.get((head - 1, 0)) if table.block.levels else None
        grid = table.block.grid
        out.append(
            TableLabels(
                tuple(dotted.split(".")),
                table.block,
                title,
                columns,
                tuple(sorted(table.year_col)),
                {normalise(r.label): r.id for r in grid.rows} if grid else {},
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
    records: dict[str, list[dict[str, Any]]] = {".".join(t.path): [] for t in tables}
    items: list[FieldItem] = []
    for segment in _segments(tables, sheets, matcher):
        if segment.table is None:
            continue
        found = _read_segment(plan, segment, matcher, records[".".join(segment.table.path)])
        items.extend(found)
    for t in tables:
        if not records[".".join(t.path)]:
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
    titled = [t for t in tables if t.title]
    for sheet in sheets:
        starts: list[_Segment] = []
        for (row, col), text in sheet.labels.items():
            if sheet.anchor(row, col) != (row, col):
                continue
            for t in titled:
                if text in matcher.variants(t.title or ""):
                    starts.append(_Segment(sheet, row, t))
        if not titled and tables:  # one table without a title: from its heading row
            starts.append(_Segment(sheet, -1, tables[0]))
        starts.sort(key=lambda s: s.title_row)
        last_row = max((r for r, _ in sheet.values), default=0)
        for i, seg in enumerate(starts):
            seg.end = starts[i + 1].title_row - 1 if i + 1 < len(starts) else last_row
            yield seg


def _read_segment(
    plan: WorkbookPlan, seg: _Segment, matcher: Matcher, records: list[dict[str, Any]]
) -> list[FieldItem]:
    table, sheet = seg.table, seg.sheet
    assert table is not None
    first_id = next(iter(table.columns))
    head_row = None
    for r in range(seg.title_row + 1, seg.end + 1):
        cells = {c: t for (rr, c), t in sheet.labels.items() if rr == r}
        if any(t in matcher.variants(table.columns[first_id]) for t in cells.values()):
            head_row = r
            break
    if head_row is None:
        return []
    cols: dict[str, int] = {}
    for cid, heading in table.columns.items():
        forms = matcher.variants(heading)
        for (rr, c), t in sheet.labels.items():
            if rr == head_row and t in forms and sheet.anchor(rr, c) == (rr, c):
                cols[cid] = c
    year_cols = {
        header_year(v): c
        for (rr, c), v in sheet.values.items()
        if rr == head_row and header_year(v) in table.years
    }
    label_col = _grid_label_col(sheet, table, head_row + 1, seg.end)
    items: list[FieldItem] = []
    current: dict[str, Any] | None = None
    # a table continued on the next page goes on from its last record
    previous: dict[str, Any] | None = records[-1] if records else None
    base = ".".join(table.path)
    for r in range(head_row + 1, seg.end + 1):
        grid_id = table.grid_rows.get(sheet.label_at(r, label_col) or "") if label_col else None
        if label_col is not None and grid_id is None:
            continue  # not a row of the table (a legend, a blank row)
        starts_record = (
            current is None
            or any(
                sheet.value(r, cols[c]) is not None and sheet.anchor(r, cols[c])[0] == r
                for c in ("num", "indicator")
                if c in cols
            )
            or (grid_id is not None and grid_id in current)
        )
        if starts_record:
            if current is not None:
                items.extend(_lacking(table, current, len(records) + 1, sheet, r))
                records.append(current)
                previous = current
            current = {}
            new_group = "num" in cols and sheet.value(r, cols["num"]) is not None
            for cid, c in cols.items():
                value = sheet.value(r, c)
                column = table.block.column(cid)
                if value is None and column is not None and column.fill_down and previous:
                    if not new_group:
                        current[cid] = previous.get(cid)
                    continue
                if value is None:
                    continue
                where = f"{table.title or base} {len(records) + 1}件目"
                item, normalized = _value(plan, f"{base}.{cid}", value, where, sheet, r, c)
                items.append(item)
                if item.status == "placed":
                    current[cid] = normalized
        if grid_id is not None:
            series: dict[str, Any] = {}
            for year, c in year_cols.items():
                value = sheet.value(r, c)
                if value is None:
                    continue
                where = f"{table.title or base} {len(records) + 1}件目 {grid_id} {year}"
                item, normalized = _value(plan, f"{base}.{grid_id}", value, where, sheet, r, c)
                items.append(FieldItem(**{**item.as_dict(), "year": year}))
                if item.status == "placed":
                    series[str(year)] = normalized
            current[grid_id] = series
    if current is not None:
        items.extend(_lacking(table, current, len(records) + 1, sheet, seg.end + 1))
        records.append(current)
    return items


def _lacking(
    table: TableLabels, record: dict[str, Any], number: int, sheet: SheetIndex, before: int
) -> list[FieldItem]:
    """A grid row a record does not have (目標 / 実績 / 評価): missing, never filled."""
    out = []
    where = f"{table.title or '.'.join(table.path)} {number}件目"
    for label, grid_id in table.grid_rows.items():
        if grid_id not in record:
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
