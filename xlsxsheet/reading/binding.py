"""Bind a workbook's plain cells to the fields of a layout, through the defined names."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from xlsxsheet.core.cells import RawCell, a1
from xlsxsheet.core.errors import LayoutError, UnknownLayoutError, WorkbookError
from xlsxsheet.core.fiscal_year import FiscalYearError, long_label, parse_fiscal_year
from xlsxsheet.core.memo import derived
from xlsxsheet.core.names import PREFIX, field_name
from xlsxsheet.core.problems import Problem
from xlsxsheet.layout.model import Layout, Migration
from xlsxsheet.layout.registry import LayoutRegistry
from xlsxsheet.plan.cell_shape import cell_shape
from xlsxsheet.plan.workbook_plan import Slot, WorkbookPlan, cached_plan
from xlsxsheet.reading.workbook_reader import NameTarget, WorkbookContent

if TYPE_CHECKING:
    from xlsxsheet.plan.records_plan import KeptUnits

Key = tuple[str, int | None]


class BoundCell(NamedTuple):
    """The cell a field was found at, and what it holds (a named tuple: one per field cell of
    every return, made five times faster than a frozen dataclass)."""

    slot: Slot
    raw: RawCell
    via_name: bool

    @property
    def sheet(self) -> str:
        return self.raw.sheet

    @property
    def address(self) -> str:
        return a1(self.raw.row, self.raw.col)


def identify(
    content: WorkbookContent,
    registry: LayoutRegistry,
    layout_id: str | None = None,
    year: int | None = None,
) -> tuple[Layout, int, dict[str, Any]]:
    """The layout, evaluation year and params of a workbook, from its metadata or the caller."""
    meta = content.metadata
    name = content.path.name
    meta_layout = meta.get("layout") or None
    if layout_id and meta_layout and layout_id != meta_layout:
        raise WorkbookError(
            str(content.path),
            "layout-mismatch",
            f"{name} は様式「{meta_layout}」のブックで、指定の様式「{layout_id}」ではありません。"
            "提出されたファイルが正しいか確認してください(別の様式に記入されています)。",
        )
    layout_id = layout_id or meta_layout
    if not layout_id:
        raise WorkbookError(
            str(content.path),
            "not-xlsxsheet",
            f"{name} には xlsxsheet の様式情報がありません。xlsxsheet で作成した様式に"
            "記入したファイルか確認してください(様式を指定するには --layout と --year)。",
        )
    try:
        layout = registry.get(layout_id)
    except UnknownLayoutError as exc:
        raise WorkbookError(str(content.path), "layout-unknown", f"{name}: {exc}") from exc
    except LayoutError as exc:  # the layout file is wrong, not the department's workbook
        raise _layout_broken(content, layout_id, exc) from exc
    try:
        meta_year: int | None = parse_fiscal_year(meta.get("year", ""))
    except FiscalYearError:
        meta_year = None
    if year is not None and meta_year is not None and year != meta_year:
        raise WorkbookError(
            str(content.path),
            "year-mismatch",
            f"{name} は{long_label(meta_year)}の様式に記入されています(指定: {long_label(year)})。"
            f"{long_label(year)}の様式で提出し直してもらうか、年度の指定を確認してください。",
        )
    if year is None:
        if meta_year is None:
            raise WorkbookError(
                str(content.path),
                "not-xlsxsheet",
                f"{name} の様式情報に年度がありません(--year で指定してください)。",
            )
        year = meta_year
    params = layout.default_params()
    for key, param in layout.params.items():
        raw = meta.get(f"param.{key}")
        if raw is None:
            continue
        if param.type == "fiscal-year":
            try:
                params[key] = parse_fiscal_year(raw)
            except FiscalYearError:
                continue
        else:
            params[key] = raw
    return layout, year, params


def migration_for(content: WorkbookContent, layout: Layout) -> Migration | None:
    """How to read a workbook of an older layout version (None: it is the current version).

    Raises WorkbookError (layout-version) for a newer version, or an older one the layout keeps
    no migration for.
    """
    raw = content.metadata.get("version", "").strip()
    if not raw.isdigit():
        return None
    if int(raw) == layout.version:
        shape = content.metadata.get("shape", "").strip()
        if shape and shape != cell_shape(layout):  # made before the layout file changed
            return Migration(layout.version, unrecorded=True)
        return None
    version, name = int(raw), content.path.name
    if version > layout.version:
        raise WorkbookError(
            str(content.path),
            "layout-version",
            f"{name} は様式「{layout.title}」の版 {version} で作られていますが、この xlsxsheet"
            f" が知っているのは版 {layout.version} までです。xlsxsheet とレイアウト定義を"
            "更新してから点検してください。",
        )
    migration = layout.migration_from(version)
    if migration is None:
        raise WorkbookError(
            str(content.path),
            "layout-version",
            f"{name} は様式「{layout.title}」の古い版 {version} で作られています(現在は版"
            f" {layout.version})。版 {version} からの読み替え規則がないため読めません。"
            "最新の様式に転記して提出し直してもらってください。",
        )
    return migration


def name_of(slot: Slot, migration: Migration | None = None) -> str:
    """The defined name the field's cell has in the workbook (its old name when migrating)."""
    if migration is None:
        return slot.name
    old = migration.old_id(slot.field.id)
    return slot.name if old == slot.field.id else field_name(tuple(old.split(".")), slot.year)


