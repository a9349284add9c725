"""A workbook package edited in place: every zip member is copied as it was stored (its
compressed bytes, not inflated and deflated again) except the parts a patch replaces or adds.

Relationships and content types are small XML parts; new entries are spliced in as text, so
every entry already there stays as the department's program wrote it.
"""

from __future__ import annotations

import posixpath
import re
import struct
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from xlsxsheet.copies.zip_directory import Entry, entries
from xlsxsheet.core.errors import WorkbookError
from xlsxsheet.reading import deflate

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_TYPE = REL_NS + "/"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"


@dataclass
class _Member:
    info: Entry
    raw: memoryview  # as stored in the source (compressed): a view of the file's bytes


@dataclass
class Package:
    """The members of a source package, and the parts a patch changes, adds or removes."""

    name: str
    members: dict[str, _Member]
    replaced: dict[str, bytes] = field(default_factory=dict)
    added: dict[str, bytes] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    # the inflated bytes of members read, and the parsed relationships parts (a patch reads the
    # workbook part and its relationships several times)
    _inflated: dict[str, bytes] = field(default_factory=dict, repr=False)
    _relationships: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict, repr=False)
    # the UTF-8 text of parts read or written as text (a patch splices several times into the
    # workbook part, the content types, a relationships part), and the parts written as text
    # whose bytes are made only when asked for (once, when the package is written)
    _texts: dict[str, str] = field(default_factory=dict, repr=False)
    _unencoded: set[str] = field(default_factory=set, repr=False)

    @classmethod
    def open(cls, data: bytes, name: str = "") -> Package:
        """The package in `data` (the bytes of an .xlsx/.xlsm)."""
        try:
            infos = entries(data)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise WorkbookError(name, "file-corrupt", f"{name} はブックとして開けません。") from exc
        members = {}
        view = memoryview(data)
        for info in infos:
            if info.flag_bits & 0x1:
                raise WorkbookError(
                    name,
                    "workbook-encrypted",
                    f"{name} はパスワードで暗号化されています(zip の暗号化)。",
                )
            start = info.header_offset
            head = data[start : start + 30]
            if len(head) < 30 or head[:4] != b"PK\x03\x04":
                raise WorkbookError(name, "file-corrupt", f"{name} のZIPが壊れています。")
            name_len, extra_len = struct.unpack("<HH", head[26:30])
            begin = start + 30 + name_len + extra_len
            members[info.filename] = _Member(info, view[begin : begin + info.compress_size])
        return cls(name, members)

    def names(self) -> list[str]:
        """Every part name the written package will hold, in order."""
        kept = [n for n in self.members if n not in self.removed]
        return kept + [n for n in self.added if n not in self.members]

    def has(self, part: str) -> bool:
        return part in self.added or (part in self.members and part not in self.removed)

    def read(self, part: str) -> bytes:
        """A part's current bytes (patched ones as patched)."""
        if part in self._unencoded:
            self._unencoded.discard(part)
            data = self._texts[part].encode("utf-8")
            (self.added if part in self.added else self.replaced)[part] = data
            return data
        if part in self.added:
            return self.added[part]
        if part in self.replaced:
            return self.replaced[part]
        data = self._inflated.get(part)
        if data is not None:
            return data
        member = self.members[part]
        info = member.info
        if info.compress_type == zipfile.ZIP_STORED:
            data = self._inflated[part] = bytes(member.raw)
            return data
        if info.compress_type != zipfile.ZIP_DEFLATED:
            raise WorkbookError(self.name, "file-corrupt", f"{self.name} の圧縮形式が未対応です。")
        # the output buffer sized at once (zlib grows a small one step by step), within reason
        size = min(info.file_size, _FIRST_BUFFER) or zlib.DEF_BUF_SIZE
        data = self._inflated[part] = zlib.decompress(member.raw, -15, size)
        return data

    def text(self, part: str) -> str:
        """A part's current text (UTF-8; decoded once)."""
        found = self._texts.get(part)
        if found is None:
            found = self._texts[part] = self.read(part).decode("utf-8")
        return found

    def write_text(self, part: str, text: str) -> None:
        """Replace (or add) a part by its text (encoded as UTF-8 when the bytes are asked for)."""
        self.write(part, b"")
        self._texts[part] = text
        self._unencoded.add(part)

    def write(self, part: str, data: bytes) -> None:
        """Replace (or add) a part."""
        self._relationships.pop(part, None)
        self._texts.pop(part, None)
        self._unencoded.discard(part)
        if part in self.members:
            self.replaced[part] = data
        else:
            self.added[part] = data
        self.removed.discard(part)

    def remove(self, part: str) -> None:
        self._relationships.pop(part, None)
        self._texts.pop(part, None)
        self._unencoded.discard(part)
        self.removed.add(part)
        self.replaced.pop(part, None)
        self.added.pop(part, None)

    def free_name(self, pattern: str) -> str:
        """The first `pattern % n` (n = 1, 2, …) no member has (case-insensitively)."""
        taken = {n.lower() for n in self.names()}
        n = 1
        while (pattern % n).lower() in taken:
            n += 1
        return pattern % n

    def to_bytes(self) -> bytes:
        """The patched package as zip bytes: untouched members byte for byte as stored."""
        chunks: list[bytes | memoryview] = []
        central: list[bytes] = []
        offset = 0
        for part in self.names():
            if part in self.members and part not in self.replaced:
                member = self.members[part]
                info = member.info
                method, crc, raw, usize = info.compress_type, info.CRC, member.raw, info.file_size
                stamp = info.date_time
            else:
                data = self.read(part)
                method, crc, raw, usize = (
                    zipfile.ZIP_DEFLATED,
                    deflate.crc32(data),
                    _deflate(data),
                    len(data),
                )
                stamp = self.members[part].info.date_time if part in self.members else _now()
            encoded = part.encode("utf-8")
            flags = 0 if part.isascii() else 0x800
            dos_time, dos_date = _dos(stamp)
            fields = (20, flags, method, dos_time, dos_date, crc, len(raw), usize, len(encoded))
            chunks += (_LOCAL.pack(b"PK\x03\x04", *fields, 0), encoded, raw)
            central += (_CENTRAL.pack(b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0, offset), encoded)
            offset += _LOCAL.size + len(encoded) + len(raw)
        size = sum(map(len, central))
        count = len(central) // 2
        end = _END.pack(b"PK\x05\x06", 0, 0, count, count, size, offset, 0)
        return b"".join([*chunks, *central, end])

    # --- relationships and content types ---------------------------------------------------
    def add_relationship(self, rels_part: str, rel_type: str, target: str) -> str:
        """Add a relationship to `rels_part` (created when missing); its new Id."""
        if self.has(rels_part):
            text = self.text(rels_part)
        else:
            text = (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<Relationships xmlns="{PKG_REL_NS}"></Relationships>'
            )
        taken = set(re.findall(r'\bId="([^"]*)"', text))
        n = len(taken) + 1
        while f"rId{n}" in taken:
            n += 1
        rid = f"rId{n}"
        entry = f"<Relationship Id={quoteattr(rid)} Type={quoteattr(rel_type)} Target={quoteattr(target)}/>"
        self.write_text(rels_part, splice_before_close(text, "Relationships", entry))
        return rid

    def relationships(self, rels_part: str) -> list[tuple[str, str, str]]:
        """(Id, Type, Target) of each relationship in `rels_part` (none when it is missing)."""
        if not self.has(rels_part):
            return []
        found = self._relationships.get(rels_part)
        if found is None:
            text = self.text(rels_part)
            found = []
            for tag in _RELATIONSHIP_TAG.findall(text):
                attrs = dict(_ATTRIBUTE.findall(tag))
                found.append((attrs.get("Id", ""), attrs.get("Type", ""), attrs.get("Target", "")))
            self._relationships[rels_part] = found
        return list(found)

    def remove_relationship(self, rels_part: str, target_part: str) -> None:
        """Drop the relationships of `rels_part` that point at `target_part`."""
        if not self.has(rels_part):
            return
        text = self.text(rels_part)
        base = source_of(rels_part)

        def keep(match: re.Match[str]) -> str:
            target = re.search(r'\bTarget="([^"]*)"', match.group(0))
            if target and resolve(base, target.group(1)) == target_part:
                return ""
            return match.group(0)

        text = re.sub(
            r"<(?:\w+:)?Relationship\b[^>]*?(?:/>|>.*?</(?:\w+:)?Relationship>)",
            keep,
            text,
            flags=re.S,
        )
        self.write_text(rels_part, text)

    def add_override(self, part: str, content_type: str) -> None:
        text = self.text("[Content_Types].xml")
        entry = (
            f"<Override PartName={quoteattr('/' + part)} ContentType={quoteattr(content_type)}/>"
        )
        self.write_text("[Content_Types].xml", splice_before_close(text, "Types", entry))

    def remove_override(self, part: str) -> None:
        text = self.text("[Content_Types].xml")
        pattern = r'<Override\b[^>]*PartName="/' + re.escape(part) + r'"[^>]*/>'
        self.write_text("[Content_Types].xml", re.sub(pattern, "", text))

    def ensure_default(self, extension: str, content_type: str) -> None:
        text = self.text("[Content_Types].xml")
        if re.search(r'<Default\b[^>]*Extension="' + re.escape(extension) + '"', text, re.I):
            return
        entry = f"<Default Extension={quoteattr(extension)} ContentType={quoteattr(content_type)}/>"
        self.write_text("[Content_Types].xml", splice_before_close(text, "Types", entry))


