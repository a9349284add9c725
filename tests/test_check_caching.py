"""What checking derives once per plan, per table or per read workbook (xlsxsheet.core.memo)
never leaks from one return into another: two returns of the same plan (same layout, year and table
shapes, different values) checked one after the other, or side by side, give what each gives
checked alone in a fresh state."""

from __future__ import annotations

import copy
import dataclasses
import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from xlsxsheet.checks import ALL_CHECKS
from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.core import memo as derived
from xlsxsheet.core.data_files import load_document
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.plan import workbook_plan as plan_module
from xlsxsheet.reading.return_reader import ReadResult, read_file
from xlsxsheet.reading.summary import summarize
from xlsxsheet.writing.make_template import make_template

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _pdca_variant(doc: dict[str, Any]) -> None:
    """Other grades and 達成状況 under headings of other codes, in the same rows: other lists
    (and their codes), rule verdicts and summary."""
    for table, level in (("chiiki", "goal"), ("juso", "dai")):
        for record in doc[table]:
            if record.get(level) == "1":
                record[level] = "9"
            if record.get("check") == "A":
                record["check"] = "B"
            elif record.get("check") == "B":
                record["check"] = "A"
            if record.get("achieved") == "達成":
                record["achieved"] = "未達成"
            elif record.get("achieved") == "未達成":
                record["achieved"] = "達成"


def _shihyo_variant(doc: dict[str, Any]) -> None:
    """Other actuals and grades in every 指標: other counts, suggestions and summary."""
    for table in doc["torikumi"].values():
        for record in table:
            for year, value in (record.get("actual") or {}).items():
                if isinstance(value, int | float):
                    record["actual"][year] = value * 3
            for year, value in (record.get("grade") or {}).items():
                record["grade"][year] = {"A": "C", "B": "A", "C": "B"}.get(value, value)


VARIANTS: dict[str, Callable[[dict[str, Any]], None]] = {
    "shinchoku-pdca-R5": _pdca_variant,
    "shinchoku-shihyo-R6": _shihyo_variant,
}


def _pair(stem: str, folder: Path) -> tuple[Path, Path]:
    """The bundled example and a variant of it with the same table shapes."""
    doc = load_document(EXAMPLES / f"{stem}.yaml")
    layout = default_registry().get(doc["layout"])
    first, second = folder / f"{stem}-a.xlsx", folder / f"{stem}-b.xlsx"
    make_template(layout, first, None, doc)
    other = copy.deepcopy(doc)
    VARIANTS[stem](other)
    make_template(layout, second, None, other)
    return first, second


def _fresh() -> None:
    """Nothing derived kept: no plans, nothing per table, block or read workbook."""
    plan_module._PLANS.clear()
    derived.forget_all()
    gc.collect()


def _outcome(read: ReadResult) -> dict[str, Any]:
    """Everything a check of a read workbook gives: the cells bound (in order) and what they
    normalise to, findings, recomputed cells, summary."""
    problems, changes = [], []
    for check in ALL_CHECKS:
        for finding in check(read):
            problems.append(repr(finding.problem))
            if finding.change is not None:
                changes.append(repr(finding.change))
    return {
        "cells": [
            (key, cell.slot.key, cell.raw, cell.via_name) for key, cell in read.cells.items()
        ],
        "normalized": list(read.normalized.items()),
        "inputs": list(read.inputs.items()),
        "problems": problems,
        "changes": changes,
        "computed": dict(read.computed),
        "summary": dataclasses.asdict(summarize(read, [], values=True)),
    }


def _checked(path: Path) -> dict[str, Any]:
    result = check_file(path, default_registry())
    assert result.read is not None
    return {
        "problems": [repr(p) for p in result.problems],
        "changes": [repr(c) for c in result.changes],
        "summary": dataclasses.asdict(summarize(result.read, result.changes, values=True)),
    }


@pytest.mark.parametrize("stem", sorted(VARIANTS))
def test_returns_checked_in_turn_give_what_each_gives_alone(stem: str, tmp_path: Path) -> None:
    first, second = _pair(stem, tmp_path)
    _fresh()
    alone_first = _checked(first)
    _fresh()
    alone_second = _checked(second)
    _fresh()
    alone_read = {first: _outcome(read_file(first)), second: _outcome(read_file(second))}
    assert alone_first != alone_second  # the variant differs where the caches would show it

    _fresh()
    a, b = read_file(first), read_file(second)
    assert a.plan is b.plan  # one plan: what is kept per plan and per table is shared
    # side by side, in either order, twice (the second time from what was kept)
    assert _outcome(b) == alone_read[second]
    assert _outcome(a) == alone_read[first]
    assert _outcome(b) == alone_read[second]
    assert _outcome(a) == alone_read[first]
    del a, b

    # one after the other, each read dropped before the next (its identity may be reused)
    for path, alone in [(first, alone_first), (second, alone_second)] * 2:
        assert _checked(path) == alone
        gc.collect()


def test_a_read_workbook_given_other_values_is_checked_on_them(tmp_path: Path) -> None:
    """A read workbook whose values are replaced after a check (or a copy of it with other
    values) is checked on its new values, not on what was derived from the old ones."""
    first, second = _pair("shinchoku-pdca-R5", tmp_path)
    _fresh()
    expected = _outcome(read_file(second))
    _fresh()
    a, b = read_file(first), read_file(second)
    _outcome(a)
    assert _outcome(dataclasses.replace(a, **vars(b))) == expected
    vars(a).update(vars(b))  # the same object, every field now the second's
    assert _outcome(a) == expected