def _target(content: WorkbookContent, name: str) -> NameTarget | None:
    target = content.names.get(name)
    if target is None or target.broken or target.sheet not in content.cells:
        return None
    return target


def sheet_map(
    content: WorkbookContent, plan: WorkbookPlan, migration: Migration | None = None
) -> dict[str, str | None]:
    """Each sheet of the plan -> the workbook's sheet holding it (renamed: where its names
    point), or None when it is gone."""
    planned = {sheet.name for sheet in plan.sheets}
    result: dict[str, str | None] = {}
    for sheet in plan.sheets:
        if sheet.name in content.cells:
            result[sheet.name] = sheet.name
            continue
        votes = Counter(
            target.sheet
            for slot in plan.slots.values()
            if slot.sheet == sheet.name
            and (target := _target(content, name_of(slot, migration))) is not None
            and target.sheet not in planned
        )
        result[sheet.name] = votes.most_common(1)[0][0] if votes else None
    return result


def _shifted(content: WorkbookContent, plan: WorkbookPlan, migration: Migration | None) -> set[str]:
    """Plan sheets where some surviving name points elsewhere than the template's address:
    rows or columns were inserted or deleted, so the template's addresses cannot be trusted."""
    shifted = set()
    for slot in plan.slots.values():
        target = _target(content, name_of(slot, migration))
        if target is not None and (target.row, target.col) != (slot.row, slot.col):
            shifted.add(slot.sheet)
    return shifted


def bind(
    content: WorkbookContent,
    plan: WorkbookPlan,
    migration: Migration | None = None,
    shortcut: bool = True,
) -> tuple[dict[Key, BoundCell], list[Problem]]:
    """Find every field's cell: by its defined name, else at the template's address.

    The template's address is used only where it can be trusted: on a sheet where no row or
    column has moved. Fields of a sheet that is gone are left out (the structure check reports
    the sheet once). shortcut=False always takes the general way (tests compare the two).
    """
    if shortcut and migration is None and content.names_known:
        intact = _bind_intact(content, plan)
        if intact is not None:
            return intact, []
    problems: list[Problem] = []
    bound: dict[Key, BoundCell] = {}
    file = str(content.path)
    sheets = sheet_map(content, plan, migration)
    shifted = _shifted(content, plan, migration)
    by_address = not content.names_known
    if not by_address and not any(
        name_of(slot, migration) in content.names for slot in plan.slots.values()
    ):
        problems.append(
            Problem(
                "name-missing",
                f"{content.path.name} には項目の名前定義({PREFIX}…)が1つもありません。"
                "すべての項目を様式の位置から読みます。様式のシートを別のブックにコピーして"
                "いないか確認してください。",
                file=file,
            )
        )
        by_address = True
    # after the layout changed, its addresses say nothing of the older template's cells
    unrecorded = migration is not None and migration.unrecorded
    for key, slot in plan.slots.items():
        if slot.unit is not None:  # a records table cell: found through the table body's name
            unit_cell = _bind_unit(content, plan, slot)
            if unit_cell is not None:
                bound[key] = unit_cell
            continue
        if migration is not None and slot.field.id in migration.added:
            continue
        name = name_of(slot, migration)
        target = _target(content, name)
        if target is not None:
            assert target.sheet is not None and target.row is not None and target.col is not None
            bound[key] = BoundCell(slot, content.cell(target.sheet, target.row, target.col), True)
            continue
        sheet = sheets.get(slot.sheet)
        if sheet is None:
            continue
        if by_address:
            bound[key] = BoundCell(slot, content.cell(sheet, slot.row, slot.col), False)
            continue
        trusted = slot.sheet not in shifted and not unrecorded
        where = f"'{sheet}'!{a1(slot.row, slot.col)}"
        then = (
            f"様式の {where} の位置から読みます。"
            if trusted
            else "様式を配ったあとにレイアウト定義が変わったため(この項目が加わったか、"
            "項目の ID が変わったため)、この項目の値は読めません。"
            if unrecorded
            else "行・列が挿入・削除されているため、この項目の値は読めません。"
        )
        broken = content.names.get(name)
        # on a sheet whose rows moved, the template's address holds another item: no cell
        cell = a1(slot.row, slot.col) if trusted else None
        if broken is not None:
            read = (
                f"様式の {where} の位置から読みます。" if trusted else "この項目の値は読めません。"
            )
            problem = Problem(
                "name-broken",
                f"{slot.label} の入力欄が見つかりません。その行・列かシートが削除されています"
                f"(名前定義 {name} の参照先が {broken.text})。{read}削除した行・列を元に戻すか、"
                "新しい様式をダウンロードして転記してください。",
                file=file,
                sheet=sheet,
                cell=cell,
                field=slot.field.id,
                label=slot.label,
                value=broken.text,
            )
        else:
            problem = Problem(
                "name-missing",
                f"名前定義 {name} ({slot.label}) がありません。{then}",
                file=file,
                sheet=sheet,
                cell=cell,
                field=slot.field.id,
                label=slot.label,
                severity="warning" if trusted or unrecorded else "error",
            )
        problems.append(problem)
        if trusted:
            bound[key] = BoundCell(slot, content.cell(sheet, slot.row, slot.col), False)
    return bound, problems


