"""Rollover carries the notes of carried cells and lists, per return, what next year's template
leaves behind: the department's own sheets, drawings, notes on cleared cells, hyperlinks,
names, the sensitivity label — never silently."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from corpus.build import cell
from fidelity_support import DRAWING, LABEL_INFO, SHEET_PART, Parts, R, filled
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName

from xlsxsheet.office.rollover import render_json, render_text, rollover

SHEET = "施策マネジメントシート"
NAME_CELL = cell("header.shisaku_name")
REASONS = cell("evaluation.reasons")


def department_return(folder: Path) -> Path:
    """A filled return with what a department adds: notes, its own sheet, a link, a name (by
    openpyxl, which writes them as Excel does), then a drawing and a label (as parts)."""
    book = openpyxl.load_workbook(filled(folder))
    sheet = book[SHEET]
    sheet[NAME_CELL].comment = Comment("出典: 第2次総合計画 p.12", "総務 花子")
    sheet[REASONS].comment = Comment("課長確認済み(5/12)", "総務 花子")
    own = book.create_sheet("課内集計")
    own["A1"] = "集計"
    sheet["A3"].hyperlink = "https://www.city.example.lg.jp/keikaku.html"
    book.defined_names["課内_合計"] = DefinedName("課内_合計", attr_text="'課内集計'!$A$1")
    edited = folder / "edited.xlsx"
    book.save(edited)
    parts = Parts(edited)
    parts.put("xl/drawings/drawing9.xml", DRAWING)
    parts.rel(
        "xl/worksheets/_rels/sheet1.xml.rels", "rId90", R + "/drawing", "../drawings/drawing9.xml"
    )
    text = parts.text(SHEET_PART)
    at = text.index("<legacyDrawing")
    parts.put(SHEET_PART, text[:at] + '<drawing r:id="rId90"/>' + text[at:])
    parts.content_type(
        '<Override PartName="/xl/drawings/drawing9.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>'
    )
    parts.put("docMetadata/LabelInfo.xml", LABEL_INFO)
    parts.rel(
        "_rels/.rels",
        "rId90",
        "http://schemas.microsoft.com/office/2020/02/relationships/classificationlabels",
        "docMetadata/LabelInfo.xml",
    )
    returns = folder / "提出"
    returns.mkdir()
    return parts.save(returns / "施策12.xlsx")


def next_years_cell(field_id: str, year: int) -> str:
    """Where a field's cell is in the 2021 template (its year columns moved on by one)."""
    from xlsxsheet.core.cells import a1
    from xlsxsheet.layout.registry import default_registry
    from xlsxsheet.plan.workbook_plan import cached_plan

    layout = default_registry().get("shisaku-management")
    slot = cached_plan(layout, 2021, dict(layout.default_params())).slots[(field_id, year)]
    return a1(slot.row, slot.col)


def test_notes_of_carried_cells_go_over_and_the_rest_is_listed(tmp_path: Path) -> None:
    source = department_return(tmp_path)
    result = rollover([source.parent], 2021, tmp_path / "R3", jobs=1)
    (item,) = result.items
    assert item.output is not None and item.notes_carried == 1
    template = openpyxl.load_workbook(item.output)
    note = template[SHEET][NAME_CELL].comment
    assert note is not None and "出典: 第2次総合計画 p.12" in note.text
    assert template[SHEET][REASONS].comment is None  # cleared cell: its note is listed instead
    text = render_text(result)
    assert "セルのメモ 1 件を引き継ぎました" in text
    assert (
        f"'{SHEET}'!{REASONS} のメモ「課長確認済み(5/12)」は、そのセルを翌年度に"
        "引き継がないため引き継ぎません。" in text
    )
    for expected in (
        "様式にないシート「課内集計」",
        f"シート「{SHEET}」の図形・画像 2 個",
        f"シート「{SHEET}」のハイパーリンク 1 件(A3)",
        "独自の名前定義「課内_合計」",
        "秘密度ラベル",
    ):
        assert expected in text, expected
    assert item.to_dict()["left_behind"] == item.left_behind and len(item.left_behind) == 6
    assert '"notes_carried": 1' in render_json(result)


