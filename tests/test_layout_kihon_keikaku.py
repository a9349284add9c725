"""国立市 基本計画 (layout kihon-keikaku, seed 002) and prefilling a 施策マネジメントシート from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from libreoffice_support import pdf_pages_and_text
from records_support import EXAMPLES, example_workbook

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.cli import main
from xlsxsheet.core.fiscal_year import parse_fiscal_year
from xlsxsheet.reading.return_reader import read_file

STEM = "kihon-keikaku-H28"


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return example_workbook(STEM, tmp_path_factory.mktemp("kk"))


def test_plan_values_of_the_first_indicator(filled: Path) -> None:
    """SHEETS.md, 002: 13.6 (H26) → 14.5 (H31) → 16.0 (H35)."""
    doc = read_file(filled).document()
    first = doc["indicators"]["d1"]["a"]
    assert (first["base"], parse_fiscal_year(first["base_year"])) == (13.6, 1988 + 26)
    assert (first["mid"], doc["params"]["mid_year"]) == (14.5, 1988 + 31)
    assert (first["final"], doc["params"]["final_year"]) == (16.0, 1988 + 35)


def test_a_value_cell_may_hold_a_sentence(filled: Path) -> None:
    doc = read_file(filled).document()
    assert (
        doc["indicators"]["d2"]["a"]["base"] == "平成28(2016)年度中に実績値を把握し、目標設定予定。"
    )
    assert doc["indicators"]["d2"]["i"]["base"] == 67.4
    checked = check_file(filled)
    assert not [p for p in checked.problems if p.severity != "info"]


def test_read_template_read_is_the_identity(filled: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["read", str(filled), "-o", str(tmp_path / "a.json")]).exit_code == 0
    out = tmp_path / "b.xlsx"
    result = runner.invoke(
        main, ["template", "kihon-keikaku", "--data", str(tmp_path / "a.json"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert read_file(out).document() == json.loads((tmp_path / "a.json").read_text())


def test_plan_prefills_the_management_sheet(filled: Path, tmp_path: Path) -> None:
    """The plan's indicators and targets go into a 施策マネジメントシート template: they are the
    ones seed 000 carries for the same years (H31 = R1, H35 = R5)."""
    out = tmp_path / "management.xlsx"
    result = CliRunner().invoke(
        main,
        ["template", "shisaku-management", "--year", "R2", "--plan", str(filled), "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "平成26年度の列は令和2年度の様式にない" in result.output  # the base year: no column
    doc = read_file(out).document()
    outcome = doc["indicators"]["outcome"]
    assert outcome["d1"]["a"] == {
        "name": "福祉活動に取り組んでいる市民の割合",
        "unit": "%",
        "direction": None,
    }
    assert doc["plan"]["d2"]["name"] == "福祉の総合的な相談と自立支援の推進"
    assert doc["header"]["shisaku_no"] == "12"
    seed000 = yaml.safe_load((EXAMPLES / "shisaku-management-R2.yaml").read_text(encoding="utf-8"))
    for d, i in (("d1", "a"), ("d2", "i")):
        targets = doc["perf"]["outcome"][d][i]["target"]
        published = seed000["perf"]["outcome"][d][i]["target"]
        assert targets["2019"] == published["R1"] and targets["2023"] == published["R5"]
        assert [y for y, v in targets.items() if v is not None] == ["2019", "2023"]
    assert doc["perf"]["outcome"]["d1"]["a"]["target"]["2019"] == 14.5
    assert doc["perf"]["outcome"]["d1"]["a"]["target"]["2023"] == 16.0


def test_data_given_with_the_plan_wins(filled: Path, tmp_path: Path) -> None:
    data = tmp_path / "data.yaml"
    data.write_text(
        "layout: shisaku-management\nyear: R2\nheader: {manager: 伊形 研一郎, shisaku_name: 別名}\n",
        encoding="utf-8",
    )
    out = tmp_path / "management.xlsx"
    result = CliRunner().invoke(
        main,
        [
            "template",
            "shisaku-management",
            "--plan",
            str(filled),
            "--data",
            str(data),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    header = read_file(out).document()["header"]
    assert (header["shisaku_no"], header["shisaku_name"], header["manager"]) == (
        "12",
        "別名",
        "伊形 研一郎",
    )


def test_a_plan_of_another_layout_is_refused(tmp_path: Path) -> None:
    other = example_workbook("shisaku-hyoka-R1", tmp_path)
    result = CliRunner().invoke(
        main,
        [
            "template",
            "shisaku-management",
            "--year",
            "R2",
            "--plan",
            str(other),
            "-o",
            str(tmp_path / "x.xlsx"),
        ],
    )
    assert result.exit_code == 1
    assert "引き継ぎ(prefill)が定義されていません" in result.output


@pytest.mark.libreoffice
def test_renders_to_pdf_pages(filled: Path, tmp_path: Path, soffice: str) -> None:
    pages, text = pdf_pages_and_text(filled, soffice, tmp_path)
    assert 1 <= pages <= 4
    for words in (
        "支え合いの地域づくりと自立支援",
        "福祉活動に取り組んでいる市民の割合",
        "13.6",
        "H26",
    ):
        assert words in text
