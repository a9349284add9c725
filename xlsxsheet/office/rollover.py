"""Next year's templates from this year's returns: read → carry / clear → write for year + 1.

What moves is data in the layout file: each field's `rollover:` says whether its value belongs
to the plan (carry) or to the year (clear); computed fields are recomputed by the new template.
Year series are keyed by 西暦 year, so a carried value lands in its own year's column of the new
window. A value whose year falls out of the new window has no cell in the template: it is
listed in the result (`RolloverItem.dropped`), never dropped silently.

The `summary:` section of the layout names the key (施策番号) and 担当課 fields: the key joins a
return to its roster row and to next year's return; the 担当課 is where a roster change goes.
Nothing is guessed: a missing, unreadable, duplicated or wrong-year return is a problem of the
result and no template is made for it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlsxsheet.checks.key_texts import KEY_WIDTH_CODE, key_fields, key_form
from xlsxsheet.core import fiscal_year, strict_json
from xlsxsheet.core.errors import (
    DocumentError,
    UnknownLayoutError,
    UsageError,
    WorkbookError,
)
from xlsxsheet.core.problems import SEVERITY_WORDS, Problem
from xlsxsheet.core.safe_write import atomic_path
from xlsxsheet.layout.labels import render_label
from xlsxsheet.layout.model import FieldDef, Layout
from xlsxsheet.layout.param_values import changed_params, param_shown
from xlsxsheet.layout.registry import LayoutRegistry, default_registry
from xlsxsheet.office.batch import (
    fewer_collections,
    in_processes,
    shared_registry,
    worker_registry,
)
from xlsxsheet.office.discovery import iter_workbooks
from xlsxsheet.office.filenames import (
    DEFAULT_PATTERN,
    FALLBACK_PATTERN,
    NameAllocator,
    check_pattern,
    render_pattern,
    safe_file_name,
    taken_in,
)
from xlsxsheet.office.left_behind import (
    Note,
    Survey,
    left_behind_messages,
    plain_range,
    print_left_behind,
    print_range_messages,
    survey,
)
from xlsxsheet.office.rollover_notes import carry_notes
from xlsxsheet.office.roster import (
    RosterEntry,
    matched_as,
    matching_key,
    normalize_key,
)
from xlsxsheet.office.roster_layouts import read_roster_for
from xlsxsheet.plan.document import HEADER_KEYS, get_path, set_path
from xlsxsheet.plan.year_roles import column_heading, moves_role
from xlsxsheet.reading.return_reader import ReadResult, read_file
from xlsxsheet.reading.values import NOTE_MESSAGES
from xlsxsheet.writing.make_template import make_template
from xlsxsheet.writing.print_ranges import print_area, print_titles

# information the text summary shows without --all: what the roster or a plan changed
SHOWN_INFOS = ("dept-changed", "key-changed", "plan-applied", "params-set", "value-normalized")


@dataclass(frozen=True)
class DroppedValue:
    """A value of the return whose year has no column in next year's template."""

    field: str
    label: str
    year: int
    value: Any

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "label": self.label, "year": self.year, "value": self.value}


@dataclass
class RolloverItem:
    """One return (or roster row) and the template made from it, if any."""

    source: Path | None
    layout: str | None = None
    source_year: int | None = None
    key: str | None = None
    name: str | None = None
    dept: str | None = None
    roster_line: int | None = None
    file_name: str | None = None
    new: bool = False
    left_out: bool = False  # a readable return the roster has no row for
    output: Path | None = None
    carried: int = 0
    cleared: list[str] = field(default_factory=list)
    dropped: list[DroppedValue] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    document: dict[str, Any] | None = field(default=None, repr=False)  # next year's
    notes: list[tuple[Any, Note]] = field(default_factory=list, repr=False)  # (key, note)
    survey: Survey | None = field(default=None, repr=False)
    notes_carried: int = 0
    left_behind: list[str] = field(default_factory=list)  # what the template does not take over

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    @property
    def status(self) -> str:
        if self.output is not None:
            return "new" if self.new else "written"
        if self.left_out:
            return "not-in-roster"
        return "failed"

    def add(self, code: str, message: str, **where: Any) -> None:
        where.setdefault("file", str(self.source) if self.source is not None else "")
        self.problems.append(Problem(code, message, **where))

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": str(self.source) if self.source else None,
            "status": self.status,
            "layout": self.layout,
            "source_year": self.source_year,
            "key": self.key,
            "name": self.name,
            "dept": self.dept,
            "roster_line": self.roster_line,
            "output": str(self.output) if self.output else None,
            "carried": self.carried,
            "cleared": self.cleared,
            "dropped": [d.to_dict() for d in self.dropped],
            "notes_carried": self.notes_carried,
            "left_behind": self.left_behind,
            "problems": [p.to_dict() for p in self.problems],
        }


