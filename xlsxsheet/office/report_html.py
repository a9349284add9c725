"""The HTML rendering of a report: one self-contained page a central office sends to departments.

jinja2 with autoescape: every text that came from a workbook (values, labels, file names) is
escaped, so a cell holding ``<script>`` shows as text. Inline CSS only: no script, no network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jinja2

from xlsxsheet.checks.base import show_value
from xlsxsheet.core import fiscal_year
from xlsxsheet.core.problems import Problem
from xlsxsheet.core.version import __version__
from xlsxsheet.office.report import (
    GROUPINGS,
    SEVERITY_WORDS,
    STATUS_WORDS,
    Checked,
    LazyList,
    Report,
    group_of,
    group_order,
    loaded,
    shows_problems,
    status_of,
)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("xlsxsheet.office", "report_templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def message_text(p: Problem) -> str:
    """A problem's message without the place it starts with ('シート'!F70 (項目): ): the
    page shows the cell, the sheet and the 項目 in columns of their own."""
    place = p.where
    for head in (f"{place}: ", f"{place}:"):
        if place and p.message.startswith(head) and len(p.message) > len(head):
            return p.message[len(head) :]
    return p.message


def render_html(
    report: Report,
    show_info: bool = False,
    names: Mapping[Path, str] | None = None,
    title: str = "点検結果",
) -> str:
    """The report as one HTML page; `names` gives the name shown for each file (else its path)."""
    return "".join(iter_html(report, show_info, names, title))


def iter_html(
    report: Report,
    show_info: bool = False,
    names: Mapping[Path, str] | None = None,
    title: str = "点検結果",
) -> Iterator[str]:
    """render_html in pieces, reading one file's problems at a time: the same page when joined."""
    template = _environment().get_template("check_report.html.j2")
    return template.generate(html_context(report, show_info, names or {}, title))


def html_context(
    report: Report, show_info: bool, names: Mapping[Path, str], title: str
) -> dict[str, Any]:
    """The template's context; the files of each department are made when the page is written."""
    departments: dict[str, list[Checked]] = {}
    for r in report.results:
        departments.setdefault(group_of(r, "department"), []).append(r)
    order = sorted(departments, key=lambda name: group_order(name, "department"))
    counts = {g["name"]: g for g in report.groups("department")}

    def shown(r: Checked) -> dict[str, Any]:
        return _file_context(loaded(r), show_info, names)

    def clean(r: Checked) -> dict[str, Any]:
        return _file_context(r, show_info, names, problems=False)

    def department(name: str) -> dict[str, Any]:
        members = departments[name]
        with_problems = [r for r in members if shows_problems(r, show_info)]
        without = [r for r in members if not shows_problems(r, show_info)]
        return {
            "name": name,
            "counts": counts[name],
            "count": len(members),
            "shown": LazyList(with_problems, shown),
            "clean": LazyList(without, clean),
        }

    return {
        "title": title,
        "generated": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "version": __version__,
        "stats": report.stats(),
        "show_info": show_info,
        "groupings": [(word, report.groups(by)) for by, word in GROUPINGS.items()],
        "duplicates": [
            dup | {"files": [names.get(Path(f), f) for f in dup["files"]]}
            for dup in report.duplicates()
        ],
        "departments": LazyList(order, department),
        "roster": report.expected is not None,
        "missing": [
            {
                "layout_title": e.layout_title,
                "key": e.entry.key,
                "department": e.entry.dept,
                "line": e.entry.line,
            }
            for e in report.missing()
        ],
    }


def _file_context(
    r: Any, show_info: bool, names: Mapping[Path, str], problems: bool = True
) -> dict[str, Any]:
    """One file of the page; problems=False: a file with none to list (not read back)."""
    info = r.info
    departments = "、".join(info.departments) if info else ""  # named by its records
    shown = [p for p in r.problems if show_info or p.severity != "info"] if problems else []
    status = status_of(r)
    return {
        "display": names.get(Path(r.path), str(r.path)),
        "status": status,
        "status_word": STATUS_WORDS[status],
        "shown": bool(shown),
        "layout_title": r.layout_title,
        "about": [
            part
            for part in (
                r.layout_title,
                fiscal_year.long_label(r.year) if r.year else None,
                " ".join(x for x in (info.unit, info.key, info.name) if x)
                if info and (info.key or info.name)
                else None,
                "担当課: " + departments if departments else None,
            )
            if part
        ],
        "unit": info.unit if info else "施策",
        "key": info.key if info else None,
        "name": info.name if info else None,
        "departments": departments,
        "errors": r.errors,
        "warnings": r.warnings,
        "problems": [
            {
                "severity": p.severity,
                "severity_word": SEVERITY_WORDS[p.severity],
                "cell": p.cell or "",
                "sheet": p.sheet or "",
                "label": p.label or "",
                "message": message_text(p),
                "value": show_value(p.value),
                "expected": show_value(p.expected),
            }
            for p in shown
        ],
    }
