"""The worksheet's elements after its rows: the `<legacyDrawing>` of its notes, found and placed
among the sheet's own top-level elements (never inside one: a data bar's `<cfRule>` holds an
`<extLst>` of its own), looked for after `</sheetData>` only."""

from __future__ import annotations

import re

from xlsxsheet.copies.package_patch import rel_prefix, root_prefix, splice

# Elements of CT_Worksheet that come after <legacyDrawing>, in schema order.
AFTER_LEGACY_DRAWING = frozenset(
    (
        "legacyDrawingHF",
        "drawingHF",
        "picture",
        "oleObjects",
        "controls",
        "webPublishItems",
        "tableParts",
        "extLst",
    )
)
_NAME = re.compile(r"[^\s/>]+")
_ID = re.compile(r'\b\w+:id="([^"]*)"')
_CHOICE = re.compile(r"\s*<[\w.-]+:Choice\b[^>]*>\s*<([^\s/>]+)")


def legacy_drawing_id(text: str) -> str | None:
    """The r:id of the sheet's <legacyDrawing> (the VML of its notes), if any."""
    p = root_prefix(text, "worksheet")
    opening = f"<{p}legacyDrawing"
    at = text.find(opening, _rows_end(text, p))
    while at >= 0 and text[at + len(opening) : at + len(opening) + 1] not in " \t\r\n/>":
        at = text.find(opening, at + 1)
    if at < 0:
        return None
    found = _ID.search(text[at : text.find(">", at)])
    return found.group(1) if found else None


def add_legacy_drawing(text: str, rid: str) -> str:
    """`text` with a <legacyDrawing r:id> at its place in the schema order: before the first
    top-level element that comes after it, else at the end."""
    p = root_prefix(text, "worksheet")
    text, r = rel_prefix(text, "worksheet")
    element = f'<{p}legacyDrawing {r}:id="{rid}"/>'
    at = _first_after(text, p)
    return splice(text, at, at, element)


def _rows_end(text: str, p: str) -> int:
    """Where the elements after the rows begin (0 where the end of <sheetData> is not found)."""
    close = text.rfind(f"</{p}sheetData>")
    if close >= 0:
        return close + len(f"</{p}sheetData>")
    empty = re.search(r"<" + re.escape(p) + r"sheetData\s*/>", text)
    return empty.end() if empty else 0


def _first_after(text: str, p: str) -> int:
    """The start of the first top-level element after the rows that schema puts after
    <legacyDrawing> (one wrapped in mc:AlternateContent, as Excel writes its controls,
    included), else the position of </worksheet>."""
    end = text.rfind(f"</{p}worksheet>")
    at = _rows_end(text, p)
    while True:
        start = text.find("<", at, end)
        if start < 0 or text.startswith("</", start):
            return end
        if text.startswith(("<?", "<!"), start):  # a processing instruction or a comment
            close = text.find("?>" if text[start + 1] == "?" else "-->", start)
            if close < 0:
                return end
            at = close + 2
            continue
        name = _NAME.match(text, start + 1)
        if name is None:
            return end
        tag = name.group(0)
        if _is_after(tag, p):
            return start
        tag_end = text.find(">", start)
        if tag_end < 0:
            return end
        if text[tag_end - 1] == "/":
            at = tag_end + 1
            continue
        close = text.find(f"</{tag}>", tag_end)
        if close < 0:
            return end
        if tag.endswith(":AlternateContent"):
            choice = _CHOICE.match(text, tag_end + 1)
            if choice and _is_after(choice.group(1), p):
                return start  # what it wraps is one of those elements
        at = close + len(tag) + 3


def _is_after(tag: str, p: str) -> bool:
    """Whether the element named `tag` is one schema puts after <legacyDrawing>."""
    return tag.startswith(p) and tag[len(p) :] in AFTER_LEGACY_DRAWING
