"""Checks: small units that look at a read workbook and yield findings.

A finding is a problem, and where xlsxsheet can correct it, the change `fix` writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from xlsxsheet.checks.base import Finding
from xlsxsheet.checks.bounds import check_bounds
from xlsxsheet.checks.file_kind import check_file_kind
from xlsxsheet.checks.fixed_texts import check_fixed_texts
from xlsxsheet.checks.formulas import check_formulas
from xlsxsheet.checks.grades import check_grade_suggestions
from xlsxsheet.checks.input_formulas import check_input_formulas
from xlsxsheet.checks.judgements import check_judgements
from xlsxsheet.checks.records import check_records
from xlsxsheet.checks.structure import check_structure
from xlsxsheet.checks.totals import check_totals
from xlsxsheet.checks.unit_slip import check_unit_slips
from xlsxsheet.checks.values import check_values
from xlsxsheet.checks.year_roles import check_year_roles
from xlsxsheet.reading.return_reader import ReadResult

Check = Callable[[ReadResult], Iterator[Finding]]

ALL_CHECKS: tuple[Check, ...] = (
    check_file_kind,
    check_structure,
    check_fixed_texts,
    check_values,
    check_input_formulas,
    check_formulas,
    check_judgements,
    check_unit_slips,
    check_bounds,
    check_totals,
    check_year_roles,
    check_grade_suggestions,
    check_records,
)

__all__ = ["ALL_CHECKS", "Check", "Finding"]
