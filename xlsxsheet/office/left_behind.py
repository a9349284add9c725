"""What a return holds beyond its layout's cells, for rollover: the notes on its cells (carried
to next year's template where the cell is carried) and what next year's template, made from
the layout, leaves behind — the department's own sheets, drawings and images, notes on cleared
cells, hyperlinks, its own names, the sensitivity label. Read from the package, never by a
workbook model."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

from xlsxsheet.copies.notes_patch import OWN_HEAD, SEPARATOR
from xlsxsheet.copies.package_patch import REL_TYPE, Package, read_package, rels_of, resolve
from xlsxsheet.copies.thread_patch import thread_texts
from xlsxsheet.copies.workbook_patch import sheet_parts, workbook_part
from xlsxsheet.core.copy_sheets import is_copy_sheet
from xlsxsheet.core.errors import WorkbookError
from xlsxsheet.core.names import META_SHEET
from xlsxsheet.office.print_settings import changed_settings, print_settings


# what a department adds in Excel that xlsxsheet's templates never hold (so every one found on
# a layout sheet is the department's): conditional formats (data bars, icon sets, colour
# scales…), sparklines, input rules whose list is on another sheet (Excel's x14 extension)
def own_rules(sheet_xml: str) -> dict[str, int]:
    """The department's own rules on a sheet, by kind (kinds with none left out). A data bar
    Excel writes twice (the rule, and its x14 extension pointing back at it) counts once."""
    linked = set(re.findall(r"<x14:id>([^<]+)</x14:id>", sheet_xml))
    extended = re.findall(r'<x14:cfRule\b[^>]*?\bid="([^"]+)"', sheet_xml)
    counts = {
        "条件付き書式": len(re.findall(r"<(?:\w+:)?cfRule\b", sheet_xml))
        - len(extended)  # the x14 ones, counted next
        + sum(rule not in linked for rule in extended),
        "スパークライン": len(re.findall(r"<(?:\w+:)?sparkline>", sheet_xml)),
        "他のシートを参照する入力規則": len(re.findall(r"<x14:dataValidation\b", sheet_xml)),
    }
    return {kind: n for kind, n in counts.items() if n > 0}


CARRIED_HEAD = "前年度の提出のメモ:\n"  # heads a note rollover carried to next year's template


def department_text(text: str) -> str:
    """A note's text without what xlsxsheet wrote: "" for a note of its own (a corrected or
    marked copy's); the department's note alone where xlsxsheet added its text below it; the
    note itself where rollover carried it a year before (not headed twice)."""
    body = text.lstrip()
    if body.startswith(OWN_HEAD):
        rest = body[len(OWN_HEAD) :].lstrip()
        if not rest.startswith(CARRIED_HEAD):
            return ""
        body = rest[len(CARRIED_HEAD) :]
    at = body.find(SEPARATOR.strip())
    return (body if at < 0 else body[:at]).strip()


@dataclass(frozen=True)
class Note:
    """A note on one cell of a return: a legacy comment's text, or a thread's comments (one
    line each, "name: text")."""

    sheet: str
    ref: str
    text: str


@dataclass
class Survey:
    """What a return's package holds besides its cells."""

    notes: list[Note] = field(default_factory=list)  # the department's (xlsxsheet's text left out)
    own_notes: int = 0  # notes only xlsxsheet wrote (a corrected or marked copy's), not carried
    sheets: list[str] = field(default_factory=list)  # sheets the layout has none of
    drawings: dict[str, int] = field(default_factory=dict)  # sheet → shapes and images
    hyperlinks: dict[str, list[str]] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)  # defined names not xlsxsheet's
    label: bool = False
    printing: dict[str, dict[str, str]] = field(default_factory=dict)  # layout sheet → settings
    rules: dict[str, dict[str, int]] = field(default_factory=dict)  # sheet → own rules, by kind
    # sheet → {"area": "A1:P120", "titles": "1:3"}: the return's, and the ones its template had
    print_ranges: dict[str, dict[str, str]] = field(default_factory=dict)
    template_ranges: dict[str, dict[str, str]] = field(default_factory=dict)