def splice_before_close(text: str, tag: str, entry: str) -> str:
    """`text` with `entry` inserted before the closing tag of its root `tag` (prefix allowed);
    a self-closing root is opened."""
    close = re.search(r"</(?:\w+:)?" + tag + r"\s*>\s*$", text)
    if close:
        return text[: close.start()] + entry + text[close.start() :]
    empty = re.search(r"<((?:\w+:)?" + tag + r")\b([^>]*?)/>", text)
    if empty is None:
        raise ValueError(f"no <{tag}> element")
    return (
        text[: empty.start()]
        + f"<{empty.group(1)}{empty.group(2)}>{entry}</{empty.group(1)}>"
        + text[empty.end() :]
    )


_FIRST_BUFFER = 64 << 20  # a member's recorded size is trusted this far for the first buffer
_LOCAL = struct.Struct("<4sHHHHHIIIHH")  # local file header, 30 bytes
_CENTRAL = struct.Struct("<4sHHHHHHIIIHHHHHII")  # central directory header, 46 bytes
_END = struct.Struct("<4sHHHHIIH")  # end of central directory record
_RELATIONSHIP_TAG = re.compile(r"<(?:\w+:)?Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


@lru_cache(maxsize=16)
def _root_pattern(root: str) -> re.Pattern[str]:
    return re.compile(r"<(\w+:)?" + root + r"\b")


def root_prefix(text: str, root: str) -> str:
    """The namespace prefix of the part's root element `root` ("" or "x:")."""
    match = _root_pattern(root).search(text)
    return (match.group(1) or "") if match else ""


def rel_prefix(text: str, root: str) -> tuple[str, str]:
    """The prefix bound to the relationships namespace on the root element `root` of `text`,
    and `text` with it declared there when it was not (`r`, or a free name like `rx`)."""
    tag = re.search(r"<(?:\w+:)?" + root + r"\b[^>]*>", text)
    assert tag is not None
    found = re.search(r'xmlns:(\w+)="' + re.escape(REL_NS) + '"', tag.group(0))
    if found:
        return text, found.group(1)
    prefix = "r"
    while f"xmlns:{prefix}=" in tag.group(0):
        prefix += "x"
    end = tag.end() - (2 if tag.group(0).endswith("/>") else 1)
    return text[:end] + f' xmlns:{prefix}="{REL_NS}"' + text[end:], prefix


def rels_of(part: str) -> str:
    """The relationships part of `part`: xl/worksheets/sheet1.xml → xl/worksheets/_rels/sheet1.xml.rels."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def source_of(rels_part: str) -> str:
    """The part whose relationships `rels_part` holds (the folder for the package's own)."""
    folder, name = posixpath.split(rels_part)
    return posixpath.join(posixpath.dirname(folder), name[: -len(".rels")])


def _pieces(part: str) -> list[str]:
    return [piece for piece in part.split("/") if piece]


def resolve(source: str, target: str) -> str:
    """The part name a relationship Target of `source` names."""
    if target.startswith("/"):
        return target[1:]
    parts = _pieces(posixpath.dirname(source))
    for piece in target.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def relative(source: str, part: str) -> str:
    """A Target for `part` from `source` (../drawings/vmlDrawing1.vml)."""
    base = _pieces(posixpath.dirname(source))
    parts = _pieces(part)
    common = 0
    while common < min(len(base), len(parts)) and base[common] == parts[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + list(parts[common:]))


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str) -> str:
    """Text for an element, with the characters XML 1.0 cannot hold left out."""
    return escape(_NOT_XML.sub("", value))


def read_package(source: Path | bytes, name: str = "") -> Package:
    """A package from a path or from the bytes of a workbook."""
    if isinstance(source, bytes | bytearray):
        return Package.open(bytes(source), name or "ブック")
    path = Path(source)
    return Package.open(path.read_bytes(), name or path.name)


def _deflate(data: bytes) -> bytes:
    """Raw deflate at level 1: a patched part is written once, and speed matters more than
    the few percent level 6 would save."""
    return deflate.deflate(data)


def _now() -> tuple[int, int, int, int, int, int]:
    return time.localtime()[:6]


def _dos(stamp: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = stamp
    year = min(max(year, 1980), 2107)
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day


def splice(text: str, start: int, end: int, new: str) -> str:
    """`text` with `text[start:end]` replaced by `new` (inserted at `start` when they are equal).

    A sheet's text is large: where the replaced piece (for an insertion, the tag it goes
    before) first occurs at `start`, str.replace makes the result as one new string, with no
    copies of the two sides first."""
    old = text[start:end] if end > start else text[start : text.find(">", start) + 1]
    if old.startswith("<") and text.find(old) == start:
        return text.replace(old, new if end > start else new + old, 1)
    return "".join((text[:start], new, text[end:]))
