"""Reports of checked files: a report object, rendered as text or JSON."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from xlsxsheet.pipeline import CheckResult

SEVERITY_WORDS = {"error": "エラー", "warning": "警告", "info": "情報"}


@dataclass
class Report:
    results: list[CheckResult]

    @property
    def valid(self) -> bool:
        return all(r.valid for r in self.results)

    def stats(self) -> dict[str, int]:
        counts = Counter(p.severity for r in self.results for p in r.problems)
        return {
            "files": len(self.results),
            "clean": sum(not r.problems or (r.valid and not r.warnings) for r in self.results),
            "with_errors": sum(not r.valid for r in self.results),
            "with_warnings": sum(r.warnings > 0 for r in self.results),
            "unreadable": sum(r.read is None for r in self.results),
            "errors": counts["error"],
            "warnings": counts["warning"],
            "infos": counts["info"],
        }

    def to_dict(self) -> dict[str, Any]:
        files = []
        for r in self.results:
            files.append(
                {
                    "file": str(r.path),
                    "layout": r.read.plan.layout.id if r.read else None,
                    "year": r.read.plan.year if r.read else None,
                    "valid": r.valid,
                    "errors": r.errors,
                    "warnings": r.warnings,
                    "changes": len(r.changes),
                    "problems": [p.to_dict() for p in r.problems],
                }
            )
        return {"valid": self.valid, "stats": self.stats(), "files": files}


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
    s = report.stats()
    lines.append(
        f"合計: {s['files']} ファイル、エラーあり {s['with_errors']}、警告あり {s['with_warnings']}、"
        f"読めないファイル {s['unreadable']}(エラー {s['errors']} 件、警告 {s['warnings']} 件)"
    )
    return "\n".join(lines)
