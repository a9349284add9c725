"""The bundled examples/ folder (beside the package in a checkout, else as installed)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def examples_dir() -> Path:
    checkout = Path(__file__).resolve().parents[1] / "examples"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("xlsxsheet.examples")))


def example_documents() -> list[Path]:
    """Every bundled data document (examples/*.yaml), sorted by name."""
    return sorted(examples_dir().glob("*.yaml"))
