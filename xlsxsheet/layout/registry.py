"""Find layout files: the bundled templates/ and any folders a city adds."""

from __future__ import annotations

import difflib
import hashlib
import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from xlsxsheet.core.data_folders import data_folder
from xlsxsheet.core.errors import LayoutError, UnknownLayoutError
from xlsxsheet.core.version import __version__
from xlsxsheet.layout.folders import layout_files, not_found_message, yaml_files
from xlsxsheet.layout.loader import load_layout
from xlsxsheet.layout.model import Layout

ENV_VAR = "XLSXSHEET_TEMPLATES"


def bundled_templates_dir() -> Path:
    """The templates/ folder shipped with xlsxsheet."""
    return data_folder("templates")


class LayoutRegistry:
    """Layouts by id; later folders override earlier ones with the same layout id.

    A layout is loaded once and kept while its file stays as it was: a file saved again (a
    running `serve`, a long rollover) is read again on the next `get`."""

    def __init__(self, dirs: Sequence[Path]) -> None:
        self.dirs = [Path(d) for d in dirs]
        self._cache: dict[str, tuple[tuple[int, int], Layout]] = {}

    def files(self) -> dict[str, Path]:
        """Layout files by id; a YAML file that is no layout (no `layout:` line) is skipped
        and listed in `skipped()`."""
        return layout_files(tuple(self.dirs))[0]

    def skipped(self) -> list[Path]:
        """YAML files of the folders that are not layout files (a data file, a roster)."""
        return layout_files(tuple(self.dirs))[1]

    def missing(self) -> list[Path]:
        """Folders named that do not exist (a misspelt --templates or XLSXSHEET_TEMPLATES)."""
        return [folder for folder in self.dirs if not folder.is_dir()]

    def ids(self) -> list[str]:
        return sorted(self.files())

    def get(self, layout_id: str) -> Layout:
        kept = self._cache.get(layout_id)
        if kept is not None and kept[0] == _stamp(kept[1].source):
            return kept[1]
        files = self.files()
        if layout_id not in files:
            close = difflib.get_close_matches(layout_id, list(files), n=1)
            hint = f"「{close[0]}」ではありませんか。" if close else ""
            raise UnknownLayoutError(not_found_message(layout_id, hint, files, self.dirs))
        stamp = _stamp(files[layout_id])  # before reading: a save meanwhile reads it again
        layout = load_layout(files[layout_id])
        check_file_name(files[layout_id], layout)
        self._cache[layout_id] = (stamp, layout)
        return layout

    def all(self) -> list[Layout]:
        """Every layout; the first file with a mistake raises its LayoutError."""
        return [self.get(layout_id) for layout_id in self.ids()]

    def loadable(self) -> tuple[list[Layout], list[LayoutError]]:
        """Every layout that loads, and the mistake of each file that does not: one file being
        written hides none of the others (`layouts`, a layout named by its title)."""
        loaded = self._each()
        layouts = [got for got in loaded.values() if isinstance(got, Layout)]
        return layouts, [got for got in loaded.values() if isinstance(got, LayoutError)]

    def broken(self) -> dict[str, LayoutError]:
        """The id of every layout whose file has a mistake, with the mistake (the office's
        pages name them; a return of such a layout cannot be checked until it is mended)."""
        return {i: got for i, got in self._each().items() if isinstance(got, LayoutError)}

    def _each(self) -> dict[str, Layout | LayoutError]:
        loaded: dict[str, Layout | LayoutError] = {}
        for layout_id in self.ids():
            try:
                loaded[layout_id] = self.get(layout_id)
            except LayoutError as exc:
                loaded[layout_id] = exc
        return loaded

    def fingerprint(self) -> str:
        """What a check made now depends on, as one text: xlsxsheet's version and the bytes of
        every YAML file in the folders (a layout file changed, added, removed or renamed changes
        it; the same files copied elsewhere do not). A result kept with another fingerprint was
        made with other layouts (the web service checks such uploads again)."""
        digest = hashlib.sha256(__version__.encode())
        for index, folder in enumerate(self.dirs):  # a later folder wins: its place counts
            digest.update(b"\0folder %d\0" % index)
            if not folder.is_dir():
                continue
            for path in yaml_files(folder):
                try:
                    data = path.read_bytes()
                except OSError:
                    data = b"\0unreadable"
                name = path.name.encode("utf-8", "surrogateescape")
                digest.update(b"\0file\0" + name + b"\0" + hashlib.sha256(data).digest())
        return digest.hexdigest()


def check_file_name(path: Path, layout: Layout) -> None:
    """A layout is found by its file name: a file named otherwise than its `layout:` id is a
    mistake (the registry refuses it, and so does `layouts --check`)."""
    if layout.id != path.stem:
        raise LayoutError(
            path.name,
            "layout",
            f"layout: {layout.id} がファイル名 {path.stem} と違います",
            f"ファイル名を {layout.id}{path.suffix} に変えてください"
            "(様式の ID とファイル名は同じにします)",
        )


def _stamp(path: Path) -> tuple[int, int]:
    """When the file was last written and its size ((-1, -1): gone)."""
    try:
        status = path.stat()
    except OSError:
        return (-1, -1)
    return (status.st_mtime_ns, status.st_size)


@cache
def default_registry() -> LayoutRegistry:
    """Bundled layouts, then folders named in $XLSXSHEET_TEMPLATES (os.pathsep separated; the
    commands' --templates DIR puts its folders there, so worker processes see them too)."""
    extra = [Path(p) for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p]
    return LayoutRegistry([bundled_templates_dir(), *extra])
