"""File names for the workbooks xlsxsheet writes: from a pattern, safe on Windows, unique.

A pattern names its parts in Japanese, e.g. ``{担当課}_{施策番号}_{年度}.xlsx``. The rendered
name keeps Japanese text as it is, but loses what Windows refuses: the characters
``<>:"/\\|?*``, control characters, trailing dots and spaces, and device names (CON, NUL, COM1 …).
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

from xlsxsheet.core.cells import whole_characters
from xlsxsheet.core.errors import UsageError

DEFAULT_PATTERN = "{担当課}_{施策番号}_{年度}.xlsx"
# For a layout with no 施策 key or 担当課 (one workbook for the whole plan).
FALLBACK_PATTERN = "{様式}_{年度}.xlsx"
SEPARATORS = ("_", "-", "・", " ", "　")
PLACEHOLDERS = {
    "担当課": "担当課(名簿があれば名簿の担当課)",
    "施策番号": "施策・取組の番号(様式の summary.key)",
    "番号": "{施策番号} と同じ",
    "施策名": "施策・取組の名称",
    "年度": "作成する年度の和暦 (R3)",
    "年度名": "作成する年度 (令和3年度)",
    "西暦": "作成する年度の西暦 (2021)",
    "様式": "様式の名称 (施策マネジメントシート)",
    "様式ID": "様式の ID (shisaku-management)",
    "元ファイル": "元にした提出ファイルの名前(拡張子なし)",
}
SUFFIX = ".xlsx"
COPY_MARK = "_修正版"  # 施策12.xlsx → 施策12_修正版.xlsx
REPLACEMENT = "_"
MAX_STEM = 120
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_DEVICE_NAMES = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
    "COM¹",
    "COM²",
    "COM³",
    "LPT¹",
    "LPT²",
    "LPT³",
}


def check_pattern(pattern: str) -> None:
    """Raise UsageError when the pattern has an unknown or malformed placeholder."""
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise UsageError(
            f"ファイル名のパターン「{pattern}」の {{ }} の対応が正しくありません({exc})。"
            f"例: {DEFAULT_PATTERN}"
        ) from exc
    for _text, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            known = "、".join("{" + p + "}" for p in PLACEHOLDERS)
            raise UsageError(
                f"ファイル名のパターン「{pattern}」の {{{name}}} は使えません。使える名前: {known}"
            )


def render_pattern(pattern: str, values: Mapping[str, str]) -> str:
    """The file name a pattern gives for these values, made safe (see safe_file_name).

    An empty value takes one separator (_ - ・ or a space) beside it away with it, so that
    `{担当課}_{施策番号}_{年度}` with no 施策番号 gives 福祉総務課_R3, not 福祉総務課__R3.
    """
    check_pattern(pattern)
    filled = {name: _one_line(values.get(name) or "") for name in PLACEHOLDERS}
    filled["番号"] = filled["施策番号"] = filled["施策番号"] or filled["番号"]
    pieces: list[str] = []
    drop_next = False
    for text, name, _spec, _conversion in string.Formatter().parse(pattern):
        if drop_next and text[:1] in SEPARATORS:
            text = text[1:]
        elif drop_next and pieces and pieces[-1][-1:] in SEPARATORS:
            pieces[-1] = pieces[-1][:-1]
        if text:
            pieces.append(text)
        drop_next = False
        if name is not None and filled[name]:
            pieces.append(filled[name])
        elif name is not None:
            drop_next = True
    if drop_next and pieces and pieces[-1][-1:] in SEPARATORS:
        pieces[-1] = pieces[-1][:-1]
    return safe_file_name("".join(pieces))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def safe_file_name(name: str) -> str:
    """A .xlsx file name Windows accepts, keeping the Japanese text of `name`: at most
    MAX_STEM characters before the suffix, and short enough, with room for the _2 a taken name
    gets, for Windows (255 UTF-16 units a name) and for Linux and macOS (255 UTF-8 bytes)."""
    name = unicodedata.normalize("NFC", whole_characters(name))
    name = _FORBIDDEN.sub(REPLACEMENT, name).strip()
    stem = name[: -len(SUFFIX)] if name.lower().endswith(SUFFIX) else name
    stem = stem.strip().rstrip(". ")
    if len(stem) > MAX_STEM:
        stem = stem[:MAX_STEM].rstrip(". ")
    stem = _fit(stem, MAX_NAME - _NUMBER_ROOM)
    if not stem.strip(REPLACEMENT + " ."):
        stem = "無題"
    if stem.split(".")[0].strip().upper() in _DEVICE_NAMES:
        stem = REPLACEMENT + stem
    return stem + SUFFIX


class NameAllocator:
    """Hands out file names in one folder, adding _2, _3 … where a name is taken.

    Names compare as Windows does: case-insensitively, after Unicode normalisation.
    """

    def __init__(self, taken: Iterable[str] = (), folder: Path | None = None) -> None:
        self._taken = {_fold(n) for n in taken}
        # names in `folder` are shortened so that the whole path fits Windows' 260 characters
        self._room = MAX_PATH - _units(str(folder.resolve())) - 1 if folder is not None else None

    def allocate(self, name: str) -> str:
        stem, suffix = name[: -len(SUFFIX)], SUFFIX
        if self._room is not None and self._room > len(SUFFIX) + _NUMBER_ROOM + 8:
            stem = _fit(stem, self._room - _NUMBER_ROOM, utf8=False)
        candidate, number = stem + suffix, 1
        while _fold(candidate) in self._taken:
            number += 1
            candidate = f"{stem}_{number}{suffix}"
        self._taken.add(_fold(candidate))
        return candidate


MAX_NAME = 255  # UTF-16 units of a file name on Windows; UTF-8 bytes on Linux and macOS
MAX_PATH = 259  # UTF-16 units of a whole path on Windows by default (MAX_PATH, less its NUL)
_NUMBER_ROOM = 5  # for the _2 … _9999 a taken name gets


def _units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _fit(stem: str, limit: int, utf8: bool = True) -> str:
    """`stem` shortened until stem + SUFFIX is at most `limit` UTF-16 units (and, with utf8,
    UTF-8 bytes)."""

    def size(text: str) -> int:
        units = _units(text)
        return max(units, len(text.encode("utf-8", "surrogatepass"))) if utf8 else units

    while stem and size(stem + SUFFIX) > limit:
        stem = stem[:-1].rstrip(". ")
    return stem or "無題"


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def taken_in(folder: Path, paths: Iterable[Path]) -> list[str]:
    """Names of `paths` that lie in `folder` (inputs must never be overwritten)."""
    folder = folder.resolve()
    return [p.name for p in paths if p.resolve().parent == folder]


def safe_workbook_name(name: str) -> str:
    """safe_file_name, but a macro-enabled workbook keeps its .xlsm (its copies hold the VBA
    project: Excel refuses to open such a workbook named .xlsx)."""
    if name.lower().endswith(".xlsm"):
        return safe_file_name(name[: -len(".xlsm")] + SUFFIX)[: -len(SUFFIX)] + ".xlsm"
    return safe_file_name(name)


def fixed_name(name: str) -> str:
    """`施策12.xlsx` → `施策12_修正版.xlsx`: the corrected copy's name, safe on Windows, the
    macro-enabled suffix kept (Excel refuses a workbook with macros named .xlsx); any other
    workbook (.xls among them) gets .xlsx."""
    path = Path(name)
    known = path.suffix.lower() in (".xlsx", ".xlsm", ".xls")
    suffix = ".xlsm" if path.suffix.lower() == ".xlsm" else SUFFIX
    return safe_workbook_name(f"{path.stem if known else path.name}{COPY_MARK}{suffix}")
