"""`xlsxsheet demo --data`: a layout's author runs the whole round trip on their own example."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import run_cli

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.layout.registry import LayoutRegistry

ROOT = Path(__file__).resolve().parents[1]


pytestmark = pytest.mark.usefixtures("no_city_layouts")


def _city(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "様式"
    folder.mkdir()
    layout = (ROOT / "templates" / "jimu-jigyo.yaml").read_text(encoding="utf-8")
    (folder / "my-city.yaml").write_text(
        layout.replace("layout: jimu-jigyo", "layout: my-city").replace(
            "title: 事務事業評価シート", "title: 市の事務事業シート"
        ),
        encoding="utf-8",
    )
    example = (ROOT / "examples" / "jimu-jigyo-R6.yaml").read_text(encoding="utf-8")
    document = tmp_path / "記入例.yaml"
    document.write_text(example.replace("layout: jimu-jigyo", "layout: my-city"), "utf-8")
    return folder, document


def test_the_round_trip_runs_on_a_citys_layout_and_example(tmp_path: Path) -> None:
    folder, document = _city(tmp_path)
    out = tmp_path / "試し"
    code, stdout, err = run_cli(
        "demo", "-o", str(out), "--data", str(document), "--templates", str(folder)
    )
    assert code == 0, err
    assert stdout.splitlines()[0] == "== 市の事務事業シート (記入例)"
    assert [p.name for p in out.iterdir()] == ["記入例"]  # the bundled examples are not run
    registry = LayoutRegistry([ROOT / "templates", folder])
    damaged = check_file(out / "記入例" / "記入例_誤りあり.xlsx", registry)
    assert {p.code for p in damaged.problems} & {"total-mismatch", "formula-overwritten"}
    fixed = check_file(out / "記入例" / "記入例_修正版.xlsx", registry)
    assert fixed.read is not None and fixed.read.plan.layout.id == "my-city"
    assert fixed.errors == 0
    assert f"修正 {len(damaged.changes)} 件、修正後のエラー 0 件" in stdout


@pytest.mark.parametrize(
    ("text", "said", "exit_code"),
    [
        ("layout: [my-city\n", "の 2行目 1列: [ ] の中の区切り「,」か、閉じる「]」がありません", 1),
        ("year: R6\nheader: {}\n", "に layout: (様式の ID、例: layout: jimu-jigyo)がありません", 1),
        ("layout: my-cty\nyear: R6\n", "記入例 例.yaml: 様式「my-cty」はありません。「my-city」ではありませんか", 2),
        ("layout: my-city\nyear: R6\nheader: {bux: 1}\n", "記入例 例.yaml: データが様式と合いません", 1),
    ],
)  # fmt: skip
def test_an_example_that_does_not_fit_is_named_with_its_mistake(
    tmp_path: Path, text: str, said: str, exit_code: int
) -> None:
    folder, _ = _city(tmp_path)
    document = tmp_path / "例.yaml"
    document.write_text(text, encoding="utf-8")
    code, _, err = run_cli(
        "demo", "-o", str(tmp_path / "試し"), "--data", str(document), "--templates", str(folder)
    )
    assert code == exit_code and "Traceback" not in err
    assert said in err, err


def test_two_examples_of_one_name_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    folder, document = _city(tmp_path)
    other = tmp_path / "別" / document.name
    other.parent.mkdir()
    other.write_bytes(document.read_bytes())
    out = tmp_path / "試し"
    code, _, err = run_cli(
        "demo", "-o", str(out), "--data", str(document), "--data", str(other),
        "--templates", str(folder),
    )  # fmt: skip
    assert code == 2 and "記入例のファイル名 記入例 が重なっています" in err
    assert not out.exists()
