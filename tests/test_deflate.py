"""Zip parts inflate to the same bytes, with the same CRC-32, through ISA-L and through zlib."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import pytest

from xlsxsheet.core.data_folders import examples_dir
from xlsxsheet.reading import deflate

EXAMPLES = sorted(examples_dir().glob("*.xlsx"))


def _streams(path: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """Each deflated part's raw stream, as the zip holds it."""
    data = path.read_bytes()
    found = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.compress_type != zipfile.ZIP_DEFLATED:
                continue
            name_length, extra_length = zipfile.struct.unpack_from(
                "<HH", data, info.header_offset + 26
            )
            start = info.header_offset + 30 + name_length + extra_length
            found.append((info, data[start : start + info.compress_size]))
    return found


def test_isal_is_the_engine_here() -> None:
    """pyproject installs python-isal on this platform, so the checks run through it."""
    assert deflate.ENGINE.__name__ == "isal.isal_zlib"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_part_inflates_alike_with_both_engines(path: Path) -> None:
    streams = _streams(path)
    assert len(streams) > 5
    with zipfile.ZipFile(path) as archive:
        for info, raw in streams:
            expected = archive.read(info)
            for engine in (deflate.ENGINE, zlib):
                part = deflate.inflate(raw, info.file_size, engine)
                assert part == expected, (info.filename, engine.__name__)
                assert deflate.crc32(part, engine) == info.CRC == zlib.crc32(expected)


@pytest.mark.parametrize("engine", [deflate.ENGINE, zlib], ids=lambda e: e.__name__)
def test_at_most_the_size_asked_and_fewer_when_cut_short(engine: object) -> None:
    info, raw = max(_streams(EXAMPLES[0]), key=lambda s: s[0].file_size)
    assert len(deflate.inflate(raw, 100, engine)) == 100  # type: ignore[arg-type]
    cut = deflate.inflate(raw[: len(raw) // 2], info.file_size, engine)  # type: ignore[arg-type]
    assert 0 < len(cut) < info.file_size


@pytest.mark.parametrize("engine", [deflate.ENGINE, zlib], ids=lambda e: e.__name__)
def test_a_damaged_stream_raises_one_of_the_errors(engine: object) -> None:
    info, raw = max(_streams(EXAMPLES[0]), key=lambda s: s[0].file_size)
    damaged = bytes(b ^ 0x5A for b in raw[:40]) + raw[40:]
    with pytest.raises(deflate.ERRORS):
        deflate.inflate(damaged, info.file_size, engine)  # type: ignore[arg-type]
