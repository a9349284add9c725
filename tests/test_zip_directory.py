"""The central directory read straight from a package's bytes gives what zipfile gives, for the
packages Excel-like writers make and a LibreOffice-saved return; an odd package (comment, zip64,
extra fields, bytes before it, damage) is read or refused by zipfile itself."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from fidelity_support import excel_return, libreoffice_return
from libreoffice_support import require_soffice

from xlsxsheet.copies.package_patch import Package
from xlsxsheet.copies.zip_directory import _plain_entries, entries
from xlsxsheet.core.errors import WorkbookError


def _zipfile_view(data: bytes) -> list[tuple[object, ...]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [
            (
                i.filename,
                i.flag_bits,
                i.compress_type,
                i.CRC,
                i.compress_size,
                i.file_size,
                i.header_offset,
                i.date_time,
            )
            for i in archive.infolist()
        ]


def _package(**options: object) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        z.comment = options.get("comment", b"")
        z.writestr("[Content_Types].xml", "<Types/>")
        info = zipfile.ZipInfo("xl/worksheets/シート1.xml", (2024, 3, 31, 23, 59, 58))
        info.extra = options.get("extra", b"")
        z.writestr(info, "<worksheet/>" * 50, zipfile.ZIP_DEFLATED)
        z.writestr("xl/stored.bin", b"\x00" * 10, zipfile.ZIP_STORED)
    return options.get("before", b"") + data.getvalue()


def test_the_returns_writers_make_are_read_straight(tmp_path: Path) -> None:
    made = [excel_return(tmp_path).path, libreoffice_return(tmp_path, require_soffice()).path]
    for path in made:
        data = path.read_bytes()
        assert _plain_entries(data) is not None, path.name
        assert [tuple(e) for e in entries(data)] == _zipfile_view(data)
    plain = _package()
    assert _plain_entries(plain) is not None
    assert [tuple(e) for e in entries(plain)] == _zipfile_view(plain)
    assert entries(plain)[1].filename == "xl/worksheets/シート1.xml"
    assert entries(plain)[1].date_time == (2024, 3, 31, 23, 59, 58)


@pytest.mark.parametrize(
    "options",
    [
        {"comment": "点検済".encode()},
        {"zip64": True},
        {"extra": b"\x99\x99\x02\x00ab"},
        {"before": b"#!prefix\n" * 3},
    ],
    ids=["comment", "zip64", "extra", "before"],
)
def test_an_odd_package_is_read_by_zipfile(
    options: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    if options.get("zip64"):  # zip64 fields, as a package past 4 GB or 65535 members has
        monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 64)
        monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 2)
    data = _package(**options)
    monkeypatch.undo()
    assert (b"PK\x06\x06" in data) == bool(options.get("zip64"))  # the zip64 end record
    assert _plain_entries(data) is None
    assert [tuple(e) for e in entries(data)] == _zipfile_view(data)


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d[:-30],  # cut inside the directory
        lambda d: d[: d.rfind(b"PK\x01\x02")] + b"XX" + d[d.rfind(b"PK\x01\x02") + 2 :],
        lambda d: b"",
    ],
    ids=["truncated", "bad-entry", "empty"],
)
def test_a_damaged_package_is_refused_as_zipfile_refuses_it(damage: object) -> None:
    data = damage(_package())  # type: ignore[operator]
    with pytest.raises(zipfile.BadZipFile):
        entries(data)
    with pytest.raises(WorkbookError) as refused:
        Package.open(data, "課.xlsx")
    assert refused.value.code == "file-corrupt"
