"""The `fix` job, one for the command line and the library: the output refused before the
return is read (the source itself, an existing file without `force`), the return checked, an
unreadable one refused with its reason, and the corrected copy written."""

from __future__ import annotations

from pathlib import Path

from xlsxsheet.checks.pipeline import CheckResult, check_file
from xlsxsheet.copies.corrected import write_fixed
from xlsxsheet.copies.workbook_copy import refuse_source
from xlsxsheet.core.errors import WorkbookError
from xlsxsheet.core.safe_write import check_target
from xlsxsheet.layout.registry import LayoutRegistry, default_registry
from xlsxsheet.office.batch import CheckedReturn, fewer_collections

# errors the corrected copy itself corrects (the rest are for the department to fix by hand)
CORRECTED_CODES = frozenset(
    {"formula-overwritten", "total-mismatch", "judgement-mismatch", "formula-changed"}
)


def fix_path(
    workbook: Path,
    output: Path,
    layout_id: str | None = None,
    year: int | None = None,
    force: bool = False,
    registry: LayoutRegistry | None = None,
) -> CheckResult:
    """Check `workbook` and write its corrected copy to `output`; the check it applies."""
    registry = registry or default_registry()
    refuse_source(workbook, output)
    check_target(output, force)
    with fewer_collections():  # a check and a copy leave no cycles (see batch)
        checked = check_file(workbook, registry, layout_id, year)
        if checked.read is None:
            first = checked.problems[0]
            raise WorkbookError(str(workbook), first.code, first.message)
        write_fixed(checked, output, force)
    return checked


def errors_left(checked: CheckResult | CheckedReturn) -> int:
    """The errors the corrected copy leaves for the department to fix by hand: not those of the
    kinds fix corrects, nor those on a cell it changes (a grade the rules decide, a code order)."""
    changed = {(c.sheet, c.cell) for c in checked.changes}
    return sum(
        p.severity == "error" and p.code not in CORRECTED_CODES and (p.sheet, p.cell) not in changed
        for p in checked.problems
    )
