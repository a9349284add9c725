"""The xlsx rendering of a report: counts, one row per file, one row per problem (filterable).

Written with xlsxwriter's constant_memory (each row goes to disk once the next is begun) and the
problems read back one file at a time, so a report of any size is written without holding it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from xlsxsheet.office.report import (
    GROUPINGS,
    SEVERITY_WORDS,
    Checked,
    LazyList,
    Report,
    file_columns,
    group_of,
    loaded,
    shows_problems,
)
from xlsxsheet.office.xlsx_tables import TableBook, text_lines

COUNT_HEADER = (
    "ファイル",
    "問題なし",
    "エラーあり",
    "警告のみ",
    "うち読めない",
    "うち様式定義の誤り",
    "エラー件数",
    "警告件数",
)
COUNT_KEYS = (
    "files",
    "clean",
    "with_errors",
    "warnings_only",
    "unreadable",
    "layout_broken",
    "errors",
    "warnings",
)


PROBLEM_HEADER = (
    "担当課",
    "ファイル",
    "様式",
    "重要度",
    "コード",
    "シート",
    "セル",
    "項目",
    "内容",
    "入力値",
    "期待値",
)


def write_xlsx_report(
    report: Report,
    out: Path,
    show_info: bool = False,
    names: Mapping[Path, str] | None = None,
) -> Path:
    names = names or {}
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    book = TableBook(out)
    # every table below is written top to bottom, as constant_memory asks (read before a sheet
    # is added: each sheet takes the workbook's setting)
    book.workbook.constant_memory = True
    sheet = book.sheet("集計")
    row = book.write_title(sheet, 0, "点検結果の集計")
    stats = report.stats()
    row = book.write_table(
        sheet, row, ("区分", *COUNT_HEADER), [("全体", *(stats[k] for k in COUNT_KEYS))]
    )
    for by, word in GROUPINGS.items():
        row = book.write_title(sheet, row + 1, f"{word}別")
        row = book.write_table(
            sheet,
            row,
            (word, *COUNT_HEADER),
            [(g["name"], *(g[k] for k in COUNT_KEYS)) for g in report.groups(by)],
        )
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, len(COUNT_HEADER), 11)

    files = book.sheet("ファイル一覧")
    book.write_table(
        files,
        0,
        ("ファイル", "様式", "評価年度", "番号", "名称", "担当課", "状態", "エラー", "警告"),
        LazyList(report.results, lambda r: _file_row(r, names)),
        widths=(40, 24, 12, 10, 36, 20, 10, 8, 8),
        autofilter=True,
    )
    files.freeze_panes(1, 0)

    problems = book.sheet("問題一覧")
    _write_rows(
        book,
        problems,
        PROBLEM_HEADER,
        _problem_rows(report.results, show_info, names),
        widths=(18, 36, 22, 8, 18, 20, 8, 30, 70, 16, 16),
        wrap_columns=(8,),
    )
    problems.freeze_panes(1, 0)
    if report.expected is not None:
        roster = book.sheet("名簿照合")
        book.write_table(
            roster,
            0,
            ("名簿の行", "様式", "番号", "担当課", "状態", "ファイル"),
            [
                (
                    e.entry.line,
                    e.layout_title,
                    e.entry.key,
                    e.entry.dept,
                    e.status_word,
                    names.get(Path(e.found.path), str(e.found.path)) if e.found else "",
                )
                for e in report.expected
            ],
            widths=(9, 24, 10, 20, 20, 44),
            autofilter=True,
        )
        roster.freeze_panes(1, 0)
    book.close()
    return out


def _problem_rows(
    results: Iterable[Checked], show_info: bool, names: Mapping[Path, str]
) -> Iterator[tuple[Any, ...]]:
    """A row per problem shown, reading one file's problems at a time."""
    for r in results:
        if not shows_problems(r, show_info):
            continue
        r = loaded(r)
        for p in r.problems:
            if show_info or p.severity != "info":
                yield (
                    group_of(r, "department"),
                    names.get(Path(r.path), str(r.path)),
                    r.layout_title or "",
                    SEVERITY_WORDS[p.severity],
                    p.code,
                    p.sheet or "",
                    p.cell or "",
                    p.label or "",
                    p.message,
                    _plain(p.value),
                    _plain(p.expected),
                )


def _write_rows(
    book: TableBook,
    sheet: Any,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[float],
    wrap_columns: Sequence[int],
) -> None:
    """TableBook.write_table from row 0 with an autofilter, row by row (each row's height first).

    The same cells, heights and widths as write_table, for rows that are not all at hand.
    """
    for col, text in enumerate(header):
        sheet.write_string(0, col, str(text), book.header)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    n = 0
    for n, values in enumerate(rows, start=1):
        lines = max(
            (text_lines(values[c], widths[c]) for c in wrap_columns if c < len(widths)),
            default=1,
        )
        if lines > 1:
            sheet.set_row(n, 13.5 * lines + 3)
        for col, value in enumerate(values):
            book.write_cell(sheet, n, col, value, wrap=col in wrap_columns)
    sheet.autofilter(0, 0, n, max(0, len(header) - 1))


def _file_row(r: Any, names: Mapping[Path, str]) -> tuple[Any, ...]:
    return (*file_columns(r, names.get(Path(r.path), str(r.path))), r.errors, r.warnings)


def _plain(value: Any) -> Any:
    """A number stays a number; anything else is shown as text."""
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    return str(value)
