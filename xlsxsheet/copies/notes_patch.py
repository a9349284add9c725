"""Notes added to a sheet's own comments and VML parts (created, with their relationships and
content types, where the sheet has none). A note already on a cell is kept, xlsxsheet's text
below it; on a cell with a threaded comment, the text is a reply in the thread (thread_patch),
and a "返信:" line of Excel's placeholder note for that thread.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from xlsxsheet.copies.package_patch import (
    CT_COMMENTS,
    CT_VML,
    REL_TYPE,
    Package,
    relative,
    rels_of,
    resolve,
    root_prefix,
    xml_text,
)
from xlsxsheet.copies.sheet_tail import add_legacy_drawing, legacy_drawing_id
from xlsxsheet.copies.thread_patch import placeholder_reply, reply_in_threads, threaded_cells
from xlsxsheet.core.cells import parse_a1

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
AUTHOR = "xlsxsheet"
SEPARATOR = "\n――― xlsxsheet ―――\n"
OWN_HEAD = AUTHOR + ":"  # the first line of a note xlsxsheet wrote, as Excel heads a note
VML_NAMESPACES = {
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "x": "urn:schemas-microsoft-com:office:excel",
}
VML_HEAD = (
    "<xml" + "\n".join(f' xmlns:{prefix}="{uri}"' for prefix, uri in VML_NAMESPACES.items()) + ">\n"
    ' <o:shapelayout v:ext="edit">\n  <o:idmap v:ext="edit" data="{block}"/>\n </o:shapelayout>'
)
SHAPETYPE = (
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202"\n'
    '  path="m,l,21600r21600,l21600,xe">\n  <v:stroke joinstyle="miter"/>\n'
    '  <v:path gradientshapeok="t" o:connecttype="rect"/>\n </v:shapetype>'
)


def add_notes(
    pkg: Package, sheet_part: str, sheet_text: str, notes: Mapping[str, tuple[str, int, int]]
) -> str:
    """Add each note (cell → (text, width pt, height pt)) to the sheet; the sheet text back,
    with a <legacyDrawing> added when the sheet had none."""
    threads = threaded_cells(pkg, sheet_part)
    replied = reply_in_threads(
        pkg, sheet_part, {ref: note[0] for ref, note in notes.items() if ref in threads}
    )
    notes = {ref: note for ref, note in notes.items() if ref not in threads}
    if not notes and not replied:
        return sheet_text
    rels = rels_of(sheet_part)
    comments_part = None
    for _, rel_type, target in pkg.relationships(rels):
        if rel_type == REL_TYPE + "comments":
            comments_part = resolve(sheet_part, target)
    if not notes and (comments_part is None or not pkg.has(comments_part)):
        return sheet_text  # threads without Excel's placeholder notes: the replies are all
    if comments_part is None or not pkg.has(comments_part):
        comments_part = pkg.free_name("xl/comments%d.xml")
        pkg.write_text(
            comments_part,
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<comments xmlns="{MAIN_NS}"><authors></authors><commentList></commentList></comments>',
        )
        pkg.add_relationship(rels, REL_TYPE + "comments", relative(sheet_part, comments_part))
        pkg.add_override(comments_part, CT_COMMENTS)
    comments = _Comments(pkg.text(comments_part))
    fresh = [ref for ref in notes if not comments.has(ref)]
    for ref, (text, _, _) in notes.items():
        comments.add(ref, text)
    for ref, text in replied.items():
        comments.append(ref, placeholder_reply(text))
    pkg.write_text(comments_part, comments.text)
    if fresh:
        sheet_text = _add_shapes(pkg, sheet_part, sheet_text, {r: notes[r] for r in fresh})
    return sheet_text


class _Comments:
    """comments.xml as text, notes added by splicing."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.p = root_prefix(text, "comments")

    def _find(self, ref: str) -> re.Match[str] | None:
        if f'ref="{ref}"' not in self.text:  # most notes are new: no pattern to compile
            return None
        p = re.escape(self.p)
        return re.search(
            r"<" + p + r'comment\b[^>]*?\bref="' + ref + r'".*?</' + p + "comment>", self.text, re.S
        )

    def has(self, ref: str) -> bool:
        return self._find(ref) is not None

    def author(self) -> int:
        p = self.p
        authors = re.search(r"<" + re.escape(p) + r"authors\b[^>]*?(/?)>", self.text)
        if authors is None:
            list_at = self.text.find(f"<{p}commentList")
            self.text = self.text[:list_at] + f"<{p}authors></{p}authors>" + self.text[list_at:]
            return self.author()
        if authors.group(1):
            self.text = (
                self.text[: authors.start()]
                + f"<{p}authors></{p}authors>"
                + self.text[authors.end() :]
            )
            return self.author()
        close = self.text.find(f"</{p}authors>", authors.end())
        names = re.findall(
            r"<" + re.escape(p) + r"author\b[^>]*>(.*?)</" + re.escape(p) + "author>",
            self.text[authors.end() : close],
            re.S,
        )
        if AUTHOR in names:
            return names.index(AUTHOR)
        self.text = self.text[:close] + f"<{p}author>{AUTHOR}</{p}author>" + self.text[close:]
        return len(names)

    def add(self, ref: str, note: str) -> None:
        p = self.p
        found = self._find(ref)
        if found is None:
            author = self.author()
            element = f'<{p}comment ref="{ref}" authorId="{author}"><{p}text>{self._runs(note, True)}</{p}text></{p}comment>'
            close = self.text.find(f"</{p}commentList>")
            if close < 0:
                empty = re.search(r"<" + re.escape(p) + r"commentList\s*/>", self.text)
                assert empty is not None
                self.text = (
                    self.text[: empty.start()]
                    + f"<{p}commentList>{element}</{p}commentList>"
                    + self.text[empty.end() :]
                )
            else:
                self.text = self.text[:close] + element + self.text[close:]
            return
        self._append_runs(found, self._runs(SEPARATOR + note, False))

    def append(self, ref: str, text: str) -> None:
        """`text` added at the end of the note on `ref`, in the note's own plain style (a
        thread's placeholder); nothing where the cell has no note."""
        found = self._find(ref)
        if found is not None:
            self._append_runs(found, self._runs(text, False))

    def _append_runs(self, found: re.Match[str], runs: str) -> None:
        p = self.p
        element = found.group(0)
        at = element.find(f"</{p}text>")
        later = re.search(r"<" + re.escape(p) + r"(rPh|phoneticPr)\b", element)
        if later is not None and later.start() < at:
            at = later.start()
        element = element[:at] + runs + element[at:]
        self.text = self.text[: found.start()] + element + self.text[found.end() :]

    def _runs(self, note: str, own: bool) -> str:
        p = self.p
        props = f'<{p}rPr><{p}b/><{p}sz val="9"/><{p}color rgb="FFC00000"/><{p}rFont val="ＭＳ Ｐゴシック"/><{p}family val="3"/><{p}charset val="128"/></{p}rPr>'
        head = (
            f'<{p}r>{props}<{p}t xml:space="preserve">{xml_text(OWN_HEAD)}</{p}t></{p}r>'
            if own
            else ""
        )
        body_props = f'<{p}rPr><{p}sz val="9"/><{p}rFont val="ＭＳ Ｐゴシック"/><{p}family val="3"/><{p}charset val="128"/></{p}rPr>'
        return (
            head
            + f'<{p}r>{body_props}<{p}t xml:space="preserve">{xml_text(("" if not own else chr(10)) + note)}</{p}t></{p}r>'
        )


