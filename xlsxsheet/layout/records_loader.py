"""Load the `records` and `tally` blocks of a layout file (see layout/loader.py).

A records block is a repeating table of any length; a tally block counts the values of one of
its columns. Every mistake is a LayoutError naming the file, line, place and fix.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any

from xlsxsheet.layout import model as m
from xlsxsheet.layout import section_keys
from xlsxsheet.layout.labels import LEVEL_NAMES
from xlsxsheet.layout.suggest import near as _near

if TYPE_CHECKING:
    from xlsxsheet.layout.loader import _LayoutBuilder, _Node

COLUMN_KEYS = {
    "id",
    "label",
    "span",
    "type",
    "list",
    "required",
    "format",
    "lines",
    "group",
    "fill_down",
    "words",
    "keep_text",
    "codes",
    "rollover",
    "min",
    "max",
}
CONSTRAINT_KINDS = ("exactly-one", "at-least-one", "alone")
RECORD_RULE_ARGS = {  # each records rule method's arguments: (required, optional); rules.grades
    "group-share": ({"grade", "met", "thresholds"}, {"level", "count_if", "repeat", "fix"}),
    "target-ratio": (
        {"grade", "target", "actual", "thresholds"},
        {"directions", "direction_thresholds", "not_rated"},
    ),
}
AGGREGATE_KINDS = ("count", "share", "sum")
SUMMABLE_TYPES = ("number", "integer", "money", "percent")
KEEP_TEXT = ("qualified", "any")
NUMERIC = ("number", "integer", "money", "percent")


def load_records(b: _LayoutBuilder, node: _Node) -> m.RecordsBlock:
    """A `type: records` block."""
    node.check_keys(
        {
            "type",
            "id",
            "title",
            "levels",
            "level_title",
            "columns",
            "grid",
            "hierarchy",
            "spare",
            "aggregates",
            "constraints",
            "rules",
            "record_label",
            "rollover",
        },
        {"id", "columns"},
    )
    base = b._block_path(node)
    rollover = b._rollover(node, "clear")
    levels: tuple[m.Level, ...] = ()
    if node.get("levels") is not None:
        nested = b._levels(_wrapped(b, node, "levels"))
        levels = nested[0] if nested else ()
    tables = [(*base, lv.key) for lv in levels] if levels else [base]
    column_nodes = [node.child("columns", i) for i in range(len(node.items("columns")))]
    columns: list[m.RecordColumn] = []
    for cn in column_nodes:
        cn.check_keys(COLUMN_KEYS, {"id", "label"})
        column = m.RecordColumn(
            cn.ident(),
            b._template(cn, cn.text("label")),
            cn.integer("span", 1, 1),
            b._template(cn, str(cn.get("group", ""))),
            bool(cn.get("fill_down", False)),
        )
        if any(c.id == column.id for c in columns):
            cn.fail(f"列 id「{column.id}」が重複しています", "列の id をそれぞれ別にしてください")
        columns.append(column)
        for path in tables:
            _record_field(b, cn, (*path, column.id), column.label, None, rollover)
    ids = [c.id for c in columns]
    grid = _grid(b, node, ids, tables, rollover) if node.get("grid") is not None else None
    hierarchy = _hierarchy(b, node, ids, grid)
    width = sum(c.span for c in columns)
    if grid is not None:
        years = b.year_sets[grid.years]
        width += grid.label_span + _year_count(years)
    if width > b.width:
        node.fail(
            f"表の幅 {width} 列がシートの列数 {b.width} を超えています",
            "列の span を小さくするか、シートの columns を増やしてください",
        )
    block = m.RecordsBlock(
        id=".".join(base),
        title=b._template(node, str(node.get("title", ""))),
        levels=levels,
        level_title=b._template(
            node, str(node.get("level_title", "{{ label }}")), extras=LEVEL_NAMES
        ),
        columns=tuple(columns),
        grid=grid,
        hierarchy=hierarchy,
        spare=node.integer("spare", 3, 0),
        aggregates=(),
        constraints=_constraints(b, node, ids),
        rules=_rules(b, node),
        record_label=str(node.get("record_label", "行")),
        place=_place(node),
    )
    aggregates = _aggregates(b, node, block, tables)
    return dataclasses.replace(block, aggregates=aggregates)


def _wrapped(b: _LayoutBuilder, node: _Node, key: str) -> _Node:
    """The node with `key` given as one level (a list of {key, label}) seen as a list of levels."""
    raw = node.get(key)
    if not isinstance(raw, list):
        node.fail(
            f"「{key}」は {{key, label}} のリストで書いてください",
            "levels:\n  - {key: s1, label: 施策①}",
        )
    data = {key: [raw]}
    wrapped = type(node)(b.source, type(node.data)(data), node.place)
    if hasattr(node.data, "line"):
        wrapped.data.line = node.data.line
    return wrapped


def _place(node: _Node) -> str:
    from xlsxsheet.layout.yaml_source import line_of

    return f"{line_of(node.data)}行目 {node.place}"


def _year_count(years: m.YearSet) -> int:
    if isinstance(years.start, int) and isinstance(years.end, int):
        return years.end - years.start + 1 + len(years.extra)
    return 0  # a plan period: checked when the plan is laid out


def _record_field(
    b: _LayoutBuilder,
    node: _Node,
    path: tuple[str, ...],
    label: str,
    years: str | None,
    rollover: str,
) -> m.FieldDef:
    """The field of a records column (or grid row), with the numeric-text options."""
    field = b._field(node, path, label, years=years, rollover=rollover)
    return text_options(b, node, field)


def text_options(b: _LayoutBuilder, node: _Node, field: m.FieldDef) -> m.FieldDef:
    """A field with the `words`, `keep_text`, `codes`, `min` and `max` its node gives (checked)."""
    words = tuple(str(w) for w in node.get("words") or ())
    keep_text = node.get("keep_text")
    codes = node.get("codes")
    if keep_text and field.type not in NUMERIC:
        node.fail(
            "keep_text は数値の列(number, integer, money, percent)にだけ書けます",
            "type: number を指定するか、keep_text を削除してください",
        )
    if words and field.type not in (*NUMERIC, "fiscal-year"):
        node.fail(
            "words は数値か年度の項目(number, integer, money, percent, fiscal-year)にだけ書けます",
            "例: {field: end_year, label: 終了年度, type: fiscal-year, words: [未定]}",
        )
    if keep_text is not None and keep_text not in KEEP_TEXT:
        node.fail(
            f"keep_text「{keep_text}」はありません",
            "qualified(「延べ600 以上」を入力のまま残す)か any(文章も可)を書いてください",
        )
    if codes is not None:
        b._require_list(node, str(codes))
        if field.type != "text":
            node.fail("codes は文字列の列(type: text)にだけ書けます", "type を削除してください")
    field = dataclasses.replace(
        field, words=words, keep_text=keep_text, codes=None if codes is None else str(codes)
    )
    field = section_keys.bounds(node, field)
    b.fields[field.id] = field
    return field


def _grid(
    b: _LayoutBuilder, node: _Node, ids: list[str], tables: list[tuple[str, ...]], rollover: str
) -> m.RecordGrid:
    gn = node.child("grid")
    gn.check_keys({"years", "after", "label_span", "label", "rows"}, {"years", "after", "rows"})
    years = gn.text("years")
    if years not in b.year_sets:
        gn.fail(f"years「{years}」が year_sets にありません", _near(years, b.year_sets))
    after = gn.text("after")
    if after not in ids:
        gn.fail(
            f"after「{after}」は columns にありません", "年度の列の前にくる列の id を書いてください"
        )
    rows = []
    for i in range(len(gn.items("rows"))):
        rn = gn.child("rows", i)
        rn.check_keys(COLUMN_KEYS - {"span", "group", "fill_down", "lines"}, {"id", "label"})
        row = m.GridRow(rn.ident(), b._template(rn, rn.text("label")))
        if row.id in ids or any(r.id == row.id for r in rows):
            rn.fail(f"id「{row.id}」が列や他の行と重複しています", "別の id にしてください")
        rows.append(row)
        for path in tables:
            _record_field(b, rn, (*path, row.id), row.label, years, rollover)
    return m.RecordGrid(
        years,
        after,
        gn.integer("label_span", 1, 1),
        tuple(rows),
        b._template(gn, str(gn.get("label", "")), "label"),
    )


def _hierarchy(
    b: _LayoutBuilder, node: _Node, ids: list[str], grid: m.RecordGrid | None
) -> tuple[m.HierarchyLevel, ...]:
    result: list[m.HierarchyLevel] = []
    raw = node.items("hierarchy", required=False)
    if raw and grid is not None:
        node.fail(
            "hierarchy(見出し行)と grid(年度の行)は同じ表に書けません",
            "どちらかを別の records ブロックにしてください",
        )
    codes = []
    for i in range(len(raw)):
        hn = node.child("hierarchy", i)
        hn.check_keys({"code", "name", "name_at", "name_to", "fields", "label"}, {"code", "name"})
        code = hn.text("code")
        if code not in ids:
            hn.fail(
                f"code「{code}」は columns にありません",
                "見出しの番号を入れる列の id を書いてください",
            )
        name = hn.ident("name")
        if name in ids:
            hn.fail(
                f"name「{name}」は列の id と重複しています",
                "見出しの名称には別の名前を付けてください",
            )
        name_at = str(hn.get("name_at", ids[min(ids.index(code) + 1, len(ids) - 1)]))
        name_to = str(hn.get("name_to", ids[-1]))
        for key, value in (("name_at", name_at), ("name_to", name_to)):
            if value not in ids:
                hn.fail(f"{key}「{value}」は columns にありません", "列の id を書いてください")
        if not ids.index(code) < ids.index(name_at) <= ids.index(name_to):
            hn.fail(
                "見出しの名称の欄は code の列より右で、name_at ≦ name_to の順にしてください",
                f"例: {{code: {code}, name: {name}, name_at: <code の次の列>, name_to: <右端の列>}}",
            )
        fields = tuple(str(f) for f in hn.get("fields") or ())
        for f in fields:
            if f not in ids:
                hn.fail(
                    f"fields の「{f}」は columns にありません",
                    "見出し行に入る列の id を書いてください",
                )
            if ids.index(name_at) <= ids.index(f) <= ids.index(name_to):
                hn.fail(
                    f"fields の「{f}」が名称の欄({name_at}〜{name_to})と重なっています",
                    "name_to を手前の列にしてください",
                )
        codes.append(code)
        result.append(
            m.HierarchyLevel(code, name, name_at, name_to, fields, str(hn.get("label", "")))
        )
    if len(set(codes)) != len(codes):
        node.fail("hierarchy の code の列が重複しています", "階層ごとに別の列にしてください")
    return tuple(result)


def _constraints(b: _LayoutBuilder, node: _Node, ids: list[str]) -> tuple[m.Constraint, ...]:
    result = []
    for i in range(len(node.items("constraints", required=False))):
        cn = node.child("constraints", i)
        cn.check_keys({"kind", "columns", "mark", "column", "label"}, {"kind", "columns", "mark"})
        kind = cn.text("kind")
        if kind not in CONSTRAINT_KINDS:
            cn.fail(f"kind「{kind}」はありません", "使える kind: " + ", ".join(CONSTRAINT_KINDS))
        columns = tuple(str(c) for c in cn.items("columns"))
        column = cn.get("column")
        if kind == "alone" and column is None:
            cn.fail(
                "kind: alone には column(単独でしか付けられない列)が必要です", "column: none_needed"
            )
        for c in (*columns, *([column] if column else [])):
            if c not in ids:
                cn.fail(f"列「{c}」は columns にありません", "列の id を書いてください")
        result.append(
            m.Constraint(
                kind,
                columns,
                cn.text("mark"),
                None if column is None else str(column),
                str(cn.get("label", "")),
                _place(cn),
            )
        )
    return tuple(result)


def _rules(b: _LayoutBuilder, node: _Node) -> tuple[m.RecordRule, ...]:
    result = []
    for i in range(len(node.items("rules", required=False))):
        rn = node.child("rules", i)
        method = rn.text("method")
        if method not in m.RECORD_RULE_METHODS:
            rn.fail(
                f"method「{method}」はありません",
                "使える method: " + ", ".join(m.RECORD_RULE_METHODS),
            )
        required, optional = RECORD_RULE_ARGS[method]
        rn.check_keys({"method"} | required | optional, {"method"} | required)
        args = {k: v for k, v in rn.data.items() if k != "method"}
        for key in ("thresholds",):
            if key in args and not isinstance(args[key], dict):
                rn.fail(
                    f"{key} は「評価: 下限」の辞書で書いてください", "thresholds: {A: 0.7, B: 0.4}"
                )
        result.append(m.RecordRule(method, args, _place(rn)))
    return tuple(result)


_SUM_FORMATS = {"integer": "#,##0", "money": "#,##0"}


def _aggregates(
    b: _LayoutBuilder, node: _Node, block: m.RecordsBlock, tables: list[tuple[str, ...]]
) -> tuple[m.AggregateRow, ...]:
    ids = [c.id for c in block.columns]
    rows: list[m.AggregateRow] = []
    for i in range(len(node.items("aggregates", required=False))):
        an = node.child("aggregates", i)
        an.check_keys(
            {"id", "label", "kind", "columns", "value", "of", "base", "digits"},
            {"id", "label", "kind"},
        )
        kind = an.text("kind")
        if kind not in AGGREGATE_KINDS:
            an.fail(f"kind「{kind}」はありません", "使える kind: " + ", ".join(AGGREGATE_KINDS))
        of = an.get("of")
        columns = tuple(str(c) for c in an.get("columns") or ())
        if kind == "share":
            source = next((r for r in rows if r.id == of), None)
            if source is None:
                an.fail(
                    f"of「{of}」はこの表の前の集計行にありません",
                    "割合の元になる count の行の id を書いてください",
                )
            columns = columns or source.columns
            base = an.get("base")
            if base not in ids:
                an.fail(
                    f"base「{base}」は columns にありません",
                    "件数を数える列(例: 名称の列)の id を書いてください",
                )
        elif kind == "sum":
            if not columns:
                an.fail("kind: sum には columns(合計する列)が必要です", "columns: [amount]")
            if an.get("value") is not None:
                an.fail(
                    "kind: sum に value は使いません(列の数値をすべて合計します)",
                    "記号を数えるときは kind: count にしてください",
                )
        elif an.get("value") is None or not columns:
            an.fail("kind: count には value(数える記号)と columns が必要です", "value: ●")
        first = min((ids.index(c) for c in columns if c in ids), default=None)
        for c in columns:
            if c not in ids:
                an.fail(f"columns の「{c}」は columns にありません", "列の id を書いてください")
            summed = b.fields.get(".".join((*tables[0], c))) if kind == "sum" else None
            if summed is not None and summed.type not in SUMMABLE_TYPES:
                an.fail(
                    f"列「{c}」は type: {summed.type} なので合計できません",
                    "kind: sum の列は number / integer / money / percent にしてください",
                )
        if first == 0:
            an.fail("集計する列の左に見出しの入る列が必要です", "最初の列は集計しないでください")
        row = m.AggregateRow(
            an.ident(),
            b._template(an, an.text("label")),
            kind,
            columns,
            None if an.get("value") is None else str(an.get("value")),
            None if of is None else str(of),
            None if an.get("base") is None else str(an.get("base")),
            an.integer("digits", 1, 0),
        )
        rows.append(row)
        for path in tables:
            for c in columns:
                if kind == "count":
                    spec = m.AggregateSpec("count", tuple(path), column=c, value=row.value)
                    kind_args = {"type": "integer", "format": "#,##0"}
                elif kind == "sum":  # the column's own type and format: 千円 stays 千円
                    spec = m.AggregateSpec("column-sum", tuple(path), column=c)
                    summed = b.fields[".".join((*path, c))]
                    kind_args = {
                        "type": summed.type,
                        "format": summed.format or _SUM_FORMATS.get(summed.type),
                        "unit": summed.unit,
                    }
                else:
                    spec = m.AggregateSpec(
                        "share",
                        tuple(path),
                        column=c,
                        refs=(".".join((*aggregate_path(path, str(of)), c)),),
                        base=row.base,
                        digits=row.digits,
                    )
                    kind_args = {
                        "type": "number",
                        "format": "0." + "0" * row.digits if row.digits else "0",
                    }
                column = block.column(c)
                _aggregate_field(
                    b,
                    an,
                    (*aggregate_path(path, row.id), c),
                    f"{row.label} {column.label if column else c}",
                    spec,
                    **kind_args,
                )
    return tuple(rows)


def aggregate_path(table: tuple[str, ...], row_id: str) -> tuple[str, ...]:
    """Where an aggregate row of a table lives in the document: beside the table's list,
    e.g. jigyo_count for the table jigyo (the list itself holds only records)."""
    return (*table[:-1], f"{table[-1]}_{row_id}")


def _aggregate_field(
    b: _LayoutBuilder,
    node: _Node,
    path: tuple[str, ...],
    label: str,
    spec: m.AggregateSpec,
    *,
    type: str,
    format: str | None,
    unit: str | None = None,
) -> m.FieldDef:
    """The computed field of one aggregate cell."""
    field = m.FieldDef(
        path=path,
        label=label,
        type=type,
        format=format,
        unit=unit,
        place=_place(node),
        rollover="recompute",
        aggregate=spec,
    )
    if field.id in b.fields:
        node.fail(f"項目「{field.id}」が2回定義されています", "id を別の名前にしてください")
    b.fields[field.id] = field
    return field


# --- tally -------------------------------------------------------------------------------


def value_key(value: str, index: int) -> str:
    """An identifier for a counted value: its lower-case letters and digits, else v<index>."""
    key = re.sub(r"[^a-z0-9]", "", value.lower())
    return key if key and key[0].isalpha() and key == value.lower() else f"v{index + 1}"


def load_tally(b: _LayoutBuilder, node: _Node, blocks: dict[str, m.RecordsBlock]) -> m.TallyBlock:
    """A `type: tally` block: counts of one records column's values."""
    node.check_keys(
        {
            "type",
            "id",
            "title",
            "source",
            "count",
            "year",
            "rows",
            "values",
            "list",
            "exclude",
            "total",
            "sentence",
            "good",
            "spans",
            "header",
            "items",
            "count_label",
            "row_label",
        },
        {"id", "source", "count", "rows"},
    )
    base = b._block_path(node)
    source_id = node.text("source")
    source = blocks.get(source_id)
    if source is None:
        node.fail(
            f"source「{source_id}」はこのレイアウトのこれより前の records ブロックにありません",
            _near(source_id, blocks),
        )
    assert source is not None
    counted = node.text("count")
    grid_ids = [r.id for r in source.grid.rows] if source.grid else []
    column_ids = [c.id for c in source.columns]
    if counted not in column_ids + grid_ids:
        node.fail(
            f"count「{counted}」は source の列にありません",
            "数える列(または年度の行)の id を書いてください",
        )
    year = node.get("year")
    if counted in grid_ids:
        if not isinstance(year, int):
            node.fail("年度の行を数えるには year(評価年度からの差、例: 0)が必要です", "year: 0")
    elif year is not None:
        node.fail("year は年度の行を数えるときだけ書けます", "year を削除してください")
    values, labels = _tally_values(b, node)
    exclude = _exclude(node, column_ids)
    rows = node.text("rows")
    spans = tuple(int(s) for s in node.get("spans") or ())
    keys = [value_key(v, i) for i, v in enumerate(values)]
    if len(set(keys)) != len(keys):
        node.fail("values から作る id が重複しています", "values を見直してください")
    tid = ".".join(base)
    if rows == "levels":
        if not source.levels:
            node.fail(
                "rows: levels には levels のある records ブロックが必要です",
                "rows: values にしてください",
            )
        row_keys = tuple(lv.key for lv in source.levels)
        row_labels = tuple(lv.label for lv in source.levels)
        col_keys = (*keys, "total")
        spans = spans or (2, *([1] * len(col_keys)))
        total = str(node.get("total", "計"))
        header = (str(node.get("header", [""])[0]) if node.get("header") else "", *values, total)
        for lv in source.levels:
            table = (*tuple(source.id.split(".")), lv.key)
            for key, value in zip(keys, values, strict=True):
                spec = m.AggregateSpec(
                    "count", table, column=counted, value=value, year=year, exclude=exclude
                )
                _aggregate_field(
                    b,
                    node,
                    (*base, lv.key, key),
                    f"{lv.label} {value}",
                    spec,
                    type="integer",
                    format="#,##0",
                )
            refs = tuple(f"{tid}.{lv.key}.{key}" for key in keys)
            _aggregate_field(
                b,
                node,
                (*base, lv.key, "total"),
                f"{lv.label} {total}",
                m.AggregateSpec("sum", refs=refs),
                type="integer",
                format="#,##0",
            )
        for key, value in [*zip(keys, values, strict=True), ("total", None)]:
            refs = tuple(f"{tid}.{lv.key}.{key}" for lv in source.levels)
            _aggregate_field(
                b,
                node,
                (*base, "total", key),
                total if value is None else f"{total} {value}",  # the grand total: 計, not 計 計
                m.AggregateSpec("sum", refs=refs),
                type="integer",
                format="#,##0",
            )
        sentence = str(node.get("sentence", ""))
        if sentence:
            good = [str(g) for g in node.get("good") or []]
            for g in good:
                if g not in values:
                    node.fail(
                        f"good の「{g}」は values にありません", "values にある値を書いてください"
                    )
            for placeholder in re.findall(r"{(\w+)}", sentence):
                if placeholder not in ("total", "good", "share"):
                    node.fail(
                        f"sentence の {{{placeholder}}} は使えません",
                        "使えるのは {total} {good} {share} です",
                    )
            refs = (f"{tid}.total.total", *(f"{tid}.total.{keys[values.index(g)]}" for g in good))
            _aggregate_field(
                b,
                node,
                (*base, "sentence"),
                "総評",
                m.AggregateSpec("sentence", refs=refs, text=sentence),
                type="text",
                format=None,
            )
        total_cols = col_keys
    elif rows == "values":
        level = next((i for i, h in enumerate(source.hierarchy) if counted in h.fields), None)
        if level is None:
            node.fail(
                f"rows: values で数える列「{counted}」は source の hierarchy のどの fields にもありません",
                "見出し行に入る評価の列を count に書いてください",
            )
        row_keys = tuple(keys)
        row_labels = labels
        items = []
        for i in range(len(node.items("items", required=False))):
            inode = node.child("items", i)
            inode.check_keys(
                {"id", "label", "show", "span", "collapse", "join"}, {"id", "label", "show"}
            )
            show = inode.text("show")
            if show not in ("label", "heading") and show not in column_ids:
                inode.fail(
                    f"show「{show}」は source の列にも label / heading にも当たりません",
                    "show: label(番号をつないだもの)、heading(番号と名称)または列の id",
                )
            items.append(
                (
                    inode.ident(),
                    inode.text("label"),
                    show,
                    bool(inode.get("collapse", False)),
                    str(inode.get("join", "－")),
                    inode,
                )
            )
        col_keys = ("count", *(item[0] for item in items))
        spans = spans or (4, *([1] * len(col_keys)))
        header = (
            *(node.get("header") or [""])[:1],
            str(node.get("count_label", "件数")),
            *(item[1] for item in items),
        )
        table = tuple(source.id.split("."))
        for key, value in zip(keys, values, strict=True):
            spec = m.AggregateSpec("count", table, column=counted, value=value, exclude=exclude)
            _aggregate_field(
                b,
                node,
                (*base, key, "count"),
                f"{value} 件数",
                spec,
                type="integer",
                format="#,##0",
            )
            for item_id, label, show, collapse, join, inode in items:
                spec = m.AggregateSpec(
                    "items",
                    table,
                    column=counted,
                    value=value,
                    level=level,
                    show=show,
                    collapse=collapse,
                    join=join,
                )
                _aggregate_field(
                    b,
                    inode,
                    (*base, key, item_id),
                    f"{value} {label}",
                    spec,
                    type="text",
                    format=None,
                )
        refs = tuple(f"{tid}.{key}.count" for key in keys)
        _aggregate_field(
            b,
            node,
            (*base, "total", "count"),
            "合計 件数",
            m.AggregateSpec("sum", refs=refs),
            type="integer",
            format="#,##0",
        )
        total_cols = ("count",)
    else:
        node.fail(f"rows「{rows}」はありません", "rows: levels(表ごと)か rows: values(値ごと)")
    if len(spans) != 1 + len(col_keys) or sum(spans) > b.width:
        node.fail(
            f"spans は見出し列と {len(col_keys)} 個の欄の幅(合計 {b.width} 列以内)を書いてください",
            f"例: spans: [{', '.join(['2'] + ['1'] * len(col_keys))}]",
        )
    for text in header:  # rendered for the year as every label
        b._template(node, str(text), "header")
    return m.TallyBlock(
        id=tid,
        title=b._template(node, str(node.get("title", ""))),
        source=source.id,
        rows=rows,
        row_keys=row_keys,
        row_labels=row_labels,
        col_keys=tuple(col_keys),
        header=tuple(header),
        spans=spans,
        total_label=b._template(node, str(node.get("total", "計")), "total"),
        total_cols=tuple(total_cols),
        sentence=bool(node.get("sentence")),
        row_label=b._template(node, str(node.get("row_label", "{{ label }}")), extras=LEVEL_NAMES),
    )


