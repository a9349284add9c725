"""template --data then read gives back the same document: for the example and random ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlsxsheet.cli import main
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.plan.document import build_document
from xlsxsheet.plan.workbook_plan import WorkbookPlan, build_plan
from xlsxsheet.reading.return_reader import read_file
from xlsxsheet.rules.recompute import recompute
from xlsxsheet.writing.make_template import make_template

LAYOUT = default_registry().get("shisaku-management")
PLAN = build_plan(LAYOUT, 2020)
INPUTS = [slot for slot in PLAN.slots.values() if not slot.field.computed]

_text = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\r"
        ),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
_multiline = st.lists(_text, min_size=1, max_size=3).map("\n".join)


def _value(slot: Any) -> st.SearchStrategy[Any]:
    kind = slot.field.type
    if kind == "choice":
        return st.sampled_from(LAYOUT.lists[slot.field.list].values)
    if kind in ("money", "integer"):
        return st.integers(min_value=-(10**12), max_value=10**12) | st.just("-")
    if kind in ("number", "percent"):
        return st.integers(min_value=-(10**6), max_value=10**6).map(lambda n: n / 10) | st.just("-")
    return _multiline if slot.field.lines > 1 else _text


@st.composite
def documents(draw: st.DrawFn) -> dict[tuple[str, int | None], Any]:
    chosen = draw(st.lists(st.sampled_from(INPUTS), unique_by=lambda s: s.key, max_size=60))
    return {slot.key: draw(_value(slot)) for slot in chosen}


def _expected(plan: WorkbookPlan, values: dict) -> dict:
    computed, _ = recompute(plan, values)
    return build_document(plan, values | computed)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=documents())
def test_random_documents_survive_template_and_read(tmp_path: Path, values: dict) -> None:
    doc = build_document(PLAN, values)
    out = tmp_path / "random.xlsx"
    make_template(LAYOUT, out, None, doc)
    assert read_file(out).document() == _expected(PLAN, values)


def test_read_template_read_is_the_identity_through_the_cli(
    example_000_workbook: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["read", str(example_000_workbook)])
    assert first.exit_code == 0, first.output
    data = tmp_path / "doc.json"
    data.write_text(first.stdout, encoding="utf-8")
    again = tmp_path / "again.xlsx"
    made = runner.invoke(
        main, ["template", "shisaku-management", "--data", str(data), "-o", str(again)]
    )
    assert made.exit_code == 0, made.output
    second = runner.invoke(main, ["read", str(again)])
    assert json.loads(second.stdout) == json.loads(first.stdout)