_Single = tuple[Key, Slot, str, int, int]


def _singles(plan: WorkbookPlan) -> tuple[_Single, ...]:
    """The plan's single cells (records tables left out) as flat tuples, built once per plan:
    (key, slot, defined name, row, column)."""
    kept = derived(plan)
    found = kept.get("singles")
    if found is None:
        found = kept["singles"] = tuple(
            (part.key, part, part.name, part.row, part.col)
            for part in plan.parts
            if isinstance(part, Slot)
        )
    return found


_Body = tuple[str, int, int, bool, frozenset[tuple[int, int]]]  # place, by name, hidden cells


def _bind_intact(content: WorkbookContent, plan: WorkbookPlan) -> dict[Key, BoundCell] | None:
    """The binding of a workbook whose sheets are all there and whose every field name points
    where the template put it (what almost every return is); None for any other workbook, which
    the general binding reads and reports on. Gives what the general binding gives."""
    from xlsxsheet.plan.records_plan import _hidden_cells, body_place, body_range

    names, sheets = content.names, content.cells
    if any(sheet.name not in sheets for sheet in plan.sheets):
        return None
    for _key, slot, name, row, col in _singles(plan):
        target = names.get(name)
        if target is None or target.sheet != slot.sheet or target.row != row or target.col != col:
            return None
    # every table's sheet is there (a plan sheet): each body is where its name says or, the
    # name gone, at the template's place
    bodies: dict[str, _Body] = {}
    for table_key, table in plan.records.items():
        where = body_place(content, table)
        assert where is not None
        bodies[table_key] = (*where, _hidden_cells(content, where[0]))
    # every cell is where the plan puts it when every body is (single cells are, above)
    as_planned = all(
        (found := body_range(content, table.name)) is None
        or (found.sheet, found.first_row, found.first_col, found.last_row, found.last_col)
        == (table.sheet, table.first_row, table.first_col, table.last_row, table.last_col)
        for table in plan.records.values()
    )
    derived(content)["as_planned"] = (plan, as_planned)
    placement = _placement(plan, tuple(bodies.items()))
    bound = placement.blank.copy()  # every cell empty, in the plan's order; then the filled
    if placement.places is None:  # fields sharing a cell: each looked up
        for key, empty in placement.blank.items():
            raw = sheets[empty.raw.sheet].get((empty.raw.row, empty.raw.col))
            if raw is not None:
                bound[key] = BoundCell(empty.slot, raw, empty.via_name)
        return bound
    keys: list[Key] = []
    with_formula: list[_Place] = []
    new = tuple.__new__  # the named tuples, made without their keyword-handling constructor
    for sheet, places in placement.places.items():
        cells = sheets[sheet]
        if len(cells) <= len(places):  # the fewer: the sheet's cells (labels too) or places
            for place, raw in cells.items():
                entry = places.get(place)
                if entry is not None:
                    keys.append(entry[0])
                    bound[entry[0]] = new(BoundCell, (entry[1], raw, entry[2]))
                    if raw.formula is not None:
                        with_formula.append(entry)
        else:
            for place, entry in places.items():
                raw = cells.get(place)
                if raw is not None:
                    keys.append(entry[0])
                    bound[entry[0]] = new(BoundCell, (entry[1], raw, entry[2]))
                    if raw.formula is not None:
                        with_formula.append(entry)
    typed = {entry[0] for entry in with_formula if not entry[1].field.computed}
    # the input cells holding a formula, in the plan's order (the order they are reported in)
    formulas = tuple(key for key in placement.blank if key in typed) if typed else ()
    derived(content)["filled"] = (plan, Filled(placement, tuple(keys), formulas))
    return bound


