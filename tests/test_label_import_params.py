"""The layout's parameters read from the city's sheet where it states them (seeds 001 and 002),
else the layout's defaults — reported either way, in the text and the JSON."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from seed_workbook_002 import city_002
from seed_workbooks import SEEDS, city_000, city_001

from xlsxsheet.label_import.importer import import_workbook, write_import
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.reading.return_reader import read_file

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="the seeds (../shared/seeds) are absent")


def _params(result) -> dict[str, tuple]:
    return {p.param: (p.value, p.source, p.cell) for p in result.params}


def _replace(path: Path, old: str, new: str) -> Path:
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value == old:
                    cell.value = new
    book.save(path)
    return path


def test_the_plans_years_from_its_two_row_headings(tmp_path: Path) -> None:
    """国立's 目標値 over Ｈ31年 | Ｈ35年: the mid and the final year, in the template's order."""
    layout = default_registry().get("kihon-keikaku")
    result = import_workbook(city_002(tmp_path / "p.xlsx"), layout, 2016)
    assert _params(result) == {
        "mid_year": (2019, "sheet", "E113"),
        "final_year": (2023, "sheet", "F113"),
    }
    assert "見出し「目標値」>「Ｈ31年」" in result.params[0].reason


def test_other_years_in_the_sheet_change_the_plan_and_are_read(tmp_path: Path) -> None:
    """A plan to H36 (Ｈ32年 | Ｈ36年): the parameters follow and the targets are still found."""
    layout = default_registry().get("kihon-keikaku")
    source = _replace(
        _replace(city_002(tmp_path / "p.xlsx"), "Ｈ31年", "Ｈ32年"), "Ｈ35年", "Ｈ36年"
    )
    result = import_workbook(source, layout, 2016)
    assert _params(result)["mid_year"][:2] == (2020, "sheet")
    assert _params(result)["final_year"][:2] == (2024, "sheet")
    write_import(result, tmp_path / "out.xlsx", layout)
    read = read_file(tmp_path / "out.xlsx")
    assert read.plan.params["final_year"] == 2024
    assert read.value(("indicators.d1.a.final", None)) == 16.0


def test_years_that_disagree_keep_the_default_and_say_so(tmp_path: Path) -> None:
    layout = default_registry().get("kihon-keikaku")
    source = city_002(tmp_path / "p.xlsx")
    book = openpyxl.load_workbook(source)
    sheet = book.active
    second = [c for row in sheet.iter_rows() for c in row if c.value == "Ｈ35年"][1]
    second.value = "Ｈ36年"
    book.save(source)
    result = import_workbook(source, layout, 2016)
    final = next(p for p in result.params if p.param == "final_year")
    assert (final.value, final.source) == (2023, "default")
    assert "シートの記載が一致しません" in final.reason and "Ｈ36年" in final.reason


def test_the_target_year_from_a_heading_in_one_cell(tmp_path: Path) -> None:
    """調布's 目標値 令和4年度 states target_year; 令和5年度 moves it, and the column is read."""
    layout = default_registry().get("shisaku-hyoka")
    assert _params(import_workbook(city_001(tmp_path / "a.xlsx"), layout, 2019)) == {
        "target_year": (2022, "sheet", "F21")
    }
    moved = _replace(city_001(tmp_path / "b.xlsx"), "目標値 令和4年度", "目標値 令和5年度")
    result = import_workbook(moved, layout, 2019)
    assert _params(result)["target_year"][:2] == (2023, "sheet")
    assert [r["target"] for r in result.document["indicators"]] == [20000, 140, "延べ600 以上"]


def test_a_parameter_by_its_label(tmp_path: Path) -> None:
    layout = default_registry().get("shisaku-hyoka")
    source = city_001(tmp_path / "a.xlsx")
    book = openpyxl.load_workbook(source)
    book.active["H1"], book.active["I1"] = "まちづくり指標の目標年度", "令和4年度"
    book.save(source)
    found = import_workbook(source, layout, 2019).params[0]
    assert (found.value, found.source, found.cell) == (2022, "sheet", "I1")
    assert "ほか1か所も同じ" in found.reason  # the heading 目標値 令和4年度 agrees


def test_a_sheet_that_states_none_keeps_the_defaults_reported(tmp_path: Path) -> None:
    layout = default_registry().get("shisaku-management")
    result = import_workbook(city_000(tmp_path / "m.xlsx"), layout, 2020)
    assert _params(result) == {
        "plan_start": (2020, "default", None),
        "plan_final": (2027, "default", None),
    }
    text = result.text()
    assert "◇ 様式の設定 計画最終年度 = R9年度(既定値、シートに書かれていません。" in text
    assert result.as_dict()["params"][1] == {
        "param": "plan_final",
        "label": "計画最終年度",
        "value": 2027,
        "source": "default",
        "reason": "シートに書かれていません。既定値のままにしました",
    }


def test_given_parameters_win(tmp_path: Path) -> None:
    layout = default_registry().get("shisaku-hyoka")
    result = import_workbook(city_001(tmp_path / "a.xlsx"), layout, 2019, {"target_year": 2023})
    assert _params(result)["target_year"] == (2023, "given", None)
