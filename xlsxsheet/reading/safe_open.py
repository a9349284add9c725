"""Look at a file before any spreadsheet parser does: what it is, and whether it is safe to open.

:func:`inspect_file` reads only what it must and never writes. It tells a workbook (.xlsx /
.xlsm, a zip of XML parts) from a legacy .xls and an encrypted workbook (both OLE2 compound
files), and refuses — with a :class:`~xlsxsheet.core.errors.WorkbookError` whose ``code`` is a
problem code of :mod:`xlsxsheet.core.problems` and whose message says what to do — files that are
empty, not workbooks, broken, password-encrypted, carry a DTD or entity declarations
(XXE, "billion laughs") or would inflate beyond the :class:`Limits` (zip bombs).

Sizes are checked from the zip's central directory *before* anything is inflated; Python's
zipfile never inflates a member past the size the directory declares, so those sizes bound the
work. Every XML part is then opened with defusedxml and read only up to its root element (for
worksheets, up to ``<sheetData>``, to record the ``<dimension>`` the sheet claims), so a DTD is
refused before openpyxl sees the part.

A legacy .xls is not refused here: it is reported as ``format == "xls"`` and the reader takes
its values with python-calamine (see :mod:`xlsxsheet.reading.workbook_reader`).
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, BinaryIO
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from defusedxml.ElementTree import iterparse as safe_iterparse

from xlsxsheet.core.errors import WorkbookError
from xlsxsheet.reading import deflate

__all__ = ["LIMITS", "FileFacts", "Limits", "inspect_file"]

MiB = 1024 * 1024
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
SAVE_AS_XLSX = (
    "Excelで開き、[名前を付けて保存] で「Excel ブック (*.xlsx)」を選んで保存し直してください。"
)


@dataclass(frozen=True)
class Limits:
    """What a submitted workbook may cost to open. A filled template is about 0.3 MB inflated."""

    max_file_size: int = 64 * MiB  # bytes on disk (also for .xls)
    max_members: int = 2_000  # parts in the zip; Excel writes a few dozen
    max_total_size: int = 256 * MiB  # sum of the declared inflated sizes
    max_member_size: int = 128 * MiB  # one part, inflated
    max_ratio: float = 100.0  # inflated / compressed, for parts above ratio_floor
    ratio_floor: int = 1 * MiB  # small parts may compress better (repetitive XML)


LIMITS = Limits()


@dataclass(frozen=True)
class FileFacts:
    """What a file is, found without parsing it as a workbook."""

    path: Path
    format: str  # "xlsx" | "xlsm" | "xls"
    size: int
    has_macros: bool = False
    members: int = 0
    inflated_size: int = 0
    workbook_part: str = ""
    dimensions: dict[str, str] = field(default_factory=dict)  # sheet name -> <dimension ref>
    # the parts vetting read whole (small ones), by name, and every member's name: the reader
    # takes them from here instead of opening and inflating the file a second time
    parts: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)
    names: tuple[str, ...] = field(default=(), compare=False, repr=False)


def inspect_file(path: Path, limits: Limits = LIMITS) -> FileFacts:
    """Sniff and vet a file; raise WorkbookError (with a problem code) when it cannot be read."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise _fail(
                path, "file-unreadable", f"{name} はフォルダです。ファイルを指定してください。"
            )
        with path.open("rb") as fh:
            head = fh.read(8)
            if size == 0 or not head:
                raise _fail(
                    path,
                    "file-empty",
                    f"{name} は空のファイル(0バイト)です。保存に失敗している可能性があります。"
                    "元のブックを保存し直して、提出し直してください。",
                )
            if size > limits.max_file_size:
                raise _fail(
                    path,
                    "file-too-large",
                    f"{name} は {size / MiB:,.1f} MB あり、上限の {limits.max_file_size / MiB:,.0f} MB"
                    " を超えています。画像などを削除して保存し直してください。",
                )
            if head == OLE_MAGIC:
                return _inspect_ole(path, fh, size)
            if head[:4] in ZIP_MAGICS:
                return _inspect_zip(path, fh, size, limits)
    except FileNotFoundError as exc:
        raise _fail(
            path,
            "file-missing",
            f"ファイル {path} が見つかりません(移動・削除されたか、名前が変わった可能性があります)。",
        ) from exc
    except PermissionError as exc:
        raise _fail(
            path,
            "file-unreadable",
            f"{name} を読む権限がありません。ファイルのアクセス権を確認してください。",
        ) from exc
    except OSError as exc:
        raise _fail(
            path,
            "file-unreadable",
            f"{name} を読めません({exc.strerror or type(exc).__name__})。"
            "ネットワークフォルダなら、手元にコピーしてからもう一度試してください。",
        ) from exc
    raise _fail(path, "not-a-workbook", _not_a_workbook_message(name, head))


