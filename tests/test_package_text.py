"""A package part spliced as text several times is decoded once and encoded when the package is
written; what was last written (text or bytes) is what the copy holds, and every member no
patch touches is copied as it was stored (its compressed bytes)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from fidelity_support import filled

from xlsxsheet.copies.package_patch import CT_COMMENTS, Package, read_package, splice

TYPES = "[Content_Types].xml"


def _stored(data: bytes) -> dict[str, bytes]:
    """Each member's bytes as stored (compressed) in the zip `data`."""
    pkg = Package.open(data)
    return {name: bytes(member.raw) for name, member in pkg.members.items()}


def test_parts_written_as_text_and_bytes(tmp_path: Path) -> None:
    source = filled(tmp_path)
    with zipfile.ZipFile(source) as z:
        original = z.read(TYPES).decode("utf-8")
    pkg = read_package(source)
    assert pkg.text(TYPES) == original
    pkg.add_override("xl/comments7.xml", CT_COMMENTS)
    pkg.add_override("xl/comments8.xml", CT_COMMENTS)
    assert pkg.read(TYPES) == pkg.text(TYPES).encode("utf-8")
    pkg.write_text("xl/extra.xml", "<extra>点検</extra>")
    pkg.write_text("xl/gone.xml", "<gone/>")
    pkg.remove("xl/gone.xml")
    pkg.write_text("docProps/app.xml", "<Properties/>")
    pkg.write("docProps/app.xml", "<Properties>後</Properties>".encode())  # bytes last: they win
    data = pkg.to_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        types = z.read(TYPES).decode("utf-8")
        assert types.count("/xl/comments7.xml") == 1 and types.count("/xl/comments8.xml") == 1
        assert z.read("xl/extra.xml").decode("utf-8") == "<extra>点検</extra>"
        assert z.read("docProps/app.xml").decode("utf-8") == "<Properties>後</Properties>"
        assert "xl/gone.xml" not in z.namelist()
    before, after = _stored(source.read_bytes()), _stored(data)
    touched = {TYPES, "docProps/app.xml"}
    assert {n: b for n, b in before.items() if n not in touched} == {
        n: after[n] for n in before if n not in touched
    }


def test_a_splice_is_the_text_with_that_piece_replaced() -> None:
    text = '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>1</v></c></row><extLst/><x><extLst/></x>'
    cases = []
    for old in ('<c r="A1"><v>1</v></c>', "<v>1</v>", "<extLst/>"):
        first = text.find(old)
        second = text.find(old, first + 1)
        cases += [(first, first + len(old)), (first, first)]
        if second >= 0:
            cases += [(second, second + len(old)), (second, second)]
    cases += [(len(text), len(text)), (0, 0), (3, 7)]
    for start, end in cases:
        assert splice(text, start, end, "<新/>") == text[:start] + "<新/>" + text[end:], (
            start,
            end,
        )


def test_a_member_inflates_to_its_bytes_whatever_size_the_directory_says(tmp_path: Path) -> None:
    data = filled(tmp_path).read_bytes()
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        expected = z.read(sheet)
    directory = int.from_bytes(data[-6:-2], "little")  # the end record's directory offset
    at = data.find(sheet.encode(), directory) - 46  # the sheet's directory entry
    assert data[at : at + 4] == b"PK\x01\x02"
    for size in (10, 0, 0xFFFFFFFE):  # too small, none, absurd (the buffer is capped)
        told = data[: at + 24] + size.to_bytes(4, "little") + data[at + 28 :]
        assert Package.open(told, "課.xlsx").read(sheet) == expected
