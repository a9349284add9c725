"""Copies of a department's workbook (the corrected copy, the marked copy sent back), made as
patches of its package: every part no edit touches is copied as stored, a touched sheet has
only its edited `<c>` elements rewritten, notes go to its own comments, new styles and the
table sheet are appended. The source is never written."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xlsxsheet.copies.notes_patch import add_notes
from xlsxsheet.copies.package_patch import REL_TYPE, Package, read_package, rels_of, resolve
from xlsxsheet.copies.sheet_patch import (
    addressed,
    cell_xml,
    old_cell,
    prefix_of,
    put_cell,
    restyle,
    set_cached,
    unshare,
)
from xlsxsheet.copies.styles_patch import StylesPatch
from xlsxsheet.copies.table_sheet import table_sheet_xml
from xlsxsheet.copies.workbook_patch import (
    add_sheet,
    drop_calc_chain,
    free_sheet_name,
    full_calc_on_load,
    set_print_titles,
    sheet_parts,
    workbook_part,
)
from xlsxsheet.core.errors import UsageError, WorkbookError
from xlsxsheet.core.safe_write import write_bytes

KEEP = object()  # CellEdit.value: the cell's content stays as it is


@dataclass(frozen=True)
class CellEdit:
    """One cell of the copy: filled with `fill`, noted with `note`, maybe given a new content."""

    sheet: str
    ref: str
    fill: str | None  # AARRGGBB; None: the cell keeps its style
    note: str
    note_size: tuple[int, int] = (240, 80)
    value: object = KEEP
    formula: str | None = None  # without the leading "="
    cached: object = None  # the formula's result, written as its cached value


@dataclass(frozen=True)
class CachedResult:
    """A formula cell whose cached result is brought up to date (nothing else of it changes)."""

    sheet: str
    ref: str
    value: object


@dataclass(frozen=True)
class TableSheet:
    """A sheet added after every other one (修正履歴, 点検結果)."""

    name: str
    rows: Sequence[Sequence[object]]
    widths: Sequence[float]
    autofilter: bool = False
    wrap: tuple[int, ...] = ()  # columns (0-based) whose long text wraps (rows grow to show it)


@dataclass
class CopyResult:
    """The copy's bytes and the name its table sheet got."""

    data: bytes
    sheet_name: str | None = None
    skipped: list[CellEdit] = field(default_factory=list)


def refuse_source(source: Path | bytes, out: Path | None) -> None:
    """An `out` that is the source itself is refused."""
    if out is None or isinstance(source, bytes | bytearray):
        return
    if _same_file(Path(out), Path(source)):
        raise UsageError(
            f"出力先 {out} が入力ファイルと同じです。別のファイル名か別のフォルダを指定してください。"
        )


def _same_file(out: Path, source: Path) -> bool:
    """Whether `out` names `source` (a link or another spelling of it included); a name that
    does not exist yet names no file."""
    try:
        return os.path.samefile(out, source)
    except OSError:  # out (or source) does not exist
        return False


def patched_copy(
    source: Path | bytes,
    edits: Sequence[CellEdit],
    table: TableSheet | None = None,
    recalc: bool = False,
    name: str = "",
    results: Sequence[CachedResult] = (),
) -> CopyResult:
    """The bytes of a copy of `source` with `edits` applied and `table` added; `results`:
    formula cells (not edited) whose cached value is set to what the edits make them."""
    pkg = read_package(source, name)
    book = workbook_part(pkg)
    parts = sheet_parts(pkg, book)
    styles_part = _styles_part(pkg, book)
    styles = StylesPatch(pkg.text(styles_part))
    by_sheet: dict[str, list[CellEdit]] = {}
    skipped = []
    for edit in edits:
        if edit.sheet in parts and pkg.has(parts[edit.sheet]):
            by_sheet.setdefault(edit.sheet, []).append(edit)
        else:
            skipped.append(edit)
    formula_dropped = False
    edited = {(e.sheet, e.ref) for e in edits}
    cached: dict[str, list[CachedResult]] = {}
    for result in results:
        if result.sheet in parts and (result.sheet, result.ref) not in edited:
            cached.setdefault(result.sheet, []).append(result)
            by_sheet.setdefault(result.sheet, [])
    for sheet, sheet_edits in by_sheet.items():
        part = parts[sheet]
        text = _decode(pkg, part)
        _require_addresses(pkg, part, text, [e.ref for e in sheet_edits])
        before = text
        for result in cached.get(sheet, ()):
            text = set_cached(text, result.ref, result.value)
        p = prefix_of(text)
        notes = {}
        for edit in sheet_edits:
            old = old_cell(text, edit.ref)
            style = old.style if edit.fill is None else styles.marked(old.style, edit.fill)
            if edit.value is KEEP:
                if edit.fill is not None:
                    text = restyle(text, edit.ref, style)
            else:
                if old.shared_master:
                    text = unshare(text, edit.ref)
                element = cell_xml(p, edit.ref, style, edit.value, edit.formula, edit.cached)
                text = put_cell(text, edit.ref, element)
                formula_dropped |= old.formula
            notes[edit.ref] = (edit.note, *edit.note_size)
        text = add_notes(pkg, part, text, notes)
        if text != before:
            pkg.write_text(part, text)
    sheet_name = None
    if table is not None:
        sheet_name = free_sheet_name(pkg, table.name, parts)
        wrapped = {c: styles.wrapped() for c in table.wrap}
        xml = table_sheet_xml(
            table.rows, table.widths, styles.bold(), table.autofilter, wrapped, styles.font_size()
        )
        add_sheet(pkg, sheet_name, xml, book)
        set_print_titles(pkg, sheet_name, "$1:$1", book)  # the header row on every page
    if styles.text != pkg.text(styles_part):
        pkg.write_text(styles_part, styles.text)
    if recalc:
        full_calc_on_load(pkg, book)
    if formula_dropped:
        drop_calc_chain(pkg, book)
    return CopyResult(pkg.to_bytes(), sheet_name, skipped)


def write_copy(result: CopyResult, out: Path, force: bool = False) -> Path:
    """Write the copy to `out` through the safe writer."""
    return write_bytes(Path(out), result.data, force)


def _styles_part(pkg: Package, book: str) -> str:
    for _, rel_type, target in pkg.relationships(rels_of(book)):
        if rel_type == REL_TYPE + "styles":
            return resolve(book, target)
    raise WorkbookError(pkg.name, "file-corrupt", f"{pkg.name} に書式(styles.xml)がありません。")


def _require_addresses(pkg: Package, part: str, text: str, refs: list[str]) -> None:
    """Cells are found by their r="A1": a row around an edited cell written without them, or
    (where that row is missing) any row without its r, cannot be patched."""
    if all(addressed(text, ref) for ref in refs):
        return
    raise WorkbookError(
        pkg.name,
        "file-unreadable",
        f"{pkg.name} のシート {part} はセル番地のない形式で保存されているため、写しを作れません。"
        "Excelで開いて保存し直してください。",
    )


def _decode(pkg: Package, part: str) -> str:
    data = pkg.read(part)
    head = data[:200]
    declared = re.search(rb'encoding="([^"]+)"', head)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        declared and declared.group(1).lower() not in (b"utf-8", b"utf8")
    ):
        raise WorkbookError(
            pkg.name, "file-unreadable", f"{pkg.name} のシート {part} は UTF-8 ではありません。"
        )
    return data.decode("utf-8")  # a BOM stays a BOM
