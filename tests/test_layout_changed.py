"""A layout file changed after its templates went out, its version kept: the returns say so.

A template keeps the fingerprint of its layout's cells (layout/cell_shape.py); a return whose
fingerprint differs from the layout's is read like one of an older version (by its defined
names, no cells-moved told to a department that moved nothing) with one layout-changed warning
saying what the layout's author has to write.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import openpyxl
import pytest
from cli_support import run_cli

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.core.errors import LayoutError
from xlsxsheet.layout.loader import load_layout
from xlsxsheet.layout.registry import LayoutRegistry
from xlsxsheet.plan.cell_shape import cell_shape
from xlsxsheet.writing.make_template import make_template

ROOT = Path(__file__).resolve().parents[1]
MANAGER = "            - {field: manager, label: 課長名, type: text, span: 2}\n"
TEL_ROW = (
    "          - - {text: 電話番号, span: 1, style: header}\n"
    "            - {field: tel, label: 電話番号, type: text, span: 9}\n"
)


pytestmark = pytest.mark.usefixtures("no_city_layouts")


def _shape_of(text: str, folder: Path) -> str:
    folder.mkdir()
    path = folder / "jimu-jigyo.yaml"
    path.write_text(text, encoding="utf-8")
    return cell_shape(load_layout(path))


@pytest.mark.parametrize(
    ("old", "new", "moves"),
    [
        ("label: 課長名", "label: 課長の氏名", False),
        ("prompt: ", "prompt: 選んでください。", False),
        ("columns: [11, 8, 9,", "columns: [14, 8, 9,", False),
        ("required: true}", "required: false}", False),
        ("{field: basis, label: 根拠法令・計画, type: text, span: 9}", "{field: basis, label: 根拠法令・計画, type: text, span: 9, required: true}", False),
        ("default_year: 2024", "default_year: 2025", False),
        ("print: {paper: A4, landscape: false, fit_width: true}", "print: {paper: A3, landscape: true, fit_width: true}", False),
        (MANAGER, MANAGER + TEL_ROW, True),
        ("field: manager,", "field: chief,", True),
        ("type: text, span: 2}\n            - {text: 担当課, span: 1, style: header}\n            - {field: dept, label: 担当課, type: text, span: 3,", "type: text, span: 1}\n            - {text: 担当課, span: 1, style: header}\n            - {field: dept, label: 担当課, type: text, span: 4,", True),
        ("      - type: heading\n", "      - type: heading\n        text: 追加した見出し\n      - type: heading\n", True),
    ],
)  # fmt: skip
def test_the_shape_changes_with_field_cells_and_ids_only(
    tmp_path: Path, old: str, new: str, moves: bool
) -> None:
    text = (ROOT / "templates" / "jimu-jigyo.yaml").read_text(encoding="utf-8")
    assert old in text
    changed = text.replace(old, new, 1)
    assert (_shape_of(changed, tmp_path / "b") != _shape_of(text, tmp_path / "a")) is moves


def test_a_tally_counting_one_more_grade_changes_the_shape(tmp_path: Path) -> None:
    """The rows of a tally come from a list: the layout's words decide where cells are."""
    text = (ROOT / "templates" / "shinchoku-pdca.yaml").read_text(encoding="utf-8")
    old = "values: [A, B, C, D]"
    assert old in text
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    before, after = tmp_path / "a" / "shinchoku-pdca.yaml", tmp_path / "b" / "shinchoku-pdca.yaml"
    before.write_text(text, encoding="utf-8")
    after.write_text(text.replace(old, "values: [A, B, C]", 1), encoding="utf-8")
    assert cell_shape(load_layout(before)) != cell_shape(load_layout(after))


def _city(tmp_path: Path) -> tuple[Path, Path]:
    """A city's layout, a filled return made from it with a total typed over its formula."""
    folder = tmp_path / "様式"
    folder.mkdir()
    text = (ROOT / "templates" / "jimu-jigyo.yaml").read_text(encoding="utf-8")
    (folder / "my-city.yaml").write_text(
        text.replace("layout: jimu-jigyo", "layout: my-city"), encoding="utf-8"
    )
    data = (ROOT / "examples" / "jimu-jigyo-R6.yaml").read_text(encoding="utf-8")
    (tmp_path / "data.yaml").write_text(
        data.replace("layout: jimu-jigyo", "layout: my-city"), encoding="utf-8"
    )
    made = tmp_path / "made.xlsx"
    code, _, err = run_cli(
        "template", "my-city", "--data", str(tmp_path / "data.yaml"), "-o", str(made),
        "--templates", str(folder),
    )  # fmt: skip
    assert code == 0, err
    book = openpyxl.load_workbook(made)
    sheet = book["事務事業評価シート"]
    assert str(sheet["F40"].value).startswith("=SUM(")
    sheet["F40"] = 999
    returned = tmp_path / "提出.xlsx"
    book.save(returned)
    return folder, returned


def _check(path: Path, folder: Path) -> dict[str, list[dict[str, object]]]:
    code, out, err = run_cli("check", str(path), "--format", "json", "--templates", str(folder))
    assert code in (0, 1), err
    found: dict[str, list[dict[str, object]]] = {}
    for problem in json.loads(out)["files"][0]["problems"]:
        found.setdefault(str(problem["code"]), []).append(problem)
    return found


