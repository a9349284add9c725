"""The problem-code table of the README, made from the catalogue (problems.CATALOGUE).

`python -m xlsxsheet.core.problem_docs` prints it; tests/test_problem_docs.py checks that the
README holds exactly this table, so every code check and rollover can report is documented.
"""

from __future__ import annotations

from xlsxsheet.core.problems import CATALOGUE

SEVERITY_WORDS = {"error": "エラー", "warning": "警告", "info": "情報"}
START = "<!-- problem-codes: made by python -m xlsxsheet.core.problem_docs -->"
END = "<!-- /problem-codes -->"

# the table's sections, in order; every catalogue code is in exactly one
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "ファイル",
        (
            "file-unreadable",
            "file-missing",
            "file-empty",
            "not-a-workbook",
            "file-corrupt",
            "zip-no-workbook",
            "workbook-encrypted",
            "legacy-xls",
            "macro-workbook",
            "xml-dtd",
            "zip-bomb",
            "file-too-large",
            "dimension-huge",
        ),
    ),
    (
        "様式とシートの構造",
        (
            "not-xlsxsheet",
            "layout-unknown",
            "layout-broken",
            "layout-version",
            "layout-mismatch",
            "year-mismatch",
            "layout-migrated",
            "layout-changed",
            "metadata-missing",
            "name-missing",
            "name-broken",
            "sheet-missing",
            "sheet-renamed",
            "sheet-hidden",
            "sheet-order",
            "sheet-added",
            "protection-removed",
            "label-changed",
            "text-outside-form",
            "fixed-texts-unchecked",
            "cells-moved",
            "cells-merged",
            "cells-unmerged",
            "formula-in-input",
        ),
    ),
    (
        "入力値",
        (
            "required-missing",
            "not-a-number",
            "not-in-list",
            "invalid-value",
            "value-normalized",
            "number-stored-as-text",
            "unit-slip",
            "out-of-range",
            "year-role",
        ),
    ),
    (
        "計算式・判定・評価",
        (
            "formula-overwritten",
            "formula-changed",
            "formula-input-gone",
            "total-mismatch",
            "breakdown-mismatch",
            "compute-failed",
            "judgement-mismatch",
            "judgement-missing",
            "direction-inferred",
            "grade-differs",
        ),
    ),
    (
        "行数が決まっていない表(records)",
        (
            "records-name-missing",
            "records-label",
            "marks-exactly-one",
            "marks-missing",
            "marks-alone",
            "code-unknown",
            "code-order",
            "grade-rule-mismatch",
            "grade-rule-incomplete",
            "summary-mismatch",
            "summary-excluded",
        ),
    ),
    (
        "翌年度の様式(rollover)",
        (
            "return-missing",
            "return-unreadable",
            "return-wrong-year",
            "return-duplicate",
            "roster-no-return",
            "return-not-in-roster",
            "output-unwritable",
            "value-not-carried",
            "key-missing",
            "dept-changed",
            "key-changed",
            "plan-unreadable",
            "plan-applied",
            "plan-skipped",
            "plan-missing",
            "plan-unused",
            "params-set",
            "params-unused",
        ),
    ),
)


def problem_table() -> str:
    """The Markdown table (between its START and END markers) of every catalogue code."""
    lines = [START, "", "| 区分 | コード | 重要度 | 内容 |", "| --- | --- | --- | --- |"]
    for section, codes in SECTIONS:
        for code in codes:
            severity, title = CATALOGUE[code]
            lines.append(f"| {section} | `{code}` | {SEVERITY_WORDS[severity]} | {title} |")
    return "\n".join([*lines, "", END])


if __name__ == "__main__":
    print(problem_table())
