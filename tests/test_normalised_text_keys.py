"""A key the check reads half-width (事業番号, 政策番号, 施策番号 typed full-width or with spaces
around it, as collect shows it) is written half-width in the corrected copy — each cell on
修正履歴, the copy still a patch — and in next year's template, whose report says so per return.

The return is the bundled 事務事業評価シート example with the keys typed the way a clerk types
them in Excel (shared strings, the cells' own styles kept); free text typed with full-width
characters and spaces next to them is never rewritten.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pytest
from fidelity_support import Parts
from libreoffice_support import pdf_pages_and_text

from xlsxsheet.checks.key_texts import key_fields, key_form
from xlsxsheet.checks.pipeline import CheckResult, check_file
from xlsxsheet.copies.corrected import write_fixed
from xlsxsheet.core.copy_sheets import HISTORY_SHEET
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.rollover import render_json, render_text, rollover

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "jimu-jigyo-R6.xlsx"
SHEET = "事務事業評価シート"
SHEET_PART = "xl/worksheets/sheet1.xml"
M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RULE = "全角の英数字・記号を半角に変換しました"

# (cell, label, as typed, as written): the example's 03-02-015, 3 and 3-2 as a clerk types them
KEYS = [
    ("B2", "事業番号", "０３－０２－０１５", "03-02-015"),
    ("B3", "政策番号", "３", "3"),
    ("G3", "施策番号", " ３－２\u3000", "3-2"),
]
# free text typed with full-width letters and spaces around: read trimmed, never rewritten
FREE = [
    ("E2", "事務事業名", "放課後児童健全育成事業（学童クラブ運営）\u3000"),
    ("C52", "今後の方向性・改善内容", "\u3000ＤＸ推進のため、分室を１か所開設する。"),
]
# the text printed on the same line as each key (LibreOffice's PDF, pdftotext -layout)
NEXT_TO = {
    "B2": "（学童クラブ運営）",  # the free text typed next to it, kept as typed
    "B3": "子どもが健やかに育つまち",
    "G3": "子育て家庭への支援",
}
PARTS_A_COPY_TOUCHES = {
    "[Content_Types].xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    SHEET_PART,
    "xl/worksheets/_rels/sheet1.xml.rels",
}


def _typed(parts: Parts, ref: str, text: str) -> None:
    space = ' xml:space="preserve"' if text != text.strip(" ") else ""
    index = parts.shared_string(f"<si><t{space}>{text}</t></si>")
    parts.set_cell(ref, f"<v>{index}</v>", "s")


@pytest.fixture(scope="module")
def typed_return(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parts = Parts(EXAMPLE)
    for ref, _label, typed, _written in KEYS:
        _typed(parts, ref, typed)
    for ref, _label, typed in FREE:
        _typed(parts, ref, typed)
    return parts.save(tmp_path_factory.mktemp("keys") / "学童クラブ.xlsx")


@pytest.fixture(scope="module")
def checked(typed_return: Path) -> CheckResult:
    return check_file(typed_return)


@pytest.fixture(scope="module")
def fixed(checked: CheckResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_fixed(checked, tmp_path_factory.mktemp("fixed") / "学童クラブ_修正版.xlsx")


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("０３－０２－０１５", "03-02-015"),  # full-width digits and hyphen
        ("３", "3"),
        ("Ａ－１２", "A-12"),  # full-width letters
        ("3\u30002", "3 2"),  # the ideographic space inside
        ("①", "①"),  # the office's own notation stays, as collect shows it
        ("Ⅱ－３", "Ⅱ-3"),
        ("ｺｰﾄﾞ1", "コード1"),  # half-width kana in its usual width
        ("3-2", "3-2"),
    ],
)
def test_a_key_is_written_as_collect_shows_it(typed: str, written: str) -> None:
    assert key_form(typed) == written


def test_the_keys_are_the_summarys_number_fields_only() -> None:
    registry = default_registry()
    assert key_fields(registry.get("jimu-jigyo")) == {
        "header.jigyo_no",
        "header.seisaku_no",
        "header.shisaku_no",
    }
    assert key_fields(registry.get("shisaku-management")) == {
        "header.shisaku_no",
        "header.policy_no",
    }
    # 進捗管理シート: no summary key; its heading code columns also hold the level names
    assert key_fields(registry.get("shinchoku-pdca")) == frozenset()


@pytest.mark.parametrize(("ref", "label", "typed", "written"), KEYS)
def test_check_reports_each_key_read_half_width_and_fix_changes_it(
    checked: CheckResult, ref: str, label: str, typed: str, written: str
) -> None:
    said = [p for p in checked.problems if p.cell == ref and p.code == "value-normalized"]
    assert len(said) == 1, said
    assert said[0].severity == "info"
    assert said[0].value == typed and said[0].expected == written
    assert f"「{written}」 として読みました" in said[0].message
    (change,) = [c for c in checked.changes if c.cell == ref]
    assert (change.sheet, change.label, change.old, change.new) == (SHEET, label, typed, written)
    assert change.rule == "value-normalized" and RULE in change.reason


def test_free_text_is_read_trimmed_and_never_rewritten(checked: CheckResult) -> None:
    assert {c.cell for c in checked.changes} == {ref for ref, *_ in KEYS}
    for ref, _label, typed in FREE:
        (said,) = [p for p in checked.problems if p.cell == ref]
        assert said.code == "value-normalized" and said.expected == typed.strip()
        assert RULE not in said.message


def test_the_corrected_copy_writes_each_key_and_lists_it_on_the_history(fixed: Path) -> None:
    book = openpyxl.load_workbook(fixed)
    sheet = book[SHEET]
    for ref, _label, _typed, written in KEYS:
        assert sheet[ref].value == written and sheet[ref].data_type == "s"
    for ref, _label, typed in FREE:
        assert sheet[ref].value == typed
    rows = list(book[HISTORY_SHEET].iter_rows(min_row=2, values_only=True))
    assert [row[1:6] for row in rows] == [
        (SHEET, ref, label, typed, written) for ref, label, typed, written in KEYS
    ]
    for row in rows:
        assert row[6] == "入力値を読み替えました" and RULE in row[7]
        assert row[8] == "value-normalized"


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _cells(data: bytes) -> dict[str, bytes]:
    root = ET.fromstring(data)
    return {c.get("r") or "": ET.tostring(c) for c in root.iter(M + "c")}


def test_the_copy_is_a_patch_of_the_return(typed_return: Path, fixed: Path) -> None:
    before, after = _members(typed_return), _members(fixed)
    touched = {name for name in before if before[name] != after.get(name)}
    assert touched <= PARTS_A_COPY_TOUCHES, touched - PARTS_A_COPY_TOUCHES
    assert after["xl/sharedStrings.xml"] == before["xl/sharedStrings.xml"]
    old, new = _cells(before[SHEET_PART]), _cells(after[SHEET_PART])
    assert old.keys() == new.keys()
    differ = {ref for ref in old if old[ref] != new[ref]}
    assert differ == {ref for ref, *_ in KEYS}


def test_check_of_the_corrected_copy_reports_no_normalisation_of_the_keys(fixed: Path) -> None:
    again = check_file(fixed)
    keys = {ref for ref, *_ in KEYS}
    assert not [p for p in again.problems if p.cell in keys]
    assert not again.changes
    free = {p.cell for p in again.problems if p.code == "value-normalized"}
    assert free == {ref for ref, *_ in FREE}  # still typed as they were: read trimmed


@pytest.mark.libreoffice
def test_libreoffice_shows_the_keys_half_width_as_text(
    fixed: Path, soffice: str, tmp_path: Path
) -> None:
    _pages, text = pdf_pages_and_text(fixed, soffice, tmp_path, layout=True)
    form = text.split("\f")[0]  # the sheet's first page, with its header; 修正履歴 printed last
    (history,) = [page for page in text.split("\f") if HISTORY_SHEET in page]
    for ref, _label, typed, written in KEYS:
        (line,) = [line for line in form.splitlines() if NEXT_TO[ref] in line]
        assert written in line.split()  # "3-2" shown as the text typed: not a date, not 3
        assert typed.strip() not in form
        assert typed.strip() in history and written in history  # 旧値 and 新値


def _rolled(source: Path, out: Path) -> tuple[str, dict, openpyxl.Workbook]:
    result = rollover([source], 2025, out, jobs=1)
    (item,) = result.items
    assert item.output is not None, item.problems
    return render_text(result), json.loads(render_json(result)), openpyxl.load_workbook(item.output)


def test_rollover_writes_the_keys_half_width_and_says_so(
    typed_return: Path, tmp_path: Path
) -> None:
    text, report, book = _rolled(typed_return, tmp_path / "R7")
    for ref, label, typed, written in KEYS:
        assert book[SHEET][ref].value == written
        line = f"  [情報] {label}を「{typed.strip()}」から「{written}」にしました({RULE})。"
        assert line in text.splitlines()
    (item,) = report["items"]
    said = [p for p in item["problems"] if p["code"] == "value-normalized"]
    assert [(p["label"], p["value"], p["expected"]) for p in said] == [
        (label, typed.strip(), written) for _ref, label, typed, written in KEYS
    ]


def test_rollover_of_the_corrected_copy_has_nothing_to_say(fixed: Path, tmp_path: Path) -> None:
    text, report, book = _rolled(fixed, tmp_path / "R7")
    for ref, _label, _typed, written in KEYS:
        assert book[SHEET][ref].value == written
    (item,) = report["items"]
    assert not [p for p in item["problems"] if p["code"] == "value-normalized"]
    assert RULE not in text


def test_a_key_a_formula_gives_is_read_half_width_but_not_rewritten(tmp_path: Path) -> None:
    """A 施策番号 taken from another cell by a formula is the formula's: fix leaves it."""
    parts = Parts(EXAMPLE)
    _typed(parts, "B3", "３")
    parts.set_cell("G3", '<f>"３－"&amp;"２"</f><v>３－２</v>', "str")
    checked = check_file(parts.save(tmp_path / "式.xlsx"))
    assert {c.cell for c in checked.changes} == {"B3"}
    said = [p for p in checked.problems if p.cell == "G3" and p.code == "value-normalized"]
    assert [p.expected for p in said] == ["3-2"]
    fixed = write_fixed(checked, tmp_path / "式_修正版.xlsx")
    assert (
        _cells(_members(fixed)[SHEET_PART])["G3"]
        == _cells(_members(checked.path)[SHEET_PART])["G3"]
    )
