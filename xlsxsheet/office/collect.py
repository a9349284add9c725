"""Sum a folder of returns up: the city-wide 評価総括表, cost totals, the tidy CSV.

Generalises the 狛江 評価総括表 (per grade: 件数 and which 施策) and the 新潟 集計 (per 施策:
count of each grade) to every layout with a `summary:` section. Each 施策 counts once: when the
same layout, year and key come from two files (a department sent twice), the newer file is
used and both are listed. Returns with errors are summed too (their computed totals are
recomputed from the inputs) and listed on 要対応, so the office knows which figures to doubt.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlsxsheet.core import fiscal_year
from xlsxsheet.office.batch import CheckedReturn
from xlsxsheet.office.report import (
    STATUS_WORDS,
    count_files,
    file_columns,
    normalize_key,
    shown_key,
    status_of,
)
from xlsxsheet.office.roster_match import Expected, not_in_roster
from xlsxsheet.office.xlsx_tables import TableBook
from xlsxsheet.reading.summary import ReturnInfo

UNGRADED = "未入力"
CSV_HEADER = (
    "様式ID",
    "様式",
    "ファイル",
    "評価年度",
    "番号",
    "名称",
    "担当課",
    "政策番号",
    "点検結果",
    "明細番号",
    "項目ID",
    "項目名",
    "指標名",
    "年度",
    "年度(和暦)",
    "区分",
    "値",
    "値(文字)",
    "単位",
    "表",  # a records table's cell: the table body's defined name (as `read --flat`)
    "行",  # and its row in the table, from 1
)
GRADE_WIDTHS = (14, 48, 18, 9)  # 評価/番号, 該当/名称, 件数/担当課, 割合/first grade
INJECTION_STARTS = ("=", "+", "-", "@", "\t", "\r")

Identity = tuple[str, int, str]
Group = tuple[str, str, int]  # layout id, layout title, year


@dataclass
class Duplicate:
    """The same 施策 (layout, year, key) in several files: which one is summed."""

    identity: Identity
    kept: CheckedReturn
    dropped: list[CheckedReturn]


@dataclass
class Collection:
    """Checked returns, one per 施策, ready to sum up."""

    results: list[CheckedReturn]
    names: dict[Path, str]
    kept: list[CheckedReturn] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    expected: list[Expected] | None = None  # the roster's rows (`--roster`)

    def missing(self) -> list[Expected]:
        """Roster rows with no return (未提出)."""
        return [e for e in self.expected or [] if e.missing]

    def name(self, r: CheckedReturn) -> str:
        return self.names.get(Path(r.path), str(r.path))

    def groups(self) -> dict[Group, list[ReturnInfo]]:
        """The kept returns by layout and evaluation year, in key order."""
        found: dict[Group, list[ReturnInfo]] = {}
        for r in self.kept:
            info = r.info
            assert info is not None
            found.setdefault((info.layout, info.layout_title, info.year), []).append(info)
        for infos in found.values():
            infos.sort(key=lambda i: _natural(i.key or ""))
        return dict(sorted(found.items()))

    def dropped(self) -> set[Path]:
        return {Path(d.path) for dup in self.duplicates for d in dup.dropped}


def collect_returns(
    results: Iterable[CheckedReturn],
    names: Mapping[Path, str] | None = None,
    expected: list[Expected] | None = None,
) -> Collection:
    """Keep one readable return per 施策; the newer file wins, then the one with fewer errors.

    `expected` (from a roster) lists the returns the office waits for: those missing go on
    要対応 and every row on 名簿照合."""
    results = list(results)
    collection = Collection(results, dict(names or {}), expected=expected)
    by_identity: dict[Identity, list[CheckedReturn]] = {}
    for r in results:
        if r.info is None:
            continue
        identity = r.info.identity
        if identity is None:
            collection.kept.append(r)
            continue
        normalized = (identity[0], identity[1], normalize_key(identity[2]))
        by_identity.setdefault(normalized, []).append(r)
    for identity, found in by_identity.items():
        ranked = sorted(found, key=lambda r: (-r.modified, r.errors, str(r.path)))
        collection.kept.append(ranked[0])
        if len(ranked) > 1:
            collection.duplicates.append(Duplicate(identity, ranked[0], ranked[1:]))
    order = {id(r): i for i, r in enumerate(results)}
    collection.kept.sort(key=lambda r: order[id(r)])
    return collection


# --- tables ---------------------------------------------------------------------------------
@dataclass
class GradeRow:
    """One row of a 評価総括表: a return, or a group of grades inside one (施策 ① of 新潟's
    workbook, a 施策 heading of 狛江's), with the count of each grade."""

    info: ReturnInfo
    key: str | None
    name: str | None
    department: str | None
    counts: dict[str, int]

    @property
    def text(self) -> str:
        """How the row is named in the list of 施策 per grade."""
        return " ".join(x for x in (self.key, self.name) if x) or self.info.layout_title


def grade_rows(infos: list[ReturnInfo], label: str, scale: tuple[str, ...]) -> list[GradeRow]:
    """The rows of one grade item: per return, or per group of its grades (in sheet order);
    numbers as the office compares them (shown_key: `０３－０２－０１５` is 03-02-015)."""
    rows: list[GradeRow] = []
    for info in infos:
        grouped: dict[str | None, GradeRow] = {}
        departments: dict[str | None, list[str]] = {}
        for grade in info.grades:
            if grade.item != label:
                continue
            row = grouped.get(grade.group)
            if row is None:
                counts = dict.fromkeys((*scale, UNGRADED), 0)
                if grade.group is None:
                    row = GradeRow(info, shown_key(info.key), info.name, info.department, counts)
                else:
                    code = shown_key(grade.group_code)
                    row = GradeRow(info, code, grade.group_name, None, counts)
                grouped[grade.group] = row
            value = grade.value if grade.value in scale else UNGRADED
            row.counts[value] += 1
            names = departments.setdefault(grade.group, [])
            names += [d for d in grade.departments if d not in names]
        for group, row in grouped.items():
            if group is not None:
                row.department = "、".join(departments[group]) or None
            rows.append(row)
    return rows


def grade_tables(collection: Collection) -> list[dict[str, Any]]:
    """Per layout, year and grade item: the grades of each 施策 counted, totals and shares."""
    tables = []
    for (layout, title, year), infos in collection.groups().items():
        items: dict[str, tuple[str, ...]] = {}
        for info in infos:
            for label, scale in info.grade_scales.items():
                items.setdefault(label, scale)
        for label, scale in items.items():
            rows = grade_rows(infos, label, scale)
            totals = dict.fromkeys((*scale, UNGRADED), 0)
            members: dict[str, list[str]] = {g: [] for g in scale}
            for row in rows:
                for g, n in row.counts.items():
                    totals[g] += n
                    if n and g in members:
                        members[g].append(row.text)
            graded = sum(totals[g] for g in scale)
            tables.append(
                {
                    "layout": layout,
                    "title": title,
                    "year": year,
                    "item": label,
                    "scale": scale,
                    "rows": rows,
                    "totals": totals,
                    "graded": graded,
                    "shares": {g: _share(totals[g], graded) for g in scale},
                    "members": members,
                }
            )
    return tables


def group_label(number: str, name: str, level: str = "政策") -> str:
    """A 施策 or 政策 group as tables and charts name it: its number and name, or (政策なし)
    for the returns that left both blank (an empty cell read as a missing row)."""
    return f"{number} {name}".strip() or f"({level}なし)"


def cost_tables(collection: Collection) -> list[dict[str, Any]]:
    """Per layout and year: cost series per 施策 and per 政策, by fiscal year."""
    tables = []
    for (layout, title, year), infos in collection.groups().items():
        labels: list[str] = []
        years: set[int] = set()
        for info in infos:
            for label, series in info.costs.items():
                if label not in labels:
                    labels.append(label)
                years.update(series)
        if not labels:
            continue
        columns = sorted(years)
        units = [(info, label, info.costs.get(label, {})) for info in infos for label in labels]
        policies = GroupTotals(labels)
        whole: dict[str, dict[int, int | float]] = {label: {} for label in labels}
        for info, label, series in units:
            policies.add(info.policy, info.policy_name, label, series)
            for y, value in series.items():
                whole[label][y] = whole[label].get(y, 0) + value
        tables.append(
            {
                "layout": layout,
                "title": title,
                "year": year,
                "unit": infos[0].unit,
                "labels": labels,
                "years": columns,
                "units": units,
                "policies": policies.totals(),
                "levels": level_totals(units, labels, infos),
                "whole": whole,
            }
        )
    return tables


Totals = dict[tuple[str, str], dict[str, dict[int, int | float]]]


class GroupTotals:
    """Cost series summed per group (a 政策, a 施策): {(number, name): {cost label: {year: total}}}.

    Returns are grouped by their number and name as the office compares keys (normalize_key:
    NFKC, so 政策 `３` typed full-width is 政策 `3`; outer spaces dropped), never by the
    characters typed. A group is shown as most of its returns wrote it (the first of them in
    key order on a tie), its number with full-width digits and signs in their half-width form
    (shown_key: `３－２` is 3-2, `①` stays): the returns' own cells are left as typed.
    """

    def __init__(self, labels: list[str]) -> None:
        self.labels = labels
        self.sums: dict[tuple[str, str], dict[str, dict[int, int | float]]] = {}
        self.spellings: dict[tuple[str, str], Counter[tuple[str, str]]] = {}

    def add(
        self, number: str | None, name: str | None, label: str, series: Mapping[int, int | float]
    ) -> None:
        folded = (normalize_key(number or ""), normalize_key(name or ""))
        target = self.sums.setdefault(folded, {lb: {} for lb in self.labels})[label]
        spelling = (shown_key(number or "") or "", (name or "").strip())
        self.spellings.setdefault(folded, Counter())[spelling] += 1
        for y, value in series.items():
            target[y] = target.get(y, 0) + value

    def totals(self) -> Totals:
        """The groups in number order (2 before 10), each under the number and name shown."""
        shown = {folded: self.spellings[folded].most_common(1)[0][0] for folded in self.sums}
        ordered = sorted(self.sums, key=lambda folded: _natural(folded[0]))
        return {shown[folded]: self.sums[folded] for folded in ordered}


def level_totals(
    units: list[tuple[Any, str, dict[int, int | float]]], labels: list[str], infos: list[Any]
) -> list[tuple[str, Totals]]:
    """Cost totals at every level the layout's summary declares (施策, 政策), lowest first:
    (level label, {(number, name): {cost label: {year: total}}}), grouped as GroupTotals says
    (full-width and half-width numbers are one group)."""
    names = [label for label, _number, _name in (infos[0].levels if infos else ())]
    result = []
    for index, level in enumerate(names):
        groups = GroupTotals(labels)
        for info, label, series in units:
            _label, number, name = info.levels[index]
            groups.add(number, name, label, series)
        result.append((level, groups.totals()))
    return result


def attention(collection: Collection) -> list[CheckedReturn]:
    """Returns the office must go back to: unreadable, or with errors (duplicates included)."""
    return [r for r in collection.results if not r.readable or r.errors]


# --- the workbook ---------------------------------------------------------------------------
def write_summary_workbook(collection: Collection, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    book = TableBook(out)
    _overview_sheet(book, collection)
    _grade_sheet(book, collection)
    _cost_sheet(book, collection)
    _attention_sheet(book, collection)
    _returns_sheet(book, collection)
    _duplicates_sheet(book, collection)
    if collection.expected is not None:
        _roster_sheet(book, collection)
    book.close()
    return out


def _overview_sheet(book: TableBook, c: Collection) -> None:
    sheet = book.sheet("概要")
    row = book.write_title(sheet, 0, "提出状況の概要")
    readable = [r for r in c.results if r.readable]
    counts = count_files(list(c.results))
    rows = [
        ("ファイル", len(c.results)),
        ("読み取れた提出", len(readable)),
        ("集計に使った提出", len(c.kept)),
        ("重複のため除外", len(c.dropped())),
        *([] if c.expected is None else [("名簿の件数", len(c.expected))]),
        *([] if c.expected is None else [("未提出(名簿にあって提出なし)", len(c.missing()))]),
        ("読めないファイル", counts["unreadable"]),
        ("様式定義の誤りで点検できないファイル", counts["layout_broken"]),
        ("エラーあり(読めないファイルを除く)", sum(r.readable and r.errors > 0 for r in c.results)),
        ("警告あり", sum(r.warnings > 0 for r in c.results)),
    ]
    row = book.write_table(sheet, row, ("区分", "件数"), rows, widths=(36, 10))
    row = book.write_title(sheet, row + 1, "様式・年度別(集計に使った提出)")
    by_group: dict[tuple[str, int], list[CheckedReturn]] = {}
    for r in c.kept:
        by_group.setdefault((r.layout_title or "", r.year or 0), []).append(r)
    group_rows = [
        (
            title,
            fiscal_year.long_label(year),
            len(kept),
            sum(r.errors > 0 for r in kept),
            sum(r.warnings > 0 for r in kept),
        )
        for (title, year), kept in sorted(by_group.items())
    ]
    book.write_table(sheet, row, ("様式", "評価年度", "提出", "エラーあり", "警告あり"), group_rows)
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, 4, 12)


def _grade_sheet(book: TableBook, c: Collection) -> None:
    sheet = book.sheet("評価総括表")
    row = 0
    for t in grade_tables(c):
        scale = t["scale"]
        row = book.write_title(
            sheet, row, f"{t['title']} {fiscal_year.long_label(t['year'])} {t['item']}"
        )
        summary_rows = [
            (g, "、".join(t["members"][g]), t["totals"][g], t["shares"][g]) for g in scale
        ]
        summary_rows.append(("合計", "", t["graded"], 100.0 if t["graded"] else None))
        if t["totals"][UNGRADED]:
            summary_rows.append((UNGRADED, "", t["totals"][UNGRADED], None))
        row = book.write_table(
            sheet,
            row,
            ("評価", "該当", "件数", "割合(%)"),
            summary_rows,
            widths=GRADE_WIDTHS,
            percent_columns=(3,),
            wrap_columns=(1,),
        )
        unit_rows = [
            (
                row.key or "",
                row.name or "",
                row.department or "",
                *row.counts.values(),
                sum(row.counts[g] for g in scale),
            )
            for row in t["rows"]
        ]
        totals = t["totals"]
        unit_rows.append(("計", "", "", *totals.values(), t["graded"]))
        unit_rows.append(
            ("割合(%)", "", "", *(t["shares"].get(g) for g in (*scale, UNGRADED)), None)
        )
        n = len(unit_rows)
        row = book.write_table(
            sheet,
            row + 1,
            ("番号", "名称", "担当課", *scale, UNGRADED, "計"),
            unit_rows,
            bold_rows=(n - 2,),
            percent_rows=(n - 1,),
        )
        row += 1
    if row == 0:
        book.write_title(sheet, 0, "評価を集計できる提出がありません(様式の summary.grades)")
    for col, width in enumerate(GRADE_WIDTHS):
        sheet.set_column(col, col, width)
    sheet.set_column(len(GRADE_WIDTHS), len(GRADE_WIDTHS) + 8, 9)


def _cost_sheet(book: TableBook, c: Collection) -> None:
    sheet = book.sheet("コスト集計")
    row = 0
    for t in cost_tables(c):
        years = t["years"]
        year_header = [fiscal_year.column_label(y) for y in years]
        row = book.write_title(
            sheet, row, f"{t['title']} {fiscal_year.long_label(t['year'])} {t['unit']}別(千円)"
        )
        unit_rows = [
            (
                shown_key(info.policy) or "",
                shown_key(info.key) or "",
                info.name or "",
                info.department or "",
                label,
                *(series.get(y) for y in years),
            )
            for info, label, series in t["units"]
        ]
        row = book.write_table(
            sheet, row, ("政策番号", "番号", "名称", "担当課", "区分", *year_header), unit_rows
        )
        row += 1
    if row == 0:
        book.write_title(sheet, 0, "コストを集計できる提出がありません(様式の summary.costs)")
    sheet.set_column(0, 1, 10)
    sheet.set_column(2, 2, 36)
    sheet.set_column(3, 4, 22)
    sheet.set_column(5, 30, 12)
    sheet = book.sheet("政策別コスト")
    row = 0
    for t in cost_tables(c):
        years = t["years"]
        year_header = [fiscal_year.column_label(y) for y in years]
        for level, groups in t["levels"]:  # every level the summary declares: 施策, 政策
            row = book.write_title(
                sheet, row, f"{t['title']} {fiscal_year.long_label(t['year'])} {level}別(千円)"
            )
            policy_rows = [
                (
                    number,
                    name if number or name else group_label("", "", level),
                    label,
                    *(series[label].get(y) for y in years),
                )
                for (number, name), series in groups.items()
                for label in t["labels"]
            ]
            policy_rows += [
                ("全体", "", label, *(t["whole"][label].get(y) for y in years))
                for label in t["labels"]
            ]
            row = book.write_table(
                sheet,
                row,
                (f"{level}番号", f"{level}名", "区分", *year_header),
                policy_rows,
                bold_rows=range(len(policy_rows) - len(t["labels"]), len(policy_rows)),
            )
            row += 1
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 2, 22)
    sheet.set_column(3, 30, 12)


