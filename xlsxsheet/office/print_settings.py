"""A sheet's print settings as a department can change them in Excel (用紙, 向き, 拡大縮小,
余白, 中央揃え, ヘッダー/フッター), read from the sheet part; and, for rollover, which of them
next year's template sets otherwise. Next year's template takes its print settings from the
layout, so a department's own are left behind: said, never silently.

The print area and titles are compared with the return's own template (left_behind); the page
breaks follow the length of each return's tables and are not compared."""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import unescape

PAPER = {"1": "レター", "5": "リーガル", "8": "A3", "9": "A4", "11": "A5", "12": "B4", "13": "B5"}
ORIENTATION = {"portrait": "縦", "landscape": "横"}
WORDS = {  # setting → how Excel's 印刷の設定 names it
    "paperSize": "用紙サイズ",
    "orientation": "印刷の向き",
    "scale": "拡大縮小",
    "fitToPage": "ページに合わせて印刷",
    "fitToWidth": "横のページ数",
    "fitToHeight": "縦のページ数",
    "pageOrder": "ページの方向",
    "firstPageNumber": "先頭ページ番号",
    "left": "左余白",
    "right": "右余白",
    "top": "上余白",
    "bottom": "下余白",
    "header": "ヘッダー余白",
    "footer": "フッター余白",
    "horizontalCentered": "水平方向の中央揃え",
    "verticalCentered": "垂直方向の中央揃え",
    "gridLines": "枠線の印刷",
    "headings": "行列番号の印刷",
    "oddHeader": "ヘッダー",
    "oddFooter": "フッター",
}
# what Excel assumes where an attribute is not written (ECMA-376 CT_PageSetup, CT_PrintOptions)
DEFAULTS = {
    "paperSize": "1",
    "orientation": "default",
    "scale": "100",
    "fitToWidth": "1",
    "fitToHeight": "1",
    "pageOrder": "downThenOver",
    "firstPageNumber": "1",
    "fitToPage": "0",
    "horizontalCentered": "0",
    "verticalCentered": "0",
    "gridLines": "0",
    "headings": "0",
    "oddHeader": "",
    "oddFooter": "",
}
_PAGE_SETUP = ("paperSize", "orientation", "scale", "fitToWidth", "fitToHeight", "pageOrder")
_MARGINS = ("left", "right", "top", "bottom", "header", "footer")
_OPTIONS = ("horizontalCentered", "verticalCentered", "gridLines", "headings")
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')


def print_settings(sheet_xml: str) -> dict[str, str]:
    """The sheet's print settings, each as Excel would take it (defaults filled in)."""
    found: dict[str, str] = {}
    setup = _attrs(sheet_xml, "pageSetup")
    for key in _PAGE_SETUP:
        found[key] = setup.get(key, DEFAULTS[key])
    if setup.get("useFirstPageNumber") in ("1", "true"):
        found["firstPageNumber"] = setup.get("firstPageNumber", DEFAULTS["firstPageNumber"])
    fit = _attrs(sheet_xml, "pageSetUpPr")
    found["fitToPage"] = _flag(fit.get("fitToPage", DEFAULTS["fitToPage"]))
    if found["fitToPage"] == "0":  # the page counts apply only when fitting to pages
        del found["fitToWidth"], found["fitToHeight"]
    else:
        del found["scale"]
    margins = _attrs(sheet_xml, "pageMargins")
    for key in _MARGINS:
        if key in margins:
            found[key] = _number(margins[key])
    options = _attrs(sheet_xml, "printOptions")
    for key in _OPTIONS:
        found[key] = _flag(options.get(key, DEFAULTS[key]))
    for key in ("oddHeader", "oddFooter"):
        text = re.search(
            r"<(?:\w+:)?" + key + r"\b[^>]*>(.*?)</(?:\w+:)?" + key + ">", sheet_xml, re.S
        )
        found[key] = _YEAR.sub("〇年度", unescape(text.group(1))) if text else DEFAULTS[key]
    for margin, text in (("header", "oddHeader"), ("footer", "oddFooter")):
        if not found[text]:  # no header (footer): its margin prints nothing (LibreOffice
            found.pop(margin, None)  # writes one of its own there)
    return found


# a year in a header or footer (each year's template writes its own there): any year is one
_YEAR = re.compile(
    r"(?:令和|平成|昭和)(?:\d+|元)年度?|(?<![A-Za-z])[RHS]\d{1,2}(?:年度)?|(?:19|20)\d\d年度?"
)


def changed_settings(theirs: Mapping[str, str], ours: Mapping[str, str]) -> list[str]:
    """The settings of `theirs` (the return's) that `ours` (next year's template) sets
    otherwise, each as 「name: theirs → ours」 in Excel's words."""
    lines = []
    for key, value in theirs.items():
        if key in ours and ours[key] != value:
            lines.append(f"{WORDS[key]} {_shown(key, value)} → {_shown(key, ours[key])}")
    return lines


def _attrs(xml: str, tag: str) -> dict[str, str]:
    match = re.search(r"<(?:\w+:)?" + tag + r"\b([^>]*?)/?>", xml)
    return dict(_ATTR.findall(match.group(1))) if match else {}


def _flag(value: str) -> str:
    return "1" if value in ("1", "true") else "0"


def _number(value: str) -> str:
    try:
        return f"{float(value):g}"
    except ValueError:
        return value


def _shown(key: str, value: str) -> str:
    if key == "paperSize":
        return PAPER.get(value, f"用紙番号{value}")
    if key == "orientation":
        return ORIENTATION.get(value, "既定")
    if key == "scale":
        return f"{value}%"
    if key in ("fitToWidth", "fitToHeight"):
        return "自動" if value == "0" else f"{value}ページ"
    if key in _MARGINS:
        return f"{float(value) * 2.54:.1f}cm" if _is_number(value) else value
    if key in ("fitToPage", *_OPTIONS):
        return "する" if value == "1" else "しない"
    if key in ("oddHeader", "oddFooter"):
        return f"「{value}」" if value else "なし"
    if key == "pageOrder":
        return "左から右" if value == "overThenDown" else "上から下"
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True
