"""The errors a corrected copy leaves, as fix, the folder fix and 提出窓口 count them beforehand,
are the errors the check finds in the copy itself (on the demo's damaged returns of every layout)."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.demo import run_demo
from xlsxsheet.office.fixing import errors_left, fix_path
from xlsxsheet.web.intake import check_blob, describe


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("demo") / "demo"
    list(run_demo(out))
    found = sorted(out.rglob("*_誤りあり.xlsx"))
    assert len(found) == len(default_registry().ids())
    return found


def test_the_errors_left_are_those_the_copy_has(damaged: list[Path], tmp_path: Path) -> None:
    registry = default_registry()
    counted, shown, found = {}, {}, {}
    for path in damaged:
        copy = tmp_path / path.name.replace("_誤りあり", "_修正版")
        checked = fix_path(path, copy, registry=registry)
        assert checked.changes, path.name  # the demo's mistakes give fix work on every layout
        counted[path.name] = errors_left(checked)
        # what 提出窓口's result page says is left (修正版でも残るエラー)
        shown[path.name] = describe(*check_blob(path))["manual_errors"]
        found[path.name] = check_file(copy, registry).errors
    assert counted == found
    assert shown == found
    assert any(n > 0 for n in found.values())  # some errors are for the departments to fix
