"""A prefilled template (rollover's next year, `template --data`) sizes a row for the text it
carries: a short number stays one line, a long text gets the lines it needs, and LibreOffice
prints each whole in the height the file gives it."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from libreoffice_support import pdf_pages_and_text

from xlsxsheet.core.data_files import load_document
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.writing.make_template import make_template

ROOT = Path(__file__).resolve().parents[1]


def _heights(path: Path) -> dict[int, float]:
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    return {int(r): float(h) for r, h in re.findall(r'<row r="(\d+)"[^>]*? ht="([\d.]+)"', xml)}


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("row-heights")
    layout = default_registry().get("jimu-jigyo")
    doc = load_document(ROOT / "examples" / "jimu-jigyo-R6.yaml")
    doc["purpose"]["means"] += "".join(f"\n{n}. 地区ごとの説明会を開く。" for n in range(1, 5))
    blank, made = folder / "blank.xlsx", folder / "filled.xlsx"
    make_template(layout, blank, 2024)
    make_template(layout, made, None, doc)
    return blank, made


def test_half_width_text_is_not_counted_as_full_width(filled: tuple[Path, Path]) -> None:
    """事業番号 03-02-015 and a 根拠法令 of 47 characters, most full-width, each fit their
    merged cell on one line: their rows were made two lines tall, each half-width character
    counted as a full-width one. A 事業の内容 of six paragraphs gets more than its four lines."""
    blank, made = (_heights(p) for p in filled)
    assert made[2] == blank[2]  # 事業番号 03-02-015, 事務事業名
    assert made[6] == blank[6]  # 根拠法令・計画
    assert made[10] > blank[10]  # 事業の内容(手段): six paragraphs in the room of four lines


def test_libreoffice_prints_each_carried_text_whole(
    filled: tuple[Path, Path], soffice: str, tmp_path: Path
) -> None:
    _blank, made = filled
    _pages, text = pdf_pages_and_text(made, soffice, tmp_path)
    one_line = " ".join(text.split())
    for shown in (
        "03-02-015",
        "児童福祉法第6条の3第2項、市放課後児童健全育成事業の設備及び運営に関する基準を定める条例",
        "支援員の研修、施設の修繕、入所申請の受付・審査を行う。",
        "4. 地区ごとの説明会を開く。",
    ):
        assert shown in one_line, shown
