"""Reports of checked files: a report object, rendered as text or JSON.

A report's results are `CheckResult`s, `batch.CheckedReturn`s or `spool.ReturnRecord`s (whose
problems are on disk): the summaries use only the counts of each, and the renderers read one
return's problems at a time (`loaded`), so `iter_text` and `iter_json` write a report of any
size without holding it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from xlsxsheet.checks.key_texts import key_form
from xlsxsheet.checks.pipeline import CheckResult
from xlsxsheet.core import strict_json
from xlsxsheet.core.problems import SEVERITY_WORDS
from xlsxsheet.office.roster import normalize_key
from xlsxsheet.office.status import Checked, layout_broken, status_of

if TYPE_CHECKING:
    from xlsxsheet.office.roster_match import Expected

STATUS_WORDS = {
    "clean": "問題なし",
    "warnings": "警告あり",
    "errors": "エラーあり",
    "unreadable": "読めない",
    "layout-broken": "様式定義の誤り",
}
GROUPINGS = {"layout": "様式", "department": "担当課"}
UNKNOWN_GROUP = {"layout": "(様式不明)", "department": "(担当課不明)"}
# the 担当課 group of a return with no 担当課 of its own whose records name theirs (新潟's and
# 狛江's progress sheets: one workbook for the whole plan)
MANY_DEPARTMENTS = "(複数の担当課)"
# the 様式 group of returns not checked because their layout's file has a mistake
BROKEN_LAYOUT_GROUP = "(様式定義の誤りで点検できない)"


class LazyList(Sequence[Any]):
    """A sequence made item by item when iterated (a department's files, read back one by one)."""

    def __init__(self, items: Sequence[Any], make: Callable[[Any], Any]) -> None:
        self._items = items
        self._make = make

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self._make(x) for x in self._items[index]]
        return self._make(self._items[index])

    def __iter__(self) -> Iterator[Any]:
        return (self._make(x) for x in self._items)


def shown_key(value: str | None) -> str | None:
    """A 施策 key (or 政策 number) as reports and the summary workbook show it: the characters of
    the Halfwidth and Fullwidth Forms (`０３－０２－０１５`, `Ａ`, the ideographic space) as their
    usual width (03-02-015), outer spaces removed, every other character as typed (`①`, `Ⅱ`:
    the office's own notation; keys are compared by normalize_key, which folds these too). The
    return's cell keeps what was typed. None stays None."""
    if value is None:
        return None
    return key_form(value)  # as the check reads a key and fix writes it


def file_columns(r: Checked, name: str) -> tuple[Any, ...]:
    """A file's row in the xlsx reports, up to its status: ファイル, 様式, 年度, 番号, 名称,
    担当課, 状態 (the check report and collect's 提出一覧 add their own columns after)."""
    from xlsxsheet.core import fiscal_year

    info = r.info
    return (
        name,
        r.layout_title or "",
        fiscal_year.long_label(r.year) if r.year else "",
        (shown_key(info.key) or "") if info else "",
        info.name if info else "",
        (info.department_shown or "") if info else "",
        STATUS_WORDS[status_of(r)],
    )


def group_of(r: Checked, by: str) -> str:
    """The 様式 (title) or 担当課 a file is counted under in the summaries: a return whose
    records name several 担当課 and that has none of its own under (複数の担当課)."""
    if by == "layout":
        if layout_broken(r):
            return BROKEN_LAYOUT_GROUP
        return r.layout_title or UNKNOWN_GROUP[by]
    info = r.info
    if info is None or info.department is None:
        return MANY_DEPARTMENTS if info is not None and info.departments else UNKNOWN_GROUP[by]
    return info.department or UNKNOWN_GROUP[by]


def group_order(name: str, by: str) -> tuple[int, str]:
    """Named groups first, then (複数の担当課) or the layouts with a mistake, then the unknown one."""
    unnamed = 1 if name in (MANY_DEPARTMENTS, BROKEN_LAYOUT_GROUP) else 0
    return (2 if name == UNKNOWN_GROUP[by] else unnamed, name)


def infos_of(r: Checked) -> int:
    """How many of a file's problems are information (a spooled record knows without reading)."""
    infos = getattr(r, "infos", None)
    if isinstance(infos, int):
        return infos
    return sum(p.severity == "info" for p in r.problems)


def shows_problems(r: Checked, show_info: bool) -> bool:
    """Whether a file has a problem to list (information only with show_info)."""
    return r.errors + r.warnings + (infos_of(r) if show_info else 0) > 0


def loaded(r: Checked) -> Checked:
    """The file with its problems at hand: a spooled record read back, anything else as it is."""
    load = getattr(r, "load", None)
    return load() if load is not None else r


def changes_of(r: Checked) -> int:
    count = getattr(r, "changes_count", None)
    return count if isinstance(count, int) else len(getattr(r, "changes", ()))