def _fail(path: Path, code: str, message: str) -> WorkbookError:
    return WorkbookError(str(path), code, message)


def _not_a_workbook_message(name: str, head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<"):
        what = "HTMLまたはXMLのファイル(システムから出力した「Excel形式」など)"
    elif head.startswith(b"%PDF"):
        what = "PDFファイル"
    elif PurePath(name).suffix.lower() in TEXT_TABLE_SUFFIXES:
        return (
            f"{name} はCSV(テキスト)のファイルで、Excelブックではありません。様式に記入した"
            f"ブックを提出してください。CSVしかないときは、{SAVE_AS_XLSX}"
        )
    else:
        what = "Excelブックではないファイル(拡張子だけが .xlsx になっている可能性があります)"
    return f"{name} は{what}です。提出するファイルか確認し、{SAVE_AS_XLSX}"


# a table saved as text (Excel's 「CSV (コンマ区切り)」 and the like): its own message
TEXT_TABLE_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})


# --- OLE2 compound files: legacy .xls, or an encrypted .xlsx ------------------------------

_ENDOFCHAIN = 0xFFFFFFFE
_MAX_SECTORS = 1 << 20


def _inspect_ole(path: Path, fh: BinaryIO, size: int) -> FileFacts:
    name = path.name
    try:
        streams = set(_ole_stream_names(fh, size))
    except (ValueError, struct.error) as exc:
        raise _fail(
            path,
            "file-corrupt",
            f"{name} は壊れています(複合文書の目次が読めません)。{SAVE_AS_XLSX}",
        ) from exc
    if {"EncryptionInfo", "EncryptedPackage"} & streams:
        raise _fail(
            path,
            "workbook-encrypted",
            f"{name} は読み取りパスワードで暗号化されています。Excelで開き、[ファイル] → [情報] →"
            " [ブックの保護] → [パスワードを使用して暗号化] でパスワードを消して保存し直し、"
            "提出し直してください。",
        )
    if {"Workbook", "Book"} & streams:
        return FileFacts(path, "xls", size)
    raise _fail(
        path,
        "not-a-workbook",
        f"{name} はExcelブックではない Office 文書(Word・PowerPoint など)です。"
        "提出するファイルを確認してください。",
    )


def _ole_stream_names(fh: BinaryIO, size: int) -> Iterator[str]:
    """Names in the directory of a compound file (MS-CFB), following the FAT with bounds."""
    fh.seek(0)
    header = fh.read(512)
    if len(header) < 512:
        raise ValueError("short header")
    sector_shift = struct.unpack_from("<H", header, 0x1E)[0]
    if sector_shift not in (9, 12):
        raise ValueError("bad sector size")
    sector = 1 << sector_shift
    n_fat = struct.unpack_from("<I", header, 0x2C)[0]
    first_dir = struct.unpack_from("<I", header, 0x30)[0]
    if n_fat * sector > size:
        raise ValueError("more FAT sectors than the file holds")

    def read_sector(number: int) -> bytes:
        offset = (number + 1) * sector
        if number >= _MAX_SECTORS or offset >= size:
            raise ValueError("sector out of range")
        fh.seek(offset)
        return fh.read(sector)

    difat = list(struct.unpack_from("<109I", header, 0x4C))
    next_difat = struct.unpack_from("<I", header, 0x44)[0]
    seen_difat: set[int] = set()
    while len(difat) < n_fat and next_difat != _ENDOFCHAIN:  # files above ~7 MB
        if next_difat in seen_difat:
            raise ValueError("DIFAT loop")
        seen_difat.add(next_difat)
        entries = struct.unpack(f"<{sector // 4}I", read_sector(next_difat).ljust(sector, b"\0"))
        difat.extend(entries[:-1])
        next_difat = entries[-1]
    difat = difat[:n_fat]
    fat: list[int] = []
    for number in difat:
        fat.extend(struct.unpack(f"<{sector // 4}I", read_sector(number).ljust(sector, b"\0")))
    current, seen = first_dir, set()
    while current != _ENDOFCHAIN:
        if current in seen or current >= len(fat):
            raise ValueError("broken directory chain")
        seen.add(current)
        data = read_sector(current)
        for start in range(0, len(data) - 127, 128):
            entry = data[start : start + 128]
            length = struct.unpack_from("<H", entry, 64)[0]
            if entry[66] in (1, 2) and 2 <= length <= 64:
                yield entry[: length - 2].decode("utf-16-le", errors="replace")
        current = fat[current]