@dataclass
class RolloverResult:
    """Every return and roster row of one rollover, with what was written and what was not."""

    year: int
    out_dir: Path
    items: list[RolloverItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # of the plans (--plan) and --param

    @property
    def ok(self) -> bool:
        """False when any return (or plan) was missing, unreadable, duplicated or of another year."""
        return all(item.ok for item in self.items) and not any(
            p.severity == "error" for p in self.problems
        )

    @property
    def written(self) -> list[RolloverItem]:
        return [item for item in self.items if item.output is not None]

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "year_label": fiscal_year.short_label(self.year),
            "out_dir": str(self.out_dir),
            "ok": self.ok,
            "written": len(self.written),
            "items": [item.to_dict() for item in self.items],
            "problems": [p.to_dict() for p in self.problems],
        }


def rollover(
    returns: Iterable[Path],
    year: int,
    out_dir: Path,
    roster: Path | Sequence[RosterEntry] | None = None,
    pattern: str = DEFAULT_PATTERN,
    registry: LayoutRegistry | None = None,
    jobs: int | None = None,
    plans: Iterable[Path] = (),
    plan_overrides: bool = False,
    params: Mapping[str, Mapping[str, Any]] | None = None,
) -> RolloverResult:
    """Make next year's (`year`) template from each return of `year - 1`, into `out_dir`.

    With a roster, one template per roster row: its return supplies the values, the row the
    担当課 and file name; returns with no row are left out (listed). Raises RosterError for a
    roster that cannot be used and UsageError for a bad file-name pattern, before writing.
    The returns are read in `jobs` worker processes (default: one per CPU; 1: this process).
    `plans` are filled workbooks of a plan layout (kihon-keikaku) whose `prefill:` section
    supplies fields of next year's templates (targets, names): they fill what the return leaves
    empty (a new 施策: everything), and with `plan_overrides` replace carried values that differ.
    `params` (layout id → param id → value: a new plan period, a new target year) replace the
    returns' own in every template of the layout, each change said per return (params-set).
    """
    check_pattern(pattern)
    registry = registry or default_registry()
    out_dir = Path(out_dir)
    if isinstance(roster, str | Path):  # a layout without summary.key: its row by 様式 alone
        roster = read_roster_for(Path(roster), registry)
    sources = list(expand_returns(returns, out_dir))
    result = RolloverResult(year, out_dir)
    plan_sources = _read_plans(plans, registry, result)
    dirs = shared_registry(registry)  # this process, and forked workers, reuse its layouts
    given = {k: dict(v) for k, v in (params or {}).items()}
    items = in_processes(_prepare, [(dirs, year, path, given) for path in sources], jobs)
    result.items = _plan_items(items, roster, registry)
    allocator = NameAllocator(taken_in(out_dir, sources), out_dir)
    first_params = _params_by_layout(items)
    with fewer_collections():  # a plan per template of a records layout (see batch)
        for item in result.items:
            if not item.ok or item.layout is None or item.left_out:
                continue
            if item.document is None and not item.new:
                continue
            layout = registry.get(item.layout)
            _write(
                item,
                layout,
                year,
                out_dir,
                pattern,
                allocator,
                first_params.get(layout.id, layout.default_params()) | given.get(layout.id, {}),
                plan_sources,
                plan_overrides,
            )
    _report_params_unused(result, given, registry)
    for source in plan_sources:
        if not source.used:
            result.problems.append(
                Problem(
                    "plan-unused",
                    f"{source.path.name}({source.read.plan.layout.title})に当たる施策の様式が"
                    "ないため、使いませんでした。",
                    file=str(source.path),
                )
            )
    return result


