"""Render the jinja2 label templates of a layout for one fiscal year."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from xlsxsheet.core import fiscal_year
from xlsxsheet.core.errors import LayoutError

# the filters docs/layouts.md lists, and the names a level's own label may use beside year
# and params (level_label, level_title, row_label: the level's label and key)
YEAR_FILTERS = ("long_label", "short_label", "era_year", "column_label")
LEVEL_NAMES = frozenset({"label", "key"})


@cache
def label_environment() -> jinja2.Environment:
    """The jinja2 environment labels are rendered in: the year filters, undefined names
    refused (the loader checks a layout's labels against it)."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters.update(
        era_year=fiscal_year.era_year,
        short_label=fiscal_year.short_label,
        long_label=fiscal_year.long_label,
        column_label=fiscal_year.column_label,
    )
    return env


@cache
def _compile(text: str) -> jinja2.Template:
    return label_environment().from_string(text)


def render_label(text: str, year: int, params: dict[str, Any], **extra: Any) -> str:
    """Render one label; plain text without `{{` is returned as it is.

    Rendered labels are remembered (by text, year, parameters and extras): every plan of a
    layout renders the same ones, and returns whose tables differ in length each lay out a plan.
    """
    if "{" not in text:
        return text
    key = (text, year, repr(sorted(params.items())), repr(sorted(extra.items())))
    rendered = _RENDERED.get(key)
    if rendered is None:
        if len(_RENDERED) >= _RENDERED_KEPT:
            _RENDERED.clear()
        try:
            rendered = _compile(text).render(year=year, params=params, **extra)
        except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError) as exc:
            # the loader refuses what it can see; what only rendering shows is still the
            # layout's mistake, never the workbook's
            raise LayoutError(  # its file added by the plan (workbook_plan.build_plan)
                "",
                f"ラベル「{text}」",
                f"{fiscal_year.long_label(year)}の表示にできません({exc})",
                "{{ year | long_label }} のように、year と params の項目だけを使ってください",
            ) from exc
        _RENDERED[key] = rendered
    return rendered


_RENDERED: dict[tuple[str, int, str, str], str] = {}
_RENDERED_KEPT = 4_096