# --- zip: .xlsx / .xlsm -----------------------------------------------------------------

_REL_OFFICE_DOCUMENT = "/officeDocument"
_MACRO_TYPES = ("macroEnabled", "vbaProject")
_WORKSHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _inspect_zip(path: Path, fh: BinaryIO, size: int, limits: Limits) -> FileFacts:
    name = path.name
    fh.seek(0)
    try:
        archive = _VettingZip(fh, size)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise _fail(
            path,
            "file-corrupt",
            f"{name} は壊れています(途中で切れているか、コピー・送信に失敗した可能性があります)。"
            "元のブックを保存し直して、提出し直してください。",
        ) from exc
    with archive:
        infos = archive.infolist()
        _check_sizes(path, infos, limits)
        members = {info.filename: info for info in infos}
        if any(info.flag_bits & 0x1 for info in infos):
            raise _fail(
                path,
                "workbook-encrypted",
                f"{name} は zip のパスワードで暗号化されています。暗号化しないで保存し直してください。",
            )
        for info in infos:
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise _fail(
                    path,
                    "file-corrupt",
                    f"{name} の部品 {info.filename} は対応していない圧縮形式です。{SAVE_AS_XLSX}",
                )
        workbook_part = _workbook_part(path, archive, members)
        for info in infos:
            _refuse_dtd(path, archive, info)
        content_types = _read_small(path, archive, members.get("[Content_Types].xml"))
        has_macros = "xl/vbaProject.bin" in members or any(
            marker.encode() in content_types for marker in _MACRO_TYPES
        )
        macro_book = b"sheet.macroEnabled" in content_types or path.suffix.lower() == ".xlsm"
        dimensions = _dimensions(path, archive, members, workbook_part)
    return FileFacts(
        path=path,
        format="xlsm" if macro_book else "xlsx",
        size=size,
        has_macros=has_macros,
        members=len(infos),
        inflated_size=sum(info.file_size for info in infos),
        workbook_part=workbook_part,
        dimensions=dimensions,
        parts=archive.parts,
        names=tuple(info.filename for info in infos),
    )