def _attention_sheet(book: TableBook, c: Collection) -> None:
    sheet = book.sheet("要対応")
    dropped = c.dropped()
    rows = []
    for r in attention(c):
        info = r.info
        first = next((p.message for p in r.problems if p.severity == "error"), "")
        rows.append(
            (
                STATUS_WORDS[status_of(r)],
                (info.department_shown or "") if info else "",
                r.layout_title or "",
                shown_key(info.key) if info else "",
                info.name if info else "",
                c.name(r),
                r.errors,
                "重複のため集計に不使用" if Path(r.path) in dropped else "",
                first,
            )
        )
    for e in c.missing():
        rows.append(
            (
                e.status_word,
                e.entry.dept,
                e.layout_title,
                e.entry.key,
                "",  # the roster names no 施策 (its columns: 様式, 番号, 担当課, ファイル名, 区分)
                "",
                None,
                _roster_place(e),
                "名簿にありますが、提出がありません。",
            )
        )
    book.write_table(
        sheet,
        0,
        ("状態", "担当課", "様式", "番号", "名称", "ファイル", "エラー", "備考", "最初のエラー"),
        rows,
        widths=(12, 18, 22, 8, 30, 40, 8, 20, 80),
        wrap_columns=(7, 8),  # 備考 holds a roster row's file name
        autofilter=True,
    )
    sheet.freeze_panes(1, 0)


