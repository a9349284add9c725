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
class ImportSpec:
    """The layout's `import:` section (empty when the layout has none)."""

    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fields: dict[str, FieldImport] = field(default_factory=dict)


def load_import(builder: Any) -> ImportSpec:
    """Read `import:` with the loader's `_Node` errors (file, line, place, fix)."""
    raw = builder.root.get("import")
    if raw is None:
        return ImportSpec()
    node = type(builder.root)(builder.source, raw, "import")
    node.check_keys({"aliases", "fields"})
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
    if node.get("fields") is not None:
        fn = node.child("fields")
        for field_id in fn.data:
            if field_id not in builder.fields:
                fn.fail(
                    f"fields の「{field_id}」はこのレイアウトの項目ではありません",
                    _near(str(field_id), builder.fields),
                )
            en = fn.child(str(field_id))
            en.check_keys({"label", "pattern", "remove_spaces"}, {"label", "pattern"})
            try:
                pattern = re.compile(en.text("pattern"))
            except re.error as exc:
                en.fail(
                    f"pattern は正規表現として読めません: {exc}", "括弧の対応を確認してください"
                )
            if pattern.groups < 1:
                en.fail("pattern に値を取り出す括弧 ( ) がありません", "例: '^([0-9]+)\\s'")
            fields[str(field_id)] = FieldImport(
                str(field_id),
                en.text("label"),
                pattern,
                bool(en.get("remove_spaces", False)),
            )
    return ImportSpec(aliases, fields)
