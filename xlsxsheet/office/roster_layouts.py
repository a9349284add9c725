"""What a roster is read against: the layouts it may name (by id or title), those whose file
has a mistake, those answered by 様式 alone, and the word each calls its rows (施策, 事務事業)."""

from __future__ import annotations

from pathlib import Path

from xlsxsheet.layout.registry import LayoutRegistry
from xlsxsheet.office.roster import RosterEntry, read_roster


def layout_names(registry: LayoutRegistry) -> dict[str, str]:
    """The names a roster may use for a layout (its id or its title) → layout id; a layout
    file with a mistake is left out (its returns stop with its message when they are read)."""
    names: dict[str, str] = {}
    for layout in registry.loadable()[0]:
        names[layout.id] = layout.id
        names.setdefault(layout.title, layout.id)
    return names


def keyless_layouts(registry: LayoutRegistry) -> frozenset[str]:
    """The ids of the layouts without a summary.key: a roster row of one is answered by its
    様式 alone and may leave 施策番号 blank."""
    return frozenset(lay.id for lay in registry.loadable()[0] if lay.key_field is None)


def broken_layouts(registry: LayoutRegistry) -> dict[str, str]:
    """The ids of the layout files with a mistake → the mistake, for a roster naming one."""
    return {Path(error.file).stem: str(error) for error in registry.loadable()[1]}


def layout_units(registry: LayoutRegistry) -> dict[str, str]:
    """Layout id → what its rows are (`summary.unit`: 施策, 事務事業), where it says."""
    return {
        lay.id: lay.summary.unit
        for lay in registry.loadable()[0]
        if lay.summary is not None and lay.summary.unit
    }


def read_roster_for(path: Path, registry: LayoutRegistry) -> list[RosterEntry]:
    """The roster's rows read against `registry`'s layouts; raises RosterError naming every
    bad line, in the words of each row's layout."""
    return read_roster(
        Path(path),
        layout_names(registry),
        broken_layouts(registry),
        keyless_layouts(registry),
        layout_units(registry),
    )
