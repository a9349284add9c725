"""The optional `import:` section of a layout file: how cities word its labels.

```yaml
import:
  aliases:                      # a label as the template prints it: other wordings
    財源内訳: [財源内, 財源]
  fields:                       # a field a city writes inside another cell
    header.shisaku_no: {label: 基本施策名, pattern: '^([0-9 ]+?)\\s+\\D', remove_spaces: true}
```
Everything else about a label is derived from the layout itself (what its template prints).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from xlsxsheet.layout.suggest import near as _near


@dataclass(frozen=True)
class FieldImport:
    """A field whose value sits inside the cell after `label`, taken by `pattern`'s group 1."""

    field_id: str
    label: str
    pattern: re.Pattern[str]
    remove_spaces: bool = False


@dataclass(frozen=True)
class CellImport:
    """A field typed inside a cell together with its label (`【施策統括課：福祉総務課】`): the
    first cell of a sheet, top to bottom, whose text matches `pattern`, group 1."""

    field_id: str
    pattern: re.Pattern[str]
    remove_spaces: bool = False


@dataclass(frozen=True)
class ColumnImport:
    """A column of a positional table: read under `heading` (default: the template's own),
    the part `pattern` takes (group 1), or the whole cell."""

    heading: str | None = None
    pattern: re.Pattern[str] | None = None
    remove_spaces: bool = False
    from_group: int | None = None  # the value is this group of the table's `group` match
    rest_to: str | None = None  # the cell's text after `pattern`'s match goes to this column


@dataclass(frozen=True)
class TableImport:
    """How a city's sheet writes a table: its columns' headings and parts (`columns`) and,
    for a table whose rows have no labels, `group`: each group starts at a heading matching it
    (group 1 = the first level's label, `＜展開方向１：…＞` → 1) and the rows under the table's
    heading row are the next level's items in order (ア, イ)."""

    table_id: str
    group: re.Pattern[str] | None
    columns: dict[str, ColumnImport] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportSpec:
    """The layout's `import:` section (empty when the layout has none)."""

    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fields: dict[str, FieldImport] = field(default_factory=dict)
    cells: dict[str, CellImport] = field(default_factory=dict)
    tables: dict[str, TableImport] = field(default_factory=dict)
    # texts a records table's cell holds to say "nothing here" (a `/` drawn in a 事業 row's
    # Check cell): read as empty, and reported (normalised as labels are)
    blank_marks: tuple[str, ...] = ()


def load_import(builder: Any) -> ImportSpec:
    """Read `import:` with the loader's `_Node` errors (file, line, place, fix)."""
    raw = builder.root.get("import")
    if raw is None:
        return ImportSpec()
    node = type(builder.root)(builder.source, raw, "import")
    node.check_keys({"aliases", "fields", "tables", "blank_marks"})
    marks = node.get("blank_marks") or []
    if isinstance(marks, str):
        marks = [marks]
    if not isinstance(marks, list) or not all(isinstance(w, str) and w.strip() for w in marks):
        node.fail(
            "blank_marks には空欄の印を文字列のリストで書いてください",
            "例: blank_marks: [/, ／]",
        )
    aliases: dict[str, tuple[str, ...]] = {}
    if node.get("aliases") is not None:
        an = node.child("aliases")
        for label, words in an.data.items():
            if isinstance(words, str):
                words = [words]
            if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
                an.fail(
                    f"aliases の「{label}」には別の書き方を文字列のリストで書いてください",
                    f"例: {label}: [別名1, 別名2]",
                )
            aliases[str(label)] = tuple(words)
    fields: dict[str, FieldImport] = {}
    cells: dict[str, CellImport] = {}
    if node.get("fields") is not None:
        fn = node.child("fields")
        for field_id in fn.data:
            if field_id not in builder.fields:
                fn.fail(
                    f"fields の「{field_id}」はこのレイアウトの項目ではありません",
                    _near(str(field_id), builder.fields),
                )
            en = fn.child(str(field_id))
            en.check_keys({"label", "pattern", "remove_spaces"}, {"pattern"})
            pattern = _pattern(en)
            spaces = bool(en.get("remove_spaces", False))
            if en.get("label") is None:  # label and value in one cell
                cells[str(field_id)] = CellImport(str(field_id), pattern, spaces)
                continue
            fields[str(field_id)] = FieldImport(str(field_id), en.text("label"), pattern, spaces)
    tables = _tables(node, builder) if node.get("tables") is not None else {}
    return ImportSpec(aliases, fields, cells, tables, tuple(marks))


def _pattern(en: Any, key: str = "pattern") -> re.Pattern[str]:
    try:
        pattern = re.compile(en.text(key))
    except re.error as exc:
        en.fail(f"{key} は正規表現として読めません: {exc}", "括弧の対応を確認してください")
    if pattern.groups < 1:
        en.fail(f"{key} に値を取り出す括弧 ( ) がありません", "例: '^([0-9]+)\\s'")
    return pattern


def _tables(node: Any, builder: Any) -> dict[str, TableImport]:
    """`tables:`: per table id, the heading that starts a group and how columns are read."""
    tn = node.child("tables")
    ids = {str(f).split(".")[0] for f in builder.fields}
    out: dict[str, TableImport] = {}
    for table_id in tn.data:
        if table_id not in ids:
            tn.fail(
                f"tables の「{table_id}」はこのレイアウトの表ではありません",
                _near(str(table_id), ids),
            )
        en = tn.child(str(table_id))
        en.check_keys({"group", "columns"}, set())
        columns: dict[str, ColumnImport] = {}
        known = {
            str(f).rsplit(".", 1)[-1] for f in builder.fields if str(f).startswith(f"{table_id}.")
        }
        if en.get("columns") is not None:
            cn = en.child("columns")
            for column_id in cn.data:
                if column_id not in known:
                    cn.fail(
                        f"columns の「{column_id}」は表「{table_id}」の列ではありません",
                        _near(str(column_id), known),
                    )
                cc = cn.child(str(column_id))
                cc.check_keys(
                    {"heading", "pattern", "remove_spaces", "from_group", "rest_to"}, set()
                )
                rest_to = cc.text("rest_to") if cc.get("rest_to") is not None else None
                if rest_to is not None and (rest_to not in known or cc.get("pattern") is None):
                    cc.fail(
                        f"rest_to の「{rest_to}」には表「{table_id}」の列を、pattern と一緒に"
                        "書いてください",
                        _near(rest_to, known)
                        if rest_to not in known
                        else "例: {pattern: '^(\\(\\d+\\))', rest_to: plan}",
                    )
                columns[str(column_id)] = ColumnImport(
                    cc.text("heading") if cc.get("heading") is not None else None,
                    _pattern(cc) if cc.get("pattern") is not None else None,
                    bool(cc.get("remove_spaces", False)),
                    cc.integer("from_group", minimum=1)
                    if cc.get("from_group") is not None
                    else None,
                    rest_to,
                )
        group = _pattern(en, "group") if en.get("group") is not None else None
        wanted_groups = [c.from_group for c in columns.values() if c.from_group is not None]
        if wanted_groups and (group is None or max(wanted_groups) > group.groups):
            en.fail(
                f"from_group {max(wanted_groups)} に当たる括弧が group にありません",
                "group に ( ) を足すか、from_group の番号を直してください",
            )
        out[str(table_id)] = TableImport(str(table_id), group, columns)
    return out
