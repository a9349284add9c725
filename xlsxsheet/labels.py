"""Render the jinja2 label templates of a layout for one fiscal year."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from xlsxsheet import fiscal_year


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
    """Render one label; plain text without `{{` is returned as it is."""
    if "{" not in text:
        return text
    return _compile(text).render(year=year, params=params, **extra)
