"""The bundled examples/ folder."""

from __future__ import annotations

from pathlib import Path

from xlsxsheet.data_folders import data_folder


def examples_dir() -> Path:
    return data_folder("examples")


def example_documents() -> list[Path]:
    """Every bundled data document (examples/*.yaml), sorted by name."""
    return sorted(examples_dir().glob("*.yaml"))