_Place = tuple[Key, Slot, bool]  # the field cell at a place: key, slot, found by name


@dataclass(frozen=True, eq=False)
class Placement:
    """Where the intact binding finds each field cell, for one plan and table-body places."""

    blank: dict[Key, BoundCell]  # every placed cell's binding when it is empty, in plan order
    # sheet -> (row, col) -> the field cell there; None when two fields share a cell
    places: dict[str, dict[tuple[int, int], _Place]] | None
    # `blank` in the plan's order as parts: dicts of cells, and the units of tables at their
    # planned place, which every plan with the unit shares (reading keeps their empty results)
    parts: tuple[dict[Key, BoundCell] | UnitPlacement, ...]


class Filled(NamedTuple):
    """The cells of an intact binding that hold something."""

    placement: Placement
    keys: tuple[Key, ...]  # every cell holding a value or a formula (in no set order)
    formulas: tuple[Key, ...]  # the input cells holding a formula, in the plan's order


@dataclass(eq=False)
class UnitPlacement:
    """Where a records unit's cells are when its table body is at the planned place: made once
    for every plan that has the unit (plan_records.KeptUnits)."""

    blank: dict[Key, BoundCell]
    places: dict[tuple[int, int], _Place]


def _unit_placements(
    kept: KeptUnits, via_name: bool, count: int
) -> list[tuple[frozenset[tuple[int, int]], dict[Any, UnitPlacement]]]:
    """Each of the first `count` units of a kept table: its cells' places, and its placements
    made so far, by the cells hidden in it (under a merge that covers a record's cells)."""
    made: list[tuple[frozenset[tuple[int, int]], dict[Any, UnitPlacement]]]
    made = derived(kept).setdefault(f"placed {via_name}", [])
    for slots in kept.units[len(made) : count]:
        made.append((frozenset((slot.row, slot.col) for slot in slots.values()), {}))
    return made


def _unit_placement(
    slots: dict[Any, Slot], via_name: bool, hidden: frozenset[tuple[int, int]]
) -> UnitPlacement:
    new = tuple.__new__  # the named tuples, made without their keyword-handling constructor
    blank: dict[Key, BoundCell] = {}
    places: dict[tuple[int, int], _Place] = {}
    for slot in slots.values():
        if (slot.row, slot.col) in hidden:
            continue
        raw = new(RawCell, (slot.sheet, slot.row, slot.col, None, None))
        blank[slot.key] = new(BoundCell, (slot, raw, via_name))
        places[(slot.row, slot.col)] = (slot.key, slot, via_name)
    return UnitPlacement(blank, places)


_VARIANTS = 8  # placements kept per unit (by hidden cells): a few merge patterns recur