def expand_returns(paths: Iterable[Path], out_dir: Path | None = None) -> Iterator[Path]:
    """Files as given (missing ones too, to be reported); folders give their workbooks,
    except those in `out_dir` (the templates of an earlier run are not returns)."""
    given = [Path(p) for p in paths]
    named = {p.resolve() for p in given if not p.is_dir()}
    skip = out_dir.resolve() if out_dir is not None else None
    if skip is not None and skip in {p.resolve() for p in given if p.is_dir()}:
        skip = None  # writing beside the returns: they are all returns
    for path in iter_workbooks(given):
        resolved = path.resolve()
        if skip is not None and skip in resolved.parents and resolved not in named:
            continue
        yield path


# --- reading the returns ------------------------------------------------------------------
def _prepare(
    dirs: tuple[str, ...], year: int, path: Path, params: Mapping[str, Mapping[str, Any]]
) -> RolloverItem:
    """Read one return and make its next-year document (in a worker process)."""
    return prepare_return(path, year, worker_registry(dirs), params)


def prepare_return(
    path: Path,
    year: int,
    registry: LayoutRegistry,
    params: Mapping[str, Mapping[str, Any]] | None = None,
) -> RolloverItem:
    """One return read, identified (layout, year, key, 担当課) and taken over to `year`, with
    the `params` given for its layout (by layout id) in place of its own."""
    item = RolloverItem(path)
    if not path.exists():
        item.add("return-missing", f"提出ファイル {path} が見つかりません。")
        return item
    try:
        read = read_file(path, registry)
    except (WorkbookError, UnknownLayoutError) as exc:
        message = str(exc) if path.name in str(exc) else f"{path.name}: {exc}"
        item.add("return-unreadable", message)
        return item
    plan = read.plan
    item.layout, item.source_year = plan.layout.id, plan.year
    summary = plan.layout.summary
    if summary is not None:
        item.key = _text(read, summary.key)
        item.name = _text(read, summary.name)
        item.dept = _text(read, summary.department)
    if plan.year != year - 1:
        item.add(
            "return-wrong-year",
            f"{path.name} は{fiscal_year.long_label(plan.year)}の{plan.layout.title}です。"
            f"{fiscal_year.long_label(year)}の様式は{fiscal_year.long_label(year - 1)}の提出から"
            "作ります。",
        )
        return item
    item.document = next_year_document(read, year, item, (params or {}).get(plan.layout.id))
    item.survey = survey(path, {sheet.name for sheet in plan.sheets})
    item.survey.template_ranges = {  # what the return's own template set, to compare
        sheet.name: {"area": plain_range(print_area(sheet))}
        | ({"titles": plain_range(titles)} if (titles := print_titles(sheet)) else {})
        for sheet in plan.sheets
    }
    by_cell = {(cell.sheet, cell.address): key for key, cell in read.cells.items()}
    item.notes = [(by_cell.get((n.sheet, n.ref)), n) for n in item.survey.notes]
    if summary is not None and summary.key is not None and item.key is None:
        slot = plan.slots[(summary.key, None)]
        item.add(
            "key-missing",
            f"{path.name} の{slot.label}が空欄です。名簿との照合や翌年度の突き合わせができません。",
            sheet=slot.sheet,
            field=summary.key,
            label=slot.label,
        )
    return item


def _text(read: ReadResult, field_id: str | None) -> str | None:
    if field_id is None:
        return None
    value = read.value((field_id, None))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = normalize_key(value)
    return text or None


