"""The roles of year columns (決算 / 予算 / 見込み …, a year set's `roles`) as the stages use
them: the heading of a column, the role of a series cell, whether a value is an actual."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xlsxsheet.core import fiscal_year
from xlsxsheet.layout import model as m

if TYPE_CHECKING:
    from xlsxsheet.plan.workbook_plan import Slot


def column_heading(year_set: m.YearSet, column_year: int, year: int) -> str:
    """R6年度, or R7年度(予算) for a column with a role."""
    label = fiscal_year.column_label(column_year)
    role = year_set.role_of(column_year, year)
    return f"{label}({role.label})" if role is not None else label


def role_of(
    layout: m.Layout, field: m.FieldDef, column_year: int | None, year: int
) -> m.YearRole | None:
    """The role of the column a year series' value is in, in the template of `year`."""
    if field.years is None or column_year is None:
        return None
    year_set = layout.year_sets.get(field.years)
    return year_set.role_of(column_year, year) if year_set is not None else None


def slot_role(layout: m.Layout, slot: Slot, year: int) -> m.YearRole | None:
    return role_of(layout, slot.field, slot.year, year)


def not_actual(
    layout: m.Layout, field: m.FieldDef, column_year: int | None, year: int
) -> str | None:
    """The role label of a value that follows its column's role where that column holds no
    actuals (予算, 見込み); None for an actual or a value whose role does not matter."""
    if field.year_roles != "follow":  # a target, or an 実績 entered in 決算 columns only
        return None
    role = role_of(layout, field, column_year, year)
    return role.label if role is not None and not role.actual else None


def moves_role(layout: m.Layout, field: m.FieldDef, column_year: int, old: int, new: int) -> bool:
    """True when the column of `column_year` has another role in next year's template (a 予算
    that becomes 決算): a value following the role is then not carried."""
    if field.year_roles == "ignore":
        return False
    before, after = (
        role_of(layout, field, column_year, old),
        role_of(layout, field, column_year, new),
    )
    return (before.role if before else None) != (after.role if after else None)
