"""The corrected copy brings the cached results of the formulas up to date, and only those: a
total the corrections change gets its new result (python-calamine, which does not calculate,
reads it), a total they leave as it was keeps its `<c>` element byte for byte, however its
program spelled the number. The same holds for a return the openpyxl reader had to read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fidelity_support import SHEET_PART, TOTAL, Parts, excel_return
from python_calamine import CalamineWorkbook

from xlsxsheet.checks.pipeline import CheckResult, check_file
from xlsxsheet.copies.corrected import write_fixed
from xlsxsheet.copies.stale_results import saved_results
from xlsxsheet.core.cells import parse_a1

SHEET = "施策マネジメントシート"
CELL = re.compile(r'<c r="([A-Z]+\d+)"[^>]*?(?:/>|>.*?</c>)', re.S)


def _elements(path: Path) -> dict[str, str]:
    """Each `<c>` element of the sheet part, as written, by its cell."""
    text = Parts(path).text(SHEET_PART)
    return {m.group(1): m.group(0) for m in CELL.finditer(text)}


def _values(path: Path) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEET).to_python()


def _results(checked: CheckResult) -> dict[str, object]:
    """The recomputed value of each formula cell of the sheet, by cell."""
    read = checked.read
    assert read is not None
    found = {}
    for key, value in read.computed.items():
        cell = read.cells.get(key)
        if cell is not None and cell.sheet == SHEET and cell.raw.formula is not None:
            found[cell.address] = value
    return found


def _at(values: list[list[object]], ref: str) -> object:
    row, col = parse_a1(ref)
    return values[row][col] if row < len(values) and col < len(values[row]) else None


def _split(source: Path, checked: CheckResult) -> tuple[list[str], list[str]]:
    """The formula cells whose saved result (as calamine reads the source) is the recomputed
    one, and those whose result the corrections change."""
    before = _values(source)
    same, changed = [], []
    edited = {c.cell for c in checked.changes}
    for ref, value in _results(checked).items():
        if ref in edited or not isinstance(value, int | float) or isinstance(value, bool):
            continue
        (same if _at(before, ref) == value else changed).append(ref)
    return same, changed


def _assert_only_stale_results_rewritten(source: Path, out: Path, checked: CheckResult) -> None:
    same, changed = _split(source, checked)
    assert len(same) >= 10 and len(changed) >= 2  # the totals of (A) and (A)+(B) at least
    old, new = _elements(source), _elements(out)
    after = _values(out)
    results = _results(checked)
    for ref in same:
        assert new[ref] == old[ref], ref
    for ref in changed:
        assert new[ref] != old[ref]
        assert _at(after, ref) == pytest.approx(results[ref]), ref
        formula = re.search(r"<f>.*?</f>", old[ref]).group(0)
        assert formula in new[ref]  # the formula as it was: only the result is new


def test_only_the_totals_the_corrections_change_get_a_new_cached_result(tmp_path: Path) -> None:
    made = excel_return(tmp_path)
    checked = check_file(made.path)
    assert checked.read is not None and saved_results(checked.read.content) is not None
    out = write_fixed(checked, tmp_path / "修正版.xlsx")
    _assert_only_stale_results_rewritten(made.path, out, checked)
    assert TOTAL in {c.cell for c in checked.changes}


def test_an_unchanged_result_keeps_its_own_spelling(tmp_path: Path) -> None:
    made = excel_return(tmp_path)
    checked = check_file(made.path)
    same, _ = _split(made.path, checked)
    integer = next(
        ref for ref in same if re.search(r"<v>\d+</v>", _elements(made.path)[ref]) is not None
    )
    parts = Parts(made.path)
    text = parts.text(SHEET_PART)
    element = _elements(made.path)[integer]
    number = re.search(r"<v>(\d+)</v>", element).group(1)
    spelled = element.replace(f"<v>{number}</v>", f"<v>{number}.0E0</v>")
    parts.put(SHEET_PART, text.replace(element, spelled))
    source = parts.save(tmp_path / "施策12_指数表記.xlsx")
    checked = check_file(source)
    out = write_fixed(checked, tmp_path / "修正版.xlsx")
    assert _elements(out)[integer] == spelled
    assert _at(_values(out), integer) == int(number)


def test_a_return_the_openpyxl_reader_read_gets_its_results_too(tmp_path: Path) -> None:
    made = excel_return(tmp_path)
    parts = Parts(made.path)
    text = parts.text(SHEET_PART)
    at = text.index("<sheetData>")
    parts.put(SHEET_PART, text[:at] + "<!-- 財政課確認済 -->" + text[at:])  # the scanner's limit
    source = parts.save(tmp_path / "施策12_注記.xlsx")
    checked = check_file(source)
    assert checked.read is not None
    assert saved_results(checked.read.content) is None  # openpyxl's reader keeps none
    out = write_fixed(checked, tmp_path / "修正版.xlsx")
    _assert_only_stale_results_rewritten(source, out, checked)
