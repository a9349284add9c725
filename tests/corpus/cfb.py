"""Write a minimal OLE2 compound file (MS-CFB, version 3): what an encrypted .xlsx or a
legacy .xls is on the outside. Streams are padded to 4096 bytes so no mini stream is needed."""

from __future__ import annotations

import struct
from pathlib import Path

SECTOR = 512
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
STREAM_SIZE = 4096


def _entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
    encoded = name.encode("utf-16-le") + b"\0\0"
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        encoded,
        len(encoded),
        kind,
        1,  # black
        NOSTREAM,  # left sibling
        right,
        child,
        b"\0" * 16,
        0,
        0,
        0,
        start,
        size,
    )


def write_cfb(path: Path, streams: dict[str, bytes]) -> Path:
    """A compound file holding `streams` (at most 3, each up to 4096 bytes)."""
    items = list(streams.items())
    assert 1 <= len(items) <= 3
    fat = [FATSECT, END]  # sector 0: FAT, sector 1: directory
    data_sectors = b""
    starts = []
    for _name, data in items:
        assert len(data) <= STREAM_SIZE
        first = len(fat)
        count = STREAM_SIZE // SECTOR
        fat.extend(first + i + 1 for i in range(count - 1))
        fat.append(END)
        starts.append(first)
        data_sectors += data.ljust(STREAM_SIZE, b"\0")
    fat_sector = struct.pack(f"<{SECTOR // 4}I", *(fat + [FREE] * (SECTOR // 4 - len(fat))))
    entries = [_entry("Root Entry", 5, 1, NOSTREAM, END, 0)]
    for i, ((name, _data), start) in enumerate(zip(items, starts, strict=True)):
        right = i + 2 if i + 1 < len(items) else NOSTREAM
        entries.append(_entry(name, 2, NOSTREAM, right, start, STREAM_SIZE))
    directory = b"".join(entries).ljust(SECTOR, b"\0")
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"),
        b"\0" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,  # directory sectors (0 in version 3)
        1,  # FAT sectors
        1,  # first directory sector
        0,
        4096,
        END,  # first mini FAT sector
        0,
        END,  # first DIFAT sector
        0,
    )
    header += struct.pack("<109I", 0, *([FREE] * 108))
    assert len(header) == SECTOR
    Path(path).write_bytes(header + fat_sector + directory + data_sectors)
    return Path(path)
