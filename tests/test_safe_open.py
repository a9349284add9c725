"""The safe-opening stage: what a file is, and refusal before any parser inflates or expands."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from corpus.build import DOC, LAYOUT_ID, SHEET
from corpus.cfb import write_cfb

from xlsxsheet.core.errors import WorkbookError
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.reading.safe_open import LIMITS, Limits, inspect_file
from xlsxsheet.writing.make_template import make_template


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("safe") / "filled.xlsx"
    make_template(default_registry().get(LAYOUT_ID), path, None, DOC)
    return path


def _code(path: Path, limits: Limits = LIMITS) -> str:
    with pytest.raises(WorkbookError) as caught:
        inspect_file(path, limits)
    assert str(caught.value)  # a message for the user
    return caught.value.code


def _with_part(filled: Path, out: Path, name: str, data: bytes) -> Path:
    with zipfile.ZipFile(filled) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr(name, data)
    return out


def test_a_filled_template_is_an_xlsx_with_its_dimension(filled: Path) -> None:
    facts = inspect_file(filled)
    assert facts.format == "xlsx"
    assert not facts.has_macros
    assert facts.workbook_part == "xl/workbook.xml"
    assert facts.dimensions[SHEET].startswith("A1:")
    assert facts.members > 5 and facts.inflated_size > facts.size


@pytest.mark.parametrize(
    ("limits", "code"),
    [
        (Limits(max_members=5), "file-too-large"),
        (Limits(max_total_size=100_000), "zip-bomb"),
        (Limits(max_member_size=50_000), "zip-bomb"),
        (Limits(max_ratio=5, ratio_floor=10_000), "zip-bomb"),
        (Limits(max_file_size=1000), "file-too-large"),
    ],
)
def test_each_limit_refuses(filled: Path, limits: Limits, code: str) -> None:
    assert _code(filled, limits) == code


def test_a_bomb_is_refused_before_any_part_is_inflated(
    filled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = _with_part(filled, tmp_path / "bomb.xlsx", "xl/media/image1.png", bytes(8 * 2**20))
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self: zipfile.ZipFile, name: object, *args: object, **kwargs: object) -> object:
        opened.append(getattr(name, "filename", name))  # type: ignore[arg-type]
        return real_open(self, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    assert _code(bomb) == "zip-bomb"
    assert opened == []


def test_dtd_in_any_xml_part_is_refused(filled: Path, tmp_path: Path) -> None:
    odd = _with_part(
        filled,
        tmp_path / "odd.xlsx",
        "customXml/item9.xml",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "http://example.invalid/">]><x>&e;</x>',
    )
    assert _code(odd) == "xml-dtd"


def test_utf16_xml_part_with_dtd_is_refused(filled: Path, tmp_path: Path) -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e "y">]><x/>'
    odd = _with_part(filled, tmp_path / "odd16.xlsx", "customXml/item9.xml", text.encode("utf-16"))
    assert _code(odd) == "xml-dtd"


def test_binary_parts_are_not_taken_for_xml(filled: Path, tmp_path: Path) -> None:
    png = _with_part(
        filled, tmp_path / "png.xlsx", "xl/media/image1.png", b"\x89PNG\r\n" + bytes(50)
    )
    assert inspect_file(png).format == "xlsx"


def test_vba_project_marks_macros(filled: Path, tmp_path: Path) -> None:
    book = _with_part(filled, tmp_path / "book.xlsm", "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    facts = inspect_file(book)
    assert (facts.format, facts.has_macros) == ("xlsm", True)


def test_zip_password_is_encryption(filled: Path, tmp_path: Path) -> None:
    data = bytearray(filled.read_bytes())
    # set the "encrypted" flag of the first entry in the central directory
    at = data.rfind(b"PK\x01\x02", 0, len(data))
    first = data.find(b"PK\x01\x02")
    assert first <= at
    data[first + 8] |= 0x1
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(bytes(data))
    assert _code(locked) == "workbook-encrypted"


@pytest.mark.parametrize(
    ("streams", "expected"),
    [
        ({"EncryptionInfo": b"\x04\x00", "EncryptedPackage": b"x"}, "workbook-encrypted"),
        ({"WordDocument": b"x"}, "not-a-workbook"),
    ],
)
def test_compound_files(tmp_path: Path, streams: dict[str, bytes], expected: str) -> None:
    assert _code(write_cfb(tmp_path / "ole.xlsx", streams)) == expected


def test_compound_file_with_a_workbook_stream_is_legacy_xls(tmp_path: Path) -> None:
    facts = inspect_file(write_cfb(tmp_path / "old.xls", {"Workbook": b"\x09\x08"}))
    assert facts.format == "xls"


def test_broken_compound_file_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "broken.xls"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(100))
    assert _code(path) == "file-corrupt"


def test_folder_missing_and_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _code(tmp_path) == "file-unreadable"
    assert _code(tmp_path / "nothing.xlsx") == "file-missing"
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(b"PK\x03\x04")

    def deny(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", deny)
    assert _code(locked) == "file-unreadable"


def _member_data_start(data: bytes, info: zipfile.ZipInfo) -> int:
    import struct

    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    return info.header_offset + 30 + name_length + extra_length


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_parts_inflated_from_memory_are_what_zipfile_reads(
    filled: Path, tmp_path: Path, compression: int
) -> None:
    from xlsxsheet.core.data_folders import examples_dir
    from xlsxsheet.reading.safe_open import _inflate

    paths = [*sorted(examples_dir().glob("*.xlsx")), filled]
    stored = tmp_path / "stored.xlsx"
    with zipfile.ZipFile(filled) as src, zipfile.ZipFile(stored, "w", compression) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
    for path in [*paths, stored]:
        data = path.read_bytes()
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                assert _inflate(data, info) == archive.read(info), (path.name, info.filename)
        facts = inspect_file(path)
        assert facts.parts and facts.names


def _damaged(filled: Path, out: Path, flip: int) -> Path:
    """A copy whose first sheet part has bytes flipped `flip` bytes into its deflate stream
    (negative: from its end)."""
    data = bytearray(filled.read_bytes())
    with zipfile.ZipFile(filled) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = _member_data_start(bytes(data), info)
    at = start + flip if flip >= 0 else start + info.compress_size + flip
    for i in range(at, at + (40 if flip >= 0 else 1)):
        data[i] ^= 0x5A if flip >= 0 else 0x01
    out.write_bytes(bytes(data))
    return out


@pytest.mark.parametrize("engine", ["isal", "zlib"])
def test_a_damaged_deflate_stream_is_a_corrupt_part_named_for_the_user(
    filled: Path, tmp_path: Path, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zlib

    from xlsxsheet.reading import deflate

    if engine == "zlib":  # as where python-isal is not installed
        monkeypatch.setattr(deflate, "ENGINE", zlib)
    with pytest.raises(WorkbookError) as caught:
        inspect_file(_damaged(filled, tmp_path / "deflate.xlsx", 100))
    assert caught.value.code == "file-corrupt"
    assert "xl/worksheets/sheet1.xml" in str(caught.value)


def test_a_part_whose_crc_does_not_match_is_refused_by_the_check(
    filled: Path, tmp_path: Path
) -> None:
    from xlsxsheet.checks.pipeline import check_file

    result = check_file(_damaged(filled, tmp_path / "crc.xlsx", _content_flip(filled)))
    assert result.read is None
    assert [p.code for p in result.problems] == ["file-corrupt"]


def _content_flip(filled: Path) -> int:
    """The offset from the end of the first sheet's deflate stream (from -3 on) where a flipped
    bit changes the part's bytes but not its length: a damage only the CRC-32 can show. (The
    last bytes may hold only the stream's end, whose damage changes nothing the part holds.)"""
    import zlib

    data = filled.read_bytes()
    with zipfile.ZipFile(filled) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        original = archive.read(info)
    start = _member_data_start(data, info)
    for flip in range(-3, -64, -1):
        damaged = bytearray(data[start : start + info.compress_size])
        damaged[flip] ^= 0x01
        try:
            inflated = zlib.decompressobj(-15).decompress(bytes(damaged), info.file_size)
        except zlib.error:
            continue
        if len(inflated) == info.file_size and inflated != original:
            return flip
    raise AssertionError("no byte near the end of the stream holds the part's content")


def test_a_local_header_naming_another_part_is_refused(filled: Path) -> None:
    from xlsxsheet.reading.safe_open import _inflate

    data = bytearray(filled.read_bytes())
    with zipfile.ZipFile(filled) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    name_at = info.header_offset + 30
    data[name_at : name_at + 2] = b"XX"  # the local header's copy of the name
    with pytest.raises(zipfile.BadZipFile):
        _inflate(bytes(data), info)