def count_files(results: list[Checked]) -> dict[str, int]:
    """files = clean + with errors (unreadable and layout-broken included) + warnings only;
    with warnings (errors or not); unreadable; layout-broken (not checked: the layout's file has
    a mistake); problems."""
    statuses = [status_of(r) for r in results if not r.readable]
    return {
        "files": len(results),
        "clean": sum(r.valid and not r.warnings for r in results),
        "with_errors": sum(not r.valid for r in results),
        "warnings_only": sum(r.valid and r.warnings > 0 for r in results),
        "with_warnings": sum(r.warnings > 0 for r in results),
        "unreadable": statuses.count("unreadable"),
        "layout_broken": statuses.count("layout-broken"),
        "errors": sum(r.errors for r in results),
        "warnings": sum(r.warnings for r in results),
        "infos": sum(infos_of(r) for r in results),
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
        order = sorted(members, key=lambda name: group_order(name, by))
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

    def head_dict(self) -> dict[str, Any]:
        """What the JSON report says before its files: validity, counts, summaries."""
        summary: dict[str, Any] = {
            **{f"by_{by}": self.groups(by) for by in GROUPINGS},
            "duplicates": self.duplicates(),
        }
        if self.expected is not None:
            from xlsxsheet.office.roster_match import not_in_roster

            summary["roster"] = [e.to_dict() for e in self.expected]
            summary["not_in_roster"] = [
                str(r.path) for r in not_in_roster(self.results, self.expected)
            ]
        return {"valid": self.valid, "stats": self.stats(), "summary": summary}

    def to_dict(self) -> dict[str, Any]:
        return {**self.head_dict(), "files": [file_dict(r) for r in self.results]}


def file_dict(r: Checked) -> dict[str, Any]:
    """One file of the JSON report (a spooled record is read back for its problems)."""
    changes = changes_of(r)
    r = loaded(r)
    info = r.info
    return {
        "file": str(r.path),
        "layout": r.layout_id,
        "layout_title": r.layout_title,
        "year": r.year,
        "unit": info.unit if info else None,
        "key": normalize_key(info.key) if info and info.key is not None else None,
        "name": info.name if info else None,
        "department": info.department if info else None,
        "departments": list(info.departments) if info else [],
        "status": status_of(r),
        "valid": r.valid,
        "errors": r.errors,
        "warnings": r.warnings,
        "infos": sum(p.severity == "info" for p in r.problems),
        "changes": changes,
        "problems": [p.to_dict() for p in r.problems],
    }


def _dumps(data: Any) -> str:
    return strict_json.dumps(data, ensure_ascii=False, indent=2, default=str)


def render_json(report: Report) -> str:
    return _dumps(report.to_dict())


def iter_json(report: Report) -> Iterator[str]:
    """render_json in pieces, one file at a time: the same text when joined."""
    head = _dumps({**report.head_dict(), "files": []})
    if not report.results:
        yield head
        return
    assert head.endswith('"files": []\n}')
    yield head[: -len("]\n}")]
    for i, r in enumerate(report.results):
        text = _dumps(file_dict(r)).replace("\n", "\n    ")
        yield ("\n    " if i == 0 else ",\n    ") + text
    yield "\n  ]\n}"


def render_text(report: Report, show_info: bool = False) -> str:
    return "\n".join(iter_text(report, show_info))


def iter_text(report: Report, show_info: bool = False) -> Iterator[str]:
    """The lines of render_text (without their line ends), one file's problems at a time."""
    for r in report.results:
        r = loaded(r)
        shown = [p for p in r.problems if show_info or p.severity != "info"]
        infos = len(r.problems) - len(shown)
        head = f"{r.path}: エラー {r.errors} 件、警告 {r.warnings} 件"
        if infos:
            head += f"、情報 {infos} 件(--all で表示)"
        yield head
        for p in shown:
            yield f"  [{SEVERITY_WORDS[p.severity]}] {p.code}: {p.message}"
    if len(report.results) > 1:
        for by, word in GROUPINGS.items():
            yield f"{word}別:"
            for group in report.groups(by):
                yield f"  {group['name']}: {counts_text(group)}"
    for dup in report.duplicates():
        about = " ".join(x for x in (dup["layout_title"], dup["key"], dup["name"]) if x)
        yield f"重複提出: {about}({'、'.join(dup['files'])})"
    for e in report.missing():
        yield (
            f"未提出: {e.layout_title} {e.entry.key}({e.entry.dept or '担当課未記入'})"
            f"名簿 {e.entry.line}行目"
        )
    s = report.stats()
    if report.expected is not None:
        yield (
            f"名簿: {s['expected']} 件中、提出あり {s['expected'] - s['missing']}、"
            f"未提出 {s['missing']}"
        )
    yield f"合計: {counts_text(s)}(エラー {s['errors']} 件、警告 {s['warnings']} 件)"


def counts_text(s: dict[str, Any]) -> str:
    """`5 ファイル、問題なし 2、エラーあり 2(うち読めない 1)、警告のみ 1`: the three add up;
    returns of a layout whose file has a mistake are counted apart (うち様式定義の誤り)."""
    among = [
        *([f"読めない {s['unreadable']}"] if s["unreadable"] else []),
        *([f"様式定義の誤り {s['layout_broken']}"] if s.get("layout_broken") else []),
    ]
    unreadable = f"(うち{'、'.join(among)})" if among else ""
    return (
        f"{s['files']} ファイル、問題なし {s['clean']}、エラーあり {s['with_errors']}{unreadable}、"
        f"警告のみ {s['warnings_only']}"
    )
