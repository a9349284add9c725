"""The next-year job's report as its page shows it: one row per template made or not made.

The command line prints rollover's text (`render_text`); the office reads a table instead,
what needs its attention first: the rows with no template, then those with a warning or an
error, then the rest. Each row names the return by the name the department sent it under
(its 課, file and version), never by the stored file's hash name."""

from __future__ import annotations

import re
from typing import Any

from xlsxsheet.office.rollover import RolloverItem, RolloverResult, item_notes

_SEVERITY = re.compile(r"^\[(情報|警告|エラー)\] ")


def report_rows(
    result: RolloverResult, names: dict[str, str], blank_later: bool = False
) -> list[dict[str, Any]]:
    """The rows of the report, as JSON (kept beside the job's download); `names`: each stored
    file's path and name (as they appear in the messages) → the name the office knows it by;
    `blank_later`: a new year started, so a roster row with no return of this year gets its
    blank template when its 課 downloads it (said so, instead of rollover's error)."""
    rows = [_row(item, names, blank_later) for item in result.items]
    return sorted(rows, key=lambda r: (r["template"] is not None, not r["attention"]))


BLANK_LATER = (
    "今年度の使える提出がないため、引き継ぐ内容がありません。各課がダウンロードするときに、"
    "施策番号・担当課だけを記入した空の様式を作ります。"
)


def _row(item: RolloverItem, names: dict[str, str], blank_later: bool) -> dict[str, Any]:
    later = blank_later and item.source is None and item.output is None
    notes = [{"severity": "警告", "text": BLANK_LATER}] if later else _notes(item, names)
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