def test_a_thread_goes_over_as_its_comments_not_excels_placeholder(tmp_path: Path) -> None:
    """A cell with an Excel 365 thread (the fidelity corpus's J72: a question and its reply)
    carries the thread itself, one line a comment with its person's name — not the
    placeholder note Excel writes for older readers."""
    from fidelity_support import THREAD, excel_return

    from xlsxsheet.layout.registry import default_registry
    from xlsxsheet.plan.workbook_plan import cached_plan

    made = excel_return(tmp_path)
    result = rollover([made.path], 2021, tmp_path / "next", jobs=1)
    (item,) = result.items
    layout = default_registry().get("shisaku-management")
    slot = cached_plan(layout, 2021, dict(layout.default_params())).slots[
        ("perf.cost.national", 2020)
    ]
    note = openpyxl.load_workbook(item.output)[SHEET].cell(slot.row + 1, slot.col + 1).comment
    assert note is not None
    assert f"財政課 一郎: {THREAD[0]}\n福祉総務課 花子: {THREAD[1]}" in note.text
    assert "スレッド化されたコメント" not in note.text
    assert not any("スレッド化" in line for line in item.left_behind)


def test_print_settings_the_department_changed_are_said(tmp_path: Path) -> None:
    """A department that set its sheet to A4 portrait, 85%, wider left margin and not centred
    (Excel's 印刷の設定, saved by openpyxl as Excel writes those attributes) gets next year's
    template with the layout's settings again — and is told which of its own were not carried.
    A return whose settings are the template's (the test above) gets no such line."""
    source = filled(tmp_path)
    book = openpyxl.load_workbook(source)
    sheet = book[SHEET]
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.sheet_properties.pageSetUpPr.fitToPage = False
    sheet.page_setup.scale = 85
    sheet.page_margins.left = 0.7
    sheet.print_options.horizontalCentered = False
    changed = tmp_path / "印刷設定を変えた.xlsx"
    book.save(changed)
    result = rollover([changed], 2021, tmp_path / "R3", jobs=1)
    (item,) = result.items
    (line,) = [line for line in item.left_behind if "印刷の設定" in line]
    assert line.startswith(f"シート「{SHEET}」の印刷の設定(")
    for said in (
        "用紙サイズ A4 → A3",
        "印刷の向き 縦 → 横",
        "ページに合わせて印刷 しない → する",
        "左余白 1.8cm → 1.0cm",
        "水平方向の中央揃え しない → する",
    ):
        assert said in line, said
    assert "拡大縮小" not in line  # 85% applies only without fitting to pages: not compared
    assert "フッター" not in line  # the template's own footer, its year aside
    assert line in render_text(result)


@pytest.mark.libreoffice
def test_a_return_libreoffice_saved_gets_no_print_line(tmp_path: Path) -> None:
    """LibreOffice, saving a return, writes print settings of its own where nothing prints (a
    header margin without a header): they are not the department's and are not said."""
    from fidelity_support import libreoffice_return
    from libreoffice_support import require_soffice

    made = libreoffice_return(tmp_path, require_soffice())
    (item,) = rollover([made.path], 2021, tmp_path / "R3", jobs=1).items
    assert item.output is not None
    assert not [line for line in item.left_behind if "印刷の設定" in line], item.left_behind


def test_the_departments_own_rules_are_said(tmp_path: Path) -> None:
    """Conditional formats, sparklines and input rules listing another sheet — which no
    template of xlsxsheet holds — are listed, counted per sheet (the fidelity corpus's data
    bar and icon set, its sparkline and its x14 input rule)."""
    from fidelity_support import TOTAL, excel_return

    made = excel_return(tmp_path)
    (item,) = rollover([made.path], 2021, tmp_path / "R3", jobs=1).items
    assert (
        f"シート「{SHEET}」の条件付き書式 2 件、スパークライン 1 件、"
        "他のシートを参照する入力規則 1 件は引き継ぎません。"
    ) in item.left_behind
    # the department's two-line note on the total (a cleared cell) is said on one line
    assert (
        f"'{SHEET}'!{TOTAL} のメモ「総務 花子: H28は決算書の額を手入力(財政課了承済)」は、"
        "そのセルを翌年度に引き継がないため引き継ぎません。"
    ) in item.left_behind


def test_a_data_bar_excel_writes_twice_counts_once() -> None:
    """Excel writes a data bar as a rule and again as its x14 extension, linked by id."""
    from xlsxsheet.office.left_behind import own_rules

    rule_id = "{6A4F4E7B-1D35-4C58-9D55-0D37C1D4A0A1}"
    sheet = (
        '<conditionalFormatting sqref="F72:J72"><cfRule type="dataBar" priority="1"><dataBar>'
        '<cfvo type="min"/><cfvo type="max"/><color rgb="FF638EC6"/></dataBar><extLst>'
        '<ext uri="{B025F937-C7B1-47D3-B67F-A62EFF666E3E}" xmlns:x14="http://schemas.microsoft.com/'
        f'office/spreadsheetml/2009/9/main"><x14:id>{rule_id}</x14:id></ext></extLst></cfRule>'
        '</conditionalFormatting><conditionalFormatting sqref="A1"><cfRule type="cellIs" '
        'priority="2" operator="greaterThan"><formula>0</formula></cfRule></conditionalFormatting>'
        "<extLst><ext><x14:conditionalFormattings><x14:conditionalFormatting><x14:cfRule "
        f'type="dataBar" id="{rule_id}"><x14:dataBar/></x14:cfRule><xm:sqref>F72:J72</xm:sqref>'
        "</x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst>"
    )
    assert own_rules(sheet) == {"条件付き書式": 2}
    assert own_rules("<sheetData/>") == {}


