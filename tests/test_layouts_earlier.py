"""Layout files written for earlier versions of xlsxsheet still load, lay out and check.

tests/layouts_earlier/ holds the bundled layouts as they were on earlier days (see its
README). Each is loaded by today's loader, its template made for its default year, and that
template checked with it: an empty template has nothing wrong but its required cells.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.layout.loader import load_layout
from xlsxsheet.layout.registry import LayoutRegistry
from xlsxsheet.writing.make_template import make_template

EARLIER = Path(__file__).resolve().parent / "layouts_earlier"
FILES = sorted(EARLIER.glob("*/*.yaml"))


def test_the_corpus_has_every_day_and_layout() -> None:
    days = {path.parent.name for path in FILES}
    assert days == {"2026-11-22-first", "2026-11-22-summaries", "2026-12-06-first"}
    assert len(FILES) == 11


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_an_earlier_layout_file_still_makes_a_template_that_checks(
    path: Path, tmp_path: Path
) -> None:
    layout = load_layout(path)
    assert layout.id == path.stem and layout.sheets
    template = tmp_path / f"{path.stem}.xlsx"
    plan = make_template(layout, template, layout.default_year)
    assert plan.slots
    checked = check_file(template, LayoutRegistry([path.parent]))
    assert checked.read is not None, [p.message for p in checked.problems]
    assert checked.read.plan.layout.id == layout.id
    errors = {p.code for p in checked.problems if p.severity == "error"}
    assert errors <= {"required-missing"}, errors
