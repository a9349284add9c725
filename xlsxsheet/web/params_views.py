"""The office's 様式の設定 page: the values of the layouts' params its templates get."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request

from xlsxsheet.core.errors import LayoutError, UnknownLayoutError, UsageError
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.web.auth import admin_only, store
from xlsxsheet.web.desk_params import params_page_rows, set_layout_params
from xlsxsheet.web.views import bp


@bp.get("/admin/params")
@admin_only
def layout_params() -> Any:
    return _page([])


@bp.post("/admin/params/<layout_id>")
@admin_only
def set_params(layout_id: str) -> Any:
    try:
        layout = default_registry().get(layout_id)
    except (LayoutError, UnknownLayoutError):
        abort(404)
    texts = {p.id: request.form.get(p.id, "") for p in layout.params.values()}
    try:
        changed = set_layout_params(store(), layout, texts)
    except UsageError as exc:
        abort(400, f"{exc} 設定は変えていません。")
    return _page(changed or [f"{layout.title}: 変更はありません。"])


def _page(changed: list[str]) -> Any:
    """The layouts of the desk year's roster (the templates the desk makes), in its order."""
    layouts, _ = default_registry().loadable()
    order = {row["layout"]: row["line"] for row in reversed(store().roster(store().year))}
    layouts = sorted((lay for lay in layouts if lay.id in order), key=lambda lay: order[lay.id])
    return render_template(
        "params.html",
        rows=params_page_rows(store(), layouts),
        changed=changed,
        year=store().year,
    )
