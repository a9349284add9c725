"""A central office's folder of returns, made by the tests: good, wrong, broken, sent twice.

Every return is made from a data document through `make_template`, then damaged with openpyxl
where the test wants a mistake. Each `Made` records what went in (raw inputs, grades, the
mistakes), so tests compute the expected counts and sums themselves.
"""

from __future__ import annotations

import copy
import os
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

from xlsxsheet.core.data_files import load_document
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.writing.make_template import make_template

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

DEPARTMENTS = [
    "福祉総務課",
    "高齢者支援課",
    "障害者支援課",
    "子育て支援課",
    "健康づくり課",
    "生活福祉課",
]
POLICIES = {"4": "保健・福祉", "5": "子ども・子育て", "6": "健康・医療"}
GRADES = "ABCDE"
COST_INPUTS = ("national", "prefectural", "bonds", "other", "general", "personnel_b")
BASE_TIME = 1_700_000_000


@dataclass
class Made:
    """One file put into the folder, and what the tests should find in it."""

    path: Path
    layout: str | None
    kind: str  # good | wrong | warning | broken
    key: str | None = None
    name: str | None = None
    department: str | None = None
    policy: str | None = None
    year: int | None = None
    grades: dict[str, str] = field(default_factory=dict)
    # raw cost inputs by series id, then 西暦 year
    costs: dict[str, dict[int, int]] = field(default_factory=dict)
    # cells broken so they read as no number: (series id, year)
    unreadable_costs: set[tuple[str, int]] = field(default_factory=set)
    mistakes: list[str] = field(default_factory=list)
    errors: bool = False
    warnings: bool = False
    duplicate_of: Path | None = None  # an older copy of the same return (dropped by collect)
    dropped: bool = False  # the older copy of a return sent twice
    # grades counted per row inside one workbook: item → (row code, row name) → grades, in
    # sheet order (新潟 per 施策, 狛江 per 施策 heading); the grade the stated rule gives
    group_grades: dict[str, dict[tuple[str | None, str], list[str | None]]] = field(
        default_factory=dict
    )
    # the 担当課 each such row names: (item, row name) → names, in sheet order
    group_departments: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    # a workbook with no 担当課 of its own: every 担当課 its records name, in sheet order
    departments: list[str] = field(default_factory=list)
    # cost totals by summary label and year, from the typed inputs (layouts other than
    # shisaku-management, whose tests sum the raw inputs themselves)
    cost_totals: dict[str, dict[int, int]] = field(default_factory=dict)
    # the tidy CSV rows this return must give: (項目ID, 年度, 区分, 値 or 値(文字))
    tidy: list[tuple[str, int, str, float | str]] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return self.kind != "broken"

    @property
    def clean(self) -> bool:
        return self.readable and not self.errors and not self.warnings


def _cell(book: openpyxl.Workbook, name: str) -> Any:
    sheet, ref = next(iter(book.defined_names[name].destinations))
    return book[sheet][ref.replace("$", "")]


def _record_cell(book: openpyxl.Workbook, path: Path, key: tuple[str, int | None]) -> Any:
    """The cell of a records-table field (`field#unit`, year) of the workbook saved at `path`."""
    from xlsxsheet.reading.return_reader import read_file

    bound = read_file(path).cells[key]
    return book[bound.sheet][bound.address]


def _kind(made: Made) -> None:
    if made.errors:
        made.kind = "wrong"
    elif made.warnings:
        made.kind = "warning"
    else:
        made.kind = "good"


