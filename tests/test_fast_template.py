"""The skeleton writer writes what write_template writes, part for part.

Both workbooks are unzipped and compared part by part, after the two things allowed to differ
are taken out: the shared-string indexes (each string cell gets its text back in place of its
index) and the creation time of docProps/core.xml.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl.reader.strings import read_string_table
from template_support import edge_values

from xlsxsheet.core.data_files import load_document
from xlsxsheet.core.data_folders import example_documents
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.plan.workbook_plan import WorkbookPlan, build_plan
from xlsxsheet.writing.fast_template import skeleton_for
from xlsxsheet.writing.make_template import normalized_values, plan_for_document
from xlsxsheet.writing.template_writer import write_template

Key = tuple[str, int | None]
_STRING_CELL = re.compile(rb' t="s"><v>([0-9]+)</v></c>')
_TIMES = re.compile(rb"<dcterms:(created|modified)[^<]*</dcterms:\w+>")


def _parts(path: Path) -> tuple[list[tuple[str, int, tuple[int, ...]]], dict[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        parts = {info.filename: archive.read(info) for info in infos}
        with archive.open("xl/sharedStrings.xml") as sst:
            strings = read_string_table(sst)
    entries = [(i.filename, i.external_attr, i.date_time) for i in infos]
    del parts["xl/sharedStrings.xml"]

    def text(match: re.Match[bytes]) -> bytes:
        return b' t="text">' + strings[int(match.group(1))].encode() + b"</c>"

    for name, data in parts.items():
        if name.startswith("xl/worksheets/"):
            parts[name] = _STRING_CELL.sub(text, data)
    parts["docProps/core.xml"] = _TIMES.sub(b"", parts["docProps/core.xml"])
    return entries, parts


def _assert_same(plan: WorkbookPlan, values: dict[Key, Any], tmp_path: Path) -> None:
    slow, fast = tmp_path / "xlsxwriter.xlsx", tmp_path / "skeleton.xlsx"
    write_template(plan, slow, values)
    skeleton_for(plan).fill(fast, values)  # the skeleton path itself: no fallback allowed
    slow_entries, slow_parts = _parts(slow)
    fast_entries, fast_parts = _parts(fast)
    assert fast_entries == slow_entries
    assert fast_parts.keys() == slow_parts.keys()
    for name in slow_parts:
        assert fast_parts[name] == slow_parts[name], name


@pytest.mark.parametrize("data", example_documents(), ids=lambda p: p.stem)
def test_every_bundled_example(data: Path, tmp_path: Path) -> None:
    doc = load_document(data)
    layout = default_registry().get(str(doc["layout"]))
    plan = plan_for_document(layout, None, doc)
    _assert_same(plan, normalized_values(plan, doc), tmp_path)


def test_the_empty_template(tmp_path: Path) -> None:
    _assert_same(build_plan(default_registry().get("shisaku-management"), 2020), {}, tmp_path)


def test_values_at_the_edges(tmp_path: Path) -> None:
    plan = build_plan(default_registry().get("shisaku-management"), 2020)
    values = edge_values(plan)
    assert len(values) > 10
    _assert_same(plan, values, tmp_path)


def test_text_in_a_number_cell_makes_the_total_text(tmp_path: Path) -> None:
    plan = build_plan(default_registry().get("shisaku-management"), 2020)
    money = [s for s in plan.slots.values() if s.field.type == "money" and not s.field.computed]
    _assert_same(plan, {money[0].key: "１，２３４", money[1].key: 5}, tmp_path)


def test_the_skeleton_is_made_once_per_plan() -> None:
    plan = build_plan(default_registry().get("shisaku-management"), 2020)
    again = build_plan(default_registry().get("shisaku-management"), 2020)
    assert skeleton_for(plan) is skeleton_for(again)


def test_a_plans_first_workbook_is_written_directly_and_its_second_from_a_skeleton(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xlsxsheet.writing import fast_template
    from xlsxsheet.writing import fast_template_xml as template_xml

    written: list[str] = []
    direct = template_xml.write

    def counted(plan: WorkbookPlan, path: Path, values: Any = None) -> Path:
        written.append(path.name)
        return direct(plan, path, values)

    monkeypatch.setattr(template_xml, "write", counted)
    plan = build_plan(default_registry().get("kihon-keikaku"), 2021)
    fast_template.fill(plan, tmp_path / "first.xlsx", {})
    assert written == ["first.xlsx"]  # no skeleton made for a plan used once
    fast_template.fill(plan, tmp_path / "second.xlsx", {})
    fast_template.fill(plan, tmp_path / "third.xlsx", {})
    assert written == ["first.xlsx", "skeleton.xlsx"]  # the skeleton's empty template, once
    _, first = _parts(tmp_path / "first.xlsx")
    _, third = _parts(tmp_path / "third.xlsx")
    assert first == third
