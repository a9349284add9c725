"""Build a Layout from a layout file, with errors that name the file, the place and the fix."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import jinja2.nodes
import yaml

from xlsxsheet.core.errors import LayoutError
from xlsxsheet.core.fiscal_year import FiscalYearError, parse_fiscal_year
from xlsxsheet.core.yaml_problems import yaml_problem
from xlsxsheet.layout import model as m
from xlsxsheet.layout import records_loader, section_keys, year_roles_loader, year_table_keys
from xlsxsheet.layout.formula import FormulaSyntaxError, parse_formula
from xlsxsheet.layout.import_loader import load_import
from xlsxsheet.layout.labels import LEVEL_NAMES, YEAR_FILTERS, label_environment
from xlsxsheet.layout.suggest import near as _near
from xlsxsheet.layout.suggest import near_or as _closest
from xlsxsheet.layout.yaml_source import line_of, load_yaml_with_lines

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
ROOT_PLACE = "(最上位)"  # the file's top level, as a mistake there is placed
RESERVED_TOP_KEYS = {"layout", "version", "year", "params"}
RULE_ARGS = {  # each judgement rule's arguments: (required, optional)
    "target-vs-actual": ({"actual", "target", "met", "unmet"}, {"lower"}),
    "year-over-year": ({"series", "better", "same", "worse"}, {"lower", "target"}),
    "at-least": ({"series", "threshold", "met", "unmet"}, set()),
}
RULE_KINDS = set(RULE_ARGS)
SUGGESTION_ARGS = {  # each method's arguments: (required, optional)
    "mean-achievement-rate": ({"source", "thresholds"}, {"actual", "target", "cap"}),
    "trend-score": ({"source", "thresholds"}, {"actual", "span", "band"}),
    "judgement-share": ({"source", "thresholds"}, {"judgement"}),
    "follow": ({"from"}, {"tolerance"}),
    "grade-points": ({"from", "points", "thresholds"}, set()),
}
SUGGESTION_METHODS = set(SUGGESTION_ARGS)
MAX_YEAR_OFFSET = 30  # a year set spans at most this many years either side of the year evaluated
PAPERS = {"A3", "A4", "B4", "B5", "A5"}
NUMERIC_TYPES = {"number", "integer", "money", "percent"}


class _Node:
    """A mapping from the YAML file with its place, for precise error messages."""

    def __init__(self, source: Path, data: Any, place: str) -> None:
        self.source, self.data, self.place = source, data, place
        if not isinstance(data, dict):
            self.fail(
                f"ここには項目の辞書(キー: 値)が必要ですが、{_kind(data)}が書かれています", ""
            )

    def fail(self, problem: str, fix: str, key: Any = None) -> LayoutError:
        """Raise the LayoutError at this mapping's line, or at the line of its `key`."""
        line = line_of(self.data, key)
        where = f"{line}行目 {self.place}" if line else self.place
        raise LayoutError(self.source.name, where, problem, fix)

    def check_keys(self, allowed: set[str], required: set[str] = frozenset()) -> None:
        for key in self.data:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                hint = _full_width(str(key)) or (
                    f"「{close[0]}」の誤りではありませんか"
                    if close
                    else ("使えるキー: " + ", ".join(sorted(allowed)))
                )
                self.fail(f"未知のキー「{key}」があります", hint, key)
        for key in sorted(required):
            if key not in self.data:
                self.fail(f"必須のキー「{key}」がありません", f"「{key}: …」を追加してください")

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if value is None:
            self.fail(f"「{key}」がありません", f"「{key}: …」を追加してください")
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.fail(f"「{key}」は文字列で書いてください", f"例: {key}: 名称", key)
        return str(value)

    def integer(self, key: str, default: int | None = None, minimum: int = 0) -> int:
        value = self.data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            self.fail(f"「{key}」は{minimum}以上の整数で書いてください(いま: {value!r})", "", key)
        return value

    def ident(self, key: str = "id") -> str:
        value = self.text(key)
        if not ID_PATTERN.match(value):
            self.fail(
                f"「{key}: {value}」は識別子に使えません",
                "半角英小文字で始め、半角英小文字・数字・_ だけを使ってください (例: total_a)",
                key,
            )
        return value

    def child(self, key: str, index: int | None = None) -> _Node:
        value = self.data[key] if index is None else self.data[key][index]
        # places are counted from 1, as an author counts the items of a list
        parent = (
            "" if self.place == ROOT_PLACE else f"{self.place}."
        )  # sheets[1], not (最上位).sheets[1]
        place = f"{parent}{key}" if index is None else f"{parent}{key}[{index + 1}]"
        return _Node(self.source, value, place)

    def items(self, key: str, required: bool = True) -> list[Any]:
        value = self.data.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            self.fail(f"「{key}」には1つ以上の要素のリストが必要です", f"{key}:\n  - …", key)
        return value


def _full_width(key: str) -> str | None:
    """What to write instead of a key typed with a full-width colon or space (IME on)."""
    if "：" in key:
        return (
            "全角のコロン「：」が使われています。半角の「:」と半角スペースで"
            f"「{key.split('：')[0].strip()}: 値」のように書いてください"
        )
    if "\u3000" in key:
        return "全角スペースが入っています。キーの前後のスペースは半角で書いてください"
    return None


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "リスト"
    if value is None:
        return "空の値"
    return f"値 {value!r}"


def load_layout(path: Path) -> m.Layout:
    """Read and validate one layout file."""
    try:
        data = load_yaml_with_lines(path)
    except FileNotFoundError as exc:
        raise LayoutError(path.name, "ファイル", "ファイルが見つかりません", str(path)) from exc
    except yaml.YAMLError as exc:
        where, problem, fix = yaml_problem(exc)
        raise LayoutError(path.name, where or "ファイル", problem, fix) from exc
    return _LayoutBuilder(path, data).build()


