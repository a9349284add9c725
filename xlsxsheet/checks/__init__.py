"""Checks: small units that look at a read workbook and yield findings.

A finding is a problem, and where xlsxsheet can correct it, the change `fix` writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from xlsxsheet.checks.base import Finding
from xlsxsheet.checks.formulas import check_formulas
from xlsxsheet.checks.grades import check_grade_suggestions
from xlsxsheet.checks.judgements import check_judgements
from xlsxsheet.checks.unit_slip import check_unit_slips
from xlsxsheet.checks.values import check_values
from xlsxsheet.reading import ReadResult

Check = Callable[[ReadResult], Iterator[Finding]]

ALL_CHECKS: tuple[Check, ...] = (
    check_values,
    check_formulas,
    check_judgements,
    check_unit_slips,
    check_grade_suggestions,
)

__all__ = ["ALL_CHECKS", "Check", "Finding"]
