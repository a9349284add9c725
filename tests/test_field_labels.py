"""A field's label (what reports, 修正履歴 and the CSV call the field) says each part once."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from xlsxsheet.layout.loader import load_layout
from xlsxsheet.layout.registry import bundled_templates_dir, default_registry

LAYOUTS = default_registry().all()


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.id)
def test_no_label_repeats_a_part_next_to_itself(layout) -> None:
    for field in layout.fields.values():
        parts = field.label.split(" ")
        assert all(a != b for a, b in pairwise(parts)), field.label


def test_a_series_named_as_its_section_is_named_once() -> None:
    layout = default_registry().get("shisaku-management")
    (count,) = [f for f in layout.fields.values() if f.id.endswith("projects.count")]
    assert count.label == "事務事業数"


def test_a_tally_names_its_totals_with_the_layouts_word(tmp_path: Path) -> None:
    text = (bundled_templates_dir() / "shinchoku-shihyo.yaml").read_text(encoding="utf-8")
    assert text.count("total: 計\n") == 1
    path = tmp_path / "shinchoku-shihyo.yaml"
    path.write_text(text.replace("total: 計\n", "total: 合計\n"), encoding="utf-8")
    fields = load_layout(path).fields
    assert fields["summary.total.total"].label == "合計"
    assert fields["summary.total.a"].label == "合計 A"
    assert fields["summary.s1.total"].label == "① 地域福祉に関する事業の推進 合計"
