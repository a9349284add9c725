"""The entries of a zip package's central directory, read straight from the file's bytes.

Excel, LibreOffice and Python's zipfile write the plain case (the directory right before its
end record, no archive comment, no zip64, no extra fields): it is unpacked with one struct per
entry. Anything else is read by zipfile, as before, so that every odd package is read (or
refused) exactly as zipfile does.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
from typing import NamedTuple

_END = struct.Struct("<4s4H2LH")  # end of central directory record, 22 bytes
_ENTRY = struct.Struct("<4s4B4HL2L5H2L")  # central directory header, 46 bytes (zipfile's)
_MAX_EXTRACT_VERSION = 63  # zipfile refuses a newer one
_UNSET = 0xFFFFFFFF  # the real value is in a zip64 extra field


class Entry(NamedTuple):
    """What a patch needs of one central directory entry (the fields of zipfile.ZipInfo)."""

    filename: str
    flag_bits: int
    compress_type: int
    CRC: int
    compress_size: int
    file_size: int
    header_offset: int
    date_time: tuple[int, int, int, int, int, int]


def entries(data: bytes) -> list[Entry]:
    """The central directory's entries in order; zipfile's errors for a package it refuses."""
    found = _plain_entries(data)
    if found is not None:
        return found
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [
            Entry(
                info.filename,
                info.flag_bits,
                info.compress_type,
                info.CRC,
                info.compress_size,
                info.file_size,
                info.header_offset,
                info.date_time,
            )
            for info in archive.infolist()
        ]


def _plain_entries(data: bytes) -> list[Entry] | None:
    """The entries of a plain package (see the module), None for any other."""
    end = len(data) - _END.size
    if end < 0 or data[end : end + 4] != b"PK\x05\x06":
        return None
    _, disk, cd_disk, on_disk, total, size, offset, comment = _END.unpack_from(data, end)
    if disk or cd_disk or on_disk != total or comment or offset + size != end:
        return None  # several disks, a comment, zip64 or bytes before the package
    if end >= 20 and data[end - 20 : end - 16] == b"PK\x06\x07":
        return None  # a zip64 locator: zipfile reads that one
    found = []
    at = offset
    unpack = _ENTRY.unpack_from
    while at < end:
        if at + _ENTRY.size > end:
            return None
        (sig, _, _, version, _, flags, method, t, d, crc, csize, usize, name_len, extra_len,
         comment_len, _, _, _, header) = unpack(data, at)  # fmt: skip
        if sig != b"PK\x01\x02" or version > _MAX_EXTRACT_VERSION or extra_len:
            return None
        if _UNSET in (csize, usize, header):
            return None
        raw = data[at + _ENTRY.size : at + _ENTRY.size + name_len]
        try:
            name = raw.decode("utf-8") if flags & 0x800 else raw.decode("cp437")
        except UnicodeDecodeError:
            return None
        if "\x00" in name or (os.sep != "/" and os.sep in name):
            return None  # ZipInfo cuts or rewrites such a name
        date_time = (
            (d >> 9) + 1980,
            (d >> 5) & 0xF,
            d & 0x1F,
            t >> 11,
            (t >> 5) & 0x3F,
            (t & 0x1F) * 2,
        )
        found.append(Entry(name, flags, method, crc, csize, usize, header, date_time))
        at += _ENTRY.size + name_len + extra_len + comment_len
    return found if at == end else None