class _LayoutBuilder:
    def __init__(self, source: Path, data: Any) -> None:
        self.source = source
        self.root = _Node(source, data, ROOT_PLACE)
        self.fields: dict[str, m.FieldDef] = {}
        self.lists: dict[str, m.ListDef] = {}
        self.params: dict[str, m.Param] = {}
        self.records_blocks: dict[str, m.RecordsBlock] = {}
        # checks that need every field of the file (a section naming a later block's field)
        self.deferred: list[Callable[[], None]] = []

    def build(self) -> m.Layout:
        root = self.root
        root.check_keys(
            {
                "layout",
                "version",
                "title",
                "description",
                "city",
                "purpose",
                "default_year",
                "font",
                "params",
                "year_sets",
                "lists",
                "levels",
                "sheets",
                "grade_suggestions",
                "checks",
                "summary",
                "migrations",
                "prefill",
                "import",
            },
            {"layout", "version", "title", "sheets"},
        )
        layout_id = root.text("layout")
        if not re.match(r"^[a-z][a-z0-9-]*$", layout_id):
            root.fail(f"layout: {layout_id} は使えません", "半角英小文字・数字・- で書いてください")
        params = self.params = self._params()  # before every label that may name one
        self.lists = self._lists()
        year_sets = self._year_sets(params)
        self.year_sets = year_sets
        sheets = tuple(
            self._sheet(root.child("sheets", i)) for i in range(len(root.items("sheets")))
        )
        for check in self.deferred:
            check()
        names = [s.name for s in sheets]
        if len(set(names)) != len(names):
            root.fail("シート名が重複しています", "sheets の name をそれぞれ別の名前にしてください")
        font = root.get("font") or {}
        layout = m.Layout(
            id=layout_id,
            version=root.integer("version", minimum=1),
            title=root.text("title"),
            description=str(root.get("description", "")),
            default_year=self._year_value(root, "default_year", root.get("default_year", 2020)),
            font_name=str(font.get("name", "ＭＳ Ｐゴシック")),
            font_size=float(font.get("size", 10)),
            params=params,
            year_sets=year_sets,
            lists=self.lists,
            sheets=sheets,
            grade_suggestions=self._suggestions(),
            checks=section_keys.checks_settings(root),
            source=self.source,
            fields=self.fields,
            summary=self._summary(),
            migrations=self._migrations(),
            prefill=records_loader.load_prefill(self, params),
            imports=load_import(self),
            city=str(root.get("city", "")),
            purpose=str(root.get("purpose", "")),
        )
        self._check_formulas(layout)
        return layout

    # --- migrations: reading workbooks of older versions of the layout -----------------------
    def _migrations(self) -> tuple[m.Migration, ...]:
        version = self.root.integer("version", minimum=1)
        result = []
        for i in range(len(self.root.items("migrations", required=False))):
            node = self.root.child("migrations", i)
            node.check_keys({"from", "rename", "added"}, {"from"})
            old = node.integer("from", minimum=1)
            if old >= version or any(mig.from_version == old for mig in result):
                node.fail(
                    f"from: {old} は使えません(version: {version} より前で、重複しない版)",
                    "古い版の番号を1回ずつ書いてください",
                )
            rename = node.get("rename") or {}
            if not isinstance(rename, dict):
                node.fail("rename は「旧項目id: 新項目id」の辞書で書いてください", "")
            added = node.get("added") or []
            if not isinstance(added, list):
                node.fail("added は項目idのリストで書いてください", "added: [header.manager]")
            for field_id in [*rename.values(), *added]:
                if str(field_id) not in self.fields:
                    node.fail(
                        f"項目「{field_id}」はこの版のレイアウトにありません",
                        _near(str(field_id), self.fields),
                    )
            result.append(
                m.Migration(
                    old,
                    {str(k): str(v) for k, v in rename.items()},
                    tuple(str(x) for x in added),
                )
            )
        return tuple(result)

    # --- top-level tables -------------------------------------------------------------
    def _lists(self) -> dict[str, m.ListDef]:
        result: dict[str, m.ListDef] = {}
        raw = self.root.get("lists") or {}
        for list_id in raw:
            node = _Node(self.source, raw[list_id], f"lists.{list_id}")
            node.check_keys({"values", "labels", "prompt", "aliases"}, {"values"})
            values = tuple(str(v) for v in node.items("values"))
            labels = {
                str(k): self._template(node, str(v), "labels")
                for k, v in (node.get("labels") or {}).items()
            }
            for key in labels:
                if key not in values:
                    node.fail(
                        f"labels の「{key}」は values にありません", "values に追加してください"
                    )
            aliases = {str(k): str(v) for k, v in (node.get("aliases") or {}).items()}
            prompt = self._template(node, str(node.get("prompt", "")), "prompt")
            result[str(list_id)] = m.ListDef(str(list_id), values, labels, prompt, aliases)
        return result

    def _params(self) -> dict[str, m.Param]:
        result: dict[str, m.Param] = {}
        raw = self.root.get("params") or {}
        for param_id in raw:
            node = _Node(self.source, raw[param_id], f"params.{param_id}")
            node.check_keys({"label", "type", "default"}, {"label", "type", "default"})
            kind = node.text("type")
            default: Any = node.get("default")
            if kind == "fiscal-year":
                default = self._year_value(node, "default", default)
            result[str(param_id)] = m.Param(str(param_id), node.text("label"), kind, default)
        return result

    def _year_value(self, node: _Node, key: str, value: Any) -> int:
        try:
            return parse_fiscal_year(value)
        except FiscalYearError:
            node.fail(f"「{key}: {value}」は年度として読めません", "例: 2020, R2, 令和2年度", key)
        raise AssertionError  # unreachable

    def _year_sets(self, params: dict[str, m.Param]) -> dict[str, m.YearSet]:
        result: dict[str, m.YearSet] = {}
        raw = self.root.get("year_sets") or {}
        for set_id in raw:
            node = _Node(self.source, raw[set_id], f"year_sets.{set_id}")
            node.check_keys({"from", "to", "extra", "roles"}, {"from", "to"})
            start, end = node.get("from"), node.get("to")
            for bound in (start, end):
                if isinstance(bound, str) and (
                    bound not in params or params[bound].type != "fiscal-year"
                ):
                    node.fail(
                        f"「{bound}」は年度型の params にありません",
                        "from / to には評価年度からの差(整数)か、年度型の params の名前を書いてください",
                    )
            for key, bound in (("from", start), ("to", end)):
                if isinstance(bound, int) and abs(bound) > MAX_YEAR_OFFSET:
                    node.fail(
                        f"「{key}: {bound}」は評価年度からの差として大きすぎます"
                        f"(±{MAX_YEAR_OFFSET}年まで)",
                        "年度そのもの(2022、R4)ではなく、評価年度からの差を書いてください"
                        "(評価年度の2年前なら -2、評価年度なら 0)。計画の初年度のように決まった"
                        "年度は、params に type: fiscal-year の項目を作り、その名前を書きます",
                        key,
                    )
            fixed = isinstance(start, str) or isinstance(end, str)
            if not fixed and (
                not isinstance(start, int) or not isinstance(end, int) or start > end
            ):
                node.fail("from と to は整数で from ≦ to にしてください", "例: {from: -4, to: 3}")
            extra = tuple(str(e) for e in node.get("extra") or [])
            for name in extra:
                if name not in params or params[name].type != "fiscal-year":
                    node.fail(
                        f"extra の「{name}」は年度型の params にありません",
                        "params に type: fiscal-year の項目を定義してください",
                    )
            roles = year_roles_loader.load_roles(node)
            result[str(set_id)] = m.YearSet(str(set_id), start, end, extra, roles)
        return result

    def _suggestions(self) -> tuple[m.GradeSuggestion, ...]:
        result = []
        for i, raw in enumerate(self.root.items("grade_suggestions", required=False)):
            node = _Node(self.source, raw, f"grade_suggestions[{i + 1}]")
            method = node.text("method")
            if method not in SUGGESTION_METHODS:
                node.fail(
                    f"method「{method}」はありません",
                    "使える method: " + ", ".join(sorted(SUGGESTION_METHODS)),
                )
            target = node.text("field")
            if target not in self.fields:
                node.fail(
                    f"field「{target}」はこのレイアウトにありません", _near(target, self.fields)
                )
            required, optional = SUGGESTION_ARGS[method]
            node.check_keys(
                {"field", "method"} | required | optional, {"field", "method"} | required
            )
            args = {k: v for k, v in node.data.items() if k not in ("field", "method")}
            if method == "grade-points":  # from: a list, each checked with its choices
                args["from"], args["points"] = self._points_args(node)
            for key in ("source", "from") if method != "grade-points" else ():
                ref = args.get(key)
                if ref is not None and not any(f.startswith(ref) for f in self.fields):
                    node.fail(
                        f"{key}「{ref}」はこのレイアウトにありません", _near(ref, self.fields), key
                    )
            if "thresholds" in args:
                self._thresholds(node, self.fields[target])
            if method == "judgement-share":
                self._judged_source(node, str(args["source"]), args.get("judgement"))
            result.append(m.GradeSuggestion(target, method, args))
        return tuple(result)

    def _points_args(self, node: _Node) -> tuple[tuple[str, ...], dict[str, float]]:
        """grade-points: `from` lists choice fields of this layout, and `points` gives a number
        to every choice of each (a choice left out would make the sum silently smaller)."""
        sources = node.get("from")
        example = (
            "from: [evaluation.necessity, evaluation.effectiveness], points: {A: 3, B: 2, C: 1}"
        )
        if not isinstance(sources, list) or not sources:
            node.fail("from は点数にする評価の項目のリストで書いてください", example, "from")
        points = node.get("points")
        if not isinstance(points, dict) or not points:
            node.fail("points は「評価: 点数」の辞書で書いてください", example, "points")
        for grade, value in points.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                node.fail(
                    f"points の「{grade}」の点数「{value}」は数値ではありません", example, "points"
                )
        named = {str(grade) for grade in points}
        for source in map(str, sources):
            field = self.fields.get(source)
            if field is None:
                node.fail(
                    f"from「{source}」はこのレイアウトにありません",
                    _near(source, self.fields),
                    "from",
                )
            choices = self.lists[field.list].values if field.list in self.lists else None
            if field.type != "choice" or choices is None:
                node.fail(
                    f"from「{source}」({field.label})は選択肢の項目ではありません",
                    "評価(type: choice)の項目を書いてください",
                    "from",
                )
            missing = [c for c in choices if c not in named]
            if missing:
                node.fail(
                    f"points に {field.label} の選択肢「{'」「'.join(missing)}」の点数がありません",
                    "選択肢ごとに点数を書いてください(点数にしない評価は 0 点)",
                    "points",
                )
        return tuple(map(str, sources)), {str(k): float(v) for k, v in points.items()}

    def _judged_source(self, node: _Node, source: str, judgement: Any) -> None:
        """judgement-share needs a judgement (with a rule) under its source."""
        judged = sorted(
            {
                f.id.rsplit(".", 1)[1]
                for f in self.fields.values()
                if f.rule is not None and f.id.startswith(source + ".")
            }
        )
        if not judged:
            node.fail(
                f"source「{source}」の下に判定(judgements)がありません",
                "judgements のある year_table の区分を source に書いてください",
                "source",
            )
        if judgement is not None and str(judgement) not in judged:
            node.fail(
                f"judgement「{judgement}」は source「{source}」の判定にありません",
                "使える judgement: " + ", ".join(judged),
                "judgement",
            )

    def _thresholds(self, node: _Node, grade: m.FieldDef) -> None:
        """thresholds: {grade: lowest score, …, last grade: null}, each grade one of the grade
        field's list, highest first as the method tries them."""
        thresholds = node.get("thresholds")
        example = "thresholds: {A: 1.0, B: 0.9, C: 0.7, D: null}"
        if not isinstance(thresholds, dict) or not thresholds:
            node.fail("thresholds は「評価: 下限」の辞書で書いてください", example, "thresholds")
        allowed = self.lists[grade.list].values if grade.list in self.lists else None
        for value, lowest in thresholds.items():
            if allowed is not None and str(value) not in allowed:
                node.fail(
                    f"thresholds の「{value}」は {grade.label} の選択肢"
                    f"({'・'.join(allowed)})にありません",
                    "選択肢にある評価だけを書いてください(例: " + example + ")",
                    "thresholds",
                )
            if lowest is not None and (
                isinstance(lowest, bool) or not isinstance(lowest, int | float)
            ):
                node.fail(
                    f"thresholds の「{value}: {lowest}」の下限は数で書いてください",
                    "最後の評価は null(それより下のすべて)にします。例: " + example,
                    "thresholds",
                )

    # --- sheets and blocks ------------------------------------------------------------
    def _sheet(self, node: _Node) -> m.SheetDef:
        node.check_keys(
            {"id", "name", "columns", "print", "blocks"}, {"id", "name", "columns", "blocks"}
        )
        name = node.text("name")
        if len(name) > 31 or any(c in name for c in "[]:*?/\\"):
            node.fail(
                f"シート名「{name}」はExcelで使えません",
                "31文字以内で、[ ] : * ? / \\ を使わないでください",
            )
        columns = tuple(float(w) for w in node.items("columns"))
        self.width = len(columns)
        print_node = _Node(self.source, node.get("print") or {}, node.place + ".print")
        print_node.check_keys(
            {"paper", "landscape", "fit_width", "pages_tall", "repeat_rows", "break_before"}
        )
        paper = str(print_node.get("paper", "A4"))
        if paper not in PAPERS:
            print_node.fail(
                f"用紙「{paper}」は使えません", "使える用紙: " + ", ".join(sorted(PAPERS))
            )
        setup = m.PrintSetup(
            paper,
            bool(print_node.get("landscape", False)),
            bool(print_node.get("fit_width", True)),
            int(print_node.get("repeat_rows", 0)),
            _texts(print_node.get("break_before")),
            _pages_tall(print_node),
        )
        blocks = tuple(
            self._block(node.child("blocks", i)) for i in range(len(node.items("blocks")))
        )
        return m.SheetDef(node.ident(), name, columns, blocks, setup)

    def _block(self, node: _Node) -> m.Block:
        kind = node.text("type")
        builders: dict[str, Callable[[_Node], m.Block]] = {
            "title": self._title,
            "heading": self._heading,
            "form": self._form,
            "table": self._table,
            "year_table": self._year_table,
            "records": self._records,
            "tally": self._tally,
        }
        if kind not in builders:
            node.fail(
                f"ブロックの type「{kind}」はありません", "使える type: " + ", ".join(builders)
            )
        return builders[kind](node)

    def _records(self, node: _Node) -> m.RecordsBlock:
        loaded = self.records_blocks.get(str(node.get("id")))
        if loaded is not None and loaded.place.endswith(node.place):
            return loaded  # loaded ahead for a tally on an earlier sheet
        block = records_loader.load_records(self, node)
        self.records_blocks[block.id] = block
        return block

    def _tally(self, node: _Node) -> m.TallyBlock:
        source = node.get("source")
        if source not in self.records_blocks:
            self._load_ahead(str(source))
        return records_loader.load_tally(self, node, self.records_blocks)

    def _load_ahead(self, block_id: str) -> None:
        """Load a records block of a later sheet now: a summary sheet may come first."""
        width = self.width
        for i, sheet in enumerate(self.root.get("sheets") or []):
            for j, block in enumerate((sheet or {}).get("blocks") or []):
                if (
                    isinstance(block, dict)
                    and block.get("type") == "records"
                    and str(block.get("id")) == block_id
                ):
                    self.width = len(sheet.get("columns") or [])
                    self._records(self.root.child("sheets", i).child("blocks", j))
        self.width = width

    def _template(
        self, node: _Node, text: str, key: str | None = None, extras: frozenset[str] = frozenset()
    ) -> str:
        """`text` when it is a jinja2 template the planner can render for any year (a label):
        well-formed, its filters known, its names `year`, `params.<a param>` and `extras`; else
        the mistake at the line of `key`."""
        if "{" not in text:
            return text
        environment = label_environment()
        try:
            tree = environment.parse(text)
        except jinja2.TemplateSyntaxError as exc:
            node.fail(
                f"ラベル「{text}」のテンプレートが正しくありません: {exc.message}",
                "{{ year | era_year }} のように書いてください",
                key,
            )
        for used in tree.find_all((jinja2.nodes.Filter, jinja2.nodes.Test)):
            known = (
                environment.filters if isinstance(used, jinja2.nodes.Filter) else environment.tests
            )
            if used.name not in known:
                node.fail(
                    f"ラベル「{text}」の「{used.name}」というフィルターはありません",
                    _closest(
                        used.name, YEAR_FILTERS, "使えるフィルター: " + ", ".join(YEAR_FILTERS)
                    ),
                    key,
                )
        names = {"year", "params", *extras}
        for name in sorted(jinja2.meta.find_undeclared_variables(tree) - names):
            hint = _closest(name, sorted(names), "使える名前: " + ", ".join(sorted(names)))
            if name in LEVEL_NAMES:
                hint = "label と key は level_label・level_title・row_label の中だけで使えます"
            node.fail(f"ラベル「{text}」の「{name}」は使えない名前です", hint, key)
        for attr in tree.find_all(jinja2.nodes.Getattr):
            is_param = isinstance(attr.node, jinja2.nodes.Name) and attr.node.name == "params"
            if is_param and attr.attr not in self.params:
                node.fail(
                    f"ラベル「{text}」の params.{attr.attr} は params にありません",
                    _closest(
                        attr.attr,
                        sorted(self.params),
                        "params: に項目を定義するか、定義した名前を書いてください",
                        "params.",
                    ),
                    key,
                )
        try:
            environment.from_string(text)
        except jinja2.TemplateSyntaxError as exc:  # what compiling finds beyond the above
            node.fail(f"ラベル「{text}」のテンプレートが正しくありません: {exc.message}", "", key)
        return text

    def _title(self, node: _Node) -> m.TitleBlock:
        node.check_keys({"type", "text", "note"}, {"text"})
        return m.TitleBlock(
            self._template(node, node.text("text"), "text"),
            self._template(node, str(node.get("note", "")), "note"),
        )

    def _heading(self, node: _Node) -> m.HeadingBlock:
        node.check_keys({"type", "text"}, {"text"})
        return m.HeadingBlock(self._template(node, node.text("text"), "text"))

    def _block_path(self, node: _Node) -> tuple[str, ...]:
        raw = node.text("id")
        parts = tuple(raw.split("."))
        for part in parts:
            if not ID_PATTERN.match(part):
                node.fail(
                    f"id「{raw}」は使えません",
                    "半角英小文字で始まる英数字と _ を . でつないでください (例: indicators.target)",
                )
        if parts[0] in RESERVED_TOP_KEYS:
            node.fail(f"id「{raw}」の「{parts[0]}」は予約語です", "別の名前にしてください")
        return parts

    def _form(self, node: _Node) -> m.FormBlock:
        node.check_keys({"type", "id", "rows", "rollover"}, {"id", "rows"})
        base = self._block_path(node)
        rollover = self._rollover(node, "clear")
        rows = []
        for r, raw_row in enumerate(node.items("rows")):
            if not isinstance(raw_row, list):
                node.fail(
                    f"rows[{r + 1}] はセルのリストにしてください", "- - {text: 名称, span: 2}"
                )
            cells = []
            for c, raw_cell in enumerate(raw_row):
                cell = _Node(self.source, raw_cell, f"{node.place}.rows[{r + 1}][{c + 1}]")
                cells.append(self._form_cell(cell, base, rollover))
            width = sum(c.span for c in cells)
            if width > self.width:
                node.fail(
                    f"rows[{r + 1}] の span の合計 {width} がシートの列数 {self.width} を超えています",
                    "span を小さくするか columns を増やしてください",
                )
            rows.append(tuple(cells))
        return m.FormBlock(".".join(base), tuple(rows))

    def _form_cell(self, node: _Node, base: tuple[str, ...], rollover: str = "clear") -> m.FormCell:
        node.check_keys(
            {
                "text",
                "field",
                "label",
                "type",
                "list",
                "span",
                "required",
                "lines",
                "format",
                "unit",
                "style",
                "list_labels",
                "rollover",
                "words",
                "min",
                "max",
            }
        )
        span = node.integer("span", 1, minimum=1)
        style = str(node.get("style", "label"))
        if style not in ("label", "subheading", "header", "note"):
            node.fail(f"style「{style}」はありません", "label, subheading, header, note のいずれか")
        if "field" in node.data:
            fid = node.ident("field")
            field = self._field(node, (*base, fid), node.text("label"), rollover=rollover)
            field = records_loader.text_options(self, node, field)
            return m.FormCell(span, field=field, style=style)
        if "list_labels" in node.data:
            list_id = node.text("list_labels")
            self._require_list(node, list_id)
            return m.FormCell(span, list_labels=list_id, style="note")
        return m.FormCell(span, text=self._template(node, node.text("text"), "text"), style=style)

    def _require_list(self, node: _Node, list_id: str | None) -> None:
        if list_id is not None and list_id not in self.lists:
            node.fail(f"list「{list_id}」が lists にありません", _near(list_id, self.lists))

    def _rollover(
        self, node: _Node, default: str, *, computed: bool = False, judged: Any = None
    ) -> str:
        """The `rollover:` of a block, section or field (carry | clear), else the default."""
        if "rollover" not in node.data:
            return "recompute" if computed else default
        value = node.get("rollover")
        if value not in m.ROLLOVER_MODES:
            node.fail(
                f"rollover「{value}」はありません",
                "carry(翌年度の様式へ引き継ぐ)か clear(翌年度の様式では空にする)を書いてください",
            )
        if computed:
            node.fail(
                "計算式(formula)のある項目に rollover は書けません",
                "rollover を削除してください(翌年度の様式で計算し直します)",
            )
        if judged is not None and value == "carry":
            node.fail(
                "判定の項目は rollover: carry にできません",
                "判定は翌年度の数値から決め直すため clear にするか、rollover を削除してください",
            )
        return str(value)

    def _field(
        self,
        node: _Node,
        path: tuple[str, ...],
        label: str,
        *,
        years: str | None = None,
        formula: str | None = None,
        rule: m.Rule | None = None,
        rollover: str = "clear",
    ) -> m.FieldDef:
        kind = str(node.get("type", "text"))
        if kind not in m.FIELD_TYPES:
            node.fail(f"type「{kind}」はありません", "使える type: " + ", ".join(m.FIELD_TYPES))
        list_id = node.get("list")
        if kind == "choice" and not list_id:
            node.fail(
                "type: choice には list が必要です", "list: <lists の名前> を追加してください"
            )
        self._require_list(node, list_id)
        field = m.FieldDef(
            path=path,
            label=self._template(node, label, "label"),
            type=kind,
            list=list_id,
            required=bool(node.get("required", False)),
            unit=node.get("unit"),
            format=node.get("format"),
            formula=formula,
            lines=node.integer("lines", 1, 1),
            years=years,
            rule=rule,
            place=f"{line_of(node.data)}行目 {node.place}",
            rollover=self._rollover(node, rollover, computed=formula is not None, judged=rule),
        )
        key = field.id
        if key in self.fields:
            node.fail(f"項目「{key}」が2回定義されています", "id を別の名前にしてください")
        if any(k.startswith(key + ".") for k in self.fields) or any(
            key.startswith(k + ".") for k in self.fields
        ):
            node.fail(
                f"項目「{key}」が他の項目と入れ子になっています", "id を別の名前にしてください"
            )
        self.fields[key] = field
        return field

    def _levels(self, node: _Node, key: str = "levels") -> tuple[tuple[m.Level, ...], ...]:
        result = []
        for i, raw_level in enumerate(node.items(key, required=False)):
            level = []
            for j, raw in enumerate(raw_level):
                item = _Node(self.source, raw, f"{node.place}.{key}[{i + 1}][{j + 1}]")
                item.check_keys({"key", "label"}, {"key", "label"})
                label = self._template(item, str(item.get("label")), "label")
                level.append(m.Level(item.ident("key"), label))
            keys = [lv.key for lv in level]
            if len(set(keys)) != len(keys):
                node.fail(
                    f"{key}[{i + 1}] の key が重複しています", "key をそれぞれ別にしてください"
                )
            result.append(tuple(level))
        return tuple(result)

    def _table(self, node: _Node) -> m.TableBlock:
        node.check_keys(
            {"type", "id", "title", "levels", "level_spans", "level_header", "columns", "rollover"},
            {"id", "levels", "columns"},
        )
        base = self._block_path(node)
        rollover = self._rollover(node, "clear")
        levels = self._levels(node)
        spans = tuple(int(s) for s in node.get("level_spans") or [1] * len(levels))
        if len(spans) != len(levels):
            node.fail("level_spans の数が levels の数と違います", f"{len(levels)}個にしてください")
        columns = []
        for i in range(len(node.items("columns"))):
            col = node.child("columns", i)
            col.check_keys(
                {
                    "id",
                    "label",
                    "span",
                    "type",
                    "list",
                    "required",
                    "format",
                    "lines",
                    "rollover",
                    "words",
                    "keep_text",
                    "min",
                    "max",
                },
                {"id", "label"},
            )
            columns.append(
                m.TableColumn(
                    col.ident(),
                    self._template(col, col.text("label")),
                    col.integer("span", 1, 1),
                    str(col.get("type", "text")),
                    col.get("list"),
                    bool(col.get("required", False)),
                    col.get("format"),
                    col.integer("lines", 1, 1),
                )
            )
            for combo in _combinations(levels):
                path = base + tuple(lv.key for lv in combo) + (columns[-1].id,)
                label = _joined_label([*(lv.label for lv in combo), columns[-1].label])
                field = self._field(col, path, label, rollover=rollover)
                records_loader.text_options(self, col, field)
        width = sum(spans) + sum(c.span for c in columns)
        if width > self.width:
            node.fail(
                f"表の幅 {width} がシートの列数 {self.width} を超えています",
                "span を調整してください",
            )
        return m.TableBlock(
            ".".join(base),
            self._template(node, str(node.get("title", "")), "title"),
            levels,
            spans,
            self._template(node, str(node.get("level_header", "")), "level_header"),
            tuple(columns),
        )

    def _year_table(self, node: _Node) -> m.YearTableBlock:
        node.check_keys(
            {"type", "id", "years", "label_spans", "unit_span", "header", "sections", "rollover"},
            {"id", "years", "sections"},
        )
        rollover = self._rollover(node, "carry")
        base = self._block_path(node)
        years = node.text("years")
        if years not in self.year_sets:
            node.fail(f"years「{years}」が year_sets にありません", _near(years, self.year_sets))
        label_spans = tuple(int(s) for s in node.get("label_spans") or [1, 1, 1, 1])
        sections = tuple(
            self._year_section(
                node.child("sections", i), base, years, len(label_spans), rollover=rollover
            )
            for i in range(len(node.items("sections")))
        )
        year_table_keys.check_cross_references(self, node, base, sections)
        header = tuple(
            self._template(node, str(h), "header")
            for h in node.get("header") or [""] * len(label_spans)
        )
        return m.YearTableBlock(
            ".".join(base), years, label_spans, node.integer("unit_span", 1, 0), header, sections
        )

    def _year_section(
        self,
        node: _Node,
        base: tuple[str, ...],
        years: str,
        label_depth: int,
        rollover: str = "carry",
    ) -> m.YearSection:
        node.check_keys(
            {
                "id",
                "label",
                "levels",
                "level_label",
                "series",
                "judgements",
                "direction_from",
                "unit_slip_check",
                "totals",
                "rollover",
            },
            {"id", "label", "series"},
        )
        section_id = node.ident()
        rollover = self._rollover(node, rollover)
        levels = self._levels(node)
        series_list = []
        for i in range(len(node.items("series"))):
            sn = node.child("series", i)
            sn.check_keys(
                {
                    "id",
                    "label",
                    "type",
                    "unit",
                    "format",
                    "formula",
                    "across_years",
                    "required",
                    "rollover",
                    "min",
                    "max",
                    *year_table_keys.SERIES_KEYS,
                },
                {"id", "label"},
            )
            label = sn.get("label")
            label_parts = tuple(str(x) for x in label) if isinstance(label, list) else (str(label),)
            if 1 + len(levels) + len(label_parts) > label_depth:
                sn.fail(
                    f"ラベルの段数 {1 + len(levels) + len(label_parts)}(区分の label 1 段"
                    f" + levels {len(levels)} 段 + この label {len(label_parts)} 段)が"
                    f" label_spans の数 {label_depth} を超えています",
                    "label を短くするか label_spans を増やしてください",
                )
            formula = sn.get("formula")
            if formula is not None:
                try:
                    parse_formula(str(formula))
                except FormulaSyntaxError as exc:
                    sn.fail(f"formula「{formula}」が読めません: {exc.problem}", exc.fix)
            series = m.Series(
                sn.ident(),
                label_parts,
                str(sn.get("type", "number")),
                sn.get("unit"),
                sn.get("format"),
                formula,
                bool(sn.get("across_years", False)),
                bool(sn.get("required", False)),
                None if sn.get("unit_from") is None else sn.text("unit_from"),
            )
            series_list.append(series)
            for combo in _combinations(levels):
                path = (*base, section_id, *tuple(lv.key for lv in combo), series.id)
                label_text = _joined_label(
                    [node.text("label"), *(lv.label for lv in combo), *label_parts]
                )
                made = self._field(
                    sn,
                    path,
                    label_text,
                    years=None if series.across_years else years,
                    formula=formula,
                    rollover=rollover,
                )
                made = records_loader.text_options(self, sn, made)
                year_roles_loader.series_roles(self, sn, made, self.year_sets.get(years))
                if series.unit_from is not None:
                    year_table_keys.unit_field(self, sn, path, label_text)
        year_table_keys.check_units(node, tuple(series_list))
        series_ids = {s.id for s in series_list}
        for s in series_list:
            if s.formula:
                for ref in parse_formula(s.formula).references():
                    if "." not in ref and ref not in series_ids:
                        node.fail(
                            f"series「{s.id}」の formula が未知の「{ref}」を参照しています",
                            _near(ref, series_ids),
                        )
        judgements = []
        for i in range(len(node.items("judgements", required=False))):
            jn = node.child("judgements", i)
            jn.check_keys(
                {"id", "label", "list", "rule", "rollover"}, {"id", "label", "list", "rule"}
            )
            self._require_list(jn, jn.text("list"))
            rule_node = jn.child("rule")
            kind = rule_node.text("kind")
            if kind not in RULE_KINDS:
                rule_node.fail(
                    f"rule の kind「{kind}」はありません",
                    "使える kind: " + ", ".join(sorted(RULE_KINDS)),
                )
            required, optional = RULE_ARGS[kind]
            rule_node.check_keys({"kind"} | required | optional, {"kind"} | required)
            args = {k: v for k, v in rule_node.data.items() if k != "kind"}
            threshold = args.get("threshold")
            if "threshold" in args and (
                isinstance(threshold, bool) or not isinstance(threshold, int | float)
            ):
                rule_node.fail(
                    f"threshold「{threshold}」は数で書いてください",
                    "例: {kind: at-least, series: rate, threshold: 100, met: 達成, unmet: 未達成}",
                    "threshold",
                )
            for key in ("actual", "target", "series"):
                if key in args and args[key] not in series_ids:
                    rule_node.fail(
                        f"{key}「{args[key]}」はこの区分の series にありません",
                        _near(str(args[key]), series_ids),
                    )
            allowed = set(self.lists[jn.text("list")].values)
            for key in ("met", "unmet", "better", "same", "worse"):
                if key in args and args[key] not in allowed:
                    rule_node.fail(
                        f"{key}「{args[key]}」は list の値にありません",
                        "lists の values にある値を書いてください",
                    )
            if kind == "year-over-year":  # the same inferred direction as its siblings
                args = section_keys.year_over_year_target(
                    args,
                    _rules_of_kind(node, "target-vs-actual"),
                    series_ids,
                )
            label = self._template(jn, jn.text("label"), "label")
            judgement = m.Judgement(jn.ident(), label, jn.text("list"), m.Rule(kind, args))
            judgements.append(judgement)
            for combo in _combinations(levels):
                path = (*base, section_id, *tuple(lv.key for lv in combo), judgement.id)
                label_text = _joined_label(
                    [node.text("label"), *(lv.label for lv in combo), judgement.label]
                )
                jn.data.setdefault("type", "choice")
                self._field(jn, path, label_text, rule=judgement.rule, rollover="clear")
        return m.YearSection(
            section_id,
            node.text("label"),
            levels,
            self._template(
                node,
                str(node.get("level_label", "{{ label }}")),
                "level_label",
                LEVEL_NAMES,
            ),
            tuple(series_list),
            tuple(judgements),
            section_keys.direction_from(
                self, node, base, section_id, levels, tuple(series_list), tuple(judgements)
            ),
            section_keys.unit_slip_series(node, tuple(series_list)),
            section_keys.totals(self, node, tuple(series_list)),
        )

    # --- summary: what the central office sums up -----------------------------------------
    def _summary(self) -> m.SummaryDef | None:
        if self.root.get("summary") is None:
            return None
        node = self.root.child("summary")
        node.check_keys(
            {
                "unit",
                "key",
                "name",
                "department",
                "policy",
                "policy_name",
                "grades",
                "costs",
                "values",
                "levels",
            },
            set(),
        )
        single = {
            key: self._summary_field(node, key)
            for key in ("key", "name", "department", "policy", "policy_name")
        }
        grades = tuple(
            self._summary_item(node.child("grades", i), "grade")
            for i in range(len(node.items("grades", required=False)))
        )
        costs = tuple(
            self._summary_item(node.child("costs", i), "cost")
            for i in range(len(node.items("costs", required=False)))
        )
        values = tuple(
            self._summary_values(node.child("values", i))
            for i in range(len(node.items("values", required=False)))
        )
        return m.SummaryDef(
            unit=node.text("unit", "施策"),
            key=single["key"],
            name=single["name"],
            department=single["department"],
            policy=single["policy"],
            policy_name=single["policy_name"],
            grades=grades,
            costs=costs,
            values=values,
            levels=tuple(
                self._summary_level(node.child("levels", i))
                for i in range(len(node.items("levels", required=False)))
            ),
        )

    def _summary_level(self, node: _Node) -> m.SummaryLevel:
        """A level of the summary's cost totals: {key, name, label} (施策, 政策)."""
        node.check_keys({"key", "name", "label"}, {"key", "label"})
        return m.SummaryLevel(
            self._summary_field(node, "key"), self._summary_field(node, "name"), node.text("label")
        )

    def _summary_field(self, node: _Node, key: str) -> str | None:
        """A single (not per-year) field named by `key` of the summary section."""
        if node.get(key) is None:
            return None
        field_id = node.text(key)
        if field_id not in self.fields:
            node.fail(
                f"{key}「{field_id}」はこのレイアウトの項目にありません",
                _near(field_id, self.fields),
            )
        if self.fields[field_id].years is not None:
            node.fail(
                f"{key}「{field_id}」は年度別の項目です",
                "施策番号・施策名・担当課のように年度によらない項目を指定してください",
            )
        return field_id

    def _summary_matches(self, node: _Node, key: str) -> list[tuple[m.FieldDef, tuple[str, ...]]]:
        pattern = node.text(key)
        found = [
            (fdef, captured)
            for field_id, fdef in self.fields.items()
            if (captured := m.match_field_pattern(pattern, field_id)) is not None
        ]
        if not found:
            node.fail(
                f"{key}「{pattern}」に当てはまる項目がありません",
                _near(pattern, self.fields) + "(* は項目IDの1区切りに当てはまります)",
            )
        return found

    def _summary_item(self, node: _Node, kind: str) -> m.SummaryItem:
        if kind == "grade":
            node.check_keys(
                {"field", "label", "by", "scale", "department_from", "exclude"}, {"field"}
            )
        else:
            node.check_keys({"field", "label"}, {"field"})
        matches = self._summary_matches(node, "field")
        pattern = node.text("field")
        if kind == "grade":
            lists = {fdef.list for fdef, _ in matches}
            if any(fdef.type != "choice" for fdef, _ in matches) or len(lists) != 1:
                node.fail(
                    f"評価の項目「{pattern}」は同じ選択肢(list)の choice 項目にしてください",
                    "grades には A~E などの評価を選ぶ項目を指定してください",
                )
            if "label" not in node.data and "*" in pattern:
                node.fail(
                    "* を使うときは label が必要です", f"例: {{field: {pattern}, label: 評価}}"
                )
            return self._summary_grade(node, pattern, matches, self.lists[str(lists.pop())])
        else:
            bad = [f.id for f, _ in matches if f.type not in NUMERIC_TYPES]
            if bad:
                node.fail(
                    f"コストの項目「{bad[0]}」は数値の項目ではありません",
                    "costs には 事業費計 のような金額の項目を指定してください"
                    "(年度別でない項目は評価年度の値として集計します)",
                )
        if "label" not in node.data and "*" in pattern:
            node.fail("* を使うときは label が必要です", f"例: {{field: {pattern}, label: 評価}}")
        return m.SummaryItem(pattern, node.text("label", matches[0][0].label))

    def _summary_grade(
        self,
        node: _Node,
        pattern: str,
        matches: list[tuple[m.FieldDef, tuple[str, ...]]],
        ldef: m.ListDef,
    ) -> m.SummaryItem:
        """A grade item: what a row of the 評価総括表 is (`by`), the grades counted, 担当課."""
        by = node.text("by", "return")
        tables = [self._records_table(fdef) for fdef, _ in matches]
        in_records = all(t is not None for t in tables)
        if by not in m.SUMMARY_GROUPINGS and "." not in by:
            node.fail(
                f"by「{by}」は使えません",
                "return(提出ごと)、table(表ごと)、record(行ごと)、または同じ表の列の項目id",
            )
        if by != "return" and not in_records:
            node.fail(
                f"by: {by} は表(records)の列の評価にだけ使えます(「{pattern}」は表の列ではありません)",
                "by を削除するか、records ブロックの列を field に指定してください",
            )
        if by == "table" and any(t is not None and not t[0].levels for t in tables):
            node.fail(
                "by: table は levels のある表(施策ごとの表)の列にだけ使えます",
                "by: record か、by を削除してください",
            )
        scale = tuple(str(v) for v in node.items("scale", required=False))
        unknown = [v for v in scale if v not in ldef.values]
        if unknown:
            node.fail(
                f"scale の「{unknown[0]}」は選択肢 {ldef.id} にありません",
                "使える値: " + ", ".join(ldef.values),
            )
        refs = [("department_from", node.get("department_from"))]
        if by not in m.SUMMARY_GROUPINGS:
            refs.append(("by", by))
        raw_exclude = node.get("exclude") or {}
        if not isinstance(raw_exclude, dict):
            node.fail("exclude は「項目id: [値, …]」の辞書で書いてください", "")
        exclude = []
        for ref, listed in raw_exclude.items():
            refs.append(("exclude", ref))
            values = listed if isinstance(listed, list) else [listed]
            exclude.append((str(ref), tuple(str(v) for v in values)))
        for key, ref in refs:
            if ref is None:
                continue
            self._summary_same_record(node, key, str(ref), matches)
        department = node.get("department_from")
        return m.SummaryItem(
            pattern,
            node.text("label", matches[0][0].label),
            by,
            scale,
            None if department is None else str(department),
            tuple(exclude),
        )

    def _records_table(self, fdef: m.FieldDef) -> tuple[m.RecordsBlock, tuple[str, ...]] | None:
        """The records block and table a field is a column (or grid row) of, if any."""
        parent = fdef.path[:-1]
        for block in self.records_blocks.values():
            if parent in block.table_paths():
                return block, parent
        return None

    @staticmethod
    def _filled(
        node: _Node, key: str, ref: str, captured: tuple[str, ...], pattern_key: str
    ) -> str:
        """The field id `ref` names for one match of the item's pattern (`pattern_key`: field
        or fields), its `*` filled from what the pattern's `*` captured; refused when it has
        more `*` than the pattern."""
        if ref.count("*") > len(captured):
            node.fail(
                f"{key}「{ref}」の * が {pattern_key}「{node.text(pattern_key)}」より多くあります",
                f"* は {pattern_key} の * に、前から順に対応します",
            )
        return m.fill_field_pattern(ref, captured)

    def _summary_same_record(
        self, node: _Node, key: str, ref: str, matches: list[tuple[m.FieldDef, tuple[str, ...]]]
    ) -> None:
        """`ref` (a pattern) names, for each matched field, a column of the same table."""
        for fdef, captured in matches:
            target = self._filled(node, key, ref, captured, "field")
            other = self.fields.get(target)
            if other is None or other.path[:-1] != fdef.path[:-1] or other.years is not None:
                node.fail(
                    f"{key}「{ref}」の項目「{target}」({fdef.id} の分)が同じ表の列にありません",
                    "評価と同じ表(records)の、年度によらない列を指定してください",
                )

    def _summary_values(self, node: _Node) -> m.SummaryValues:
        node.check_keys(
            {"fields", "kind", "unit_from", "name_from", "key_from", "year"}, {"fields", "kind"}
        )
        matches = self._summary_matches(node, "fields")
        kind = node.text("kind")
        if kind not in m.SUMMARY_KINDS:
            node.fail(f"kind「{kind}」は使えません", "使える kind: " + ", ".join(m.SUMMARY_KINDS))
        bad = [f.id for f, _ in matches if f.type not in NUMERIC_TYPES]
        if bad:
            node.fail(
                f"「{bad[0]}」は数値の項目ではありません",
                "values には年度表の行や指標の値など、数値の項目を指定してください",
            )
        year = self._summary_year(node, matches)
        refs: dict[str, str | None] = {}
        for key in ("unit_from", "name_from", "key_from"):
            refs[key] = node.text(key) if node.get(key) is not None else None
            ref = refs[key]
            if ref is None:
                continue
            for fdef, captured in matches:
                target = self._filled(node, key, ref, captured, "fields")
                if target not in self.fields or self.fields[target].years is not None:
                    node.fail(
                        f"{key}「{ref}」の項目「{target}」({fdef.id} の分)がありません",
                        "年度によらない項目(指標の名称・単位など)を指定してください",
                    )
        return m.SummaryValues(
            node.text("fields"),
            kind,
            refs["unit_from"],
            refs["name_from"],
            refs["key_from"],
            year,
        )

    def _summary_year(
        self, node: _Node, matches: list[tuple[m.FieldDef, tuple[str, ...]]]
    ) -> str | None:
        """`year:` of summary values: params.<fiscal-year param> or a single field's id."""
        if node.get("year") is None:
            return None
        year = node.text("year")
        if any(fdef.years is not None for fdef, _ in matches):
            node.fail(
                f"year「{year}」は年度別の項目には書けません",
                "年度別の項目は列の年度を使います。year を削除してください",
            )
        if year.startswith("params."):
            name = year.removeprefix("params.")
            param = self.root.get("params", {}).get(name) if self.root.get("params") else None
            if not isinstance(param, dict) or param.get("type") != "fiscal-year":
                node.fail(
                    f"year「{year}」は年度型の params にありません",
                    "params に type: fiscal-year の項目を定義してください",
                )
        else:
            for _, captured in matches:
                target = self._filled(node, "year", year, captured, "fields")
                if target not in self.fields or self.fields[target].years is not None:
                    node.fail(
                        f"year「{year}」はこのレイアウトの項目にありません",
                        "params.<年度型の名前> か、年度を入力する項目の id を書いてください",
                    )
        return year

    def _check_formulas(self, layout: m.Layout) -> None:
        for field in self.fields.values():
            if field.type == "choice" and field.list is None:
                raise LayoutError(
                    self.source.name,
                    field.place,
                    "choice に list がありません",
                    "list: を追加してください",
                )


