"""A workbook of a layout's own template, imported by its labels alone (never its defined
names or addresses), gives the document reading it by its names gives: what import derives
from a layout is what its template prints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from xlsxsheet.core.data_files import load_document
from xlsxsheet.label_import.importer import import_workbook
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.plan.document import document_values, get_path
from xlsxsheet.reading.return_reader import read_file
from xlsxsheet.writing.make_template import make_template

ROOT = Path(__file__).resolve().parents[1]
# every layout's example: single cells, tables of any length, a hierarchy's heading rows
EXAMPLES = [
    "shisaku-management-R2",
    "kihon-keikaku-H28",
    "shisaku-hyoka-R1",
    "shinchoku-shihyo-R6",
    "shinchoku-pdca-R5",
]


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        kept = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in (None, {})}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


@pytest.mark.parametrize("name", EXAMPLES)
def test_own_template_imports_to_its_document(tmp_path: Path, name: str) -> None:
    doc = load_document(ROOT / "examples" / f"{name}.yaml")
    layout = default_registry().get(doc["layout"])
    out = tmp_path / f"{name}.xlsx"
    plan = make_template(layout, out, None, doc)
    read = read_file(out)
    result = import_workbook(out, layout, plan.year, dict(plan.params))
    assert result.ok, [i for i in result.items if i.status in ("conflict", "invalid")]
    single = [k for k, s in read.plan.slots.items() if s.unit is None and not s.field.computed]
    want, got = (
        document_values(read.plan, read.document()),
        document_values(read.plan, result.document),
    )
    assert {k: got.get(k) for k in single} == {k: want.get(k) for k in single}
    for path in read.plan.records:
        parts = tuple(path.split("."))
        assert _clean(get_path(result.document, parts)) == _clean(get_path(read.document(), parts))


def test_komae_summary_from_its_workbook_imported_by_labels(tmp_path: Path) -> None:
    """狛江's 評価総括表 (SHEETS.md) from its 進捗管理シート imported by labels: the hierarchy's
    heading rows carry the grades the tally counts per 施策."""
    from xlsxsheet.label_import.importer import write_import

    doc = load_document(ROOT / "examples" / "shinchoku-pdca-R5.yaml")
    layout = default_registry().get("shinchoku-pdca")
    source = tmp_path / "進捗管理_R5.xlsx"
    plan = make_template(layout, source, None, doc)
    result = import_workbook(source, layout, plan.year, dict(plan.params))
    write_import(result, tmp_path / "out.xlsx", layout)
    read = read_file(result.output)

    def row(tally: str, grade: str) -> tuple:
        count = read.value((f"{tally}.{grade}.count", None))
        return count, (read.value((f"{tally}.{grade}.shisaku", None)) or "").split("\n")

    assert row("summary1", "a") == (4, ["1－(1)", "1－(2)－①", "1－(2)－③", "2－(3)"])
    assert row("summary1", "b")[0] == 0 and row("summary1", "d")[0] == 0
    assert row("summary1", "c") == (1, ["3－(1)"])
    assert read.value(("summary1.total.count", None)) == 5
    assert row("summary2", "a")[0] == 7
    assert row("summary2", "b") == (1, ["7 アウトリーチ等事業の実施"])
    assert read.value(("summary2.total.count", None)) == 8