class _VettingZip(zipfile.ZipFile):
    """A ZipFile that keeps the parts it reads whole when they are small (_KEEP_BYTES).

    A file of up to _IN_MEMORY_BYTES is read into memory once, and its plainly stored or
    deflated parts are inflated straight from those bytes (_inflate), with the checks
    zipfile makes; any other part, or a larger file, is read through zipfile.
    """

    def __init__(self, file: BinaryIO, size: int) -> None:
        self.data: bytes | None = None
        if size <= _IN_MEMORY_BYTES:
            self.data = file.read()
            file = io.BytesIO(self.data)
        super().__init__(file)
        self.parts: dict[str, bytes] = {}

    def read(self, name: str | zipfile.ZipInfo, pwd: bytes | None = None) -> bytes:
        key = name.filename if isinstance(name, zipfile.ZipInfo) else name
        if isinstance(name, zipfile.ZipInfo) and self.NameToInfo.get(key) is not name:
            return super().read(name, pwd)  # a member shadowed by a later one of the same name
        data = self.parts.get(key)
        if data is None:
            info = self.getinfo(key)
            try:
                if self.data is not None and info.compress_type in _INFLATED:
                    if info.flag_bits & 0x61:  # encrypted, patched, strongly encrypted
                        data = super().read(name, pwd)  # zipfile says what it does not read
                    else:
                        data = _inflate(self.data, info)
                else:
                    data = super().read(name, pwd)
            # a damaged deflate stream: a damaged part, like a bad CRC
            except deflate.ERRORS as exc:
                raise zipfile.BadZipFile(f"{key}: {exc}") from exc
            if len(data) <= _KEEP_BYTES:
                self.parts[key] = data
        return data

    def head(self, info: zipfile.ZipInfo, size: int) -> bytes:
        """The first `size` bytes of a part: of the whole part, read and kept, when it is small
        and reads cleanly; else (or when inflating it whole fails) of a partial read."""
        if info.file_size <= _KEEP_BYTES:
            # a damaged part (bad CRC-32 or deflate stream) is refused whatever part it is:
            # openpyxl reads most of them, so no reader may pass over it (one verdict)
            return self.read(info)[:size]
        try:
            with self.open(info) as part:
                return part.read(size)
        except zlib.error as exc:
            raise zipfile.BadZipFile(f"{info.filename}: {exc}") from exc


_KEEP_BYTES = 4 * 1024 * 1024
_IN_MEMORY_BYTES = 16 * 1024 * 1024
_INFLATED = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zipfile's structFileHeader


