"""The roster: the central office's list of next year's sheets, one CSV row per 施策/事務事業.

Columns (header row required, in any order): 様式 (layout id or title), 施策番号 (the key the
layout's `summary.key` names), 担当課, and optionally ファイル名 and 区分 (新規 for a 施策 with no
return this year). Columns named 備考/メモ are ignored. Excel on Windows saves CSV as cp932;
UTF-8 with or without BOM is read too.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from xlsxsheet.core.errors import RosterError

COLUMNS: dict[str, tuple[str, ...]] = {
    "layout": ("様式", "様式id", "layout", "レイアウト"),
    "key": ("施策番号", "取組番号", "番号", "キー", "key", "施策", "取組", "no", "no."),
    "dept": ("担当課", "主管課", "施策統括課", "所管課", "dept", "department"),
    "file": ("ファイル名", "file", "filename"),
    "status": ("区分", "状態", "status"),
}
REQUIRED = ("layout", "key", "dept")
IGNORED = ("備考", "メモ", "note", "notes", "memo")
NEW_WORDS = ("新規", "new")


@dataclass(frozen=True)
class RosterEntry:
    """One row of the roster: which sheet to make, for whom, under which file name."""

    line: int
    layout: str
    key: str
    dept: str
    file_name: str | None = None
    new: bool = False


def normalize_key(value: object) -> str:
    """A key as it is compared: NFKC (全角 → 半角), outer spaces removed."""
    return unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()


_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")


def matching_key(value: object) -> str:
    """A key as a roster row and a return are matched by: normalize_key, and a number's
    leading zeros dropped (07 is 7, 03-02-015 is 3-2-15), since Excel drops them when a
    roster CSV is opened and saved again."""
    return _LEADING_ZEROS.sub("", normalize_key(value))


def matched_as(key: object, keyed: bool) -> str:
    """A roster row's or a return's key as the two are matched: matching_key, or "" for a
    layout without summary.key (one workbook a year: its row is answered by its 様式 alone,
    whatever number the row gives)."""
    return matching_key(key) if keyed else ""


def decode_csv(data: bytes, name: str) -> str:
    """The text of a CSV file saved as UTF-8 (with or without BOM) or cp932."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    for encoding in ("utf-8", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterError(
        f"名簿 {name} の文字コードを読み取れません。UTF-8 か Shift_JIS (Excel の「CSV」) で"
        "保存してください。"
    )


def _header_id(text: str) -> str | None:
    folded = "".join(normalize_key(text).lower().split())
    for column, names in COLUMNS.items():
        if folded in names:
            return column
    if folded.startswith(IGNORED) or not folded:
        return ""
    return None


def read_roster(
    path: Path,
    layouts: Mapping[str, str] | None = None,
    broken: Mapping[str, str] | None = None,
    keyless: Collection[str] = (),
    units: Mapping[str, str] | None = None,
) -> list[RosterEntry]:
    """Read and check a roster; `layouts` maps the names a row may use to layout ids, `broken`
    the ids of layout files with a mistake to the mistake (a row naming one is told so),
    `keyless` the ids of layouts without a summary.key (one workbook a year, answered by the
    様式 alone): their rows may leave 施策番号 blank; `units` what each layout's rows are
    (事務事業), for the messages (施策 where it does not say).

    Raises RosterError listing every bad line at once.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise RosterError(f"名簿 {path} が見つかりません。") from exc
    text = decode_csv(data, path.name)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    previous = 0
    for row in reader:
        rows.append((previous + 1, row))
        previous = reader.line_num
    errors: list[str] = []
    rows = [(n, r) for n, r in rows if any(c.strip() for c in r)]
    if not rows:
        raise RosterError(
            f"名簿 {path.name} が空です。1行目に見出し(様式,施策番号,担当課)、2行目から"
            "1行に提出1件(施策・事務事業ごと)を書いてください。"
        )
    header_line, header = rows[0]
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        column = _header_id(title)
        if column is None:
            errors.append(
                f"{header_line}行目: 見出し「{title}」は使えません(使える見出し: 様式, 施策番号,"
                " 担当課, ファイル名, 区分, 備考)"
            )
        elif column and column in columns:
            errors.append(f"{header_line}行目: 見出し「{title}」が重複しています")
        elif column:
            columns[column] = index
    missing = [COLUMNS[c][0] for c in REQUIRED if c not in columns]
    if missing:
        errors.append(f"{header_line}行目: 見出しに「{'」「'.join(missing)}」がありません")
    if errors:
        raise RosterError(_message(path, errors))

    key_title = normalize_key(header[columns["key"]]) or "施策番号"  # the roster's own word

    def cell(row: list[str], column: str) -> str:
        index = columns.get(column)
        return normalize_key(row[index]) if index is not None and index < len(row) else ""

    entries: list[RosterEntry] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows[1:]:
        if row[0].lstrip().startswith("#"):
            continue
        layout, key, dept = cell(row, "layout"), cell(row, "key"), cell(row, "dept")
        status = cell(row, "status")
        new = status.lower() in NEW_WORDS
        if status and not new:
            errors.append(f"{line}行目: 区分「{status}」は使えません(新規 か 空欄)")
        if not layout:
            errors.append(f"{line}行目: 様式が空欄です")
        elif layouts is not None:
            if layout in (broken or {}) and layout not in layouts:
                errors.append(
                    f"{line}行目: 様式「{layout}」のレイアウトファイルに誤りがあります"
                    f"({broken[layout]})。直してからもう一度実行してください"
                )
            elif layout not in layouts:
                errors.append(
                    f"{line}行目: 様式「{layout}」はありません{_near_layout(layout, layouts)}"
                    f"(使える様式: {_layout_titles(layouts)})"
                )
            else:
                layout = layouts[layout]
        known = layouts is None or layout in layouts.values()  # else its 様式 is the mistake
        unit = (units or {}).get(layout, "施策")
        if not key and layout not in keyless and known:
            errors.append(
                f"{line}行目: {key_title}が空欄です"
                + (f"(様式「{layout}」の提出は{unit}の番号で見分けます)" if layout else "")
            )
        if new and not dept:
            errors.append(f"{line}行目: 新規の{unit}には担当課を書いてください")
        if layout and key:
            same = (layout, matching_key(key))
            if same in seen:
                errors.append(
                    f"{line}行目: 様式 {layout} の番号「{key}」は {seen[same]}行目と重複しています"
                )
            seen.setdefault(same, line)
        entries.append(RosterEntry(line, layout, key, dept, cell(row, "file") or None, new))
    if errors:
        raise RosterError(_message(path, errors))
    return entries


def _near_layout(name: str, layouts: Mapping[str, str]) -> str:
    """「…ではありませんか」: the name a row likely means (the closest, or the one title
    that holds it: 進捗管理表 for 地域福祉計画 進捗管理表)."""
    holding = sorted({n for n in layouts if name and name in n and n != layouts[n]})
    close = difflib.get_close_matches(name, sorted(layouts), n=1, cutoff=0.6)
    guess = holding[0] if len(holding) == 1 else close[0] if close else None
    return f"。「{guess}」ではありませんか" if guess else ""


def _message(path: Path, errors: list[str]) -> str:
    return f"名簿 {path.name} を使えません:\n" + "\n".join(f"- {e}" for e in errors)


def _layout_titles(layouts: dict[str, str]) -> str:
    """The layouts a roster may name, by the titles an office writes (an id where it has none)."""
    titles = {layout_id: layout_id for layout_id in layouts.values()}
    for name, layout_id in layouts.items():
        if name != layout_id:
            titles[layout_id] = name
    return "、".join(sorted(titles.values()))
