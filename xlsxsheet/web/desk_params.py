"""The values the desk gives its layouts' params (a plan period, an indicator's target year).

A layout's params have defaults in its file; the office sets, on its 様式の設定 page, the values
the templates the desk makes from now on carry: a blank template a 課 downloads, and next year's
templates (the 翌年度の様式 and new-year jobs, where they replace the returns' own, each change said
in the job's report, as `rollover --param` does). A value set back to the layout's default is
forgotten, so that a changed layout file's default is followed again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from xlsxsheet.core.errors import LayoutError, UnknownLayoutError
from xlsxsheet.layout.model import Layout, Param
from xlsxsheet.layout.param_values import param_shown, param_value
from xlsxsheet.layout.registry import LayoutRegistry
from xlsxsheet.web.store import Store

SETTING = "layout_params"


def desk_params(store: Store) -> dict[str, dict[str, Any]]:
    """layout id → param id → value, for the params the office set."""
    kept = store.setting(SETTING)
    return json.loads(kept) if kept else {}


def layout_desk_params(store: Store, layout: Layout) -> dict[str, Any]:
    """The params the office set for `layout` that it still has (a param since removed from
    the layout file is not given)."""
    return {k: v for k, v in desk_params(store).get(layout.id, {}).items() if k in layout.params}


def rollover_params(store: Store, registry: LayoutRegistry) -> dict[str, dict[str, Any]]:
    """What the office set, for `rollover(params=...)`: of the layouts that still have them."""
    given: dict[str, dict[str, Any]] = {}
    for layout_id in desk_params(store):
        try:
            layout = registry.get(layout_id)
        except (LayoutError, UnknownLayoutError):
            continue  # its file broken or gone: the office page says so
        if values := layout_desk_params(store, layout):
            given[layout_id] = values
    return given


def set_layout_params(store: Store, layout: Layout, texts: dict[str, str]) -> list[str]:
    """Keep the values typed for `layout`'s params (param id → text; empty: the default).
    Raises UsageError (Japanese) for a value the param does not take, before keeping any.
    Returns what changed, a line each, for the page to say."""
    before = layout_desk_params(store, layout)
    values: dict[str, Any] = {}
    for param in layout.params.values():
        text = texts.get(param.id, "").strip()
        if text:
            value = param_value(layout, param, text)
            if value != param.default:
                values[param.id] = value
    kept = desk_params(store)
    if values:
        kept[layout.id] = values
    else:
        kept.pop(layout.id, None)
    store.set_setting(SETTING, json.dumps(kept, ensure_ascii=False))
    changed = []
    for param in layout.params.values():
        old = before.get(param.id, param.default)
        new = values.get(param.id, param.default)
        if old != new:
            changed.append(
                f"{layout.title}の{param.label}: {param_shown(param, old)} → {param_shown(param, new)}"
            )
    return changed


@dataclass(frozen=True)
class ParamRow:
    """One param as the page shows it."""

    param: Param
    value: Any  # the value templates get: the office's, else the default
    set_here: bool

    @property
    def shown(self) -> str:
        return param_shown(self.param, self.value)

    @property
    def default_shown(self) -> str:
        return param_shown(self.param, self.param.default)


def params_page_rows(store: Store, layouts: list[Layout]) -> list[tuple[Layout, list[ParamRow]]]:
    """The layouts that have params, each with its params' rows."""
    rows = []
    for layout in layouts:
        if not layout.params:
            continue
        given = layout_desk_params(store, layout)
        rows.append(
            (
                layout,
                [
                    ParamRow(p, given.get(p.id, p.default), p.id in given)
                    for p in layout.params.values()
                ],
            )
        )
    return rows
