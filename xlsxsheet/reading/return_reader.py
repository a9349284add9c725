"""Read a filled workbook into a normalised document: read → bind → normalise → recompute."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlsxsheet.core.memo import derived
from xlsxsheet.core.problems import Problem
from xlsxsheet.layout.model import Migration
from xlsxsheet.layout.registry import LayoutRegistry, default_registry
from xlsxsheet.plan.document import NOT_APPLICABLE, build_document
from xlsxsheet.plan.workbook_plan import Slot, WorkbookPlan
from xlsxsheet.reading import values as value_rules
from xlsxsheet.reading.binding import (
    BoundCell,
    Placement,
    bind,
    filled_keys,
    migration_for,
    plan_for,
)
from xlsxsheet.reading.workbook_reader import WorkbookContent, read_workbook
from xlsxsheet.rules.recompute import ComputeFailure, recompute

Key = tuple[str, int | None]
NORMALIZER_KINDS = {
    "text": "text",
    "number": "number",
    "integer": "integer",
    "money": "money",
    "percent": "percent",
    "choice": "choice",
    "fiscal-year": "fiscal-year",
}


@dataclass
class ReadResult:
    """A workbook read against its layout: cells, normalised inputs, recomputed values."""

    path: Path
    plan: WorkbookPlan
    content: WorkbookContent
    cells: dict[Key, BoundCell]
    normalized: dict[Key, value_rules.Normalized]
    inputs: dict[Key, Any]
    computed: dict[Key, Any]
    compute_failures: list[ComputeFailure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    migration: Migration | None = None

    def value(self, key: Key) -> Any:
        return self.computed[key] if key in self.computed else self.inputs.get(key)

    def document(self) -> dict[str, Any]:
        return build_document(self.plan, self.inputs | self.computed)

    def flat(self) -> dict[str, Any]:
        fields = []
        for key, slot in self.plan.slots.items():
            cell = self.cells.get(key)
            entry = {
                "name": slot.name,
                "sheet": cell.sheet if cell else slot.sheet,
                "cell": cell.address if cell else None,
                "label": slot.label,
                "value": self.value(key),
                "kind": slot.kind,
            }
            if slot.unit is not None:  # a records table cell: the body's name and the row
                table = self.plan.records[slot.table or ""]
                entry |= {"name": table.name, "row": slot.unit + 1, "field": slot.field.path[-1]}
                if slot.year is not None:
                    entry["year"] = slot.year
            fields.append(entry)
        return {
            "layout": self.plan.layout.id,
            "version": self.plan.layout.version,
            "year": self.plan.year,
            "fields": fields,
        }


def normalize_cell(slot: Slot, raw: Any, plan: WorkbookPlan) -> value_rules.Normalized:
    fdef = slot.field
    choices: tuple[str, ...] = ()
    aliases: dict[str, str] | None = None
    if fdef.list:
        ldef = plan.layout.lists[fdef.list]
        choices, aliases = ldef.values, ldef.aliases or None
    result = value_rules.normalize(
        raw, NORMALIZER_KINDS[fdef.type], choices=choices, aliases=aliases
    )
    if fdef.words or fdef.keep_text:
        result = value_rules.allow_text(result, fdef.words, fdef.keep_text)
    return result


def input_value(normalized: value_rules.Normalized) -> Any:
    """The document value of a normalised input: "-" for not applicable, None for invalid."""
    if normalized.status == "not-applicable":
        return NOT_APPLICABLE
    if normalized.status == "ok":
        return normalized.value
    return None


def read_file(
    path: Path,
    registry: LayoutRegistry | None = None,
    layout_id: str | None = None,
    year: int | None = None,
) -> ReadResult:
    """Read one workbook. Raises WorkbookError when it cannot be read as an xlsxsheet workbook."""
    registry = registry or default_registry()
    content = read_workbook(Path(path))
    plan = plan_for(content, registry, layout_id, year)
    migration = migration_for(content, plan.layout)
    cells, problems = bind(content, plan, migration)
    if migration is not None:
        problems.insert(
            0,
            _changed(content, plan)
            if migration.unrecorded
            else _migrated(content, plan, migration),
        )
    sparse = filled_keys(content, plan) if migration is None else None
    if sparse is None:
        normalized, inputs = normalize_cells(content, plan, cells.items())
    else:  # bound by the intact binding: the empty cells' results are the plan's, kept
        placement, filled = sparse.placement, sparse.keys
        blank_normalized, blank_inputs = _blank_results(plan, placement)
        normalized, inputs = blank_normalized.copy(), blank_inputs.copy()
        normalize_cells(content, plan, [(key, cells[key]) for key in filled], normalized, inputs)
    computed, failures = recompute(plan, inputs)
    return ReadResult(
        Path(path),
        plan,
        content,
        cells,
        normalized,
        inputs,
        computed,
        failures,
        problems,
        migration,
    )


def normalize_cells(
    content: WorkbookContent | None,
    plan: WorkbookPlan,
    which: Iterable[tuple[Key, BoundCell]],
    normalized: dict[Key, value_rules.Normalized] | None = None,
    inputs: dict[Key, Any] | None = None,
) -> tuple[dict[Key, value_rules.Normalized], dict[Key, Any]]:
    """Normalise the input cells of `which` (computed cells are left out) into `normalized`
    and `inputs` (new dicts when not given): each cell's result, and its document value.
    `content` is only asked for the saved results of formulas (None: no cell has one)."""
    normalized = {} if normalized is None else normalized
    inputs = {} if inputs is None else inputs
    memo = _normalized_memo(plan)
    for key, cell in which:
        slot = cell.slot
        if slot.field.computed:
            continue
        raw = cell.raw.value
        if cell.raw.formula is not None:
            assert content is not None
            raw = input_raw(content, cell)
        # the same few values fill most cells (blanks, "-", choices): normalised once
        memo_key = (id(slot.field), raw.__class__, raw)
        try:
            result = memo.get(memo_key)
        except TypeError:  # an unhashable value: not kept
            memo_key, result = None, None
        if result is None:
            result = normalize_cell(slot, raw, plan)
            if memo_key is not None:
                if len(memo) >= _MEMO_SIZE:
                    memo.clear()
                memo[memo_key] = result
        normalized[key] = result
        inputs[key] = result.value if result.status == "ok" else input_value(result)
    return normalized, inputs


def _blank_results(
    plan: WorkbookPlan, placement: Placement
) -> tuple[dict[Key, value_rules.Normalized], dict[Key, Any]]:
    """What every input cell of the placement gives when it is empty, in the plan's order;
    once per placement (a return's filled cells then replace their entries in copies), and
    once per records unit for the units every plan with them shares."""
    kept = derived(placement)
    found = kept.get("blank")
    if found is None:
        normalized: dict[Key, value_rules.Normalized] = {}
        inputs: dict[Key, Any] = {}
        for part in placement.parts:
            if isinstance(part, dict):
                normalize_cells(None, plan, part.items(), normalized, inputs)
                continue
            unit = derived(part)
            results = unit.get("blank")
            if results is None:
                results = unit["blank"] = normalize_cells(None, plan, part.blank.items())
            normalized.update(results[0])
            inputs.update(results[1])
        found = kept["blank"] = normalized, inputs
    return found


_MEMO_SIZE = 4096


def _normalized_memo(plan: WorkbookPlan) -> dict[tuple[int, type, Any], value_rules.Normalized]:
    """What each field's values normalise to, kept with the layout (cleared when it grows past
    _MEMO_SIZE, so a prefecture's worth of typed sentences is not kept).

    Normalisation depends only on the field (its definition and the layout's lists: keyed by
    the field's id, which the layout keeps alive) and the value, not on the plan: returns whose
    records tables differ in length, each with a plan of its own, share what was worked out.
    Keyed by the value's type as well: 1, 1.0 and True are equal in Python but not to the
    normaliser.
    """
    return derived(plan.layout).setdefault("normalized", {})


def input_raw(content: WorkbookContent, cell: BoundCell) -> Any:
    """What an input cell holds: its value, or for a formula typed into it, the saved result."""
    raw = cell.raw
    if raw.formula is None:
        return raw.value
    return content.cached_value(raw.sheet, raw.row, raw.col)


def _migrated(content: WorkbookContent, plan: WorkbookPlan, migration: Migration) -> Problem:
    renamed = "、".join(f"{old} → {new}" for old, new in migration.rename.items()) or "なし"
    return Problem(
        "layout-migrated",
        f"{content.path.name} は様式「{plan.layout.title}」の版 {migration.from_version} で"
        f"作られています。版 {plan.layout.version} の定義に読み替えて読みました"
        f"(項目の読み替え: {renamed})。",
        file=str(content.path),
        value=migration.from_version,
        expected=plan.layout.version,
    )


def _changed(content: WorkbookContent, plan: WorkbookPlan) -> Problem:
    layout = plan.layout
    return Problem(
        "layout-changed",
        # said to the 課 first (it reaches them on the marked copy), then to whoever keeps
        # the layout file
        f"{content.path.name} は様式「{layout.title}」の版 {layout.version} で作られていますが、"
        "様式を配ったあとに企画課の様式の定義が変わりました。提出されたファイルの誤りでは"
        "ありません(項目は名前定義から読み、行・列やシートの位置の違いは指摘していません)。"
        f"【様式定義の担当者へ】レイアウト定義 {layout.source.name} の項目や配置を変えたときは"
        f" version を {layout.version + 1} に上げ、migrations に - from: {layout.version} を"
        "書いてください(項目の ID を変えたときは rename も)。",
        file=str(content.path),
        value=layout.version,
    )