def _edit(folder: Path, old: str, new: str) -> None:
    layout = folder / "my-city.yaml"
    text = layout.read_text(encoding="utf-8")
    assert old in text
    layout.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_field_added_without_a_new_version_is_said_to_the_layouts_author(
    tmp_path: Path,
) -> None:
    folder, returned = _city(tmp_path)
    assert set(_check(returned, folder)) == {"total-mismatch"}
    _edit(folder, MANAGER, MANAGER + TEL_ROW)
    found = _check(returned, folder)
    (changed,) = found.pop("layout-changed")
    assert changed["severity"] == "warning"
    said = str(changed["message"])
    # the 課 reads it first on its marked copy: not its mistake; then the words for IT staff
    assert said.index("提出されたファイルの誤りではありません") < said.index(
        "【様式定義の担当者へ】"
    )
    assert "レイアウト定義 my-city.yaml の項目や配置を変えたときは" in said
    assert "version を 2 に上げ、migrations に - from: 1 を書いてください" in str(
        changed["message"]
    )
    (missing,) = found.pop("name-missing")
    assert missing["severity"] == "warning" and missing["field"] == "header.tel"
    assert "行・列が挿入・削除されている" not in str(missing["message"])
    # the department moved nothing: no cells-moved; the total is still found by its name
    assert set(found) == {"total-mismatch"}
    assert found["total-mismatch"][0]["cell"] == "F40"

    fixed = tmp_path / "修正版.xlsx"
    code, _, err = run_cli("fix", str(returned), "-o", str(fixed), "--templates", str(folder))
    assert code == 0, err
    assert openpyxl.load_workbook(fixed)["事務事業評価シート"]["F40"].value.startswith("=SUM(F35")
    assert set(_check(fixed, folder)) == {"layout-changed", "name-missing"}


def test_a_new_version_with_its_migration_reads_the_return_as_migrated(tmp_path: Path) -> None:
    folder, returned = _city(tmp_path)
    _edit(folder, MANAGER, MANAGER + TEL_ROW)
    _edit(folder, "version: 1\n", "version: 2\nmigrations:\n  - {from: 1, added: [header.tel]}\n")
    found = _check(returned, folder)
    assert "layout-changed" not in found and "name-missing" not in found
    assert set(found) == {"layout-migrated", "total-mismatch"}


def test_a_label_corrected_in_the_layout_changes_nothing_for_the_returns(tmp_path: Path) -> None:
    folder, returned = _city(tmp_path)
    _edit(folder, "label: 課長名", "label: 課長の氏名")
    assert set(_check(returned, folder)) == {"total-mismatch"}


def test_a_layout_file_saved_again_is_read_again(tmp_path: Path) -> None:
    """A running service keeps its registry: an edit of the file is seen on the next get, an
    unchanged file is not read again."""
    folder, _ = _city(tmp_path)
    registry = LayoutRegistry([folder])
    first = registry.get("my-city")
    assert registry.get("my-city") is first
    layout = folder / "my-city.yaml"
    _edit(folder, "title: 事務事業評価シート", "title: 市の事務事業評価シート")
    saved = layout.stat().st_mtime_ns + 10**9  # a coarse clock cannot hide the save
    os.utime(layout, ns=(saved, saved))
    again = registry.get("my-city")
    assert again is not first and again.title == "市の事務事業評価シート"
    _edit(folder, "version: 1\n", "version: 0\n")
    os.utime(layout, ns=(saved + 10**9, saved + 10**9))
    with pytest.raises(LayoutError, match="「version」は1以上の整数で書いてください"):
        registry.get("my-city")


# The bundled layouts' cells as their version says them. A change of a bundled layout that
# moves a cell or adds, removes or renames a field changes its shape: raise its `version`, add
# a `migrations` entry (tests/test_layout_versions.py shows how), then write the new pair here.
BUNDLED_SHAPES = {
    "jimu-jigyo": (1, "68257bf91cde24c9"),
    "kihon-keikaku": (1, "e045f53f0b8cf02a"),
    "shinchoku-pdca": (2, "545a4535c359124f"),
    "shinchoku-shihyo": (1, "76017ad0f9f61151"),
    "shisaku-hyoka": (2, "5da8240832d9fd6a"),
    "shisaku-management": (1, "073c1002b47846a1"),
}


def test_a_bundled_layout_changes_its_cells_only_with_a_new_version() -> None:
    registry = LayoutRegistry([ROOT / "templates"])
    found = {i: (registry.get(i).version, cell_shape(registry.get(i))) for i in registry.ids()}
    for layout_id, (version, shape) in found.items():
        recorded = BUNDLED_SHAPES.get(layout_id)
        assert recorded is not None, f"add {layout_id}: ({version}, {shape!r})"
        if recorded[0] == version:
            assert recorded[1] == shape, (
                f"{layout_id}: its cells changed but not its version {version}: raise the "
                f"version, add a migration, then record ({version + 1}, <new shape>)"
            )


def test_a_return_of_an_earlier_bundled_template_is_not_told_of_cells_it_lacks() -> None:
    """The first 事務事業評価シート (tests/layouts_earlier) had no 単位 formulas in its 目標 and
    実績 rows; the bundled one has, at the same version. Its return is read by its names, the
    eight 単位 cells it lacks are warned about, never 'a formula typed over'."""
    earlier = load_layout(
        ROOT / "tests" / "layouts_earlier" / "2026-12-06-first" / "jimu-jigyo.yaml"
    )
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "earlier.xlsx"
        make_template(earlier, template, earlier.default_year)
        checked = check_file(template, LayoutRegistry([ROOT / "templates"]))
    codes = [(p.code, p.severity) for p in checked.problems if p.code != "required-missing"]
    assert codes[0] == ("layout-changed", "warning")
    assert sorted(set(codes[1:])) == [("name-missing", "warning")] and len(codes) == 9
    assert all(p.field.endswith("_unit") for p in checked.problems if p.code == "name-missing")