def _rules_of_kind(section: _Node, kind: str) -> list[dict[str, Any]]:
    """The `rule` of each judgement of a section that is of `kind`, as written."""
    rules = [raw.get("rule") for raw in section.get("judgements") or [] if isinstance(raw, dict)]
    return [rule for rule in rules if isinstance(rule, dict) and rule.get("kind") == kind]


def _joined_label(parts: list[str]) -> str:
    """A field's label from its section's, levels' and series' labels, a part that repeats the
    one before it said once: section 事務事業数, series 事務事業数 → 事務事業数."""
    kept = [p for i, p in enumerate(parts) if p and (i == 0 or p != parts[i - 1])]
    return " ".join(kept)


def _combinations(levels: tuple[tuple[m.Level, ...], ...]) -> list[tuple[m.Level, ...]]:
    combos: list[tuple[m.Level, ...]] = [()]
    for level in levels:
        combos = [(*c, lv) for c in combos for lv in level]
    return combos


def _texts(value: object) -> tuple[str, ...]:
    """A text or a list of texts (`print.break_before`) as a tuple."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)


def _pages_tall(node: _Node) -> int:
    """`print.pages_tall`: the sheet is shrunk to print on that many pages high (0: as many as
    it needs). Excel ignores page breaks on a sheet fitted so, so the two do not go together."""
    pages = node.integer("pages_tall", 0, 0)
    if pages and node.get("break_before"):
        node.fail(
            "pages_tall と break_before は一緒に使えません(ページ数に合わせて縮小すると、"
            "Excel は改ページ位置を無視します)",
            "どちらか一方を消してください",
        )
    return pages