def _plan_items(
    items: list[RolloverItem],
    roster: Sequence[RosterEntry] | None,
    registry: LayoutRegistry,
) -> list[RolloverItem]:
    """Find duplicates, then match the returns to the roster rows (roster order first)."""
    by_key: dict[tuple[str, str], list[RolloverItem]] = {}
    for item in items:
        if not item.ok or not item.layout:
            continue
        if registry.get(item.layout).key_field is None:  # one workbook a year for the layout
            by_key.setdefault((item.layout, ""), []).append(item)
        elif item.key:
            by_key.setdefault((item.layout, matching_key(item.key)), []).append(item)
    for (layout_id, key), group in by_key.items():
        if len(group) > 1:
            files = "、".join(str(i.source.name) for i in group if i.source)
            shown = group[0].key or key  # as the return writes it (03-02-015), not as matched
            what = f"{registry.get(layout_id).title} {shown}".strip()
            for item in group:
                item.add(
                    "return-duplicate",
                    f"{what} の提出が {len(group)} 件あります"
                    f"({files})。どれを元にするか決められないため作成しません。"
                    "1件に絞ってください。",
                )
    if roster is None:
        return items
    planned: list[RolloverItem] = []
    matched: set[int] = set()
    for entry in roster:
        layout = registry.get(entry.layout)
        group = by_key.get((entry.layout, matched_as(entry.key, layout.key_field is not None)), [])
        if len(group) == 1 and group[0].ok:
            item = group[0]
            matched.add(id(item))
        elif group:
            for dup in group:
                matched.add(id(dup))
            planned.extend(group)
            continue
        else:
            item = RolloverItem(None, layout=entry.layout, key=entry.key, new=entry.new)
            if not entry.new:
                item.add(
                    "roster-no-return",
                    f"名簿 {entry.line}行目の {layout.title} {entry.key}({entry.dept or '担当課未記入'})"
                    "の提出がありません。提出を受け取るか、新しい施策なら名簿の区分に「新規」と"
                    "書いてください。",
                )
        item.roster_line = entry.line
        item.file_name = entry.file_name
        if layout.key_field is not None:
            _key_as_roster(item, layout, entry)
        if entry.dept and entry.dept != item.dept:
            if item.dept is not None:
                item.add(
                    "dept-changed",
                    f"担当課を「{item.dept}」から「{entry.dept}」にしました(名簿 {entry.line}行目)。",
                )
            item.dept = entry.dept
        planned.append(item)
    for item in items:
        if id(item) in matched:
            continue
        keyed = item.layout is not None and registry.get(item.layout).key_field is not None
        if item.ok and item.document is not None and keyed:  # a key-less layout: not on a roster
            item.left_out = True
            title = registry.get(item.layout or "").title
            item.add(
                "return-not-in-roster",
                f"{item.source.name if item.source else ''}({title} {item.key or '番号なし'})"
                "は名簿にないため、翌年度の様式を作りません。",
            )
        planned.append(item)
    return planned


def _key_as_roster(item: RolloverItem, layout: Layout, entry: RosterEntry) -> None:
    """Next year's number as the roster writes it (the office's spelling) where the return
    typed the same number otherwise once carried half-width (_Carrier.key_written: `０３－０２－
    ０１５` is already 03-02-015; the return's `①`, the roster's `1`): said as key-changed. A
    number that matched only with its leading zeros dropped (the roster's `7`, the return's
    `07`: Excel drops them when a CSV is saved again) keeps the return's; and without a roster
    the number is carried as the return typed it, half-width."""
    summary = layout.summary
    if item.document is None or summary is None or summary.key is None:
        return
    path = tuple(summary.key.split("."))
    typed = get_path(item.document, path)
    if isinstance(typed, float) and typed.is_integer():
        typed = int(typed)
    if typed is None or str(typed) == entry.key or normalize_key(typed) != entry.key:
        return
    set_path(item.document, path, entry.key)
    item.key = entry.key
    field = layout.fields[summary.key]
    label = render_label(field.label, item.source_year or 0, item.document.get("params", {}))
    item.add(
        "key-changed",
        f"{label}を「{typed}」から名簿の表記「{entry.key}」にしました(名簿 {entry.line}行目)。",
        field=summary.key,
        label=label,
        value=typed,
        expected=entry.key,
    )