def survey(path: Path, layout_sheets: set[str]) -> Survey:
    """The survey of the return at `path` (an empty one for a file that is not a package)."""
    found = Survey()
    try:
        pkg = read_package(Path(path))
        parts = sheet_parts(pkg)
    except (WorkbookError, KeyError, ValueError, UnicodeDecodeError):
        return found
    for sheet, part in parts.items():
        if sheet not in layout_sheets and sheet != META_SHEET and not is_copy_sheet(sheet):
            found.sheets.append(sheet)
        if not pkg.has(part):
            continue
        text = pkg.read(part).decode("utf-8", "replace")
        if sheet in layout_sheets:
            found.printing[sheet] = print_settings(text)
            own = own_rules(text)
            if own:
                found.rules[sheet] = own
        links = re.findall(r"<(?:\w+:)?hyperlink\b[^>]*?\bref=\"([^\"]+)\"", text)
        if links:
            found.hyperlinks[sheet] = links
        threads = thread_texts(pkg, part)  # Excel 365's threads: the thread, not its placeholder
        for _, rel_type, target in pkg.relationships(rels_of(part)):
            target_part = resolve(part, target)
            if rel_type == REL_TYPE + "comments" and pkg.has(target_part):
                for note in _notes(pkg, target_part, sheet):
                    if note.ref in threads:
                        continue
                    text = department_text(note.text)
                    if text:
                        found.notes.append(Note(sheet, note.ref, text))
                    else:
                        found.own_notes += 1
            elif rel_type == REL_TYPE + "drawing" and pkg.has(target_part):
                drawing = pkg.read(target_part)
                count = len(
                    re.findall(
                        rb"<(?:\w+:)?(?:twoCellAnchor|oneCellAnchor|absoluteAnchor)\b", drawing
                    )
                )
                if count:
                    found.drawings[sheet] = count
        found.notes += [Note(sheet, ref, text) for ref, text in threads.items()]
    book = pkg.read(workbook_part(pkg)).decode("utf-8", "replace")
    found.print_ranges = _print_ranges(book, list(parts), layout_sheets)
    for name in re.findall(r"<(?:\w+:)?definedName\b[^>]*?\bname=\"([^\"]+)\"", book):
        name = unescape(name)
        if not name.startswith(("xs_", "_xlnm.")):
            found.names.append(name)
    found.label = pkg.has("docMetadata/LabelInfo.xml")
    return found


_PRINT_NAMES = {"_xlnm.Print_Area": "area", "_xlnm.Print_Titles": "titles"}


def _print_ranges(
    book_xml: str, sheets: list[str], layout_sheets: set[str]
) -> dict[str, dict[str, str]]:
    """The print area and titles of each layout sheet, from the workbook's defined names."""
    found: dict[str, dict[str, str]] = {}
    for attrs, text in re.findall(
        r"<(?:\w+:)?definedName\b([^>]*)>(.*?)</(?:\w+:)?definedName>", book_xml, re.S
    ):
        name = re.search(r'\bname="([^"]+)"', attrs)
        local = re.search(r'\blocalSheetId="(\d+)"', attrs)
        kind = _PRINT_NAMES.get(name.group(1)) if name else None
        if kind is None or local is None or int(local.group(1)) >= len(sheets):
            continue
        sheet = sheets[int(local.group(1))]
        if sheet in layout_sheets:
            found.setdefault(sheet, {})[kind] = plain_range(unescape(text))
    return found


def plain_range(formula: str) -> str:
    """`'施策'!$A$1:$P$120,'施策'!$R$1:$S$2` → `A1:P120,R1:S2`: the ranges without their
    sheet and their `$`, to compare."""
    pieces = [piece.rsplit("!", 1)[-1] for piece in formula.split(",")]
    return ",".join(piece.replace("$", "").upper().strip() for piece in pieces)


