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

from xlsxsheet.data_files import load_document
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.templating import make_template

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

    @property
    def readable(self) -> bool:
        return self.kind != "broken"

    @property
    def clean(self) -> bool:
        return self.readable and not self.errors and not self.warnings


def _cell(book: openpyxl.Workbook, name: str) -> Any:
    sheet, ref = next(iter(book.defined_names[name].destinations))
    return book[sheet][ref.replace("$", "")]


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
        made.errors = made.warnings = True  # total-mismatch + formula-overwritten

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
        made.mistakes.append("全角数字(読み替えのみ)")


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


def build_folder(root: Path, seed: int = 5, per_layout: int = 50) -> list[Made]:
    """A folder of returns: department subfolders, Japanese names, every kind of file."""
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
    made += write_broken(root / "その他", rng)
    write_ignored(root / "その他")
    return made
