"""Key texts: the fields the layout's `summary:` names as numbers (`key`, `policy`, the keys of
`levels`: 事業番号, 施策番号, 政策番号) and how their text is written once normalised — the
characters of the Halfwidth and Fullwidth Forms and the ideographic space in their usual width
(`３－２` is 3-2, `０３－０２－０１５` is 03-02-015), every other character as typed (`①`, `Ⅱ`: the
office's own notation). The check reports such a text as read so and fix writes it so; rollover
writes it so into next year's template. Free text (取組状況, 課題…) is never one of them.

collect shows keys by the same rule (office.report.shown_key calls key_form). A records table's
`hierarchy` code column is not one: on a heading row of the level above, it holds that level's
name (free text)."""

from __future__ import annotations

import re
import unicodedata

from xlsxsheet.core.memo import derived
from xlsxsheet.layout import model as m

KEY_WIDTH_CODE = "fullwidth-letters"  # the reader's note for the same change of a choice
_WIDE = re.compile("[\u3000\uff00-\uffef]+")  # ideographic space, 全角英数・記号, 半角カナ


def key_form(text: str) -> str:
    """`text` (already trimmed by the reader) as a key is written: see the module."""
    return _WIDE.sub(lambda found: unicodedata.normalize("NFKC", found.group()), text).strip()


def key_fields(layout: m.Layout) -> frozenset[str]:
    """The ids of the layout's key fields of type text (once per layout)."""
    kept = derived(layout)
    found = kept.get("key_fields")
    if found is None:
        found = kept["key_fields"] = frozenset(
            field_id
            for field_id in _summary_keys(layout)
            if field_id in layout.fields and layout.fields[field_id].type == "text"
        )
    return found


def _summary_keys(layout: m.Layout) -> tuple[str, ...]:
    summary = layout.summary
    if summary is None:
        return ()
    levels = tuple(level.key for level in summary.levels if level.key)
    return tuple(key for key in (summary.key, summary.policy, *levels) if key)
