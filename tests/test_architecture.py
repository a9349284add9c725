"""The folder tree is the pipeline: the import contract holds and no module imports in a circle."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_layers_contract_of_pyproject_holds() -> None:
    """`lint-imports` with the contract of pyproject.toml: each stage imports only stages below."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports;"
            " sys.exit(lint_imports(no_cache=True, no_logo=True))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 kept, 0 broken" in done.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every group of modules that import each other, directly or not (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return groups


def test_no_module_imports_in_a_circle() -> None:
    """Also inside one stage: a lazy import inside a function counts (it is still a circle)."""
    graph = grimp.build_graph("xlsxsheet", exclude_type_checking_imports=True)
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_circle() -> None:
    graph = grimp.ImportGraph()
    for name in ("p", "p.a", "p.b", "p.c"):
        graph.add_module(name)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.a")
    graph.add_import(importer="p.c", imported="p.a")
    assert _cycles(graph) == [["p.a", "p.b"]]


@pytest.mark.parametrize(
    "stage",
    [
        "core",
        "external",
        "layout",
        "plan",
        "rules",
        "reading",
        "writing",
        "checks",
        "copies",
        "office",
        "cli",
    ],
)
def test_every_stage_is_a_layer_of_the_contract(stage: str) -> None:
    import tomllib

    contract = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "importlinter"
    ]["contracts"][0]
    named = {part.strip() for layer in contract["layers"] for part in layer.split("|")}
    assert stage in named
    assert (ROOT / "xlsxsheet" / stage / "__init__.py").is_file()


def test_importing_the_package_loads_no_stage() -> None:
    """`import xlsxsheet` is light: the API loads on first use (a worker imports what it needs)."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, xlsxsheet; print(sorted(m for m in sys.modules if m.startswith('xlsxsheet')))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "['xlsxsheet', 'xlsxsheet.core', 'xlsxsheet.core.version']"


def test_the_package_names_each_function_of_the_api() -> None:
    import inspect

    import xlsxsheet
    from xlsxsheet import api

    named = set(xlsxsheet.__all__) - {"__version__"}
    public = {
        name
        for name, value in vars(api).items()
        if inspect.isfunction(value)
        and value.__module__ == api.__name__
        and not name.startswith("_")
    }
    assert named == public
    for name in named:
        assert getattr(xlsxsheet, name) is getattr(api, name)