def _placement(plan: WorkbookPlan, bodies: tuple[tuple[str, _Body], ...]) -> Placement:
    """Each cell to bind, in the plan's order, where it is for these table bodies (sheet,
    place, found by name; hidden cells left out), with its binding when the cell is empty
    (shared: RawCell and BoundCell are immutable). Kept per plan and body places: returns of
    one template share them. A table's units at their planned place come whole, as every plan
    with them has them (the returns of a records layout mostly have a plan each)."""
    cache: dict[Any, Placement] = derived(plan).setdefault("placement", {})
    found = cache.get(bodies)
    if found is not None:
        return found
    where = dict(bodies)
    parts: list[dict[Key, BoundCell] | UnitPlacement] = []
    by_sheet: dict[str, dict[tuple[int, int], _Place]] = {}
    placed = 0  # places added: more than the places kept when two fields share a cell
    new = tuple.__new__  # the named tuples, made without their keyword-handling constructor
    loose: dict[Key, BoundCell] = {}  # the cells since the last whole unit

    def put(key: Key, slot: Slot, sheet: str, row: int, col: int, via_name: bool) -> None:
        nonlocal placed
        loose[key] = new(BoundCell, (slot, new(RawCell, (sheet, row, col, None, None)), via_name))
        on_sheet = by_sheet.get(sheet)
        if on_sheet is None:
            on_sheet = by_sheet[sheet] = {}
        on_sheet[(row, col)] = (key, slot, via_name)
        placed += 1

    for part in plan.parts:
        if isinstance(part, Slot):
            put(part.key, part, part.sheet, part.row, part.col, True)
            continue
        table = part
        sheet, first_row, first_col, via_name, hidden = where[table.key]
        if table.kept is not None and (sheet, first_row, first_col) == (
            table.sheet,
            table.first_row,
            table.first_col,
        ):  # at its planned place: its units' placements are kept
            if loose:
                parts.append(loose)
                loose = {}
            on_sheet = by_sheet.setdefault(sheet, {})
            units = _unit_placements(table.kept, via_name, len(table.units))
            for slots, (cells, variants) in zip(table.units, units, strict=False):
                here = cells & hidden if hidden else frozenset()
                unit = variants.get(here)
                if unit is None:
                    unit = _unit_placement(slots, via_name, here)
                    if len(variants) < _VARIANTS:
                        variants[here] = unit
                parts.append(unit)
                on_sheet.update(unit.places)
                placed += len(unit.places)
            continue
        for slots in table.units:
            for slot in slots.values():
                row = first_row + slot.row - table.first_row
                col = first_col + slot.col - table.first_col
                if (row, col) not in hidden:
                    put(slot.key, slot, sheet, row, col, via_name)
    if loose:
        parts.append(loose)
    blank: dict[Key, BoundCell] = {}
    for chunk in parts:
        blank.update(chunk if isinstance(chunk, dict) else chunk.blank)
    shared = placed != sum(len(on_sheet) for on_sheet in by_sheet.values())
    if len(cache) >= 16:
        cache.clear()
    cache[bodies] = result = Placement(blank, None if shared else by_sheet, tuple(parts))
    return result


def filled_keys(content: WorkbookContent, plan: WorkbookPlan) -> Filled | None:
    """When the intact binding bound `content` to `plan`: its placement and the cells that
    hold something (every other bound cell is empty); else None."""
    found = derived(content).get("filled")
    if found is None or found[0] is not plan:
        return None
    return found[1]


def bound_as_planned(content: WorkbookContent, plan: WorkbookPlan) -> bool:
    """True when binding `content` to `plan` found every field cell on its planned sheet, row
    and column (known when the intact binding bound it; False when unknown)."""
    found = derived(content).get("as_planned")
    return found is not None and found[0] is plan and found[1]


def _bind_unit(content: WorkbookContent, plan: WorkbookPlan, slot: Slot) -> BoundCell | None:
    """A records table cell: its place in the body the table's name covers (the template's
    place when the name is gone); None inside a merged cell (as-above cells) or a lost sheet."""
    from xlsxsheet.plan.records_plan import locate_unit

    found = locate_unit(content, plan, slot)
    if found is None:
        return None
    sheet, row, col, via_name = found
    return BoundCell(slot, content.cell(sheet, row, col), via_name)


def plan_for(
    content: WorkbookContent,
    registry: LayoutRegistry,
    layout_id: str | None = None,
    year: int | None = None,
) -> WorkbookPlan:
    layout, year, params = identify(content, registry, layout_id, year)
    from xlsxsheet.plan.records_plan import workbook_shapes
    from xlsxsheet.reading.sheet_bounds import check_body_rows

    shapes = workbook_shapes(content, layout)
    for table, units in shapes.items():  # a plan lays out every unit: bounded first
        check_body_rows(content.path, table, units * _unit_rows(layout, table))
    try:
        return cached_plan(layout, year, params, shapes)
    except LayoutError as exc:  # found laying it out (a formula reaching itself, too wide)
        raise _layout_broken(content, layout.id, exc) from exc


def _layout_broken(content: WorkbookContent, layout_id: str, exc: LayoutError) -> WorkbookError:
    return WorkbookError(
        str(content.path),
        "layout-broken",
        f"{content.path.name} は様式「{layout_id}」のブックですが、その様式のレイアウト定義に"
        f"誤りがあるため点検できません(提出されたファイルの誤りではありません)。{exc}。"
        "レイアウトファイルを直してから点検し直してください"
        "(xlsxsheet layouts --check ファイル で誤りの場所を確かめられます)。",
    )


def _unit_rows(layout: Layout, table: str) -> int:
    """Sheet rows of one unit of a records table (1 when the table is not found)."""
    from xlsxsheet.layout import model as m

    path = tuple(table.split("."))
    for sheet in layout.sheets:
        for block in sheet.blocks:
            if isinstance(block, m.RecordsBlock) and path in block.table_paths():
                return block.unit_rows
    return 1
