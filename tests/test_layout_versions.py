"""A return made from an older version of a layout's template checks as it did then.

When a layout's template moves cells or sheets, its version goes up with a `migrations:`
entry. A return made from the older template is read by its defined names and is not told
to move its cells or sheets back to where the new template has them: the department did not
move them. The older templates are made here from the current layout files (the version put
back to 1, the sheets or rows moved as an older template had them).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.layout.registry import LayoutRegistry, bundled_templates_dir, default_registry
from xlsxsheet.plan.cell_shape import cell_shape
from xlsxsheet.writing import template_writer
from xlsxsheet.writing.make_template import make_template

POSITION_CODES = {"cells-moved", "cells-merged", "cells-unmerged", "sheet-order"}


def _first_sheet_one_row_lower(data: dict[str, Any]) -> None:
    data["sheets"][0]["blocks"].insert(0, {"type": "heading", "text": "(旧版の見出し)"})


def _summary_sheet_first(data: dict[str, Any]) -> None:
    sheets = data["sheets"]
    sheets.insert(0, sheets.pop(next(i for i, s in enumerate(sheets) if s["id"] == "summary")))


def _layout_copy(
    folder: Path,
    layout_id: str,
    edit: Callable[[dict[str, Any]], None] | None,
    version: int,
    keep_migrations: bool,
) -> LayoutRegistry:
    data = yaml.safe_load((bundled_templates_dir() / f"{layout_id}.yaml").read_text("utf-8"))
    data["version"] = version
    if not keep_migrations:
        data.pop("migrations", None)
    if edit is not None:
        edit(data)
    folder.mkdir(parents=True)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    (folder / f"{layout_id}.yaml").write_text(text, encoding="utf-8")
    return LayoutRegistry([folder])


@pytest.mark.parametrize(
    ("layout_id", "year", "older"),
    [
        ("shisaku-hyoka", 2019, _first_sheet_one_row_lower),
        ("shinchoku-pdca", 2023, _summary_sheet_first),
    ],
)
def test_a_return_of_the_older_template_is_read_and_not_told_to_move(
    tmp_path: Path, layout_id: str, year: int, older: Callable[[dict[str, Any]], None]
) -> None:
    current = default_registry().get(layout_id)
    assert current.version >= 2 and any(m.from_version == 1 for m in current.migrations)
    old_registry = _layout_copy(tmp_path / "v1", layout_id, older, 1, keep_migrations=False)
    old_return = tmp_path / "旧版の提出.xlsx"
    make_template(old_registry.get(layout_id), old_return, year)

    # the same positions checked as a return of the current version are reported...
    as_if_current = _layout_copy(
        tmp_path / "v2-positions", layout_id, older, current.version, keep_migrations=True
    )
    moved_return = tmp_path / "今の版で位置を変えた提出.xlsx"
    # cells a department moved: the edited positions, the current layout's fingerprint
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(template_writer, "cell_shape", lambda _layout: cell_shape(current))
        make_template(as_if_current.get(layout_id), moved_return, year)
    moved = {p.code for p in check_file(moved_return, default_registry()).problems}
    assert moved & POSITION_CODES

    # ...but not as a return of version 1, which is read through the migration
    checked = check_file(old_return, default_registry())
    codes = [p.code for p in checked.problems]
    assert "layout-migrated" in codes
    assert not POSITION_CODES & set(codes), codes
    assert not [
        p for p in checked.problems if p.severity == "error" and p.code != "required-missing"
    ]


def test_without_the_migration_an_older_return_is_refused(tmp_path: Path) -> None:
    old_registry = _layout_copy(tmp_path / "v1", "shisaku-hyoka", None, 1, keep_migrations=False)
    old_return = tmp_path / "旧版の提出.xlsx"
    make_template(old_registry.get("shisaku-hyoka"), old_return, 2019)
    no_migration = _layout_copy(tmp_path / "v2", "shisaku-hyoka", None, 2, keep_migrations=False)
    codes = {p.code for p in check_file(old_return, no_migration).problems}
    assert "layout-version" in codes
