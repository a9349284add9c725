"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from libreoffice_support import require_soffice

from xlsxsheet.layout.folders import ENV_VAR
from xlsxsheet.layout.registry import default_registry


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of the soffice executable; skips locally / fails under CI when missing."""
    return require_soffice()


@pytest.fixture
def no_city_layouts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No XLSXSHEET_TEMPLATES before or after the test (a `--templates` the test passes sets
    it) and a fresh default registry: a city's folder of one test is seen by no other."""
    monkeypatch.setenv(ENV_VAR, "")  # recorded: what a --templates sets is undone after
    monkeypatch.delenv(ENV_VAR)
    default_registry.cache_clear()
    yield
    default_registry.cache_clear()


ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_000 = ROOT / "examples" / "shisaku-management-R2.yaml"


@pytest.fixture(scope="session")
def example_000_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 施策マネジメントシート filled with seed 000's R2 content (made once per session)."""
    from xlsxsheet.core.data_files import load_document
    from xlsxsheet.layout.registry import default_registry
    from xlsxsheet.writing.make_template import make_template

    out = tmp_path_factory.mktemp("example000") / "施策12_R2.xlsx"
    layout = default_registry().get("shisaku-management")
    make_template(layout, out, None, load_document(EXAMPLE_000))
    return out


@pytest.fixture(scope="session")
def corpus_cases(tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    """The damaged-workbook corpus (tests/corpus), built once per session, by case name.

    The LibreOffice cases are built only where soffice is installed.
    """
    from corpus.build import build_corpus

    from xlsxsheet.external.libreoffice import find_soffice

    soffice = find_soffice()
    out = tmp_path_factory.mktemp("corpus-shared")
    return {case.name: case for case in build_corpus(out, soffice, libreoffice=bool(soffice))}