def _inflate(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """A stored or deflated, unencrypted part from the zip's bytes, refused as zipfile refuses
    it: a bad local header or name (BadZipFile), data cut short (EOFError), a bad deflate
    stream (one of deflate.ERRORS), a CRC-32 that does not match (BadZipFile). At most the
    size the directory declares is inflated."""
    at = info.header_offset
    header = data[at : at + _LOCAL_HEADER.size]
    if len(header) != _LOCAL_HEADER.size:
        raise zipfile.BadZipFile("Truncated file header")
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != b"PK\x03\x04":
        raise zipfile.BadZipFile("Bad magic number for file header")
    start = at + _LOCAL_HEADER.size
    name = data[start : start + fields[10]]
    encoding = "utf-8" if fields[3] & 0x800 else "cp437"
    if name.decode(encoding, errors="replace") != info.orig_filename:
        raise zipfile.BadZipFile(
            f"File name in directory {info.orig_filename!r} and header differ."
        )
    start += fields[10] + fields[11]
    raw = data[start : start + info.compress_size]
    if len(raw) < info.compress_size:
        raise EOFError
    if info.compress_type == zipfile.ZIP_STORED:
        part = raw[: info.file_size]
    else:
        part = deflate.inflate(raw, info.file_size)
    if deflate.crc32(part) != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
    return part


def _check_sizes(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse a zip whose directory promises too much, before inflating anything."""
    name = path.name
    if len(infos) > limits.max_members:
        raise _fail(
            path,
            "file-too-large",
            f"{name} には部品が {len(infos):,} 個あり、上限の {limits.max_members:,} 個を超えています。"
            "Excelブックとしては異常です。元のブックを保存し直してください。",
        )
    total = sum(info.file_size for info in infos)
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.max_member_size or (
            info.file_size > limits.ratio_floor and ratio > limits.max_ratio
        ):
            raise _fail(
                path,
                "zip-bomb",
                f"{name} の部品 {info.filename} は展開すると {info.file_size / MiB:,.0f} MB"
                f"(圧縮率 {ratio:,.0f} 倍)になります。安全のため開きません(zip爆弾の疑い)。"
                "提出元に確認してください。",
            )
    if total > limits.max_total_size:
        raise _fail(
            path,
            "zip-bomb",
            f"{name} は展開すると {total / MiB:,.0f} MB になり、上限の"
            f" {limits.max_total_size / MiB:,.0f} MB を超えます。安全のため開きません。"
            "提出元に確認してください。",
        )


def _looks_like_xml(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _refuse_dtd(path: Path, archive: _VettingZip, info: zipfile.ZipInfo) -> None:
    """Refuse an XML part that declares a DTD or entities (they can only come before its root).

    The prolog is read from the part's first bytes; only when it is not plain UTF-8, or longer
    than those bytes, is the part parsed with defusedxml up to its root element.
    """
    if info.is_dir() or info.file_size == 0:
        return
    try:
        head = archive.head(info, _PROLOG_BYTES)
        if not _looks_like_xml(head[:64]):
            return
        prolog = _prolog(head)
        if prolog == "root":
            return
        if prolog is None:  # undecided: let the parser look
            with archive.open(info) as part:
                for _event, _element in safe_iterparse(
                    part, events=("start",), forbid_dtd=True, forbid_entities=True
                ):
                    break
            return
    except DefusedXmlException:
        prolog = "dtd"
    except (ParseError, zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise _broken_part(path, info.filename) from exc
    raise _fail(
        path,
        "xml-dtd",
        f"{path.name} の部品 {info.filename} に DTD・実体宣言(外部参照など)が含まれています。"
        "Excelはこれを書きません。安全のため開きません。提出元に確認してください。",
    )


_PROLOG_BYTES = 4096
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _prolog(head: bytes) -> str | None:
    """ "root" when the root element comes before any DTD, "dtd" when a DOCTYPE comes first,
    None when the first bytes cannot tell (another encoding, a long prolog, odd markup)."""
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    pos = 0
    while True:
        while pos < len(head) and head[pos] in b" \t\r\n":
            pos += 1
        if head.startswith(b"<?", pos):
            end = head.find(b"?>", pos)
            if end < 0:
                return None
            declared = _ENCODING.search(head, pos, end)
            if declared and declared.group(1).lower() not in (b"utf-8", b"utf8", b"us-ascii"):
                return None
            pos = end + 2
        elif head.startswith(b"<!--", pos):
            end = head.find(b"-->", pos)
            if end < 0:
                return None
            pos = end + 3
        elif head.startswith(b"<!", pos):
            return "dtd" if head.startswith(b"<!DOCTYPE", pos) else None
        elif (
            head.startswith(b"<", pos)
            and pos + 1 < len(head)
            and (
                head[pos + 1 : pos + 2].isalpha() or head[pos + 1] in b"_:" or head[pos + 1] >= 0x80
            )
        ):
            return "root"
        else:
            return None


def _read_small(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo | None) -> bytes:
    """A whole small part (already vetted by the size limits and the DTD check)."""
    if info is None:
        return b""
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise _broken_part(path, info.filename) from exc


def _broken_part(path: Path, part: str) -> WorkbookError:
    return _fail(
        path,
        "file-corrupt",
        f"{path.name} は壊れています(部品 {part} を読めません)。"
        "元のブックを保存し直して、提出し直してください。",
    )


def _parse(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo | None) -> object | None:
    data = _read_small(path, archive, info)
    if not data:
        return None
    try:
        return _fromstring(data)
    except (ParseError, DefusedXmlException) as exc:
        raise _broken_part(path, info.filename if info else "") from exc


def _workbook_part(
    path: Path, archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]
) -> str:
    """The workbook part the package relationships name (xl/workbook.xml in practice)."""
    root = _parse(path, archive, members.get("_rels/.rels"))
    target = None
    if root is not None:
        for rel in root.iter(f"{_PKG_REL_NS}Relationship"):  # type: ignore[attr-defined]
            if rel.get("Type", "").endswith(_REL_OFFICE_DOCUMENT):
                target = rel.get("Target", "").lstrip("/")
                break
    for candidate in (target, "xl/workbook.xml"):
        if candidate and candidate in members:
            return candidate
    raise _fail(path, "zip-no-workbook", _no_workbook_message(path.name, members))


def _no_workbook_message(name: str, members: dict[str, zipfile.ZipInfo]) -> str:
    if "word/document.xml" in members:
        what = "Word文書(.docx)"
    elif "ppt/presentation.xml" in members:
        what = "PowerPointのファイル(.pptx)"
    elif "mimetype" in members and "content.xml" in members:
        what = "OpenDocument(LibreOffice の .ods など)"
        return (
            f"{name} は{what}のファイルです。LibreOfficeで開き、[名前を付けて保存] で"
            "「Excel 2007-365 (.xlsx)」を選んで保存し直してください。"
        )
    else:
        what = "zip 圧縮ファイル"
    return (
        f"{name} は{what}で、Excelブックの本体(xl/workbook.xml)がありません。"
        "提出するファイルを確認してください。"
    )


def _dimensions(
    path: Path, archive: _VettingZip, members: dict[str, zipfile.ZipInfo], workbook_part: str
) -> dict[str, str]:
    """Sheet name -> the <dimension ref> its part records (read up to <sheetData> only)."""
    book = _sheets_of(path, archive, members.get(workbook_part))
    rels_name = posixpath.join(
        posixpath.dirname(workbook_part), "_rels", posixpath.basename(workbook_part) + ".rels"
    )
    rels = _parse(path, archive, members.get(rels_name))
    if book is None or rels is None:
        return {}
    targets = {}
    for rel in rels.iter(f"{_PKG_REL_NS}Relationship"):  # type: ignore[attr-defined]
        target = rel.get("Target", "")
        if target.startswith("/"):
            part = target.lstrip("/")
        else:
            part = posixpath.normpath(posixpath.join(posixpath.dirname(workbook_part), target))
        targets[rel.get("Id")] = part
    result = {}
    for sheet in book.iter(f"{_WORKSHEET_NS}sheet"):  # type: ignore[attr-defined]
        part = targets.get(sheet.get(f"{_REL_NS}id"))
        info = members.get(part or "")
        if info is None:
            continue
        ref = _dimension_of(archive, info)
        if ref:
            result[sheet.get("name", "")] = ref
    return result


def _sheets_of(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo | None) -> object | None:
    """The workbook part's root with its <sheets> only (its defined names can run to 50 kB)."""
    data = _read_small(path, archive, info)
    root = data.find(b"<workbook")
    root_end = data.find(b">", root)
    start, end = data.find(b"<sheets"), data.find(b"</sheets>")
    if 0 <= root < root_end < start < end and data[root_end - 1 : root_end] != b"/":
        try:
            return _fromstring(data[: root_end + 1] + data[start : end + 9] + b"</workbook>")
        except (ParseError, DefusedXmlException):
            pass  # the whole part is parsed below, and its error reported
    return _parse(path, archive, info)


def _fromstring(data: bytes) -> Any:
    """defusedxml's parse of a small part, kept for the same bytes (the relationships and the
    sheet list of one template's returns are the same bytes; the tree is only read)."""
    found = _PARSED.get(data)
    if found is None:
        found = safe_fromstring(data, forbid_dtd=True)
        _PARSED[data] = found
        while len(_PARSED) > 32:
            _PARSED.popitem(last=False)
    return found


_PARSED: OrderedDict[bytes, Any] = OrderedDict()


def _dimension_of(archive: _VettingZip, info: zipfile.ZipInfo) -> str | None:
    try:
        head = archive.head(info, _PROLOG_BYTES)
        found = _DIMENSION.search(head)
        data_at = head.find(b"<sheetData")
        root = (
            head[: head.find(b">", head.find(b"<worksheet")) + 1] if b"<worksheet" in head else b""
        )
        if found and (data_at < 0 or found.start() < data_at) and _MAIN_NS in root:
            return found.group(1).decode()
        if data_at >= 0 and not found and _MAIN_NS in root:
            return None
        with archive.open(info) as part:
            for _event, element in safe_iterparse(part, events=("start",), forbid_dtd=True):
                if element.tag == f"{_WORKSHEET_NS}dimension":
                    return element.get("ref")
                if element.tag == f"{_WORKSHEET_NS}sheetData":
                    return None
    except (ParseError, DefusedXmlException, zipfile.BadZipFile, OSError, EOFError, ValueError):
        return None  # openpyxl will say what is wrong with the part
    return None


_DIMENSION = re.compile(rb'<dimension ref="([A-Za-z0-9:$]*)"\s*/>')
_MAIN_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