def _roster_place(e: Expected) -> str:
    """Where a roster row with no return is: 「名簿 3行目」, with the file the roster says the
    return is sent as (「名簿 3行目(ファイル名 施策5_健康増進課.xlsx)」, often named by its 施策)."""
    place = f"名簿 {e.entry.line}行目"
    return f"{place}(ファイル名 {e.entry.file_name})" if e.entry.file_name else place


def _returns_sheet(book: TableBook, c: Collection) -> None:
    sheet = book.sheet("提出一覧")
    dropped = c.dropped()
    rows = []
    for r in c.results:
        if not r.readable:
            use = "読めないため不使用"
        elif Path(r.path) in dropped:
            use = "重複のため不使用"
        else:
            use = "集計に使用"
        rows.append((*file_columns(r, c.name(r)), use, r.errors, r.warnings))
    book.write_table(
        sheet,
        0,
        (
            "ファイル",
            "様式",
            "評価年度",
            "番号",
            "名称",
            "担当課",
            "状態",
            "集計",
            "エラー",
            "警告",
        ),
        rows,
        widths=(44, 22, 12, 8, 30, 18, 10, 18, 8, 8),
        autofilter=True,
    )
    sheet.freeze_panes(1, 0)


def _duplicates_sheet(book: TableBook, c: Collection) -> None:
    sheet = book.sheet("重複")
    rows = []
    for dup in c.duplicates:
        layout, year, key = dup.identity
        kept_info = dup.kept.info
        for dropped in dup.dropped:
            rows.append(
                (
                    dup.kept.layout_title or layout,
                    fiscal_year.long_label(year),
                    key,
                    kept_info.name if kept_info else "",
                    c.name(dup.kept),
                    c.name(dropped),
                    "更新日時が新しい方を集計に使用",
                )
            )
    book.write_table(
        sheet,
        0,
        ("様式", "評価年度", "番号", "名称", "集計に使ったファイル", "除外したファイル", "理由"),
        rows,
        widths=(22, 12, 8, 30, 44, 44, 30),
    )