def _params_by_layout(items: list[RolloverItem]) -> dict[str, dict[str, Any]]:
    """The params (plan period) of each layout's first good return, for new 施策."""
    params: dict[str, dict[str, Any]] = {}
    for item in items:
        if item.document is not None and item.layout is not None and item.ok:
            params.setdefault(item.layout, dict(item.document["params"]))
    return params


# --- carrying and writing -------------------------------------------------------------------
def next_year_document(
    read: ReadResult,
    year: int,
    item: RolloverItem,
    params: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The document of next year's template: what the layout carries of the return's document.

    Year series keep the years of next year's window; records tables keep their records with
    the carried columns (a record left with nothing is left out). Fills `item.carried` (count),
    `item.cleared` (labels of this year's values left out), `item.dropped` (values whose year
    leaves the window) and a value-not-carried problem per unreadable value that would carry.
    `params` given replace the return's (next year's window follows them), each change said.
    """
    _report_unreadable(read, item)
    carrier = _Carrier(read, year, item, params)
    _report_params_set(read, item, carrier.params)
    return carrier.document()


class _Carrier:
    """Takes one return's document over to next year's, field by field."""

    def __init__(
        self,
        read: ReadResult,
        year: int,
        item: RolloverItem,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        self.read, self.year, self.item = read, year, item
        self.plan, self.layout = read.plan, read.plan.layout
        self.params = dict(read.plan.params) | dict(params or {})  # next year's
        self.labelled = dict(read.plan.params)  # the return's labels name its own years

    def document(self) -> dict[str, Any]:
        old = self.read.document()
        new: dict[str, Any] = {
            "layout": self.layout.id,
            "version": self.layout.version,
            "year": self.year,
            "params": self.params,
        }
        tables: list[tuple[str, ...]] = []
        for fdef in self.layout.fields.values():
            parent = fdef.path[:-1]
            if parent and isinstance(get_path(old, parent), list):
                if parent not in tables:
                    tables.append(parent)
                continue
            slot = self.plan.slots.get((fdef.id, None))
            taken = self.take(fdef, get_path(old, fdef.path), slot.label if slot else None)
            if taken is not None:
                set_path(new, fdef.path, taken)
        for path in tables:
            records: list[dict[str, Any]] = []
            for index, record in enumerate(get_path(old, path)):
                kept = self.record(path, index, record)
                if kept is None:
                    continue
                if records and kept == records[-1]:
                    # the same row again (a 再掲 whose own texts were cleared): one row holds it
                    self.item.cleared.append(f"{'.'.join(path)} ({index + 1}件目: 前の行と同じ)")
                    continue
                records.append(kept)
            if records:
                set_path(new, path, records)
        return new

    def record(
        self, path: tuple[str, ...], index: int, record: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """The carried part of one record; None when no field of it is carried."""
        kept: dict[str, Any] = {}
        carried = False
        for key, value in record.items():
            fdef = self.layout.fields.get(".".join((*path, key)))
            if fdef is None:
                kept[key] = value  # the table's structure (e.g. the name of a heading)
                continue
            label = f"{render_label(fdef.label, self.plan.year, self.labelled)} ({index + 1}件目)"
            taken = self.take(fdef, value, label)
            if taken is not None:
                kept[key] = taken
                carried = True
        return kept if carried else None

    def take(self, fdef: FieldDef, value: Any, label: str | None) -> Any:
        """The part of one field's value next year's template takes (None: nothing)."""
        if fdef.computed or fdef.rollover == "recompute":
            return None
        item = self.item
        label = label or render_label(fdef.label, self.plan.year, self.labelled)
        if fdef.years is None or not isinstance(value, Mapping):
            if _blank(value):
                return None
            if not fdef.carried:
                item.cleared.append(label)
                return None
            item.carried += 1
            return self.key_written(fdef, value, label)
        window = set(self.layout.year_sets[fdef.years].years(self.year, self.params))
        series: dict[str, Any] = {}
        for year_text, year_value in value.items():
            if _blank(year_value):
                continue
            value_year = int(year_text)
            column = column_heading(self.layout.year_sets[fdef.years], value_year, self.plan.year)
            year_label = label if label.endswith(column) else f"{label} {column}"
            if not fdef.carried:
                item.cleared.append(year_label)
            elif value_year not in window:
                item.dropped.append(DroppedValue(fdef.id, year_label, value_year, year_value))
            elif moves_role(self.layout, fdef, value_year, self.plan.year, self.year):
                item.cleared.append(year_label)  # a 予算 whose column becomes 決算: no actual
            else:
                series[str(value_year)] = year_value
                item.carried += 1
        return series or None

    def key_written(self, fdef: FieldDef, value: Any, label: str) -> Any:
        """A key or code text (施策番号, 政策番号) as the check reads it and fix writes it
        (checks.key_texts: `３－１` is 3-1), said as value-normalized; any other value as is."""
        if not isinstance(value, str) or fdef.id not in key_fields(self.layout):
            return value
        written = key_form(value)
        if written != value:
            self.item.add(
                "value-normalized",
                f"{label}を「{value}」から「{written}」にしました"
                f"({NOTE_MESSAGES[KEY_WIDTH_CODE]})。",
                field=fdef.id,
                label=label,
                value=value,
                expected=written,
            )
        return written


def _report_params_unused(
    result: RolloverResult, given: Mapping[str, Mapping[str, Any]], registry: LayoutRegistry
) -> None:
    """A params-unused warning for each layout given params that no template was made of."""
    made = {item.layout for item in result.items if item.output is not None}
    for layout_id in given:
        if layout_id not in made:
            result.problems.append(
                Problem(
                    "params-unused",
                    f"{registry.get(layout_id).title}の様式を1件も作らなかったため、"
                    "--param で指定した設定は使っていません(提出か名簿の行がその様式か確かめてください)。",
                )
            )


def _report_params_set(read: ReadResult, item: RolloverItem, params: Mapping[str, Any]) -> None:
    """A params-set line for each param given in place of the return's own."""
    layout = read.plan.layout
    for param, before, after in changed_params(layout, read.plan.params, params):
        item.add(
            "params-set",
            f"{param.label}を{param_shown(param, before)}から{param_shown(param, after)}に"
            "しました(指定による)。",
            label=param.label,
            value=param_shown(param, before),
            expected=param_shown(param, after),
        )


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == {}