class ShisakuManagement:
    """Returns of the 施策マネジメントシート: one 基本施策 per workbook."""

    layout_id = "shisaku-management"

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.layout = default_registry().get(self.layout_id)
        self.example = load_document(EXAMPLES / "shisaku-management-R2.yaml")

    def document(self, number: int, department: str, policy: str) -> tuple[dict[str, Any], Made]:
        rng = self.rng
        doc = copy.deepcopy(self.example)
        # no outcome figures: the grades are then free (no suggestion to differ from) except
        # that the overall grade may be at most one step from the achievement grade
        del doc["perf"]["outcome"]
        key = str(number)
        name = f"施策{number} {rng.choice(['地域福祉', '支え合い', '自立支援', '健康'])}の推進"
        doc["header"].update(
            shisaku_no=key,
            shisaku_name=name,
            lead_dept=department,
            policy_no=policy,
            policy_name=POLICIES[policy],
        )
        achievement = rng.choice(GRADES)
        step = GRADES.index(achievement) + rng.choice([-1, 0, 1])
        overall = GRADES[min(4, max(0, step))]
        grades = {
            "成果実績目標達成度": achievement,
            "時系列比較": rng.choice(GRADES),
            "総合評価": overall,
        }
        doc["evaluation"]["achievement_grade"] = grades["成果実績目標達成度"]
        doc["evaluation"]["trend_grade"] = grades["時系列比較"]
        doc["result"]["overall_grade"] = grades["総合評価"]
        costs: dict[str, dict[int, int]] = {}
        doc["perf"]["cost"] = {}
        for series in COST_INPUTS:
            base = rng.randint(1_000, 900_000)
            by_year = {y: rng.randint(base * 9 // 10, base * 11 // 10) for y in range(2016, 2021)}
            costs[series] = by_year
            doc["perf"]["cost"][series] = {str(y): v for y, v in by_year.items()}
        made = Made(
            Path(),
            self.layout_id,
            "good",
            key=key,
            name=name,
            department=department,
            policy=policy,
            year=2020,
            grades=grades,
            costs=costs,
        )
        return doc, made

    def write(self, doc: dict[str, Any], path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        make_template(self.layout, path, None, doc)

    # --- mistakes: each edits the saved workbook and says what check must find -------------
    def overwrite_total(self, book: openpyxl.Workbook, made: Made) -> None:
        _cell(book, "xs_perf_cost_total_a_y2020").value = 123_456
        made.mistakes.append("事業費計(A)を値で上書き")
        made.errors = True  # total-mismatch (the one problem of a total typed wrong)

    def text_in_money(self, book: openpyxl.Workbook, made: Made, text: str) -> None:
        cell = _cell(book, "xs_perf_cost_national_y2019")
        cell.value = text
        cell.data_type = "s"  # typed text, even when it looks like a formula
        made.unreadable_costs.add(("national", 2019))
        made.mistakes.append(f"金額欄に文字 {text!r}")
        made.errors = True  # not-a-number

    def blank_required(self, book: openpyxl.Workbook, made: Made) -> None:
        _cell(book, "xs_purpose_aim").value = None
        made.mistakes.append("施策の目的が空欄")
        made.errors = True  # required-missing

    def far_grade(self, book: openpyxl.Workbook, made: Made) -> None:
        achievement = made.grades["成果実績目標達成度"]
        overall = "A" if GRADES.index(achievement) >= 2 else "E"
        _cell(book, "xs_result_overall_grade").value = overall
        made.grades["総合評価"] = overall
        made.mistakes.append("総合評価が目安から2段階以上離れている")
        made.warnings = True  # grade-differs

    def fullwidth_number(self, book: openpyxl.Workbook, made: Made) -> None:
        value = made.costs["general"][2018]
        _cell(book, "xs_perf_cost_general_y2018").value = f"{value:,}".translate(
            str.maketrans("0123456789,", "０１２３４５６７８９，")
        )
        made.mistakes.append("全角数字(文字列として保存)")
        made.warnings = True  # number-stored-as-text: Excel's 事業費計(A) leaves it out


HYOKA_GRADES = "SABCD"
MARK = "●"
SHIHYO_GRADES = ("A", "B", "C", "-")
PDCA_CODES = ("地", "福", "相", "高", "健", "子", "発", "児")


class ShisakuHyoka:
    """Returns of the 施策評価シート (調布): one 施策, its まちづくり指標 and 事務事業 records."""

    layout_id = "shisaku-hyoka"
    year = 2019
    target_year = 2022  # params.target_year of the example (R4)

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.layout = default_registry().get(self.layout_id)
        self.example = load_document(EXAMPLES / "shisaku-hyoka-R1.yaml")

    def document(self, number: int, department: str) -> tuple[dict[str, Any], Made]:
        rng = self.rng
        doc = copy.deepcopy(self.example)
        key = f"{number:02d}"
        name = f"施策{key} {rng.choice(['共生', '子育て', '健康'])}のまちづくり"
        doc["header"].update(shisaku_no=key, shisaku_name=name, lead_dept=department)
        grade = rng.choice(HYOKA_GRADES)
        doc["check"]["grade"] = grade
        made = Made(
            Path(),
            self.layout_id,
            "good",
            key,
            name,
            department,
            None,
            self.year,
            {"総合評価": grade},
        )
        doc["indicators"] = []
        for i in range(rng.randint(1, 3)):
            base, actual, target = (rng.randint(10, 20_000) for _ in range(3))
            doc["indicators"].append(
                {
                    "num": i + 1,
                    "name": f"指標{i + 1}",
                    "base": base,
                    "base_year": "H29",
                    "unit": "件",
                    "actual": actual,
                    "target": target,
                }
            )
            made.tidy += [
                ("indicators.base", 2017, "実績", base),
                ("indicators.actual", self.year, "実績", actual),
                ("indicators.target", self.target_year, "目標", target),
            ]
        doc["jigyo"], doc["jigyo_list"] = [], []
        total = 0
        for j in range(rng.randint(1, 4)):
            cost = rng.randint(100, 90_000)
            total += cost
            record: dict[str, Any] = {
                "num": j + 1,
                "name": f"事務事業{key}-{j + 1}",
                "dept": department,
                "cost": cost,
                "result": "実績の説明",
                "rating": "◎",
                rng.choice(["ahead", "on_plan", "behind"]): MARK,
                "next": "今後の取組",
            }
            improved = rng.sample(["effect", "efficiency", "finance", "participation"], 2)
            for column in improved[: rng.randint(0, 2)] or ["no_room"]:
                record[column] = MARK
            doc["jigyo"].append(record)
            doc["jigyo_list"].append(
                {"num": j + 1, "name": record["name"], "dept": department, "outline": "概要"}
            )
            made.tidy.append(("jigyo.cost", self.year, "実績", cost))
        made.cost_totals = {"決算事業費": {self.year: total}}
        return doc, made

    def write(self, doc: dict[str, Any], path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        make_template(self.layout, path, None, doc)

    # --- mistakes ---------------------------------------------------------------------------
    def text_in_cost(self, book: openpyxl.Workbook, made: Made) -> None:
        cell = _record_cell(book, made.path, ("jigyo.cost#0", None))
        cost = cell.value
        cell.value = "未定"
        made.cost_totals["決算事業費"][self.year] -= cost
        made.tidy.remove(("jigyo.cost", self.year, "実績", cost))
        if not any(field == "jigyo.cost" for field, *_ in made.tidy):
            made.cost_totals["決算事業費"] = {}  # no cost left to sum: no total, not 0
        made.mistakes.append("決算事業費に文字")
        made.errors = True  # not-a-number

    def marks_twice(self, book: openpyxl.Workbook, made: Made) -> None:
        for column in ("ahead", "on_plan", "behind"):
            _record_cell(book, made.path, (f"jigyo.{column}#0", None)).value = MARK
        made.mistakes.append("取組実績の●が3つ")
        made.errors = True  # exactly one ● of 計画前倒し / 計画どおり / 計画遅れ

    def blank_grade(self, book: openpyxl.Workbook, made: Made) -> None:
        _cell(book, "xs_check_grade").value = None
        made.grades["総合評価"] = None  # type: ignore[assignment]
        made.mistakes.append("総合評価が空欄")
        made.errors = True  # required-missing


class ShinchokuShihyo:
    """The 進捗管理表 (新潟): one workbook a year for the whole plan, 指標 graded per 施策."""

    layout_id = "shinchoku-shihyo"
    item = "評価"

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.layout = default_registry().get(self.layout_id)
        self.levels = next(
            b.levels
            for s in self.layout.sheets
            for b in s.blocks
            if getattr(b, "id", "") == "torikumi"
        )

    def document(self, year: int) -> tuple[dict[str, Any], Made]:
        rng = self.rng
        y = str(year)
        doc: dict[str, Any] = {
            "layout": self.layout_id,
            "version": self.layout.version,
            "year": year,
            "params": {"plan_start": 2020, "plan_final": 2026},
            "torikumi": {},
        }
        made = Made(Path(), self.layout_id, "good", year=year)
        rows = made.group_grades.setdefault(self.item, {})
        for level in self.levels:
            records = []
            grades = rows.setdefault((None, level.label), [])
            for t in range(rng.randint(1, 3)):
                base = {
                    "num": t + 1,
                    "content": f"取組{t + 1}",
                    "outline": "事業の概要",
                    "dept": rng.choice(DEPARTMENTS),
                    "status": "取組状況",
                    "issues": "課題と対応策",
                }
                if base["dept"] not in made.departments:
                    made.departments.append(base["dept"])
                count = rng.choice([0, 1, 1, 2])
                if count == 0:
                    records.append(base | {"indicator": "-"})
                    continue
                for k in range(count):
                    grade = rng.choice(SHIHYO_GRADES)
                    target = rng.randint(50, 500)
                    # the actual the default rule grades as `grade` (実績 ÷ 目標; 中止 → -)
                    actual: Any = {"A": target * 13 // 10, "B": target * 9 // 10}.get(
                        grade, target // 2
                    )
                    if grade == "-":
                        actual = "中止"
                    records.append(
                        base
                        | {
                            "indicator": f"指標{t + 1}-{k + 1}(件) ※年度",
                            "target": {y: target},
                            "actual": {y: actual},
                            "grade": {y: grade},
                        }
                    )
                    grades.append(grade)
                    names = made.group_departments.setdefault((self.item, level.label), [])
                    if base["dept"] not in names:
                        names.append(base["dept"])
                    field_id = f"torikumi.{level.key}"
                    made.tidy.append((f"{field_id}.target", year, "目標", target))
                    # 中止 is a word the 実績 column takes: a text value of the tidy CSV
                    made.tidy.append((f"{field_id}.actual", year, "実績", actual))
            doc["torikumi"][level.key] = records
        return doc, made

    def write(self, doc: dict[str, Any], path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        make_template(self.layout, path, None, doc)

    def grade_against_rule(self, book: openpyxl.Workbook, made: Made) -> None:
        """The first graded 指標 gets a grade the default rule would not give: a warning."""
        from xlsxsheet.reading.return_reader import read_file

        (_, name), grades = next((k, g) for k, g in made.group_grades[self.item].items() if g)
        level = next(lv for lv in self.levels if lv.label == name)

        read = read_file(made.path)
        unit = next(
            int(k[0].split("#")[1])
            for k in read.cells
            if k[0].startswith(f"torikumi.{level.key}.grade#")
            and k[1] == made.year
            and read.value(k) is not None
        )
        cell = _record_cell(book, made.path, (f"torikumi.{level.key}.grade#{unit}", made.year))
        other = "C" if grades[0] != "C" else "A"
        cell.value = other
        grades[0] = other  # a warning only: the grade entered is counted
        made.mistakes.append("評価が目標と実績に合わない")
        made.warnings = True


class ShinchokuPdca:
    """The 進捗管理シート (狛江): one workbook a year; the grade of each 施策 stands on its
    heading row and follows the share of its 事業 達成 (A ≥ 70 %, B ≥ 40 %, C ≥ 20 %, D)."""

    layout_id = "shinchoku-pdca"
    items = ("地域福祉計画 施策の進捗状況", "重層的支援体制整備事業実施計画 施策の進捗状況")

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.layout = default_registry().get(self.layout_id)
        self.labels = self.layout.lists["dept"].labels

    @staticmethod
    def rule(met: int, count: int) -> str:
        share = met / count
        return "A" if share >= 0.7 else "B" if share >= 0.4 else "C" if share >= 0.2 else "D"

    def _jigyo(self) -> tuple[list[dict[str, Any]], str, list[str]]:
        """The 事業 of one 施策, its grade by the stated rule, and their 担当課 (names)."""
        rng = self.rng
        records, departments = [], []
        count = rng.randint(1, 5)
        met = rng.randint(0, count)
        flags = [True] * met + [False] * (count - met)
        rng.shuffle(flags)
        for i, ok in enumerate(flags):
            codes = sorted(rng.sample(PDCA_CODES, rng.choice([1, 1, 2])), key=PDCA_CODES.index)
            for code in codes:
                if self.labels[code] not in departments:
                    departments.append(self.labels[code])
            records.append(
                {
                    "plan": f"事業{i + 1}の内容",
                    "dept": " ".join(codes),
                    "pages": str(10 + i),
                    "indicator": "—",
                    "do": "実行した内容",
                    "achieved": "達成" if ok else "未達成",
                    "act": "課題と改善点",
                }
            )
        return records, self.rule(met, count), departments

    def document(self, year: int) -> tuple[dict[str, Any], Made]:
        doc: dict[str, Any] = {
            "layout": self.layout_id,
            "version": self.layout.version,
            "year": year,
            "chiiki": [],
            "juso": [],
        }
        made = Made(Path(), self.layout_id, "good", year=year)
        chiiki = made.group_grades.setdefault(self.items[0], {})
        page = 10
        for goal in ("1", "2"):
            for large in ("(1)", "(2)"):
                for small in ("①", "②"):
                    records, grade, depts = self._jigyo()
                    name = f"施策{goal}{large}{small}の推進"
                    heading = {
                        "goal": goal,
                        "goal_name": f"基本目標{goal}",
                        "large": large,
                        "large_name": f"施策{goal}{large}",
                        "small": small,
                        "small_name": name,
                        "check": grade,
                        "report_page": str(page),
                    }
                    page += 2
                    for i, record in enumerate(records):
                        doc["chiiki"].append(heading | {"jigyo": "abcde"[i]} | record)
                    chiiki[(f"{goal}-{large}-{small}", name)] = [grade]
                    made.group_departments[(self.items[0], name)] = depts
        juso = made.group_grades.setdefault(self.items[1], {})
        for dai in ("1", "2", "3"):
            records, grade, depts = self._jigyo()
            name = f"重層{dai}の実施"
            heading = {"dai": dai, "dai_name": name, "check": grade, "report_page": str(page)}
            page += 1
            for i, record in enumerate(records):
                doc["juso"].append(heading | {"chu": f"({i + 1})", "sho": "ア"} | record)
            juso[(dai, name)] = [grade]
            made.group_departments[(self.items[1], name)] = depts
        for depts in made.group_departments.values():
            made.departments += [d for d in depts if d not in made.departments]
        return doc, made

    def write(self, doc: dict[str, Any], path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        make_template(self.layout, path, None, doc)

    def wrong_grade(self, book: openpyxl.Workbook, made: Made) -> None:
        """The first 施策's heading gets a grade the stated rule does not give: an error that
        fix corrects, so collect counts the rule's grade (group_grades keeps it)."""
        from xlsxsheet.reading.return_reader import read_file

        read = read_file(made.path)
        unit = min(
            int(k[0].split("#")[1])
            for k in read.cells
            if k[0].startswith("chiiki.check#") and read.value(k) is not None
        )
        cell = _record_cell(book, made.path, (f"chiiki.check#{unit}", None))
        cell.value = "D" if cell.value != "D" else "A"
        made.mistakes.append("施策の評価が達成割合の基準と違う")
        made.errors = True  # grade-rule-mismatch


class KihonKeikaku:
    """Plans (国立 基本計画): one 基本施策 per workbook, no grades; indicator targets."""

    layout_id = "kihon-keikaku"
    year = 2016

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.layout = default_registry().get(self.layout_id)
        self.example = load_document(EXAMPLES / "kihon-keikaku-H28.yaml")

    def document(self, number: int, department: str) -> tuple[dict[str, Any], Made]:
        rng = self.rng
        doc = copy.deepcopy(self.example)
        key = str(number)
        name = f"基本施策{number}"
        doc["header"].update(shisaku_no=key, shisaku_name=name, lead_dept=department)
        made = Made(Path(), self.layout_id, "good", key, name, department, None, self.year)
        doc["indicators"] = {}
        for direction in ("d1", "d2"):
            for item in ("a", "i"):
                base, mid, final = (round(rng.uniform(1, 900), 1) for _ in range(3))
                if (direction, item) == ("d2", "i"):
                    final = "現状より増加させる"  # a plan's sentence where it has no figure
                doc["indicators"].setdefault(direction, {})[item] = {
                    "name": f"指標{direction}{item}",
                    "unit": "%",
                    "source": "調査",
                    "base": base,
                    "base_year": "H26",
                    "mid": mid,
                    "final": final,
                }
                field_id = f"indicators.{direction}.{item}"
                made.tidy += [
                    (f"{field_id}.base", 2014, "実績", base),
                    (f"{field_id}.mid", 2019, "目標", mid),
                    (f"{field_id}.final", 2023, "目標", final),
                ]
        return doc, made

    def write(self, doc: dict[str, Any], path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        make_template(self.layout, path, None, doc)


class JimuJigyo:
    """事務事業評価シート: one 事務事業 per workbook (R6); costs by 財源 with R4–R6 決算 and the
    R7 予算 (totalled apart, 区分 予算 in the tidy CSV), indicators, four grades."""

    layout_id = "jimu-jigyo"
    year = 2024
    years = (2022, 2023, 2024, 2025)
    budget_year = 2025
    sources = ("national", "prefectural", "bonds", "other", "general")

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.layout = default_registry().get(self.layout_id)
        self.example = load_document(EXAMPLES / "jimu-jigyo-R6.yaml")

    def kind(self, year: int) -> str:
        return "予算" if year == self.budget_year else "実績"

    def document(self, number: int, department: str) -> tuple[dict[str, Any], Made]:
        rng = self.rng
        doc = copy.deepcopy(self.example)
        key = f"03-{number:03d}"
        name = f"事務事業{number}"
        doc["header"].update(jigyo_no=key, jigyo_name=name, dept=department, shisaku_no="3-2")
        grades = {label: rng.choice("ABC") for label in ("必要性", "有効性", "効率性")}
        overall = rng.choice(["拡充", "継続", "改善", "縮小", "休止・廃止"])
        doc["evaluation"].update(
            necessity=grades["必要性"],
            effectiveness=grades["有効性"],
            efficiency=grades["効率性"],
            overall=overall,
        )
        made = Made(
            Path(),
            self.layout_id,
            "good",
            key,
            name,
            department,
            "3",
            self.year,
            grades | {"総合評価": overall},
        )
        totals: dict[str, dict[int, int]] = {}

        def add(label: str, year: int, value: int) -> None:
            label = label if year != self.budget_year else f"{label}(予算)"
            totals.setdefault(label, {})[year] = totals.get(label, {}).get(year, 0) + value

        for year in self.years:
            total_a = 0
            for source in self.sources:
                value = rng.randint(0, 90_000)
                doc["perf"]["cost"][source][f"R{year - 2018}"] = value
                made.tidy.append((f"perf.cost.{source}", year, self.kind(year), value))
                total_a += value
            personnel = rng.randint(1_000, 40_000)
            doc["perf"]["staff"]["personnel_b"][f"R{year - 2018}"] = personnel
            made.tidy += [
                ("perf.cost.total_a", year, self.kind(year), total_a),
                ("perf.staff.personnel_b", year, self.kind(year), personnel),
            ]
            add("事業費計(A)", year, total_a)
            add("人件費(B)", year, personnel)
            add("トータルコスト(A)+(B)", year, total_a + personnel)
        made.cost_totals = totals
        for section in ("activity", "outcome"):
            for item, series in doc["perf"][section].items():
                for column, kind in (("target", "目標"), ("actual", "実績")):
                    for era, value in series[column].items():
                        year = 2018 + int(era[1:])
                        made.tidy.append((f"perf.{section}.{item}.{column}", year, kind, value))
        return doc, made

    def write(self, doc: dict[str, Any], path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        make_template(self.layout, path, None, doc)

    # --- mistakes ---------------------------------------------------------------------------
    def blank_overall(self, book: openpyxl.Workbook, made: Made) -> None:
        _cell(book, "xs_evaluation_overall").value = None
        made.grades["総合評価"] = None  # type: ignore[assignment]
        made.mistakes.append("総合評価が空欄")
        made.errors = True  # required-missing

    def actual_in_budget(self, book: openpyxl.Workbook, made: Made) -> None:
        _cell(book, f"xs_perf_activity_a1_actual_y{self.budget_year}").value = 1030
        made.tidy.append(("perf.activity.a1.actual", self.budget_year, "実績", 1030))
        made.mistakes.append("予算の列に実績")
        made.warnings = True  # year-role


def write_broken(folder: Path, rng: random.Random) -> list[Made]:
    """Files that are not readable returns, each a different way."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    junk = folder / "壊れたファイル.xlsx"
    junk.write_bytes(bytes(rng.randrange(256) for _ in range(300)))
    made.append(junk)
    empty = folder / "空のファイル.xlsx"
    empty.write_bytes(b"")
    made.append(empty)
    old = folder / "古い形式 (Excel97-2003).xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    made.append(old)
    not_a_book = folder / "zipだけ.xlsx"
    with zipfile.ZipFile(not_a_book, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    made.append(not_a_book)
    foreign = folder / "様式ではないブック.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "自由に作った表"
    book.save(foreign)
    made.append(foreign)
    return [Made(p, None, "broken", errors=True) for p in made]


def write_ignored(folder: Path) -> list[Path]:
    """Files the walk must leave out: Excel lock files, hidden files, non-workbooks."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [
        folder / "~$施策1.xlsx",
        folder / ".隠しファイル.xlsx",
        folder / "メモ.txt",
        folder / ".hidden" / "施策99.xlsx",
    ]
    for p in paths:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"ignored")
    return paths


Mistake = Callable[[openpyxl.Workbook, Made], None]


def build_folder(
    root: Path, seed: int = 5, per_layout: int = 50, others: bool = True
) -> list[Made]:
    """A folder of returns: department subfolders, Japanese names, every kind of file; with
    `others`, returns of every other layout too (build_other_layouts)."""
    rng = random.Random(seed)
    made: list[Made] = []
    sm = ShisakuManagement(rng)
    mistakes: list[Mistake | None] = [
        None,
        None,
        None,
        sm.overwrite_total,
        lambda b, m: sm.text_in_money(b, m, "<script>alert('x')</script>"),
        sm.blank_required,
        sm.far_grade,
        sm.fullwidth_number,
        None,
        lambda b, m: sm.text_in_money(b, m, "=1+1"),
    ]
    for i in range(per_layout):
        number = i + 1
        department = DEPARTMENTS[i % len(DEPARTMENTS)]
        policy = rng.choice(sorted(POLICIES))
        doc, m = sm.document(number, department, policy)
        if i == 7:  # a name that would be a formula in a careless CSV
            m.name = doc["header"]["shisaku_name"] = '=HYPERLINK("http://x","施策")'
        space = " " if i % 4 == 0 else "_"
        m.path = root / department / f"施策{number:02d}{space}{m.name[:6]}.xlsx"
        m.path = m.path.with_name(m.path.name.replace('"', "").replace("/", ""))
        sm.write(doc, m.path)
        mistake = mistakes[i % len(mistakes)]
        if mistake is not None:
            book = openpyxl.load_workbook(m.path)
            mistake(book, m)
            book.save(m.path)
        if m.mistakes and not (m.errors or m.warnings):
            m.kind = "good"
        elif m.errors:
            m.kind = "wrong"
        elif m.warnings:
            m.kind = "warning"
        os.utime(m.path, (BASE_TIME + i, BASE_TIME + i))
        made.append(m)
    # a department sent two returns twice: the later file (newer) is the one collect keeps
    for original in (made[1], made[2]):
        doc, again = sm.document(int(original.key or 0), original.department or "", "4")
        again.path = root / "再提出" / f"{original.path.stem}(再提出).xlsx"
        sm.write(doc, again.path)
        os.utime(again.path, (BASE_TIME + 10_000, BASE_TIME + 10_000))
        again.duplicate_of = original.path
        original.dropped = True
        made.append(again)
    if others:
        made += build_other_layouts(root, rng)
    made += write_broken(root / "その他", rng)
    write_ignored(root / "その他")
    return made


def _finish(made: Made, mistake: Mistake | None, when: int) -> Made:
    if mistake is not None:
        book = openpyxl.load_workbook(made.path)
        mistake(book, made)
        book.save(made.path)
    _kind(made)
    os.utime(made.path, (BASE_TIME + when, BASE_TIME + when))
    return made


def build_other_layouts(root: Path, rng: random.Random) -> list[Made]:
    """Returns of every other layout: 調布's 施策評価シート per 施策, 新潟's 進捗管理表 and
    狛江's 進捗管理シート (one a year for the whole plan: one sent twice, one of another year),
    国立's 基本計画 per 基本施策, 事務事業評価シート per 事務事業."""
    made: list[Made] = []
    sh = ShisakuHyoka(rng)
    hyoka_mistakes: list[Mistake | None] = [
        None,
        sh.text_in_cost,
        None,
        sh.marks_twice,
        None,
        sh.blank_grade,
    ]
    for i in range(12):
        department = DEPARTMENTS[(i + 2) % len(DEPARTMENTS)]
        doc, m = sh.document(i + 1, department)
        m.path = root / department / f"施策評価シート_{m.key}.xlsx"
        sh.write(doc, m.path)
        made.append(_finish(m, hyoka_mistakes[i % len(hyoka_mistakes)], 100 + i))

    ss = ShinchokuShihyo(rng)
    plans = root / "計画の進捗"
    doc, older = ss.document(2024)
    older.path = plans / "新潟 進捗管理表 R6(最初の提出).xlsx"
    ss.write(doc, older.path)
    made.append(_finish(older, ss.grade_against_rule, 200))
    doc, newer = ss.document(2024)
    newer.path = plans / "新潟 進捗管理表 R6.xlsx"
    ss.write(doc, newer.path)
    made.append(_finish(newer, None, 201))
    newer.duplicate_of, older.dropped = older.path, True  # key-less: one a year
    doc, last_year = ss.document(2023)
    last_year.path = plans / "新潟 進捗管理表 R5.xlsx"
    ss.write(doc, last_year.path)
    made.append(_finish(last_year, None, 202))

    sp = ShinchokuPdca(rng)
    for i, (year, mistake) in enumerate(((2023, sp.wrong_grade), (2022, None))):
        doc, m = sp.document(year)
        m.path = plans / f"狛江 進捗管理シート {year}.xlsx"
        sp.write(doc, m.path)
        made.append(_finish(m, mistake, 300 + i))

    kk = KihonKeikaku(rng)
    for i in range(4):
        department = DEPARTMENTS[i]
        doc, m = kk.document(i + 1, department)
        m.path = root / "基本計画" / f"基本施策{m.key}.xlsx"
        kk.write(doc, m.path)
        made.append(_finish(m, None, 400 + i))

    jj = JimuJigyo(rng)
    jimu_mistakes: list[Mistake | None] = [None, jj.blank_overall, None, jj.actual_in_budget]
    for i in range(4):
        department = DEPARTMENTS[(i + 1) % len(DEPARTMENTS)]
        doc, m = jj.document(i + 1, department)
        m.path = root / department / f"事務事業評価シート_{m.key}.xlsx"
        jj.write(doc, m.path)
        made.append(_finish(m, jimu_mistakes[i], 500 + i))
    return made