def _roster_sheet(book: TableBook, c: Collection) -> None:
    """Every roster row with its return and state; then the returns no row asks for."""
    sheet = book.sheet("名簿照合")
    expected = c.expected or []
    rows = [
        (
            e.entry.line,
            e.layout_title,
            e.entry.key,
            e.entry.dept,
            "新規" if e.entry.new else "",
            e.status_word,
            c.name(e.found) if e.found is not None else "",
            "、".join(c.name(r) for r in e.others),
        )
        for e in expected
    ]
    row = book.write_table(
        sheet,
        0,
        ("名簿の行", "様式", "番号", "担当課", "区分", "状態", "ファイル", "ほかの提出"),
        rows,
        widths=(9, 24, 10, 20, 8, 20, 44, 44),
        autofilter=True,
    )
    sheet.freeze_panes(1, 0)
    extra = not_in_roster(c.results, expected)
    if extra:
        row = book.write_title(sheet, row + 1, "名簿にない提出")
        book.write_table(
            sheet,
            row,
            ("様式", "番号", "名称", "担当課", "ファイル"),
            [
                (
                    r.layout_title or "",
                    shown_key(r.info.key) if r.info else "",
                    r.info.name if r.info else "",
                    (r.info.department_shown or "") if r.info else "",
                    c.name(r),
                )
                for r in extra
            ],
        )