def _add_shapes(
    pkg: Package, sheet_part: str, sheet_text: str, notes: Mapping[str, tuple[str, int, int]]
) -> str:
    rels = rels_of(sheet_part)
    rid = legacy_drawing_id(sheet_text)
    vml_part = None
    if rid is not None:
        for rel_id, _, target in pkg.relationships(rels):
            if rel_id == rid:
                vml_part = resolve(sheet_part, target)
    if vml_part is None or not pkg.has(vml_part):
        vml_part = pkg.free_name("xl/drawings/vmlDrawing%d.vml")
        block = _free_block(pkg)
        pkg.write(vml_part, (VML_HEAD.format(block=block) + SHAPETYPE + "</xml>").encode("latin-1"))
        pkg.ensure_default("vml", CT_VML)
        rid = pkg.add_relationship(rels, REL_TYPE + "vmlDrawing", relative(sheet_part, vml_part))
        if legacy_drawing_id(sheet_text) is None:
            sheet_text = add_legacy_drawing(sheet_text, rid)
    vml, prefixes = _with_prefixes(pkg.read(vml_part).decode("latin-1"))
    v, o = re.escape(prefixes["v"]), re.escape(prefixes["o"])
    if "_x0000_t202" not in vml:
        first = re.search(r"<" + v + r":shape\b", vml)
        at = first.start() if first else vml.rfind("</xml>")
        vml = vml[:at] + _prefixed(SHAPETYPE, prefixes) + vml[at:]
    ids = [int(n) for n in re.findall(r"_x0000_s(\d+)", vml)]
    block = re.search(r"<" + o + r':idmap\b[^>]*\bdata="(\d+)', vml)
    next_id = max([*ids, 1024 * int(block.group(1)) if block else 1024]) + 1
    shapes = []
    for ref, (_, width, height) in notes.items():
        shapes.append(_prefixed(_shape(next_id, ref, width, height), prefixes))
        next_id += 1
    close = vml.rfind("</xml>")
    vml = vml[:close] + "".join(shapes) + vml[close:]
    pkg.write(vml_part, vml.encode("latin-1"))
    return sheet_text


