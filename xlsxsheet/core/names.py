"""The defined-name scheme: every field cell of a template has a workbook-level name.

``xs_`` + the field path joined by ``_`` + ``_y`` + 西暦 fiscal year for year columns, e.g.
``xs_header_shisaku_name`` or ``xs_perf_cost_total_a_y2020``. Reading goes through these
names, so it keeps working after a department inserts rows.
"""

from __future__ import annotations

import re

PREFIX = "xs_"
META_SHEET = "_xlsxsheet"
_VALID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def field_name(path: tuple[str, ...], year: int | None = None, row: int | None = None) -> str:
    """The defined name of a field cell (row: 1-based row of a repeating table)."""
    name = PREFIX + "_".join(path)
    if row is not None:
        name += f"_r{row}"
    if year is not None:
        name += f"_y{year}"
    if not _VALID.match(name) or len(name) > 255:
        raise ValueError(f"invalid defined name {name!r}")
    return name
