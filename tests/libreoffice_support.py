"""Helpers for tests that need a real LibreOffice (see the ``soffice`` fixture).

Under CI (``$CI`` set and non-empty) a missing tool is a test *failure*, so a CI
image without LibreOffice cannot pass by silently skipping; locally it is a skip.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from xlsxsheet.external.libreoffice import SOFFICE_ENV, find_soffice


def under_ci() -> bool:
    """True when running under CI (``$CI`` is set and non-empty)."""
    return bool(os.environ.get("CI", "").strip())


def missing_tool(message: str) -> None:
    """Fail under CI, skip otherwise; never returns."""
    if under_ci():
        pytest.fail(f"{message} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(message)


def require_soffice() -> str:
    """Return the soffice executable, or skip/fail the test when there is none."""
    exe = find_soffice()
    if exe is None:
        missing_tool(
            "LibreOffice not found: install libreoffice-calc or set "
            f"${SOFFICE_ENV} (currently {os.environ.get(SOFFICE_ENV)!r})"
        )
    assert exe is not None
    return exe


def require_tool(name: str, package: str) -> str:
    """Return the path of command ``name``, or skip/fail naming the apt ``package``."""
    exe = shutil.which(name)
    if exe is None:
        missing_tool(f"{name} not found on PATH: install {package}")
    assert exe is not None
    return exe


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pdf_pages_and_text(
    workbook: Path, soffice: str, folder: Path, *, layout: bool = False
) -> tuple[int, str]:
    """Render `workbook` with LibreOffice: the number of PDF pages and the PDF's text."""
    import subprocess

    from xlsxsheet.external.libreoffice import pdf_to_png, to_pdf

    pdf = to_pdf(workbook, folder, soffice=soffice)
    pages = len(pdf_to_png(pdf, folder / "png", dpi=30))
    command = [
        require_tool("pdftotext", "poppler-utils"),
        *(["-layout"] if layout else []),
        str(pdf),
        "-",
    ]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return pages, text