# --- the tidy CSV ---------------------------------------------------------------------------
def neutralize(value: Any) -> Any:
    """Text that a spreadsheet would take for a formula is prefixed with ' (CSV injection)."""
    if isinstance(value, str) and value.startswith(INJECTION_STARTS):
        return "'" + value
    return value


def tidy_rows(collection: Collection) -> Iterable[tuple[Any, ...]]:
    """One row per value of every return summed: who, which field, which year (西暦 and 和暦),
    what kind (区分, where a `summary.values` rule names the cell), how much: a number in 値, a
    text (増加, 中止, 延べ600 以上, a sentence, a grade) in 値(文字); a records table's cell
    with its table and row. 番号 and 政策番号 as the summary workbook shows them (shown_key:
    ０３ as 03), so that a pivot of the CSV groups them as the workbook does."""
    for r in collection.kept:
        info = r.info
        assert info is not None
        status = STATUS_WORDS[status_of(r)]
        for v in info.values:
            yield (
                info.layout,
                info.layout_title,
                collection.name(r),
                info.year,
                shown_key(info.key),
                info.name,
                info.department,
                shown_key(info.policy),
                status,
                v.record,
                v.field,
                v.label,
                v.name,
                v.year,
                fiscal_year.long_label(v.year) if v.year is not None else v.year_text,
                v.kind,
                None if isinstance(v.value, str) else v.value,
                v.value if isinstance(v.value, str) else None,
                v.unit,
                v.table,
                v.row,
            )


def without_values(collection: Collection) -> list[CheckedReturn]:
    """The returns summed that give the tidy CSV no row (nothing entered, nothing computed):
    what a count of the returns written out should leave out."""
    return [r for r in collection.kept if r.info is not None and not r.info.values]


def write_tidy_csv(collection: Collection, out: Path) -> Path:
    """UTF-8 with BOM (Excel opens it as such), CRLF, one datum per cell, numbers unformatted."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(CSV_HEADER)
        for row in tidy_rows(collection):
            writer.writerow([_csv_cell(value) for value in row])
    return out


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return neutralize(value)


def _share(n: int, total: int) -> float | None:
    return round(n * 100 / total, 1) if total else None


def _natural(text: str) -> tuple[Any, ...]:
    """'2' before '10'; full-width digits count as digits."""
    parts = re.split(r"(\d+)", normalize_key(text))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)