def _report_unreadable(read: ReadResult, item: RolloverItem) -> None:
    for key, normalized in read.normalized.items():
        slot = read.plan.slots[key]
        if normalized.status != "invalid" or not slot.field.carried:
            continue
        cell = read.cells[key]
        item.add(
            "value-not-carried",
            f"{cell.sheet}!{cell.address} ({slot.label}) の「{normalized.raw}」は"
            f"読み取れないため翌年度の様式に引き継ぎません({normalized.error})。",
            sheet=cell.sheet,
            cell=cell.address,
            field=slot.field.id,
            label=slot.label,
            value=normalized.raw,
        )


def _write(
    item: RolloverItem,
    layout: Layout,
    year: int,
    out_dir: Path,
    pattern: str,
    allocator: NameAllocator,
    layout_params: dict[str, Any] | None,
    plans: Sequence[PlanSource] = (),
    plan_overrides: bool = False,
) -> None:
    if item.document is not None:
        doc = copy.deepcopy(item.document)
    else:
        params = layout_params or layout.default_params()
        doc = {"layout": layout.id, "version": layout.version, "year": year, "params": params}
    summary = layout.summary
    if summary is not None:
        if summary.key is not None and item.key is not None and item.document is None:
            set_path(doc, tuple(summary.key.split(".")), item.key)
        try:
            doc = _apply_plan(item, layout, year, doc, plans, plan_overrides)
        except DocumentError as exc:
            item.add("output-unwritable", f"計画のブックの値を入れられません: {exc}")
            return
        if summary.department is not None and item.dept is not None:
            set_path(doc, tuple(summary.department.split(".")), item.dept)
    name = (
        safe_file_name(item.file_name)
        if item.file_name
        else render_pattern(
            FALLBACK_PATTERN
            if pattern == DEFAULT_PATTERN and layout.key_field is None
            else pattern,
            {
                "担当課": item.dept or "",
                "施策番号": item.key or "",
                "施策名": item.name or "",
                "年度": fiscal_year.short_label(year),
                "年度名": fiscal_year.long_label(year),
                "西暦": str(year),
                "様式": layout.title,
                "様式ID": layout.id,
                "元ファイル": item.source.stem if item.source else "",
            },
        )
    )
    target = out_dir / allocator.allocate(name)
    try:
        with atomic_path(target, force=True) as temp:  # a rerun replaces, never half-written
            plan = make_template(layout, temp, year, doc)
            item.notes_carried, left = carry_notes(temp, plan, doc, item.notes)
            if item.survey is not None:
                item.left_behind = left_behind_messages(item.survey, left)
                item.left_behind += print_left_behind(item.survey, temp)
                item.left_behind += print_range_messages(item.survey)
    except DocumentError as exc:
        item.add("output-unwritable", f"{target.name} に値を書けません: {exc}")
        return
    except OSError as exc:
        item.add(
            "output-unwritable",
            f"{target} を書き出せません({exc.strerror or exc})。Excelで開いていないか、"
            "書き込める場所か確認してください。",
        )
        return
    except UsageError as exc:  # from the safe writer: the same, said by it
        item.add("output-unwritable", str(exc))
        return
    item.output = target


