"""The hostile corpus: damaged and malicious returns made from the bundled examples.

Each case is a name, the example it starts from and an edit of its zip parts (bytes in, bytes
out), one for every class of issue 18 and a few of their neighbours. Nothing binary is kept:
`build` writes them all into a folder.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
MANAGEMENT = "shisaku-management-R2.xlsx"  # one sheet, 450 names, no records table
SHIHYO = "shinchoku-shihyo-R6.xlsx"  # five records tables on one sheet
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
CUSTOM = "docProps/custom.xml"
BOOK = "xl/workbook.xml"

ROLLOVER_YEAR = {MANAGEMENT: 2021, SHIHYO: 2025}  # the year after each example's
Parts = dict[str, bytes]


@dataclass(frozen=True)
class Case:
    name: str
    source: str
    edit: Callable[[Parts], Parts | None]
    bad_crc: str | None = None  # a part whose CRC-32 is made wrong after zipping
    hungry: bool = False  # claims far more than the file holds (memory, time)


def _sub(part: str, old: bytes, new: bytes, count: int = 1) -> Callable[[Parts], None]:
    def edit(parts: Parts) -> None:
        data = parts[part]
        assert old in data, (part, old)
        parts[part] = data.replace(old, new, count)

    return edit


def _append(part: str, tail: bytes) -> Callable[[Parts], None]:
    def edit(parts: Parts) -> None:
        parts[part] = parts[part] + tail

    return edit


def _regex(part: str, pattern: bytes, new: bytes, count: int = 1) -> Callable[[Parts], None]:
    def edit(parts: Parts) -> None:
        data, found = re.subn(pattern, new, parts[part], count=count)
        assert found, (part, pattern)
        parts[part] = data

    return edit


def _merges(part: str, refs: list[str]) -> Callable[[Parts], None]:
    """Replace a sheet's merged ranges by `refs`."""

    def edit(parts: Parts) -> None:
        cells = b"".join(b'<mergeCell ref="%s"/>' % ref.encode() for ref in refs)
        block = b'<mergeCells count="%d">%s</mergeCells>' % (len(refs), cells)
        data, found = re.subn(rb"<mergeCells\b.*?</mergeCells>", block, parts[part], flags=re.S)
        assert found
        parts[part] = data

    return edit


def _comments(target_exists: bool, body: bytes = b"") -> Callable[[Parts], None]:
    """A legacy comments part related from the first sheet (present and `body`, or missing)."""

    def edit(parts: Parts) -> None:
        parts["xl/worksheets/_rels/sheet1.xml.rels"] = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/comments" Target="../comments1.xml"/></Relationships>'
        )
        if target_exists:
            parts["xl/comments1.xml"] = body
            parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
                b"</Types>",
                b'<Override PartName="/xl/comments1.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/></Types>',
            )

    return edit


_COMMENTS_OK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<authors><author>a</author></authors><commentList>"
    b'<comment ref="A1" authorId="0"><text><t>memo</t></text></comment>'
    b"</commentList></comments>"
)


def _both(*edits: Callable[[Parts], None]) -> Callable[[Parts], None]:
    def edit(parts: Parts) -> None:
        for one in edits:
            one(parts)

    return edit


def _noop(parts: Parts) -> None:
    return None