def print_range_messages(found: Survey) -> list[str]:
    """One line per print area or print titles the department set otherwise than its
    template: next year's template sets them from the layout again."""
    lines = []
    for sheet, theirs in found.print_ranges.items():
        ours = found.template_ranges.get(sheet, {})
        area = theirs.get("area")
        if area and ours.get("area") and area != ours["area"]:
            lines.append(
                f"シート「{sheet}」の印刷範囲({area})は引き継がず、翌年度の様式のシート全体を"
                "印刷範囲にしました。"
            )
        titles, template_titles = theirs.get("titles"), ours.get("titles")
        if titles and titles != template_titles:
            rows = titles.replace(":", "〜") + "行目"
            lines.append(
                f"シート「{sheet}」の印刷タイトル({rows})は引き継がず、翌年度の様式の設定にしました。"
            )
    return lines


def _notes(pkg: Package, part: str, sheet: str) -> list[Note]:
    text = pkg.read(part).decode("utf-8", "replace")
    notes = []
    for ref, body in re.findall(
        r"<(?:\w+:)?comment\b[^>]*?\bref=\"([A-Z]+\d+)\"[^>]*>(.*?)</(?:\w+:)?comment>", text, re.S
    ):
        runs = re.findall(r"<(?:\w+:)?t\b[^>]*>(.*?)</(?:\w+:)?t>", body, re.S)
        notes.append(Note(sheet, ref, unescape("".join(runs)).strip()))
    return notes


def left_behind_messages(found: Survey, cleared_notes: list[Note]) -> list[str]:
    """One Japanese line per kind of thing next year's template does not take over."""
    lines = []
    if found.sheets:
        lines.append(
            "様式にないシート「" + "」「".join(found.sheets) + "」は翌年度の様式に引き継ぎません。"
        )
    for sheet, count in found.drawings.items():
        lines.append(f"シート「{sheet}」の図形・画像 {count} 個は引き継ぎません。")
    for note in cleared_notes:
        flat = " ".join(note.text.split())  # one line in the report, however the note runs
        shown = flat if len(flat) <= 40 else flat[:40] + "…"
        lines.append(
            f"'{note.sheet}'!{note.ref} のメモ「{shown}」は、そのセルを翌年度に引き継がないため引き継ぎません。"
        )
    if found.own_notes:
        lines.append(
            f"xlsxsheet が付けた修正・点検のメモ {found.own_notes} 件は引き継ぎません"
            "(修正の記録は前年度の修正版の「修正履歴」シートにあります)。"
        )
    for sheet, refs in found.hyperlinks.items():
        lines.append(
            f"シート「{sheet}」のハイパーリンク {len(refs)} 件({'、'.join(refs[:5])})は引き継ぎません。"
        )
    for sheet, kinds in found.rules.items():
        said = "、".join(f"{kind} {n} 件" for kind, n in kinds.items())
        lines.append(f"シート「{sheet}」の{said}は引き継ぎません。")
    if found.names:
        lines.append("独自の名前定義「" + "」「".join(found.names) + "」は引き継ぎません。")
    if found.label:
        lines.append("秘密度ラベルは引き継ぎません。翌年度の様式に改めて付けてください。")
    return lines


def print_left_behind(found: Survey, template: Path) -> list[str]:
    """One line per sheet whose print settings next year's `template` (from the layout) sets
    otherwise than the return: the department's own are not carried."""
    if not found.printing:
        return []
    try:
        pkg = read_package(Path(template))
        parts = sheet_parts(pkg)
    except (WorkbookError, KeyError, ValueError, UnicodeDecodeError):
        return []
    lines = []
    for sheet, theirs in found.printing.items():
        part = parts.get(sheet)
        if part is None or not pkg.has(part):
            continue
        ours = print_settings(pkg.read(part).decode("utf-8", "replace"))
        changed = changed_settings(theirs, ours)
        if changed:
            lines.append(
                f"シート「{sheet}」の印刷の設定({'、'.join(changed)})は引き継がず、"
                "翌年度の様式の設定にしました。"
            )
    return lines