# --- plans supply what the template takes from the plan (targets, names) ---------------------
@dataclass
class PlanSource:
    """A filled workbook of a plan layout given with --plan."""

    path: Path
    read: ReadResult
    used: bool = False


def _read_plans(
    paths: Iterable[Path], registry: LayoutRegistry, result: RolloverResult
) -> list[PlanSource]:
    sources = []
    for path in iter_workbooks(paths):
        try:
            read = read_file(path, registry)
        except (WorkbookError, UnknownLayoutError) as exc:
            message = str(exc) if path.name in str(exc) else f"{path.name}: {exc}"
            result.problems.append(Problem("plan-unreadable", message, file=str(path)))
            continue
        layout = read.plan.layout
        if not layout.prefill:
            result.problems.append(
                Problem(
                    "plan-unreadable",
                    f"{path.name} は{layout.title}のブックで、他の様式へ値を引き継ぐ計画の様式"
                    "ではありません(レイアウト定義に prefill がありません)。",
                    file=str(path),
                )
            )
            continue
        sources.append(PlanSource(path, read))
    return sources


def _apply_plan(
    item: RolloverItem,
    layout: Layout,
    year: int,
    doc: dict[str, Any],
    plans: Sequence[PlanSource],
    plan_overrides: bool = False,
) -> dict[str, Any]:
    """`doc` with the gaps filled from the plan workbook of the same key (with
    `plan_overrides`, the plan's values also replace the carried ones that differ)."""
    from xlsxsheet.writing.make_template import plan_for_document
    from xlsxsheet.writing.prefill import merge, prefill

    candidates = [p for p in plans if layout.id in p.read.plan.layout.prefill]
    summary = layout.summary
    if not candidates or summary is None or summary.key is None:
        return doc
    target = plan_for_document(layout, year, doc)
    key_path = tuple(summary.key.split("."))
    for source in candidates:
        filled = prefill(source.read, target)
        if item.key is not None and normalize_key(get_path(filled.document, key_path)) == item.key:
            break
    else:
        item.add(
            "plan-missing",
            f"計画のブックに{layout.title} {item.key or '(番号なし)'} がありません。"
            "目標値などは前年度の提出のものです。",
        )
        return doc
    source.used = True
    supplied = {k: v for k, v in filled.document.items() if k not in HEADER_KEYS}
    empty, differ = 0, []
    for path, value in _leaves(supplied):
        carried = get_path(doc, path)
        if carried is None:
            empty += 1
        elif carried != value:
            differ.append(f"{'.'.join(path)}: 提出 {carried!r} / 計画 {value!r}")
    if item.document is None:  # a new 施策: everything comes from the plan
        item.add(
            "plan-applied",
            f"{source.path.name}({source.read.plan.layout.title})の {filled.filled} 項目を"
            "入れました。",
            file=str(source.path),
        )
        return merge(supplied, doc)
    if plan_overrides:
        what = f"前年度の提出と違う {len(differ)} 項目は計画の値にしました"
    else:
        what = (
            f"前年度の提出と違う {len(differ)} 項目は提出の値のままです"
            "(--plan-overrides で計画の値にします)"
        )
    item.add(
        "plan-applied",
        f"{source.path.name}({source.read.plan.layout.title})の {filled.filled} 項目のうち、"
        f"空欄だった {empty} 項目を計画の値で埋めました。{what}。",
        file=str(source.path),
        value=differ or None,
    )
    for note in filled.skipped:
        item.add("plan-skipped", f"{source.path.name}: {note}", file=str(source.path))
    return merge(doc, supplied) if plan_overrides else merge(supplied, doc)