_WIDE = b"XFD"
CASES = [
    # 1. what the fast reader accepted and openpyxl refuses
    Case("core-garbage-after-root", MANAGEMENT, _append("docProps/core.xml", b"<junk/>")),
    Case("app-garbage-after-root", MANAGEMENT, _append("docProps/app.xml", b"trailing")),
    Case("custom-garbage-after-root", MANAGEMENT, _append(CUSTOM, b"<x/>")),
    Case(
        "custom-mismatched-tags",
        MANAGEMENT,
        _sub(CUSTOM, b"</vt:lpwstr></property>", b"</vt:lpwstr></propertx>"),
    ),
    Case(
        "custom-huge-char-ref",
        MANAGEMENT,
        _sub(
            CUSTOM,
            b"<vt:lpwstr>2020</vt:lpwstr>",
            b"<vt:lpwstr>&#99999999999999999999;</vt:lpwstr>",
        ),
    ),
    Case(
        "content-types-garbage",
        MANAGEMENT,
        _sub("[Content_Types].xml", b"</Types>", b"</Types><Types/>"),
    ),
    Case("styles-malformed", MANAGEMENT, _sub("xl/styles.xml", b"</cellXfs>", b"</cellXf>")),
    Case("styles-garbage-after-root", MANAGEMENT, _append("xl/styles.xml", b"<a>")),
    Case("workbook-garbage-after-root", MANAGEMENT, _append(BOOK, b"<workbook/>")),
    Case("workbook-mismatched-tags", MANAGEMENT, _sub(BOOK, b"</definedNames>", b"</definedName>")),
    Case("sheet-mismatched-tags", MANAGEMENT, _sub(SHEET, b"</row>", b"</rov>")),
    Case("sheet-garbage-after-root", MANAGEMENT, _append(SHEET, b"</worksheet>")),
    Case("strings-mismatched-tags", MANAGEMENT, _sub(STRINGS, b"</t></si>", b"</t></sj>")),
    Case("strings-huge-char-ref", MANAGEMENT, _sub(STRINGS, b"<t>", b"<t>&#99999999999999999999;")),
    Case("strings-hex-char-ref-past-unicode", MANAGEMENT, _sub(STRINGS, b"<t>", b"<t>&#x110000;")),
    Case("strings-char-ref-zero", MANAGEMENT, _sub(STRINGS, b"<t>", b"<t>&#0;")),
    Case("theme-bad-crc", MANAGEMENT, _noop, bad_crc="xl/theme/theme1.xml"),
    Case("app-bad-crc", MANAGEMENT, _noop, bad_crc="docProps/app.xml"),
    Case("sheet-bad-crc", MANAGEMENT, _noop, bad_crc=SHEET),
    Case(
        "style-index-past-cellxfs",
        MANAGEMENT,
        _sub(SHEET, b'<c r="F72" s="11">', b'<c r="F72" s="999">'),
    ),
    Case(
        "cellxfs-without-xf",
        MANAGEMENT,
        _regex("xl/styles.xml", rb"<cellXfs\b.*?</cellXfs>", b'<cellXfs count="0"></cellXfs>'),
    ),
    Case(
        "merge-reversed",
        MANAGEMENT,
        _sub(SHEET, b'<mergeCell ref="A1:L1"/>', b'<mergeCell ref="J5:F3"/>'),
    ),
    Case(
        "merge-whole-columns",
        MANAGEMENT,
        _sub(SHEET, b'<mergeCell ref="A1:L1"/>', b'<mergeCell ref="A:L"/>'),
    ),
    Case(
        "cell-absolute-ref", MANAGEMENT, _sub(SHEET, b'<c r="F72" s="11">', b'<c r="$F$72" s="11">')
    ),
    Case(
        "cell-past-last-row",
        MANAGEMENT,
        _sub(SHEET, b'<c r="F72" s="11">', b'<c r="F1048577" s="11">'),
    ),
    Case("comments-missing", MANAGEMENT, _comments(False)),
    Case(
        "comments-malformed",
        MANAGEMENT,
        _comments(True, _COMMENTS_OK.replace(b"</commentList>", b"</commentLis>")),
    ),
    Case("comments-good", MANAGEMENT, _comments(True, _COMMENTS_OK)),
    Case(
        "name-past-last-row",
        MANAGEMENT,
        _regex(
            BOOK,
            rb"(<definedName name=\"xs_header_shisaku_no\">[^<]*!)\$[A-Z]+\$[0-9]+",
            rb"\1$D$1048577",
        ),
    ),
    Case(
        "name-last-row",
        MANAGEMENT,
        _regex(
            BOOK,
            rb"(<definedName name=\"xs_header_shisaku_no\">[^<]*!)\$[A-Z]+\$[0-9]+",
            rb"\1$D$1048576",
        ),
    ),
    Case(
        "name-past-last-column",
        MANAGEMENT,
        _regex(
            BOOK,
            rb"(<definedName name=\"xs_header_shisaku_no\">[^<]*!)\$[A-Z]+\$[0-9]+",
            rb"\1$XFE$2",
        ),
    ),
    # 2. what read and rollover crashed on
    Case(
        "shared-formula-unterminated",
        MANAGEMENT,
        _sub(
            SHEET,
            b"<f>SUM(F72,F73,F74,F75,F76)</f>",
            b'<f t="shared" ref="F77:G77" si="0">"abc</f>',
        ),
    ),
    Case(
        "formula-unterminated",
        MANAGEMENT,
        _sub(SHEET, b"<f>SUM(F72,F73,F74,F75,F76)</f>", b'<f>"abc</f>'),
    ),
    # 3. memory and time
    Case(
        "records-body-to-last-row",
        SHIHYO,
        _regex(BOOK, rb"(xs_torikumi_s5_rows\">[^<]*!\$A\$133:\$O\$)144", rb"\g<1>1048576"),
        hungry=True,
    ),
    Case(
        "records-body-to-last-column",
        SHIHYO,
        _regex(BOOK, rb"(xs_torikumi_s5_rows\">[^<]*!\$A\$133:\$)O\$144", rb"\g<1>XFD$144"),
        hungry=True,
    ),
    Case(
        "records-body-moved-to-last-row",
        SHIHYO,
        _regex(
            BOOK,
            rb"(xs_torikumi_s5_rows\">[^<]*!\$A\$)133:\$O\$144",
            rb"\g<1>1048565:$O$1048576",
        ),
    ),
    Case(
        "merges-2000-of-40",  # 80,000 cells: under the limit, read and fixed
        MANAGEMENT,
        _merges(SHEET, [f"Q{1 + 4 * i}:Z{4 + 4 * i}" for i in range(2000)]),
        hungry=True,
    ),
    Case(
        "merges-2000-of-400",
        MANAGEMENT,
        _merges(SHEET, [f"Q{1 + 20 * i}:AD{20 + 20 * i}" for i in range(2000)]),
        hungry=True,
    ),
    Case(
        "merge-whole-sheet",
        SHIHYO,
        _sub(SHEET, b'<mergeCell ref="A1:K1"/>', b'<mergeCell ref="A1:XFD1048576"/>'),
        hungry=True,
    ),
    Case(
        "merge-ten-million",
        MANAGEMENT,
        _sub(SHEET, b'<mergeCell ref="A1:L1"/>', b'<mergeCell ref="A1:J1000000"/>'),
        hungry=True,
    ),
    Case(
        "merges-2000-of-10000",
        MANAGEMENT,
        _merges(
            SHEET,
            [f"Q{1 + 10 * i}:Z{10 + 10 * i}" for i in range(1000)]
            + [f"AA{1 + 1000 * i}:AJ{1000 + 1000 * i}" for i in range(1000)],
        ),
        hungry=True,
    ),
    # 4. a lone surrogate; 6. and 7. numbers past what a float or JSON holds
    Case("lone-surrogate", MANAGEMENT, _sub(STRINGS, b"<t>", b"<t>_xD800_")),
    Case(
        "lone-surrogate-in-value",
        MANAGEMENT,
        _sub(STRINGS, "福祉総務課".encode(), "福祉_xDFFF_総務課".encode()),
    ),
    Case(
        "number-1e308",
        MANAGEMENT,
        _sub(SHEET, b'<c r="F72" s="11"><v>1604890</v>', b'<c r="F72" s="11"><v>1e308</v>'),
    ),
    Case(
        "number-1e309",
        MANAGEMENT,
        _sub(SHEET, b'<c r="F72" s="11"><v>1604890</v>', b'<c r="F72" s="11"><v>1e309</v>'),
    ),
    Case(
        "number-nan",
        MANAGEMENT,
        _sub(SHEET, b'<c r="F72" s="11"><v>1604890</v>', b'<c r="F72" s="11"><v>NaN</v>'),
    ),
    Case(
        "number-huge-integer",
        MANAGEMENT,
        _sub(
            SHEET,
            b'<c r="F72" s="11"><v>1604890</v>',
            b'<c r="F72" s="11"><v>' + b"9" * 5000 + b"</v>",
        ),
    ),
    # 5. file names: a 施策番号 of 90 characters, and one with a lone surrogate
    Case(
        "key-90-characters",
        MANAGEMENT,
        _sub(
            STRINGS, b"<si><t>12</t></si>", ("<si><t>" + "施策番号" * 22 + "12</t></si>").encode()
        ),
    ),
    Case(
        "key-lone-surrogate",
        MANAGEMENT,
        _sub(STRINGS, b"<si><t>12</t></si>", b"<si><t>12_xD800_</t></si>"),
    ),
    Case("untouched", MANAGEMENT, _noop),
]
BY_NAME = {case.name: case for case in CASES}


def read_parts(path: Path) -> Parts:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_parts(path: Path, parts: Parts, bad_crc: str | None = None) -> Path:
    """Zip `parts` (deflated, in order); `bad_crc`: that part's CRC-32 is made wrong."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(
                zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED
            )
    if bad_crc is not None:
        _break_crc(path, bad_crc)
    return path


def _break_crc(path: Path, part: str) -> None:
    """Flip the CRC-32 of `part` in its local header and in the central directory alike."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(part)
    wrong = struct.pack("<I", info.CRC ^ 0x5A5A5A5A)
    data[info.header_offset + 14 : info.header_offset + 18] = wrong
    name = part.encode()
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + length]) == name:
            data[at + 16 : at + 20] = wrong
            break
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def build(case: Case, folder: Path) -> Path:
    """Write one case into `folder` (named after the case) and return its path."""
    parts = read_parts(EXAMPLES / case.source)
    result = case.edit(parts)
    if result is not None:
        parts = result
    return write_parts(folder / f"{case.name}.xlsx", parts, case.bad_crc)
