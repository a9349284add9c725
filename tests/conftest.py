"""Shared pytest fixtures."""

from __future__ import annotations

import pytest
from libreoffice_support import require_soffice


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of the soffice executable; skips locally / fails under CI when missing."""
    return require_soffice()
