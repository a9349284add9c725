"""The shortcut binding of intact workbooks gives what the general binding gives.

Almost every return has all its sheets and every field name where the template put it; such a
workbook is bound through a flat index of the plan instead of cell by cell. These tests bind
every bundled example and every file of the damaged-workbook corpus both ways and compare the
cells (slot, sheet, row, column, value, formula, found by name), their order and the problems.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from corpus.build import CASES as CORPUS

from xlsxsheet.core.data_folders import examples_dir
from xlsxsheet.core.errors import WorkbookError
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.reading import binding
from xlsxsheet.reading.binding import bind, migration_for, plan_for
from xlsxsheet.reading.workbook_reader import read_workbook


def _both_ways(path: Path) -> tuple[Any, Any, bool] | None:
    try:
        content = read_workbook(path)
        plan = plan_for(content, default_registry())
        migration = migration_for(content, plan.layout)
    except WorkbookError:
        return None
    intact = migration is None and binding._bind_intact(content, plan) is not None

    def snapshot(shortcut: bool) -> tuple[list[Any], list[Any]]:
        cells, problems = bind(content, plan, migration, shortcut=shortcut)
        return (
            [(k, c.slot.key, c.raw, c.via_name) for k, c in cells.items()],
            [(p.code, p.sheet, p.cell, p.field, p.severity) for p in problems],
        )

    return snapshot(True), snapshot(False), intact


def _assert_reported_unreadable(path: Path) -> None:
    """A corpus file that cannot be read as an xlsxsheet workbook (nothing to bind or check
    either way): the check says so as an error of that file."""
    from xlsxsheet.checks.pipeline import check_file

    result = check_file(path)
    assert result.read is None
    assert [p.severity for p in result.problems] == ["error"], result.problems


@pytest.mark.parametrize("path", sorted(examples_dir().glob("*.xlsx")), ids=lambda p: p.stem)
def test_every_bundled_example_is_bound_the_same_by_the_shortcut(path: Path) -> None:
    both = _both_ways(path)
    assert both is not None
    fast, general, intact = both
    assert intact, "a bundled example is an intact return: the shortcut must apply"
    assert fast == general
    assert len(fast[0]) > 50


@pytest.mark.parametrize("name", [case.name for case in CORPUS])
def test_every_corpus_file_is_bound_the_same_either_way(
    corpus_cases: dict[str, Any], name: str
) -> None:
    _same_either_way(corpus_cases, name, _both_ways)


def _same_either_way(
    corpus_cases: dict[str, Any], name: str, both_ways: Callable[[Path], Any]
) -> None:
    """both_ways(path) of a corpus file gives the same first two results (the shortcut's and
    the general way's); a file that cannot be read either way is reported as an error."""
    if name not in corpus_cases:
        pytest.skip("built only where LibreOffice is installed")
    path = corpus_cases[name].path
    both = both_ways(path)
    if both is None:
        _assert_reported_unreadable(path)
        return
    assert both[0] == both[1]


def test_the_corpus_has_workbooks_the_shortcut_refuses(corpus_cases: dict[str, Any]) -> None:
    """Moved, renamed or missing names go the general way (else this comparison proves little)."""
    refused = [
        name
        for name, case in corpus_cases.items()
        if (both := _both_ways(case.path)) is not None and not both[2]
    ]
    assert len(refused) >= 5, refused


def test_the_corpus_has_damaged_workbooks_the_shortcut_takes(corpus_cases: dict[str, Any]) -> None:
    """Wrong values, typed-over formulas, removed protection: names intact, the shortcut binds."""
    taken = [
        name
        for name, case in corpus_cases.items()
        if (both := _both_ways(case.path)) is not None and both[2]
    ]
    assert len(taken) >= 10, taken


def _structure_both_ways(path: Path) -> tuple[list[Any], list[Any]] | None:
    """The structure findings as check_structure gives them (with its shortcut for returns in
    place under the template's merges) and from every cell-by-cell check."""
    from xlsxsheet.checks import structure
    from xlsxsheet.reading.return_reader import read_file

    try:
        result = read_file(path)
    except WorkbookError:
        return None

    def listed(findings: Any) -> list[Any]:
        return [
            (f.problem.code, f.problem.sheet, f.problem.cell, f.problem.message) for f in findings
        ]

    full = [
        *structure._metadata(result),
        *structure._sheets(result),
        *structure._moved(result),
        *structure._merges(result),
    ]
    return listed(structure.check_structure(result)), listed(full)


@pytest.mark.parametrize("name", [case.name for case in CORPUS])
def test_structure_findings_are_the_same_with_the_shortcut(
    corpus_cases: dict[str, Any], name: str
) -> None:
    _same_either_way(corpus_cases, name, _structure_both_ways)


def test_the_merge_shortcut_is_refused_for_merged_and_unmerged_cells(
    corpus_cases: dict[str, Any],
) -> None:
    """The corpus has returns with cells merged or unmerged; their findings come through."""
    codes = set()
    for case in corpus_cases.values():
        both = _structure_both_ways(case.path)
        if both is not None:
            codes |= {code for code, *_ in both[0]}
    assert {"cells-merged", "cells-unmerged", "cells-moved"} <= codes


@pytest.mark.parametrize("name", [case.name for case in CORPUS])
def test_as_planned_means_every_cell_and_table_where_the_plan_puts_it(
    corpus_cases: dict[str, Any], name: str
) -> None:
    """What the formula and structure checks rely on when the binding says "as planned": the
    template's formula texts and merges then hold for this return (they are kept per plan)."""
    from xlsxsheet.plan.records_plan import body_range
    from xlsxsheet.reading.return_reader import read_file

    if name not in corpus_cases:
        pytest.skip("built only where LibreOffice is installed")
    try:
        result = read_file(corpus_cases[name].path)
    except WorkbookError:
        _assert_reported_unreadable(corpus_cases[name].path)
        return
    if not binding.bound_as_planned(result.content, result.plan):
        return
    for cell in result.cells.values():
        slot = cell.slot
        assert (cell.sheet, cell.raw.row, cell.raw.col) == (slot.sheet, slot.row, slot.col)
    for table in result.plan.records.values():
        found = body_range(result.content, table.name)
        if found is not None:
            assert (found.sheet, found.first_row, found.first_col) == (
                table.sheet,
                table.first_row,
                table.first_col,
            )
            assert (found.last_row, found.last_col) == (table.last_row, table.last_col)


def test_moved_returns_are_not_bound_as_planned(corpus_cases: dict[str, Any]) -> None:
    from xlsxsheet.reading.return_reader import read_file

    flags = {}
    for name, case in corpus_cases.items():
        try:
            result = read_file(case.path)
        except WorkbookError:
            continue
        flags[name] = binding.bound_as_planned(result.content, result.plan)
    assert any(flags.values()) and not all(flags.values()), flags


def test_examples_are_bound_as_planned() -> None:
    from xlsxsheet.reading.return_reader import read_file

    for path in sorted(examples_dir().glob("*.xlsx")):
        result = read_file(path)
        assert binding.bound_as_planned(result.content, result.plan), path.name


def _normalised_both_ways(path: Path) -> tuple[Any, Any, bool] | None:
    """What read_file normalised (only the filled cells, after the intact binding) and what
    normalising every bound cell gives: (normalized, inputs) as ordered lists, each way."""
    from xlsxsheet.reading import return_reader as reading

    try:
        result = reading.read_file(path)
    except WorkbookError:
        return None
    sparse = binding.filled_keys(result.content, result.plan) is not None
    every = reading.normalize_cells(result.content, result.plan, result.cells.items())
    read = (list(result.normalized.items()), list(result.inputs.items()))
    return read, tuple(list(found.items()) for found in every), sparse


@pytest.mark.parametrize("path", sorted(examples_dir().glob("*.xlsx")), ids=lambda p: p.stem)
def test_examples_normalise_only_their_filled_cells_to_the_same_result(path: Path) -> None:
    both = _normalised_both_ways(path)
    assert both is not None
    read, every, sparse = both
    assert sparse, "an intact return: only its filled cells are normalised"
    assert read == every
    assert any(n.status == "blank" for _, n in read[0]), "some cells are left empty"
    assert any(n.status == "ok" for _, n in read[0])


@pytest.mark.parametrize("name", [case.name for case in CORPUS])
def test_corpus_files_normalise_the_same_either_way(
    corpus_cases: dict[str, Any], name: str
) -> None:
    _same_either_way(corpus_cases, name, _normalised_both_ways)


def test_only_filled_cells_are_listed_as_filled(corpus_cases: dict[str, Any]) -> None:
    """filled_keys lists exactly the bound cells that hold a value or a formula, and, in the
    plan's order, the input cells holding a formula (on the examples and the corpus)."""
    from xlsxsheet.reading.return_reader import read_file

    paths = sorted(examples_dir().glob("*.xlsx")) + [case.path for case in corpus_cases.values()]
    sparse = typed = 0
    for path in paths:
        try:
            result = read_file(path)
        except WorkbookError:
            continue
        found = binding.filled_keys(result.content, result.plan)
        if found is None:  # bound the general way
            continue
        sparse += 1
        holding = [
            key
            for key, cell in result.cells.items()
            if cell.raw.value is not None or cell.raw.formula is not None
        ]
        assert sorted(found.keys, key=str) == sorted(holding, key=str), path.name
        formulas = [
            key
            for key, cell in result.cells.items()
            if cell.raw.formula is not None and not cell.slot.field.computed
        ]
        assert list(found.formulas) == formulas, path.name
        typed += bool(formulas)
    assert sparse >= len(list(examples_dir().glob("*.xlsx")))
    if corpus_cases:
        assert typed >= 1  # the corpus's formula typed into an input cell
