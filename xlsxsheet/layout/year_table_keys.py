"""Keys of year-table series beyond the first ones, and the check of references between sections.

A series may be a choice (`list`, e.g. the indicator's 望ましい方向 written once across the
years), take words instead of a number (`words: [未定]`) or keep its text (`keep_text`). A
formula may read a series of another section of the same table in the same year by its path
below the table (``activity.a1.actual``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xlsxsheet.layout import model as m
from xlsxsheet.layout.formula import parse_formula

if TYPE_CHECKING:
    from xlsxsheet.layout.loader import _LayoutBuilder, _Node

SERIES_KEYS = ("list", "words", "keep_text", "year_roles", "unit_from")
UNIT_SUFFIX = "_unit"  # the id of a row's 単位 cell shown from `unit_from`: actual_unit


def unit_field(
    builder: _LayoutBuilder, node: _Node, series_path: tuple[str, ...], label: str
) -> None:
    """The computed 単位 cell of a row whose unit is typed in another row of its item
    (`unit_from: unit`): its formula shows that cell (blank while it is blank)."""
    ref = node.text("unit_from")
    path = (*series_path[:-1], series_path[-1] + UNIT_SUFFIX)
    builder.fields[".".join(path)] = m.FieldDef(
        path=path,
        label=f"{label} 単位",
        type="text",
        formula=ref,
        place=node.place,
        rollover="recompute",
    )


def check_units(node: _Node, series: tuple[m.Series, ...]) -> None:
    """`unit_from` names a series of the same section written across the years."""
    from xlsxsheet.layout.suggest import near as _near

    across = {s.id for s in series if s.across_years}
    for i, s in enumerate(series):
        if s.unit_from is None:
            continue
        if s.across_years or s.unit_from not in across:
            node.child("series", i).fail(
                f"unit_from「{s.unit_from}」はこの区分の年度によらない行(across_years)にありません",
                "単位を入力する行を {id: unit, label: 単位, type: text, across_years: true} と書き、"
                f"unit_from: unit としてください。{_near(s.unit_from, across)}",
            )


def check_cross_references(
    builder: _LayoutBuilder, node: _Node, base: tuple[str, ...], sections: tuple[Any, ...]
) -> None:
    """Every dotted reference of a formula of the table names a series of the table."""
    from xlsxsheet.layout.suggest import near as _near

    prefix = ".".join(base) + "."
    below = {fid.removeprefix(prefix) for fid in builder.fields if fid.startswith(prefix)}
    for i, section in enumerate(sections):
        assert isinstance(section, m.YearSection)
        for j, series in enumerate(section.series):
            if series.formula is None:
                continue
            for ref in sorted(parse_formula(series.formula).references()):
                if "." not in ref:
                    continue
                target = builder.fields.get(prefix + ref)
                place = node.child("sections", i).child("series", j)
                if target is None:
                    place.fail(
                        f"series「{series.id}」の formula の「{ref}」はこの年度表にありません",
                        "別の区分の行は 区分id.行id か 区分id.levelのkey.行id で書いてください"
                        f"(例: activity.a1.actual)。{_near(ref, below)}",
                    )
                if target is not None and target.path[len(base)] == section.id:
                    place.fail(
                        f"「{ref}」は同じ区分の行です",
                        f"同じ区分の行は id だけで書いてください(例: {target.path[-1]})",
                    )
