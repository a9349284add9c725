"""Raw deflate streams and CRC-32s of zip parts: ISA-L's (python-isal) where it is installed,
else the standard zlib's.

A patched copy deflates the parts it replaces at level 1 (each is written once; ISA-L's level
1 is about four times zlib's speed on a sheet part, and a little smaller).

Inflating a return's parts and checking their CRC-32 takes about a tenth of a folder check's
time with zlib; ISA-L does the same work in half of that (BENCHMARKS.md). Both give the same
bytes; a damaged stream raises one of `ERRORS` with either.
"""

from __future__ import annotations

import zlib
from types import ModuleType

ENGINE: ModuleType
ERRORS: tuple[type[Exception], ...]
try:
    from isal import isal_zlib as ENGINE

    ERRORS = (zlib.error, ENGINE.error)
except ImportError:  # pragma: no cover - isal ships wheels for the platforms pyproject names
    ENGINE, ERRORS = zlib, (zlib.error,)


def inflate(raw: bytes, size: int, engine: ModuleType | None = None) -> bytes:
    """At most `size` bytes of the raw deflate stream `raw` (a stream cut short gives fewer)."""
    return (engine or ENGINE).decompressobj(-15).decompress(raw, size)


def crc32(data: bytes, engine: ModuleType | None = None) -> int:
    return (engine or ENGINE).crc32(data)


def deflate(data: bytes, engine: ModuleType | None = None) -> bytes:
    """`data` as a raw deflate stream at level 1."""
    lib = engine or ENGINE
    packer = lib.compressobj(1, lib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()