def _shorter(doc: dict[str, Any], stem: str) -> None:
    """The same return with fewer records in every table (another plan, same first rows for
    the first table of each sheet)."""
    tables = doc["torikumi"] if stem == "shinchoku-shihyo-R6" else doc
    for key in ("chiiki", "juso", "s1", "s2", "s3", "s4"):
        if key in tables:
            tables[key] = tables[key][: max(1, len(tables[key]) // 2)]


def _slots(read: ReadResult) -> list[tuple[Any, ...]]:
    """Every slot of a read workbook's plan by value, in the plan's order."""
    fields = ("year", "sheet", "row", "col", "name", "label", "last_row", "last_col", "table")
    return [
        (key, slot.field.id, slot.unit, slot.key, *(getattr(slot, f) for f in fields))
        for key, slot in read.plan.slots.items()
    ]


def _long_and_short(stem: str, tmp_path: Path) -> tuple[Path, Path]:
    """The example's return as it is, and one with shorter tables (_shorter)."""
    doc = load_document(EXAMPLES / f"{stem}.yaml")
    layout = default_registry().get(doc["layout"])
    long, short = tmp_path / f"{stem}-long.xlsx", tmp_path / f"{stem}-short.xlsx"
    make_template(layout, long, None, doc)
    fewer = copy.deepcopy(doc)
    _shorter(fewer, stem)
    make_template(layout, short, None, fewer)
    return long, short


@pytest.mark.parametrize("stem", sorted(VARIANTS))
def test_returns_of_other_table_lengths_give_what_each_gives_alone(
    stem: str, tmp_path: Path
) -> None:
    """Plans of one layout share the slots of a table's units where the table starts on the
    same row (plan_records._kept_units): a long return's units serve a shorter one and back,
    and each plan has the slots, in the order, a plan made alone has."""
    long, short = _long_and_short(stem, tmp_path)
    alone = {}
    for path in (long, short):
        _fresh()
        read = read_file(path)
        alone[path] = (_slots(read), _outcome(read))
    assert alone[long][0] != alone[short][0]  # two plans

    for order in ((long, short), (short, long)):
        _fresh()
        reads = [read_file(path) for path in order]
        assert reads[0].plan is not reads[1].plan
        shared = {id(s) for s in reads[0].plan.slots.values()} & {
            id(s) for s in reads[1].plan.slots.values()
        }
        assert shared  # the units of the tables that start on the same row
        for path, read in zip(order, reads, strict=True):
            assert (_slots(read), _outcome(read)) == alone[path], path.name


def test_the_kept_records_slots_are_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past plan_records._KEPT_SLOTS, the slots kept per table are dropped, and plans made after
    that still have the slots a plan made alone has."""
    from xlsxsheet.plan import records_plan as plan_records

    stem = "shinchoku-shihyo-R6"
    doc = load_document(EXAMPLES / f"{stem}.yaml")
    layout = default_registry().get(doc["layout"])
    path = tmp_path / "return.xlsx"
    make_template(layout, path, None, doc)
    _fresh()
    alone = _slots(read_file(path))
    tables = len(read_file(path).plan.records)
    kept = derived.derived(layout)["units"]
    assert len(kept) == tables  # one entry per table and first row

    _fresh()
    monkeypatch.setattr(plan_records, "_KEPT_SLOTS", 1)
    read = read_file(path)
    kept = derived.derived(layout)["units"]
    assert len(kept) == 1  # each new table and first row dropped what was kept before it
    assert _slots(read) == alone


@pytest.mark.parametrize("stem", sorted(VARIANTS))
def test_slots_where_gives_what_a_plain_filter_gives(stem: str, tmp_path: Path) -> None:
    """plan_slots.slots_where keeps a test's answer per records unit, shared by the plans that
    have the unit: each plan still gets exactly its slots that pass, in its order."""
    from xlsxsheet.plan.slot_queries import slots_where

    long, short = _long_and_short(stem, tmp_path)
    tests = {
        "computed": lambda slot: slot.field.computed,
        "records, odd units": lambda slot: slot.unit is not None and slot.unit % 2 == 1,
        "a year": lambda slot: slot.year is not None,
    }
    _fresh()
    reads = [read_file(path) for path in (long, short, long)]
    assert any(table.kept is not None for table in reads[1].plan.records.values())
    for read in reads:
        for key, test in tests.items():
            plain = [id(slot) for slot in read.plan.slots.values() if test(slot)]
            assert [id(slot) for slot in slots_where(read.plan, key, test)] == plain, key
        assert any(slots_where(read.plan, "records, odd units", tests["records, odd units"]))


def test_the_planned_formulas_are_what_a_return_in_place_reads(
    corpus_cases: dict[str, Any],
) -> None:
    """For a return bound where the template put every cell, the formula check compares with
    the plan's formula text, kept per plan (plan.planned_formula): it is the text worked out
    from the workbook's own cells and table bodies (checks.formulas._expected_formula)."""
    from xlsxsheet.checks.formulas import _computed_keys, _expected_formula
    from xlsxsheet.core.errors import WorkbookError
    from xlsxsheet.reading.binding import bound_as_planned
    from xlsxsheet.rules.formulas import planned_formula

    paths = sorted(EXAMPLES.glob("*.xlsx")) + [case.path for case in corpus_cases.values()]
    compared = 0
    for path in paths:
        try:
            read = read_file(path)
        except WorkbookError:
            continue
        if read.migration is not None or not bound_as_planned(read.content, read.plan):
            continue
        for key in _computed_keys(read):
            if key in read.cells:
                slot = read.plan.slots[key]
                expected = _expected_formula(read, key)
                assert planned_formula(read.plan, slot) == expected, (path.name, key)
                compared += expected is not None
    assert compared >= 50
