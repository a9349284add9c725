"""The wheel carries every subpackage and the bundled layouts and examples."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_listed_in_pyproject() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "xlsxsheet").rglob("__init__.py")
    }
    assert found <= listed, f"add to pyproject.toml packages: {sorted(found - listed)}"


def test_wheel_ships_layouts_and_examples(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("xlsxsheet-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for layout in (ROOT / "templates").glob("*.yaml"):
        assert f"xlsxsheet/templates/{layout.name}" in names
    for example in (ROOT / "examples").glob("*.yaml"):
        assert f"xlsxsheet/examples/{example.name}" in names
    for template in (ROOT / "xlsxsheet" / "office" / "report_templates").glob("*.j2"):
        assert f"xlsxsheet/office/report_templates/{template.name}" in names
    for folder in ("templates", "static"):  # the web pages and their script
        for page in (ROOT / "xlsxsheet" / "web" / folder).iterdir():
            assert f"xlsxsheet/web/{folder}/{page.name}" in names
