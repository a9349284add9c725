"""The layout model: plain dataclasses built from a layout file by the loader.

Labels are kept as jinja2 template strings; they are rendered for a fiscal year by the planner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

FIELD_TYPES = ("text", "number", "integer", "money", "percent", "choice", "fiscal-year")
# What `rollover` does with a field's value when it makes next year's template from a return:
# carry it (it belongs to the plan), clear it (it belongs to the year). Computed fields are
# neither: the new template recomputes them.
ROLLOVER_MODES = ("carry", "clear")
DEFAULT_FORMATS = {"money": "#,##0", "integer": "#,##0", "number": "#,##0.0", "percent": "0.0"}


@dataclass(frozen=True)
class ListDef:
    """A dropdown list: allowed values, their descriptions, the input prompt."""

    id: str
    values: tuple[str, ...]
    labels: dict[str, str] = field(default_factory=dict)
    prompt: str = ""
    aliases: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Param:
    """A layout parameter kept in the workbook metadata (e.g. the plan's final year)."""

    id: str
    label: str
    type: str
    default: Any


@dataclass(frozen=True)
class YearRole:
    """What the year columns from `first` to `last` (offsets from the evaluation year) hold:
    決算 (actual), 予算, 見込み …; `label` is shown under the year in headings and labels."""

    first: int
    last: int
    role: str
    label: str
    actual: bool


@dataclass(frozen=True)
class YearSet:
    """Year columns relative to the evaluation year, plus fixed years taken from params."""

    id: str
    start: int | str  # offset from the evaluation year, or a fiscal-year param (plan_start)
    end: int | str
    extra: tuple[str, ...] = ()
    roles: tuple[YearRole, ...] = ()

    def role_of(self, column_year: int, year: int) -> YearRole | None:
        """The role of a column in the template of evaluation year `year` (None: no role)."""
        offset = column_year - year
        return next((r for r in self.roles if r.first <= offset <= r.last), None)

    def years(self, year: int, params: dict[str, Any]) -> tuple[int, ...]:
        if isinstance(self.start, str) or isinstance(self.end, str):  # fixed: a plan's period
            first = int(params[self.start]) if isinstance(self.start, str) else year + self.start
            last = int(params[self.end]) if isinstance(self.end, str) else year + self.end
            return tuple(range(first, last + 1))
        base = [year + offset for offset in range(self.start, self.end + 1)]
        for name in self.extra:
            extra_year = int(params[name])
            if extra_year not in base:
                base.append(extra_year)
        return tuple(base)


@dataclass(frozen=True)
class Rule:
    """A judgement rule: the engine implements the kind, the layout gives its arguments."""

    kind: str
    args: dict[str, Any]


@dataclass(frozen=True)
class FieldDef:
    """One field of the document: a single cell, or one cell per year for a series."""

    path: tuple[str, ...]
    label: str
    type: str = "text"
    list: str | None = None
    required: bool = False
    unit: str | None = None
    format: str | None = None
    formula: str | None = None
    lines: int = 1
    years: str | None = None
    rule: Rule | None = None
    place: str = ""
    rollover: str = "clear"
    # numeric fields: words allowed instead of a number (増加, 中止), and whether the cell's text
    # is kept as typed when it is more than a number ("qualified": 延べ600 以上; "any": a sentence)
    words: tuple[str, ...] = ()
    keep_text: str | None = None
    codes: str | None = None  # text of codes from this list (担当課 codes), in the list's order
    aggregate: AggregateSpec | None = None
    # a year series and the roles of its year columns (YearSet.roles): "follow" (its value is of
    # the column's role: a 予算 in a 予算 column), "ignore" (a target: the same whatever the
    # role), or the roles it is entered in only (("決算",): an 実績)
    year_roles: str | tuple[str, ...] = "follow"
    # numeric fields: the least and the greatest value that makes sense (`min`, `max`); check
    # warns of a value outside (out-of-range) and an input cell's validation holds the bounds
    minimum: float | None = None
    maximum: float | None = None

    @cached_property
    def computed(self) -> bool:
        # asked for every cell by every stage: decided once per field
        return self.formula is not None or self.aggregate is not None

    @property
    def carried(self) -> bool:
        """True when next year's template takes this field's value from this year's return."""
        return self.rollover == "carry" and not self.computed

    @cached_property
    def id(self) -> str:
        # asked for every cell of every return (slot keys): joined once per field
        return ".".join(self.path)


@dataclass(frozen=True)
class Level:
    key: str
    label: str


@dataclass(frozen=True)
class FormCell:
    """A cell of a form row: static text, a field, or the descriptions of a list."""

    span: int
    text: str | None = None
    field: FieldDef | None = None
    list_labels: str | None = None
    style: str = "label"


@dataclass(frozen=True)
class TitleBlock:
    text: str
    note: str = ""


@dataclass(frozen=True)
class HeadingBlock:
    text: str


@dataclass(frozen=True)
class FormBlock:
    id: str
    rows: tuple[tuple[FormCell, ...], ...]


@dataclass(frozen=True)
class TableColumn:
    id: str
    label: str
    span: int
    type: str = "text"
    list: str | None = None
    required: bool = False
    format: str | None = None
    lines: int = 1


@dataclass(frozen=True)
class TableBlock:
    """A table with fixed rows: the cartesian product of its levels, one field per column."""

    id: str
    title: str
    levels: tuple[tuple[Level, ...], ...]
    level_spans: tuple[int, ...]
    level_header: str
    columns: tuple[TableColumn, ...]


@dataclass(frozen=True)
class Series:
    """A row of a year table: one value per year column (or one text across all of them)."""

    id: str
    label: tuple[str, ...]
    type: str = "number"
    unit: str | None = None
    format: str | None = None
    formula: str | None = None
    across_years: bool = False
    required: bool = False
    unit_from: str | None = None  # the across-years series of the item whose text is the unit


@dataclass(frozen=True)
class Judgement:
    """A cell beside a year-table item whose value a rule decides (達成/未達成, 向上/低下)."""

    id: str
    label: str
    list: str
    rule: Rule


@dataclass(frozen=True)
class YearSection:
    id: str
    label: str
    levels: tuple[tuple[Level, ...], ...]
    level_label: str
    series: tuple[Series, ...]
    judgements: tuple[Judgement, ...] = ()
    direction_from: str | None = None
    unit_slip_check: tuple[str, ...] = ()
    totals: tuple[TotalRule, ...] = ()


@dataclass(frozen=True)
class TotalRule:
    """Series of a year-table section that must add up, in each item and year: the value of
    `total` equals the sum of `parts` (事業費(A) = 国庫支出金 + … + 一般財源). `label` names the
    parts in messages (財源内訳の合計)."""

    total: str
    parts: tuple[str, ...]
    label: str = ""
    place: str = ""


@dataclass(frozen=True)
class YearTableBlock:
    id: str
    years: str
    label_spans: tuple[int, ...]
    unit_span: int
    header: tuple[str, ...]
    sections: tuple[YearSection, ...]


@dataclass(frozen=True)
class AggregateSpec:
    """What a computed aggregate cell holds (the `aggregate` of its field); see aggregates.py.

    kind: count (cells of `column` equal to `value`, in one records table; for a grid row, in
    the year column `year` (offset from the evaluation year)), share (a count per record, in %),
    column-sum (the numbers of `column` in one records table, as SUM), sum (of the fields in
    `refs`), items (the headings of `level` whose `column` is `value`,
    listed by `show`), sentence (`text` with {total}, {good}, {share} from `refs`).
    """

    kind: str
    table: tuple[str, ...] = ()
    column: str | None = None
    value: str | None = None
    year: int | None = None
    exclude: tuple[tuple[str, tuple[str, ...]], ...] = ()
    refs: tuple[str, ...] = ()
    base: str | None = None
    digits: int = 1
    text: str = ""
    level: int | None = None
    show: str | None = None
    collapse: bool = False
    join: str = "－"


@dataclass(frozen=True)
class RecordColumn:
    """A column of a records table: one cell per record (over all the record's sub-rows)."""

    id: str
    label: str
    span: int = 1
    group: str = ""
    fill_down: bool = False


@dataclass(frozen=True)
class GridRow:
    """A sub-row of a multi-row record, one value per year column (目標 / 実績 / 評価)."""

    id: str
    label: str


@dataclass(frozen=True)
class RecordGrid:
    """Year columns inside a records table, with one sheet row per grid row in each record."""

    years: str
    after: str
    label_span: int
    rows: tuple[GridRow, ...]
    label: str = ""


@dataclass(frozen=True)
class HierarchyLevel:
    """A level of heading rows inside a records table (基本目標 → 施策 大 → 小).

    A heading row holds the level's code in column `code`, its name in one cell merged from
    column `name_at` to `name_to`, and the level's own `fields` (e.g. the 施策's grade).
    """

    code: str
    name: str
    name_at: str
    name_to: str
    fields: tuple[str, ...] = ()
    label: str = ""


@dataclass(frozen=True)
class AggregateRow:
    """A row under a records table: per listed column, the count of a mark, its share (%), or
    the column's sum."""

    id: str
    label: str
    kind: str
    columns: tuple[str, ...]
    value: str | None = None
    of: str | None = None
    base: str | None = None
    digits: int = 1


@dataclass(frozen=True)
class Constraint:
    """A rule every record keeps: `mark` in exactly one / at least one of `columns`, or in
    `column` only when none of the other `columns` has it (alone)."""

    kind: str
    columns: tuple[str, ...]
    mark: str
    column: str | None = None
    label: str = ""
    place: str = ""


# The grade rules a records block may name (`rules: - method: ...`); rules.grades implements
# each by this name (RECORD_METHODS), and a test holds the two to the same names.
RECORD_RULE_METHODS = ("group-share", "target-ratio")


@dataclass(frozen=True)
class RecordRule:
    """A grade rule over records; rules.grades.RECORD_METHODS implements the method by name."""

    method: str
    args: dict[str, Any]
    place: str = ""


@dataclass(frozen=True)
class RecordsBlock:
    """A repeating table of any length: one record per row (or per `grid` of rows).

    With `levels`, one table per level item (e.g. per 施策). The records are read from the
    defined name of each table's body, so rows a department inserts inside it are read.
    """

    id: str
    title: str
    levels: tuple[Level, ...]
    level_title: str
    columns: tuple[RecordColumn, ...]
    grid: RecordGrid | None
    hierarchy: tuple[HierarchyLevel, ...]
    spare: int
    aggregates: tuple[AggregateRow, ...]
    constraints: tuple[Constraint, ...]
    rules: tuple[RecordRule, ...]
    record_label: str
    place: str = ""

    @property
    def unit_rows(self) -> int:
        """Sheet rows per record."""
        return len(self.grid.rows) if self.grid else 1

    def table_paths(self) -> list[tuple[str, ...]]:
        base = tuple(self.id.split("."))
        return [(*base, lv.key) for lv in self.levels] if self.levels else [base]

    def column(self, column_id: str) -> RecordColumn | None:
        return next((c for c in self.columns if c.id == column_id), None)


@dataclass(frozen=True)
class TallyBlock:
    """A summary table counting the values of one records column (or grid row in one year).

    rows: "levels" (one row per table of a records block with levels, columns per value) or
    "values" (one row per value, with its count and the listed headings).
    """

    id: str
    title: str
    source: str
    rows: str
    row_keys: tuple[str, ...]
    row_labels: tuple[str, ...]
    col_keys: tuple[str, ...]
    header: tuple[str, ...]
    spans: tuple[int, ...]
    total_label: str
    total_cols: tuple[str, ...]
    sentence: bool = False
    row_label: str = "{{ label }}"  # a row's label, from its level's or value's label


Block = (
    TitleBlock | HeadingBlock | FormBlock | TableBlock | YearTableBlock | RecordsBlock | TallyBlock
)


@dataclass(frozen=True)
class PrintSetup:
    paper: str = "A4"
    landscape: bool = False
    fit_width: bool = True
    repeat_rows: int = 0
    # a new printed page starts at the first row whose text begins with each (print_breaks.py)
    break_before: tuple[str, ...] = ()
    pages_tall: int = 0  # shrunk to print on this many pages high (0: as many as it needs)


@dataclass(frozen=True)
class SheetDef:
    id: str
    name: str
    columns: tuple[float, ...]
    blocks: tuple[Block, ...]
    print: PrintSetup = PrintSetup()

    @property
    def width(self) -> int:
        return len(self.columns)


@dataclass(frozen=True)
class GradeSuggestion:
    """A rule that suggests a grade a person decides; check warns where they differ."""

    field: str
    method: str
    args: dict[str, Any]


SUMMARY_KINDS = ("目標", "実績", "見込み", "達成率")


def match_field_pattern(pattern: str, field_id: str) -> tuple[str, ...] | None:
    """The parts `*` stood for when `field_id` matches `pattern` (one `*` per path part), else None.

    ``match_field_pattern("perf.outcome.*.*.target", "perf.outcome.d1.a.target") == ("d1", "a")``
    """
    want, have = pattern.split("."), field_id.split(".")
    if len(want) != len(have):
        return None
    captured = []
    for w, h in zip(want, have, strict=True):
        if w == "*":
            captured.append(h)
        elif w != h:
            return None
    return tuple(captured)


def fill_field_pattern(pattern: str, captured: tuple[str, ...]) -> str:
    """`pattern` with its `*` replaced, in order, by the parts a match captured."""
    parts = iter(captured)
    return ".".join(next(parts) if p == "*" else p for p in pattern.split("."))


SUMMARY_GROUPINGS = ("return", "table", "record")


@dataclass(frozen=True)
class SummaryItem:
    """A field (or `*` pattern of fields) the central office sums up, with its report label.

    Grades only: `by` says what one row of the 評価総括表 is: the return (default), a table of
    a records block with levels (`table`: 施策 ①–⑤ of one workbook), the record or heading row
    holding the grade (`record`: a 施策 heading), or the text of a field of the same record (a
    `*` pattern). `scale` is the grades counted (default: the list's values; other values of the
    list, such as A(再掲), are not counted); `department_from` the 担当課 of each grade (a
    records column; for a heading, its records'); `exclude` leaves out the grades of records
    whose field (a pattern) holds one of the listed values (指標 "-": no 指標, nothing to grade).
    """

    field: str
    label: str
    by: str = "return"
    scale: tuple[str, ...] = ()
    department_from: str | None = None
    exclude: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class SummaryValues:
    """Values that go into the tidy CSV: their kind, and where their unit, name and key live.

    A year series gives its own years; a single value (a records column too) is for `year`:
    ``params.<name>`` (a fiscal-year param), a field holding a year (a `*` pattern is filled
    from the match, like `unit_from`), or else the year evaluated.
    """

    fields: str
    kind: str
    unit_from: str | None = None
    name_from: str | None = None
    key_from: str | None = None
    year: str | None = None


@dataclass(frozen=True)
class Migration:
    """How to read a workbook made from an older version of the layout with this version.

    `rename` maps the field ids of that version to this version's ids (the defined names are
    derived from the ids); `added` lists this version's fields the older one did not have, which
    are then not looked for.
    """

    from_version: int
    rename: dict[str, str] = field(default_factory=dict)
    added: tuple[str, ...] = ()
    # a workbook of this very version made from an earlier text of the layout file (its cell
    # shape differs: the file was changed without raising `version`): read like an older one
    unrecorded: bool = False

    def old_id(self, field_id: str) -> str:
        """The id a field of this version had in the older one."""
        for old, new in self.rename.items():
            if new == field_id:
                return old
        return field_id


@dataclass(frozen=True)
class SummaryLevel:
    """A level cost totals are made at (`summary.levels`): the field holding its number, the
    one holding its name, and what it is called (施策, 政策)."""

    key: str | None
    name: str | None
    label: str


@dataclass(frozen=True)
class SummaryDef:
    """What a return reports on and what `check`/`collect` sum up (the `summary:` section).

    `key` identifies the 施策 (two returns with the same layout, year and key are duplicates);
    a layout without one has one workbook a year for the whole plan (two are duplicates).
    `department` is the 担当課 the return is grouped under; `policy` groups cost totals.
    """

    unit: str
    key: str | None = None
    name: str | None = None
    department: str | None = None
    policy: str | None = None
    policy_name: str | None = None
    grades: tuple[SummaryItem, ...] = ()
    costs: tuple[SummaryItem, ...] = ()
    values: tuple[SummaryValues, ...] = ()
    # the levels cost totals are made at, lowest first; without `levels:` one, 政策, from
    # `policy` and `policy_name`
    levels: tuple[SummaryLevel, ...] = ()

    def total_levels(self) -> tuple[SummaryLevel, ...]:
        return self.levels or (SummaryLevel(self.policy, self.policy_name, "政策"),)


@dataclass(frozen=True)
class PrefillRule:
    """One field (or `*` pattern) of this layout that fills a field of another layout's
    template: `source` → `target`; for a year series, the year comes from `year` (a
    `params.<name>` of this layout, or a field pattern of it holding a year such as H26)."""

    source: str
    target: str
    year: str | None = None


@dataclass(frozen=True)
class Layout:
    id: str
    version: int
    title: str
    description: str
    default_year: int
    font_name: str
    font_size: float
    params: dict[str, Param]
    year_sets: dict[str, YearSet]
    lists: dict[str, ListDef]
    sheets: tuple[SheetDef, ...]
    grade_suggestions: tuple[GradeSuggestion, ...]
    checks: dict[str, Any]
    source: Path
    fields: dict[str, FieldDef] = field(default_factory=dict)
    summary: SummaryDef | None = None
    migrations: tuple[Migration, ...] = ()
    # fields of another layout this one's workbooks fill in (`prefill:`), by that layout's id
    prefill: dict[str, tuple[PrefillRule, ...]] = field(default_factory=dict)
    # how cities word its labels (`import:`): layout/import_loader.ImportSpec, or None
    imports: Any = None
    # where the sheet comes from and what it is for, as `layouts` shows them (metadata only)
    city: str = ""
    purpose: str = ""

    @property
    def key_field(self) -> str | None:
        """The field naming the 施策 a workbook is about (`summary.key`); None for a layout
        with one workbook for the whole plan."""
        return self.summary.key if self.summary is not None else None

    def migration_from(self, version: int) -> Migration | None:
        """The migration that reads a workbook of an older `version`, if the layout keeps one."""
        return next((m for m in self.migrations if m.from_version == version), None)

    def default_params(self) -> dict[str, Any]:
        return {p.id: p.default for p in self.params.values()}
