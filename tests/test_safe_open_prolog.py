"""safe_open decides "DTD or not" from a part's prolog, and parses when the prolog cannot tell.

A DTD (and so any entity declaration) can only come before the root element; the first bytes of
a part usually show the root, so only parts with an unusual prolog are parsed.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from xlsxsheet.core.errors import WorkbookError
from xlsxsheet.reading.safe_open import _prolog, inspect_file

DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
DOCTYPE = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(
    ("head", "verdict"),
    [
        (b"<worksheet/>", "root"),
        (DECL + b"<worksheet>", "root"),
        (b"\xef\xbb\xbf" + DECL + b"<workbook>", "root"),
        (DECL + b"<!-- a comment --><?pi x?>\n<sst>", "root"),
        (DECL + DOCTYPE + b"<worksheet>", "dtd"),
        (DECL + b"<!-- c -->" + DOCTYPE, "dtd"),
        (DOCTYPE, "dtd"),
        (b'<?xml version="1.0" encoding="ISO-8859-1"?><worksheet>', None),
        ('<?xml version="1.0" encoding="UTF-16"?><worksheet>'.encode("utf-16"), None),
        (DECL + b"<!-- " + b"x" * 5000, None),  # the prolog runs past the bytes read
        (DECL + b"<![CDATA[x]]>", None),
        (DECL + b"text before the root", None),
    ],
)
def test_prolog(head: bytes, verdict: str | None) -> None:
    assert _prolog(head[:4096]) == verdict


def _workbook_with(path: Path, part: bytes) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", part)
    return path


@pytest.mark.parametrize(
    "part",
    [
        DECL + DOCTYPE + b"<workbook/>",
        DECL + b"<!-- " + b"x" * 8000 + b" -->" + DOCTYPE + b"<workbook/>",  # parsed
        '<?xml version="1.0" encoding="UTF-16"?>'.encode("utf-16")
        + (DOCTYPE + b"<workbook/>").decode().encode("utf-16-le"),
    ],
    ids=["in the first bytes", "after a long comment", "utf-16"],
)
def test_a_dtd_is_refused_however_far_it_is(tmp_path: Path, part: bytes) -> None:
    with pytest.raises(WorkbookError) as caught:
        inspect_file(_workbook_with(tmp_path / "book.xlsx", part))
    assert caught.value.code == "xml-dtd"
