"""Render the jinja2 label templates of a layout for one fiscal year."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from xlsxsheet.core import fiscal_year


@cache
def _environment() -> jinja2.Environment:
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
    return _environment().from_string(text)


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
        rendered = _RENDERED[key] = _compile(text).render(year=year, params=params, **extra)
    return rendered


_RENDERED: dict[tuple[str, int, str, str], str] = {}
_RENDERED_KEPT = 4_096