def _leaves(
    data: Mapping[str, Any], prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Any]]:
    for key, value in data.items():
        if isinstance(value, Mapping):
            yield from _leaves(value, (*prefix, str(key)))
        else:
            yield (*prefix, str(key)), value


# --- rendering ------------------------------------------------------------------------------


def render_json(result: RolloverResult) -> str:
    return strict_json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str)


def render_text(result: RolloverResult, show_all: bool = False, options: bool = True) -> str:
    """The Japanese summary: one block per item, then the totals; `options`: with the
    command's options that show more (not on a web page)."""
    lines: list[str] = []
    for item in result.items:
        source = item.source.name if item.source else f"名簿 {item.roster_line}行目"
        what = " ".join(x for x in (item.key, item.name, item.dept) if x)
        if item.output is not None:
            head = f"作成 {item.output.name} ← {source}"
            if what:
                head += f"({what})"
            if item.new:
                head += " 新規"
            else:
                head += (
                    f": 引き継ぎ {item.carried} 項目、今年度の記入を消去 {len(item.cleared)} 項目"
                )
            lines.append(head)
        else:
            lines.append(f"作成せず {source}" + (f"({what})" if what else ""))
        lines.extend(f"  {line}" for line in item_notes(item, show_all, options))
    for p in result.problems:
        if p.severity != "info" or show_all or p.code == "plan-unused":
            about = "設定" if p.code == "params-unused" else "計画"
            lines.append(f"{about} [{SEVERITY_WORDS[p.severity]}] {p.message}")
    lines.append(f"{totals(result)} → {result.out_dir}")
    return "\n".join(lines)


def totals(result: RolloverResult) -> str:
    """The counts of a rollover in one line: made (new), not made, left out by the roster."""
    failed = [i for i in result.items if not i.ok]
    dropped = [i for i in result.items if i.status == "not-in-roster"]
    return (
        f"{fiscal_year.long_label(result.year)}の様式: 作成 {len(result.written)} 件"
        f"(新規 {sum(i.new and i.output is not None for i in result.items)} 件)、"
        f"作成できなかったもの {len(failed)} 件、名簿にないため作成しなかったもの {len(dropped)} 件"
    )


def item_notes(item: RolloverItem, show_all: bool = False, options: bool = True) -> list[str]:
    """What is said of one item below its line, each with its severity word: values whose year
    leaves the template, notes carried, what the template does not take over, problems."""
    lines = []
    if item.dropped:
        years = sorted({d.year for d in item.dropped})
        lines.append(
            f"[情報] 翌年度の様式の年度列にない "
            f"{'・'.join(fiscal_year.column_label(y) for y in years)} の値 {len(item.dropped)} 件は"
            "様式に載りません" + ("(--all で一覧、--format json で値)。" if options else "。")
        )
        if show_all:
            lines.extend(f"  {d.label} = {d.value}" for d in item.dropped)
    if item.notes_carried:
        lines.append(f"[情報] セルのメモ {item.notes_carried} 件を引き継ぎました。")
    lines.extend(f"[情報] {line}" for line in item.left_behind)
    for p in item.problems:
        if p.severity != "info" or show_all or p.code in SHOWN_INFOS:
            lines.append(f"[{SEVERITY_WORDS[p.severity]}] {p.message}")
    return lines
