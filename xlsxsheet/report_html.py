"""The HTML rendering of a report: one self-contained page a central office sends to departments.

jinja2 with autoescape: every text that came from a workbook (values, labels, file names) is
escaped, so a cell holding ``<script>`` shows as text. Inline CSS only: no script, no network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from xlsxsheet import __version__, fiscal_year
from xlsxsheet.report import (
    GROUPINGS,
    SEVERITY_WORDS,
    STATUS_WORDS,
    UNKNOWN_GROUP,
    Report,
    group_of,
    status_of,
)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("xlsxsheet", "report_templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def show_value(value: Any) -> str:
    """A problem's value or expected value as a cell of the table."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.10g}"
    return str(value)


def render_html(
    report: Report,
    show_info: bool = False,
    names: Mapping[Path, str] | None = None,
    title: str = "点検結果",
) -> str:
    """The report as one HTML page; `names` gives the name shown for each file (else its path)."""
    names = names or {}
    departments: dict[str, list[dict[str, Any]]] = {}
    for r in report.results:
        departments.setdefault(group_of(r, "department"), []).append(
            _file_context(r, show_info, names)
        )
    unknown = UNKNOWN_GROUP["department"]
    order = sorted(departments, key=lambda name: (name == unknown, name))
    counts = {g["name"]: g for g in report.groups("department")}
    context = {
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
        "departments": [
            {"name": name, "counts": counts[name], "files": departments[name]} for name in order
        ],
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
    return _environment().get_template("check_report.html.j2").render(context)


def _file_context(r: Any, show_info: bool, names: Mapping[Path, str]) -> dict[str, Any]:
    info = r.info
    problems = [p for p in r.problems if show_info or p.severity != "info"]
    status = status_of(r)
    return {
        "display": names.get(Path(r.path), str(r.path)),
        "status": status,
        "status_word": STATUS_WORDS[status],
        "shown": bool(problems),
        "layout_title": r.layout_title,
        "about": [
            part
            for part in (
                r.layout_title,
                fiscal_year.long_label(r.year) if r.year else None,
                " ".join(x for x in (info.unit, info.key, info.name) if x)
                if info and (info.key or info.name)
                else None,
            )
            if part
        ],
        "unit": info.unit if info else "施策",
        "key": info.key if info else None,
        "name": info.name if info else None,
        "errors": r.errors,
        "warnings": r.warnings,
        "problems": [
            {
                "severity": p.severity,
                "severity_word": SEVERITY_WORDS[p.severity],
                "cell": p.cell or "",
                "sheet": p.sheet or "",
                "label": p.label or "",
                "message": p.message,
                "value": show_value(p.value),
                "expected": show_value(p.expected),
            }
            for p in problems
        ],
    }