def test_a_print_area_and_titles_the_department_set_are_said(tmp_path: Path) -> None:
    """The department printed only part of its sheet, with its own title rows (Excel's
    印刷範囲 and 印刷タイトル, as defined names): next year's template prints the whole sheet
    again, and says so. The LibreOffice-saved return above and the unchanged one get no line."""
    source = filled(tmp_path)
    book = openpyxl.load_workbook(source)
    sheet = book[SHEET]
    sheet.print_area = "A1:J60"
    sheet.print_title_rows = "1:5"
    changed = tmp_path / "印刷範囲を変えた.xlsx"
    book.save(changed)
    (item,) = rollover([changed], 2021, tmp_path / "R3", jobs=1).items
    assert (
        f"シート「{SHEET}」の印刷範囲(A1:J60)は引き継がず、翌年度の様式のシート全体を印刷範囲にしました。"
        in item.left_behind
    )
    assert (
        f"シート「{SHEET}」の印刷タイトル(1〜5行目)は引き継がず、翌年度の様式の設定にしました。"
        in item.left_behind
    )
    (tmp_path / "plain").mkdir()
    (plain,) = rollover([filled(tmp_path / "plain")], 2021, tmp_path / "R3b", jobs=1).items
    assert not [line for line in plain.left_behind if "印刷" in line], plain.left_behind


def test_a_note_carried_a_year_before_is_carried_again_headed_once(tmp_path: Path) -> None:
    """Next year's template, returned as it was, rolled over again: the department's note is
    carried once more, headed once (not 前年度の提出のメモ: 前年度の提出のメモ: …)."""
    (first,) = rollover([department_return(tmp_path).parent], 2021, tmp_path / "R3", jobs=1).items
    (second,) = rollover([first.output], 2022, tmp_path / "R4", jobs=1).items
    assert second.notes_carried == 1 and second.left_behind == []
    note = openpyxl.load_workbook(second.output)[SHEET][NAME_CELL].comment
    assert note is not None
    assert note.text == "xlsxsheet:\n前年度の提出のメモ:\n出典: 第2次総合計画 p.12"


def test_xlsxsheets_own_notes_stay_behind_and_are_counted(tmp_path: Path) -> None:
    """Next year's templates made from this year's corrected copies: the notes fix wrote (its
    own, and its text below a department's note) are its record of this year's corrections,
    kept in the copy's 修正履歴; the department's note goes over alone, and the rest is said."""
    from fidelity_support import TOTAL

    from xlsxsheet.office.fixing import fix_path

    national = cell("perf.cost.national", 2020)
    book = openpyxl.load_workbook(filled(tmp_path))
    sheet = book[SHEET]
    sheet[national] = "１２，３４５"  # full-width, with a comma: fix writes the number 12345
    sheet[national].comment = Comment("出典: 令和2年度決算書", "総務 花子")
    sheet[TOTAL] = 999  # a total typed over its SUM: fix restores the formula
    returned = tmp_path / "施策12.xlsx"
    book.save(returned)
    corrected = tmp_path / "修正版" / "施策12_修正版.xlsx"
    fix_path(returned, corrected)
    notes = [
        c.comment.text
        for row in openpyxl.load_workbook(corrected)[SHEET].iter_rows()
        for c in row
        if c.comment is not None
    ]
    own = [text for text in notes if text.startswith("xlsxsheet:")]
    assert own and any("――― xlsxsheet ―――" in text for text in notes)

    (item,) = rollover([corrected], 2021, tmp_path / "R3", jobs=1).items
    template = openpyxl.load_workbook(item.output)[SHEET]
    note = template[next_years_cell("perf.cost.national", 2020)].comment
    assert note is not None
    assert note.text == "xlsxsheet:\n前年度の提出のメモ:\n出典: 令和2年度決算書"
    assert item.notes_carried == 1
    assert (
        f"xlsxsheet が付けた修正・点検のメモ {len(own)} 件は引き継ぎません"
        "(修正の記録は前年度の修正版の「修正履歴」シートにあります)。"
    ) in item.left_behind
    assert not any("xlsxsheet:" in line or "―――" in line for line in item.left_behind)
