"""Every problem code xlsxsheet can report is in the catalogue and in the README's table."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from xlsxsheet.core.problem_docs import END, SECTIONS, START, problem_table
from xlsxsheet.core.problems import CATALOGUE

ROOT = Path(__file__).resolve().parents[1]
CODE = re.compile(r"[a-z]+(-[a-z]+)+")
# the calls that make a problem (or a rollover item) from a code given as a string
MAKERS = {"Problem", "problem_at", "_problem", "_fail", "WorkbookError", "add"}


def codes_in_source() -> dict[str, str]:
    """Each code string handed to a problem-making call in xlsxsheet/, with where it is."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "xlsxsheet").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name not in MAKERS:
                continue
            for arg in node.args[:3]:
                text = arg.value if isinstance(arg, ast.Constant) else None
                if isinstance(text, str) and CODE.fullmatch(text):
                    found.setdefault(text, f"{path.name}:{node.lineno}")
    return found


def test_every_code_the_source_reports_is_in_the_catalogue() -> None:
    found = codes_in_source()
    assert len(found) > 40  # the scan sees the calls (else this test proves nothing)
    unknown = {c: where for c, where in found.items() if c not in CATALOGUE}
    assert not unknown, unknown


def test_every_catalogue_code_is_reported_somewhere() -> None:
    found = codes_in_source()
    literals = set()
    for path in (ROOT / "xlsxsheet").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in CATALOGUE:
                literals.add(node.value)
    assert set(found) & set(CATALOGUE) <= literals
    assert set(CATALOGUE) <= literals  # no code documented that nothing can report


def test_the_readme_table_is_the_catalogue() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count(START) == 1 and readme.count(END) == 1
    shown = readme[readme.index(START) : readme.index(END) + len(END)]
    assert shown == problem_table(), "run: python -m xlsxsheet.core.problem_docs"
    for code, (_, title) in CATALOGUE.items():
        assert f"| `{code}` |" in shown and title in shown, code


def test_the_sections_hold_each_code_once() -> None:
    codes = [c for _, section in SECTIONS for c in section]
    assert sorted(codes) == sorted(CATALOGUE)
