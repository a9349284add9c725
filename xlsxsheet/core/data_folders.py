"""Where the bundled data folders are: beside the package in a checkout, else as installed.

The top-level `templates/` and `examples/` folders ship inside the wheel as the data-only
packages `xlsxsheet.templates` and `xlsxsheet.examples` (see pyproject.toml).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2]


def data_folder(name: str) -> Path:
    """The folder `name` (templates or examples) of this installation."""
    checkout = _CHECKOUT / name
    if checkout.is_dir() and (_CHECKOUT / "pyproject.toml").is_file():
        return checkout
    spec = importlib.util.find_spec(f"xlsxsheet.{name}")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"xlsxsheet の {name} フォルダが見つかりません。再インストールしてください。"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def examples_dir() -> Path:
    return data_folder("examples")


def example_documents() -> list[Path]:
    """Every bundled data document (examples/*.yaml), sorted by name."""
    return sorted(examples_dir().glob("*.yaml"))
