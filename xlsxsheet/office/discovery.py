"""Find the workbooks to check: files as given, folders walked for Excel workbooks.

Departments name files however they like (Japanese, spaces, full-width characters); the walk
takes every .xlsx / .xlsm / .xls, and every file saved in another spreadsheet format a
department may send instead (.ods, .xlsb, a template .xltx …), so that checking it says what to
do rather than the file being passed over without a word. It leaves out what is not a return:
Excel's lock files (``~$…``) and hidden files and folders (``.…``, or the hidden attribute on
Windows).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls"})
# other spreadsheet formats: not read, but found, so that each is reported with what to do
OTHER_SPREADSHEET_SUFFIXES = frozenset(
    {".ods", ".fods", ".xlsb", ".xltx", ".xltm", ".xlt", ".numbers", ".et"}
)


def is_hidden(path: Path) -> bool:
    """A dot name, or a file with the Windows hidden attribute."""
    if path.name.startswith("."):
        return True
    attributes = getattr(_stat(path), "st_file_attributes", 0)
    return bool(attributes & getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0))


def is_workbook_name(path: Path) -> bool:
    """An Excel workbook by its name, and not a lock file Excel leaves beside an open one."""
    return path.suffix.lower() in WORKBOOK_SUFFIXES and not path.name.startswith("~$")


def is_spreadsheet_name(path: Path) -> bool:
    """A workbook, or a spreadsheet in another format that a folder walk reports."""
    suffix = path.suffix.lower()
    return (
        suffix in WORKBOOK_SUFFIXES or suffix in OTHER_SPREADSHEET_SUFFIXES
    ) and not path.name.startswith("~$")


def iter_workbooks(paths: Iterable[Path]) -> Iterator[Path]:
    """Every workbook under `paths`, each once: files as given, folders walked, sorted.

    A file named explicitly is yielded whatever its name (checking it says what is wrong);
    a path that does not exist is yielded too, so the caller reports it instead of losing it.
    """
    seen: set[Path] = set()
    for given in paths:
        given = Path(given)
        found = _walk(given) if given.is_dir() else iter([given])
        for path in found:
            key = _identity(path)
            if key not in seen:
                seen.add(key)
                yield path


def display_name(path: Path, roots: Iterable[Path]) -> Path:
    """A found workbook's path relative to the folder it was found in (its name if given alone).

    Names the file in reports and places the per-file copies; a folder's own name is kept as the
    first part when several folders were given, so that equal names in two folders stay apart.
    """
    path = Path(path)
    folders = [Path(r) for r in roots if Path(r).is_dir()]
    for root in folders:
        try:
            relative = path.relative_to(root)
        except ValueError:
            continue
        return Path(root.name, relative) if len(folders) > 1 and root.name else relative
    return Path(path.name)


def _walk(folder: Path) -> Iterator[Path]:
    files: list[Path] = []
    for root, dirs, names in os.walk(folder):
        base = Path(root)
        dirs[:] = [d for d in dirs if not is_hidden(base / d)]
        for name in names:
            path = base / name
            if is_spreadsheet_name(path) and not is_hidden(path):
                files.append(path)
    files.sort(key=lambda p: [part.casefold() for part in p.relative_to(folder).parts])
    yield from files


def _identity(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None