def _tally_values(b: _LayoutBuilder, node: _Node) -> tuple[tuple[str, ...], tuple[str, ...]]:
    list_id = node.get("list")
    if list_id is not None:
        b._require_list(node, str(list_id))
        ldef = b.lists[str(list_id)]
        only = node.get("values")
        values = tuple(str(v) for v in only) if only else ldef.values
        for v in values:
            if v not in ldef.values:
                node.fail(
                    f"values の「{v}」は list「{list_id}」にありません",
                    "list の values にある値を書いてください",
                )
        return values, tuple(ldef.labels.get(v, v) for v in values)
    values = tuple(str(v) for v in node.items("values"))
    return values, values


def _exclude(node: _Node, column_ids: list[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    raw: dict[str, Any] = node.get("exclude") or {}
    if not isinstance(raw, dict):
        node.fail("exclude は「列: [値, …]」の辞書で書いてください", 'exclude: {indicator: ["-"]}')
    result = []
    for column, values in raw.items():
        if column not in column_ids:
            node.fail(
                f"exclude の列「{column}」は source の列にありません", "列の id を書いてください"
            )
        listed = values if isinstance(values, list) else [values]
        result.append((str(column), tuple(str(v) for v in listed)))
    return tuple(result)


# --- prefill: this layout's workbooks fill another layout's template ---------------------------


def load_prefill(
    b: _LayoutBuilder, params: dict[str, m.Param]
) -> dict[str, tuple[m.PrefillRule, ...]]:
    """The `prefill:` section: {other layout id: [{from, to, year}, …]}.

    `from` patterns are checked against this layout's fields here; `to` patterns against the
    other layout when a template is made (it may be loaded from another folder).
    """
    raw = b.root.get("prefill")
    if raw is None:
        return {}
    node = type(b.root)(b.source, raw, "prefill")
    result: dict[str, tuple[m.PrefillRule, ...]] = {}
    for target_layout in raw:
        rules = []
        items = node.get(target_layout)
        if not isinstance(items, list) or not items:
            node.fail(
                f"prefill.{target_layout} には {{from, to}} のリストが必要です",
                "- {from: indicators.*.*.name, to: indicators.outcome.*.*.name}",
            )
        for i in range(len(items)):
            rn = node.child(str(target_layout), i)
            rn.check_keys({"from", "to", "year"}, {"from", "to"})
            source, target, year = rn.text("from"), rn.text("to"), rn.get("year")
            if not any(m.match_field_pattern(source, fid) is not None for fid in b.fields):
                rn.fail(
                    f"from「{source}」に当たる項目がこのレイアウトにありません",
                    _near(source, b.fields),
                )
            if source.count("*") != target.count("*"):
                rn.fail("from と to の * の数が違います", "同じ数の * を書いてください")
            if year is not None:
                year = str(year)
                if year.startswith("params."):
                    name = year.removeprefix("params.")
                    if name not in params or params[name].type != "fiscal-year":
                        rn.fail(
                            f"year「{year}」は年度型の params にありません",
                            "params.<年度型の param>",
                        )
                elif not any(m.match_field_pattern(year, fid) is not None for fid in b.fields):
                    rn.fail(
                        f"year「{year}」に当たる項目がこのレイアウトにありません",
                        _near(year, b.fields),
                    )
            rules.append(m.PrefillRule(source, target, year))
        result[str(target_layout)] = tuple(rules)
    return result
