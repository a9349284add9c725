"""A layout named as staff name it: its id (shisaku-management) or its Japanese title
(施策マネジメントシート, full-width or not); a name that is neither gets a suggestion."""

from __future__ import annotations

import difflib
import unicodedata

from xlsxsheet.core.errors import LayoutError, UnknownLayoutError
from xlsxsheet.layout.folders import not_found_message
from xlsxsheet.layout.model import Layout
from xlsxsheet.layout.registry import LayoutRegistry


def _folded(name: str) -> str:
    """NFKC, spaces removed: 施策マネジメント シート and 施策マネジメントシート are one name."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def find_layout(registry: LayoutRegistry, name: str) -> Layout:
    """The layout whose id or title is `name`; UnknownLayoutError naming the closest ones."""
    if name in registry.ids():
        return registry.get(name)
    layouts, broken = registry.loadable()  # a file with a mistake hides no other layout
    wanted = _folded(name)
    for layout in layouts:
        if wanted in (_folded(layout.id), _folded(layout.title)):
            return layout
    choices = {_folded(lay.id): lay for lay in layouts}
    choices.update({_folded(lay.title): lay for lay in layouts})
    close = difflib.get_close_matches(wanted, list(choices), n=1, cutoff=0.5)
    partial = [lay for lay in layouts if wanted and wanted in _folded(lay.title)]
    guess = choices[close[0]] if close else partial[0] if partial else None
    hint = f"「{guess.id}」({guess.title})ではありませんか。" if guess else ""
    listed = "、".join(f"{lay.id} ({lay.title})" for lay in layouts)
    unread = (
        f"。誤りがあって読めない様式ファイル: {'、'.join(error.file for error in broken)}"
        "(探している様式かもしれません。xlsxsheet layouts で誤りの場所と直し方を表示できます)"
        if broken
        else ""
    )
    raise UnknownLayoutError(
        not_found_message(name, hint, registry.files(), registry.dirs, listed)
        + unread
        + "。一覧は xlsxsheet layouts で表示できます。"
    )


def layout_id_of(registry: LayoutRegistry, name: str | None) -> str | None:
    """The id of the layout `--layout NAME` names (id or title); None for no `--layout`."""
    return None if name is None else find_layout(registry, name).id


def roster_layout(registry: LayoutRegistry, layout_id: str, key: str) -> tuple[str, bool]:
    """(title, keyed) of the layout a roster row names, for showing the row: a layout file with
    a mistake (or gone) shows its id with what is wrong, and is keyed when the row gives a key,
    so that one broken file hides no roster row and stops no page or report."""
    try:
        layout = registry.get(layout_id)
    except LayoutError:
        return f"{layout_id}(様式定義に誤りがあります)", bool(key)
    except UnknownLayoutError:
        return f"{layout_id}(様式定義がありません)", bool(key)
    return layout.title, layout.key_field is not None
