"""File names from a pattern (safe on Windows, in Japanese) and the roster CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlsxsheet.core.errors import RosterError, UsageError
from xlsxsheet.office.filenames import (
    NameAllocator,
    fixed_name,
    render_pattern,
    safe_file_name,
    safe_workbook_name,
)
from xlsxsheet.office.roster import RosterEntry, read_roster

PARTS = {"担当課": "福祉総務課", "施策番号": "12", "年度": "R3", "施策名": "支え合いの地域づくり"}


@pytest.mark.parametrize(
    ("pattern", "values", "expected"),
    [
        ("{担当課}_{施策番号}_{年度}.xlsx", PARTS, "福祉総務課_12_R3.xlsx"),
        ("{年度}/{施策名}", PARTS, "R3_支え合いの地域づくり.xlsx"),
        (
            "{担当課}_{施策番号}_{年度}.xlsx",
            PARTS | {"担当課": 'こども<未来>課:"係"'},
            "こども_未来_課__係__12_R3.xlsx",
        ),
        (
            "{担当課}_{年度}.xlsx",
            PARTS | {"担当課": "高齢者支援課|介護保険課?*"},
            "高齢者支援課_介護保険課___R3.xlsx",
        ),
        (
            "{施策名}.xlsx",
            PARTS | {"施策名": "地域福祉\\計画\t(案)\x07"},
            "地域福祉_計画 (案)_.xlsx",
        ),
        ("{施策名}.xlsx", PARTS | {"施策名": "まとめ。。.. "}, "まとめ。。.xlsx"),
        ("{施策名}", PARTS | {"施策名": "CON"}, "_CON.xlsx"),
        ("{施策名}.xlsx", PARTS | {"施策名": "nul"}, "_nul.xlsx"),
        ("{施策名}.xlsx", PARTS | {"施策名": "com1.tmp"}, "_com1.tmp.xlsx"),
        ("{施策名}.xlsx", PARTS | {"施策名": "CONSOLE"}, "CONSOLE.xlsx"),
        ("{施策名}.xlsx", PARTS | {"施策名": ""}, "無題.xlsx"),
        ("{担当課}_{番号}.XLSX", PARTS, "福祉総務課_12.xlsx"),
        ("{施策名}.xlsx", PARTS | {"施策名": "ｶﾞ" + "\u30ab\u3099"}, "ｶﾞガ.xlsx"),
        # an empty part takes one separator with it
        ("{担当課}_{施策番号}_{年度}.xlsx", PARTS | {"施策番号": ""}, "福祉総務課_R3.xlsx"),
        ("{担当課}_{施策番号}_{年度}.xlsx", PARTS | {"担当課": "", "施策番号": ""}, "R3.xlsx"),
        ("{施策名}・{担当課}", PARTS | {"担当課": ""}, "支え合いの地域づくり.xlsx"),
        ("{担当課}__{施策番号}.xlsx", PARTS, "福祉総務課__12.xlsx"),
    ],
)
def test_pattern_renders_safe_japanese_names(
    pattern: str, values: dict[str, str], expected: str
) -> None:
    assert render_pattern(pattern, values) == expected


def test_long_names_are_cut_before_the_suffix(tmp_path: Path) -> None:
    name = safe_file_name("福" * 300 + ".xlsx")
    # 255 UTF-8 bytes a name (Linux, macOS) and 255 UTF-16 units (Windows), less room for _2
    assert name == "福" * 81 + ".xlsx"
    (tmp_path / name).write_bytes(b"")  # a name this file system takes
    assert safe_file_name("a" * 300) == "a" * 120 + ".xlsx"


def test_a_name_is_cut_so_that_its_path_fits_windows_260_characters(tmp_path: Path) -> None:
    folder = tmp_path / ("d" * (200 - len(str(tmp_path.resolve()))))
    name = NameAllocator([], folder).allocate(safe_file_name("施策" * 40))
    assert len(str(folder.resolve() / name)) <= 259 - 5
    assert name.endswith(".xlsx") and name.startswith("施策施策")


@pytest.mark.parametrize(
    ("pattern", "fragment"),
    [
        ("{課}_{年度}.xlsx", "{課} は使えません"),
        ("{担当課_{年度}.xlsx", "{ } の対応"),
        ("{年度!r}.xlsx", "{年度} は使えません"),
    ],
)
def test_bad_patterns_are_usage_errors(pattern: str, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment.replace("{", r"\{").replace("}", r"\}")):
        render_pattern(pattern, PARTS)


def test_collisions_get_a_suffix_as_windows_compares_names() -> None:
    allocator = NameAllocator(["福祉総務課_12_R3.xlsx"])
    assert allocator.allocate("福祉総務課_12_R3.xlsx") == "福祉総務課_12_R3_2.xlsx"
    assert allocator.allocate("福祉総務課_12_R3.xlsx") == "福祉総務課_12_R3_3.xlsx"
    assert allocator.allocate("Plan_R3.xlsx") == "Plan_R3.xlsx"
    assert allocator.allocate("PLAN_r3.XLSX".replace(".XLSX", ".xlsx")) == "PLAN_r3_2.xlsx"


# --- roster ---------------------------------------------------------------------------------
LAYOUTS = {
    "shisaku-management": "shisaku-management",
    "施策マネジメントシート": "shisaku-management",
}
ROSTER = (
    "様式,施策番号,担当課,ファイル名,区分,備考\n"
    "施策マネジメントシート,12,地域福祉課,,,担当課を変更\n"
    "shisaku-management,１３,高齢者支援課,高齢者支援課_施策13.xlsx,新規,\n"
    "\n"
    "# 施策14 は廃止,,,,,\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_roster_reads_utf8_bom_and_cp932(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "名簿.csv"
    path.write_bytes(ROSTER.replace("\n", "\r\n").encode(encoding))
    assert read_roster(path, LAYOUTS) == [
        RosterEntry(2, "shisaku-management", "12", "地域福祉課", None, False),
        RosterEntry(
            3, "shisaku-management", "13", "高齢者支援課", "高齢者支援課_施策13.xlsx", True
        ),
    ]


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        ("様式,番号\nshisaku-management,12\n", ["1行目: 見出しに「担当課」がありません"]),
        ("様式,番号,担当課,課長\n", ["1行目: 見出し「課長」は使えません"]),
        (
            "様式,番号,担当課\nshisaku-managment,12,福祉総務課\n,13,福祉総務課\n",
            ["2行目: 様式「shisaku-managment」はありません", "3行目: 様式が空欄です"],
        ),
        (
            "様式,番号,担当課,区分\nshisaku-management,,福祉総務課,\n"
            "shisaku-management,14,,新規\nshisaku-management,15,a,廃止\n",
            [
                "2行目: 番号が空欄です",  # as the roster heads the column
                "3行目: 新規の施策には担当課を書いてください",
                "4行目: 区分「廃止」は使えません",
            ],
        ),
        (
            '様式,番号,担当課\nshisaku-management,12,"福祉\n総務課"\nshisaku-management,１２,b\n',
            ["4行目: 様式 shisaku-management の番号「12」は 2行目と重複しています"],
        ),
        ("", ["が空です"]),
    ],
)
def test_roster_errors_name_the_line(tmp_path: Path, text: str, messages: list[str]) -> None:
    path = tmp_path / "名簿.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RosterError) as caught:
        read_roster(path, LAYOUTS)
    assert str(caught.value).startswith("名簿 名簿.csv ")
    for message in messages:
        assert message in str(caught.value)


def test_roster_in_another_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "名簿.csv"
    path.write_bytes("様式,番号,担当課\n".encode("utf-16"))
    with pytest.raises(RosterError, match="文字コード"):
        read_roster(path, LAYOUTS)


@pytest.mark.parametrize(
    ("sent", "safe", "fixed"),
    [
        ("施策12.xlsx", "施策12.xlsx", "施策12_修正版.xlsx"),
        ("施策12.XLSM", "施策12.xlsm", "施策12_修正版.xlsm"),  # the macros' suffix kept
        ("福祉:総務?.xlsm", "福祉_総務_.xlsm", "福祉_総務__修正版.xlsm"),
        ("CON.xlsm", "_CON.xlsm", "_CON_修正版.xlsm"),  # a device name Windows refuses
        ("古い様式.xls", "古い様式.xls.xlsx", "古い様式.xls_修正版.xlsx"),
    ],
)
def test_copies_are_named_from_the_file_as_sent_keeping_xlsm(
    sent: str, safe: str, fixed: str
) -> None:
    assert safe_workbook_name(sent) == safe
    assert fixed_name(safe) == fixed


@pytest.mark.parametrize(
    ("name", "copy"),
    [
        ("施策12.xlsx", "施策12_修正版.xlsx"),
        ("施策12.XLSX", "施策12_修正版.xlsx"),
        ("マクロ付き.xlsm", "マクロ付き_修正版.xlsm"),
        ("古い.xls", "古い_修正版.xlsx"),
        ('福祉:"12"?.xlsx', "福祉__12___修正版.xlsx"),
        ("施策 12 .xlsx", "施策 12 _修正版.xlsx"),
    ],
)
def test_a_corrected_copy_is_named_after_its_return(name: str, copy: str) -> None:
    assert fixed_name(name) == copy
