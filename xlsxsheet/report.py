"""Reports of checked files: a report object, rendered as text or JSON."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from xlsxsheet.pipeline import CheckResult
from xlsxsheet.problems import Problem
from xlsxsheet.returns import ReturnInfo

if TYPE_CHECKING:
    from xlsxsheet.expected import Expected

SEVERITY_WORDS = {"error": "エラー", "warning": "警告", "info": "情報"}
STATUS_WORDS = {
    "clean": "問題なし",
    "warnings": "警告あり",
    "errors": "エラーあり",
    "unreadable": "読めない",
}
GROUPINGS = {"layout": "様式", "department": "担当課"}
UNKNOWN_GROUP = {"layout": "(様式不明)", "department": "(担当課不明)"}


class Checked(Protocol):
    """A checked file as reports need it: `CheckResult`, or `batch.CheckedReturn`."""

    path: Any
    problems: list[Problem]

    @property
    def errors(self) -> int: ...
    @property
    def warnings(self) -> int: ...
    @property
    def valid(self) -> bool: ...
    @property
    def readable(self) -> bool: ...
    @property
    def layout_id(self) -> str | None: ...
    @property
    def layout_title(self) -> str | None: ...
    @property
    def year(self) -> int | None: ...
    @property
    def info(self) -> ReturnInfo | None: ...


def normalize_key(value: str) -> str:
    """A 施策 key as compared between files: NFKC (全角 → 半角), outer spaces removed."""
    return unicodedata.normalize("NFKC", value).strip()


def status_of(r: Checked) -> str:
    """clean / warnings / errors / unreadable: the one word a file's line shows."""
    if not r.readable:
        return "unreadable"
    if r.errors:
        return "errors"
    return "warnings" if r.warnings else "clean"


def group_of(r: Checked, by: str) -> str:
    """The 様式 (title) or 担当課 a file is counted under in the summaries."""
    name = r.layout_title if by == "layout" else (r.info.department if r.info else None)
    return name or UNKNOWN_GROUP[by]


def count_files(results: list[Checked]) -> dict[str, int]:
    """files, clean, with errors (unreadable included), with warnings, unreadable; problems."""
    counts = Counter(p.severity for r in results for p in r.problems)
    return {
        "files": len(results),
        "clean": sum(r.valid and not r.warnings for r in results),
        "with_errors": sum(not r.valid for r in results),
        "with_warnings": sum(r.warnings > 0 for r in results),
        "unreadable": sum(not r.readable for r in results),
        "errors": counts["error"],
        "warnings": counts["warning"],
        "infos": counts["info"],
    }


@dataclass
class Report:
    results: list[CheckResult] | list[Checked]
    # the roster's rows and the returns answering them (`--roster`); None without a roster
    expected: list[Expected] | None = None

    @property
    def valid(self) -> bool:
        """No file with errors, and no return the roster expects missing."""
        return all(r.valid for r in self.results) and not self.missing()

    def missing(self) -> list[Expected]:
        """Roster rows with no return (未提出)."""
        return [e for e in self.expected or [] if e.missing]

    def stats(self) -> dict[str, int]:
        stats = count_files(list(self.results))
        if self.expected is not None:
            stats["expected"] = len(self.expected)
            stats["missing"] = len(self.missing())
        return stats

    def groups(self, by: str) -> list[dict[str, Any]]:
        """The counts of `stats` per 様式 (by="layout") or per 担当課 (by="department")."""
        members: dict[str, list[Checked]] = {}
        for r in self.results:
            members.setdefault(group_of(r, by), []).append(r)
        unknown = UNKNOWN_GROUP[by]
        order = sorted(members, key=lambda name: (name == unknown, name))
        return [{"name": name, **count_files(members[name])} for name in order]

    def duplicates(self) -> list[dict[str, Any]]:
        """Returns of the same 施策 (layout, year, key) in several files: sent twice?"""
        found: dict[tuple[str, int, str], list[Checked]] = {}
        for r in self.results:
            identity = r.info.identity if r.info else None
            if identity is not None:
                layout, year, key = identity
                found.setdefault((layout, year, normalize_key(key)), []).append(r)
        return [
            {
                "layout": layout,
                "layout_title": members[0].layout_title,
                "year": year,
                "key": key,
                "name": members[0].info.name if members[0].info else None,
                "files": [str(r.path) for r in members],
            }
            for (layout, year, key), members in found.items()
            if len(members) > 1
        ]

    def to_dict(self) -> dict[str, Any]:
        files = []
        for r in self.results:
            info = r.info
            files.append(
                {
                    "file": str(r.path),
                    "layout": r.layout_id,
                    "layout_title": r.layout_title,
                    "year": r.year,
                    "unit": info.unit if info else None,
                    "key": info.key if info else None,
                    "name": info.name if info else None,
                    "department": info.department if info else None,
                    "status": status_of(r),
                    "valid": r.valid,
                    "errors": r.errors,
                    "warnings": r.warnings,
                    "infos": sum(p.severity == "info" for p in r.problems),
                    "changes": len(r.changes),
                    "problems": [p.to_dict() for p in r.problems],
                }
            )
        summary: dict[str, Any] = {
            **{f"by_{by}": self.groups(by) for by in GROUPINGS},
            "duplicates": self.duplicates(),
        }
        if self.expected is not None:
            from xlsxsheet.expected import not_in_roster

            summary["roster"] = [e.to_dict() for e in self.expected]
            summary["not_in_roster"] = [
                str(r.path) for r in not_in_roster(self.results, self.expected)
            ]
        return {"valid": self.valid, "stats": self.stats(), "summary": summary, "files": files}


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str)


def render_text(report: Report, show_info: bool = False) -> str:
    lines = []
    for r in report.results:
        shown = [p for p in r.problems if show_info or p.severity != "info"]
        infos = len(r.problems) - len(shown)
        head = f"{r.path}: エラー {r.errors} 件、警告 {r.warnings} 件"
        if infos:
            head += f"、情報 {infos} 件(--all で表示)"
        lines.append(head)
        for p in shown:
            lines.append(f"  [{SEVERITY_WORDS[p.severity]}] {p.code}: {p.message}")
    if len(report.results) > 1:
        for by, word in GROUPINGS.items():
            lines.append(f"{word}別:")
            for group in report.groups(by):
                lines.append(f"  {group['name']}: {_counts_text(group)}")
    for dup in report.duplicates():
        about = " ".join(x for x in (dup["layout_title"], dup["key"], dup["name"]) if x)
        lines.append(f"重複提出: {about}({'、'.join(dup['files'])})")
    for e in report.missing():
        lines.append(
            f"未提出: {e.layout_title} {e.entry.key}({e.entry.dept or '担当課未記入'})"
            f"名簿 {e.entry.line}行目"
        )
    s = report.stats()
    if report.expected is not None:
        lines.append(
            f"名簿: {s['expected']} 件中、提出あり {s['expected'] - s['missing']}、"
            f"未提出 {s['missing']}"
        )
    lines.append(f"合計: {_counts_text(s)}(エラー {s['errors']} 件、警告 {s['warnings']} 件)")
    return "\n".join(lines)


def _counts_text(s: dict[str, Any]) -> str:
    return (
        f"{s['files']} ファイル、問題なし {s['clean']}、エラーあり {s['with_errors']}、"
        f"警告あり {s['with_warnings']}、読めないファイル {s['unreadable']}"
    )
