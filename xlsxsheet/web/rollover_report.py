"""The next-year job's report as its page shows it: one row per template made or not made.

The command line prints rollover's text (`render_text`); the office reads a table instead,
what needs its attention first: the rows with no template, then those with a warning or an
error, then the rest. Each row names the return by the name the department sent it under
(its 課, file and version), never by the stored file's hash name."""

from __future__ import annotations

import re
from typing import Any

from xlsxsheet.core.fiscal_year import long_label
from xlsxsheet.office.rollover import RolloverItem, RolloverResult, item_notes

_SEVERITY = re.compile(r"^\[(情報|警告|エラー)\] ")


def report_rows(
    result: RolloverResult, names: dict[str, str], blank_later: bool = False
) -> list[dict[str, Any]]:
    """The rows of the report, as JSON (kept beside the job's download); `names`: each stored
    file's path and name (as they appear in the messages) → the name the office knows it by;
    `blank_later`: a new year started, so a roster row with no return of this year gets its
    blank template when its 課 downloads it (said so, instead of rollover's error); before the
    year is started, that it will once it is."""
    rows = [_row(item, names, blank_later) for item in result.items]
    return sorted(rows, key=lambda r: (r["template"] is not None, not r["attention"]))


BLANK_LATER = (
    "今年度の使える提出がないため、引き継ぐ内容がありません。各課がダウンロードするときに、"
    "施策番号・担当課だけを記入した空の様式を作ります。"
)
BLANK_AFTER_START = (
    "今年度の使える提出がないため、引き継ぐ内容がなく、この zip には入っていません。"
    "翌年度を開始すると、各課がダウンロードするときに施策番号・担当課だけを記入した空の様式を"
    "作ります。"
)


def desk_totals(result: RolloverResult, rows: list[dict[str, Any]]) -> str:
    """The counts of the job's table in one line, in the desk's words: the templates made, the
    roster rows whose 課 get a blank one, the uploads no template can be made from (last year's
    sheet sent again), those left out by the roster. (rollover's `totals` counts a roster row
    with no return among those not made, which the desk does make, blank.)"""
    made = [r for r in rows if r["template"] is not None]
    blank = [r for r in rows if r["blank_later"]]
    unusable = [r for r in rows if r["unusable"]]
    left_out = [r for r in rows if r["left_out"]]
    others = len(rows) - len(made) - len(blank) - len(unusable) - len(left_out)
    line = (
        f"{long_label(result.year)}の様式: 作成 {len(made)} 件(新規 {sum(r['new'] for r in made)} 件)"
        f"、空の様式(ダウンロード時に作成) {len(blank)} 件"
    )
    if unusable:
        line += f"、様式を作れない提出 {len(unusable)} 件"
    if others:
        line += f"、作成できなかったもの {others} 件"
    if left_out:
        line += f"、名簿にないため作成しなかったもの {len(left_out)} 件"
    return line


def _row(item: RolloverItem, names: dict[str, str], blank_later: bool) -> dict[str, Any]:
    later = item.output is None and any(p.code == "roster-no-return" for p in item.problems)
    if later:
        text = BLANK_LATER if blank_later else BLANK_AFTER_START
        notes = [{"severity": "警告", "text": text}]
    else:
        notes = _notes(item, names)
    if item.source is not None:
        source = names.get(str(item.source), item.source.name)
    else:
        source = f"名簿 {item.roster_line}行目(今年度の提出なし)"
    return {
        "template": item.output.name if item.output is not None else None,
        "blank_later": later,
        "source": source,
        "key": item.key or "",
        "name": item.name or "",
        "dept": item.dept or "",
        "new": item.new,
        "carried": item.carried,
        "cleared": len(item.cleared),
        "left_out": item.status == "not-in-roster",
        # an upload no template can be made from (another year's sheet, unreadable)
        "unusable": item.source is not None
        and item.output is None
        and item.status != "not-in-roster",
        "notes": notes,
        "attention": any(n["severity"] != "情報" for n in notes),
    }


def _notes(item: RolloverItem, names: dict[str, str]) -> list[dict[str, str]]:
    """rollover's notes of the item (item_notes), each as its severity word and its text."""
    notes = []
    for line in item_notes(item, options=False):
        found = _SEVERITY.match(line)
        severity = found.group(1) if found else "情報"
        text = _renamed(line[found.end() if found else 0 :], names)
        notes.append({"severity": severity, "text": text})
    return notes


def _renamed(text: str, names: dict[str, str]) -> str:
    for stored, shown in names.items():
        text = text.replace(stored, shown)
    return text