_OWN_PREFIX = re.compile(r"(?<=[<\s/])([vox]):(?=[A-Za-z])")


def _with_prefixes(vml: str) -> tuple[str, dict[str, str]]:
    """The VML text and the prefixes its root binds to the VML, Office and Excel namespaces:
    Excel writes v:, o:, x:; openpyxl and others ns0:, ns1:, ns2:. A namespace the root does
    not declare is declared on it (v, o or x, or v1 … where the file uses that prefix for
    something else), so that the shapes added are bound as the file's own."""
    root = re.search(r"<xml\b[^>]*?(/?)>", vml)
    if root is None:
        return vml, {prefix: prefix for prefix in VML_NAMESPACES}
    declared = dict(re.findall(r'\bxmlns:([\w.-]+)\s*=\s*["\']([^"\']*)["\']', root.group(0)))
    by_uri = {uri: prefix for prefix, uri in declared.items()}
    prefixes: dict[str, str] = {}
    added = ""
    for short, uri in VML_NAMESPACES.items():
        if uri in by_uri:
            prefixes[short] = by_uri[uri]
            continue
        prefix, n = short, 0
        while prefix in declared:
            n += 1
            prefix = f"{short}{n}"
        declared[prefix] = uri
        prefixes[short] = prefix
        added += f' xmlns:{prefix}="{uri}"'
    if added:
        at = root.end() - len(root.group(1)) - 1  # before the root's > (or />)
        vml = vml[:at] + added + vml[at:]
    return vml, prefixes


def _prefixed(text: str, prefixes: Mapping[str, str]) -> str:
    """xlsxsheet's own VML (written with v:, o:, x:) with the file's prefixes."""
    if all(prefixes[k] == k for k in VML_NAMESPACES):
        return text
    return _OWN_PREFIX.sub(lambda m: prefixes[m.group(1)] + ":", text)


def _free_block(pkg: Package) -> int:
    """An o:idmap block no VML part of the package uses (shape ids 1024 × block + n)."""
    used = {0}
    for name in pkg.names():
        if name.lower().endswith(".vml"):
            text = pkg.read(name).decode("latin-1")
            for found in re.findall(r'\bdata="([\d,]+)"', text):
                used.update(int(n) for n in found.split(",") if n)
    block = 1
    while block in used:
        block += 1
    return block


def _shape(shape_id: int, ref: str, width: int, height: int) -> str:
    row, col = parse_a1(ref)
    cols = max(2, width // 48)
    rows = max(3, height // 15)
    return (
        f'<v:shape id="_x0000_s{shape_id}" type="#_x0000_t202"'
        f" style='position:absolute;margin-left:0;margin-top:0;width:{width}pt;height:{height}pt;"
        'z-index:1;visibility:hidden\' fillcolor="#ffffe1" o:insetmode="auto">\n'
        '  <v:fill color2="#ffffe1"/>\n  <v:shadow on="t" color="black" obscured="t"/>\n'
        '  <v:path o:connecttype="none"/>\n'
        "  <v:textbox style='mso-direction-alt:auto'><div style='text-align:left'></div></v:textbox>\n"
        '  <x:ClientData ObjectType="Note">\n   <x:MoveWithCells/>\n   <x:SizeWithCells/>\n'
        f"   <x:Anchor>{col + 1}, 15, {max(0, row - 1)}, 10, {col + 1 + cols}, 15, {row + rows}, 4</x:Anchor>\n"
        f"   <x:AutoFill>False</x:AutoFill>\n   <x:Row>{row}</x:Row>\n   <x:Column>{col}</x:Column>\n"
        "  </x:ClientData>\n </v:shape>"
    )
