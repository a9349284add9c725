"""template_xml writes the workbook xlsxwriter writes, byte for byte, without xlsxwriter.

Both workbooks are unzipped and compared part by part, shared strings included; only the
creation and modification times of docProps/core.xml may differ. Every case is written by the
path itself: a case that fell back to xlsxwriter would prove nothing, so the tests count the
workbooks xlsxwriter writes (one per base: layout, year and params).
"""

from __future__ import annotations

import copy
import random
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from template_support import edge_values

from xlsxsheet.core.data_files import load_document
from xlsxsheet.core.data_folders import example_documents
from xlsxsheet.core.memo import derived
from xlsxsheet.layout.model import Layout, RecordsBlock
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.plan.document import get_path, set_path
from xlsxsheet.plan.workbook_plan import WorkbookPlan, build_plan
from xlsxsheet.writing import fast_template_xml as template_xml
from xlsxsheet.writing.make_template import normalized_values, plan_for_document
from xlsxsheet.writing.template_writer import write_template

Key = tuple[str, int | None]
_TIMES = re.compile(rb"<dcterms:(created|modified)[^<]*</dcterms:\w+>")


def _parts(path: Path) -> tuple[list[tuple[str, int, tuple[int, ...]]], dict[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        parts = {info.filename: archive.read(info) for info in infos}
    parts["docProps/core.xml"] = _TIMES.sub(b"", parts["docProps/core.xml"])
    return [(i.filename, i.external_attr, i.date_time) for i in infos], parts


@pytest.fixture
def xlsxwriter_calls(monkeypatch: pytest.MonkeyPatch) -> list[WorkbookPlan]:
    """The plans template_xml hands to xlsxwriter (from a fresh store of bases)."""
    monkeypatch.setattr(template_xml, "_BASES", type(template_xml._BASES)())
    monkeypatch.setattr(template_xml, "_REFUSED", type(template_xml._REFUSED)())
    calls: list[WorkbookPlan] = []

    def counted(plan: WorkbookPlan, path: Path, values: Any = None) -> Path:
        calls.append(plan)
        return write_template(plan, path, values)

    monkeypatch.setattr(template_xml, "write_template", counted)
    return calls


def _assert_same(plan: WorkbookPlan, values: dict[Key, Any], tmp_path: Path) -> None:
    slow, fast = tmp_path / "xlsxwriter.xlsx", tmp_path / "direct.xlsx"
    write_template(plan, slow, values)
    template_xml.write(plan, fast, values)
    slow_entries, slow_parts = _parts(slow)
    fast_entries, fast_parts = _parts(fast)
    assert fast_entries == slow_entries
    for name in slow_parts:
        assert fast_parts[name] == slow_parts[name], name


def _with_lengths(doc: dict[str, Any], layout: Layout, rng: random.Random) -> dict[str, Any]:
    """The document with each records table cut to, or repeated up to, a length of its own."""
    doc = copy.deepcopy(doc)
    for sheet in layout.sheets:
        for block in sheet.blocks:
            if not isinstance(block, RecordsBlock):
                continue
            for path in block.table_paths():
                records = get_path(doc, path)
                if isinstance(records, list) and records:
                    length = rng.randint(1, 2 * len(records))
                    set_path(doc, path, (records * 2)[:length])
    return doc


def _records_examples() -> list[Path]:
    registry = default_registry()
    found = []
    for path in example_documents():
        layout = registry.get(str(load_document(path)["layout"]))
        if any(isinstance(b, RecordsBlock) for s in layout.sheets for b in s.blocks):
            found.append(path)
    return found


@pytest.mark.parametrize("data", example_documents(), ids=lambda p: p.stem)
def test_every_bundled_example(
    data: Path, tmp_path: Path, xlsxwriter_calls: list[WorkbookPlan]
) -> None:
    doc = load_document(data)
    layout = default_registry().get(str(doc["layout"]))
    plan = plan_for_document(layout, None, doc)
    values = normalized_values(plan, doc)
    _assert_same(plan, values, tmp_path)  # the first: xlsxwriter, and the base learnt from it
    again = tmp_path / "again"
    again.mkdir()
    _assert_same(plan, values, again)  # the second: from the base
    assert len(xlsxwriter_calls) == 1


@pytest.mark.parametrize("data", _records_examples(), ids=lambda p: p.stem)
def test_tables_of_many_lengths(
    data: Path, tmp_path: Path, xlsxwriter_calls: list[WorkbookPlan]
) -> None:
    doc = load_document(data)
    layout = default_registry().get(str(doc["layout"]))
    rng = random.Random(data.stem)
    plans = set()
    for i in range(12):
        varied = _with_lengths(doc, layout, rng)
        plan = plan_for_document(layout, None, varied)
        plans.add(id(plan))
        folder = tmp_path / str(i)
        folder.mkdir()
        _assert_same(plan, normalized_values(plan, varied), folder)
    assert len(plans) >= 6  # tables of other lengths: plans of their own
    assert len(xlsxwriter_calls) == 1  # the first document's; every other one from its base


@pytest.mark.parametrize("layout_id", ["shisaku-management", "shinchoku-shihyo"])
def test_values_at_the_edges(
    layout_id: str, tmp_path: Path, xlsxwriter_calls: list[WorkbookPlan]
) -> None:
    plan = build_plan(default_registry().get(layout_id), 2020)
    for folder in ("empty", "edges"):
        (tmp_path / folder).mkdir()
    _assert_same(plan, {}, tmp_path / "empty")  # the base, from the empty template
    values = edge_values(plan)
    assert len(values) > 10
    _assert_same(plan, values, tmp_path / "edges")
    assert len(xlsxwriter_calls) == 1


def test_text_in_a_number_cell_makes_the_total_text(
    tmp_path: Path, xlsxwriter_calls: list[WorkbookPlan]
) -> None:
    plan = build_plan(default_registry().get("shisaku-management"), 2020)
    money = [s for s in plan.slots.values() if s.field.type == "money" and not s.field.computed]
    _assert_same(plan, {}, tmp_path)
    _assert_same(plan, {money[0].key: "１，２３４", money[1].key: 5}, tmp_path)
    assert len(xlsxwriter_calls) == 1


def test_a_value_xlsxwriter_would_truncate_is_written_by_xlsxwriter(
    tmp_path: Path, xlsxwriter_calls: list[WorkbookPlan]
) -> None:
    plan = build_plan(default_registry().get("shisaku-management"), 2020)
    text = next(s for s in plan.slots.values() if s.field.type == "text" and not s.field.computed)
    _assert_same(plan, {}, tmp_path)
    _assert_same(plan, {text.key: "長" * 40000}, tmp_path)
    assert len(xlsxwriter_calls) == 2


def test_a_base_that_would_differ_from_xlsxwriter_is_not_used(
    tmp_path: Path, xlsxwriter_calls: list[WorkbookPlan], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As if xlsxwriter wrote validations otherwise: the path turns itself off for the kind."""
    layout = default_registry().get("shisaku-management")
    monkeypatch.setitem(derived(layout), "validation_xml", {})  # none kept from other tests
    made = template_xml._validation_xml
    monkeypatch.setattr(
        template_xml,
        "_validation_xml",
        lambda options: (made(options)[0].replace("allowBlank", "allowblank"), made(options)[1]),
    )
    plan = build_plan(layout, 2020)
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        _assert_same(plan, {}, tmp_path / folder)
    assert len(xlsxwriter_calls) == 2
    assert not template_xml._BASES


def test_formats_in_another_order_need_a_base_of_their_own() -> None:
    order = [("title", None), ("label", None), ("input", "#,##0")]
    styles = template_xml._Styles(list(order))
    assert [styles.of(k) for k in (order[0], order[1], order[0], order[2])] == [1, 2, 1, 3]
    styles.check_all_used()
    with pytest.raises(template_xml._OtherStyles):
        template_xml._Styles(list(order)).of(order[1])  # the second format used first
    with pytest.raises(template_xml._OtherStyles):
        template_xml._Styles(list(order)).of(("note", None))  # a format the base lacks
    unused = template_xml._Styles(list(order))
    unused.of(order[0])
    with pytest.raises(template_xml._OtherStyles):
        unused.check_all_used()  # xlsxwriter would not write the unused ones
    learning = template_xml._Styles(None)
    assert [learning.of(k) for k in (order[2], order[0], order[2])] == [1, 2, 1]
    assert learning.order == [order[2], order[0]]


@pytest.mark.libreoffice
def test_libreoffice_recalculates_a_direct_workbook_to_xlsxsheets_values(
    tmp_path: Path, soffice: str, xlsxwriter_calls: list[WorkbookPlan]
) -> None:
    from records_support import formula_cells_agree

    data = next(p for p in _records_examples() if "shihyo" in p.stem)
    doc = load_document(data)
    layout = default_registry().get(str(doc["layout"]))
    plan = plan_for_document(layout, None, doc)
    template_xml.write(plan, tmp_path / "base.xlsx", normalized_values(plan, doc))
    varied = _with_lengths(doc, layout, random.Random(3))
    plan = plan_for_document(layout, None, varied)
    direct = template_xml.write(plan, tmp_path / "direct.xlsx", normalized_values(plan, varied))
    assert len(xlsxwriter_calls) == 1  # direct.xlsx was written by template_xml itself
    assert formula_cells_agree(direct, soffice, tmp_path) == []
