"""A small 事務事業評価シート as a city writes its own layout (after みどり市's): indicators with
a 望ましい方向 and two judgements, a cost table whose 事業費(A) and 財源内訳 are both typed, a
records table of 委託. Tests write it to a folder of their own, make its template with
`make_template` and type into it with openpyxl as a clerk does in Excel."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import openpyxl

from xlsxsheet.checks.pipeline import CheckResult, check_file
from xlsxsheet.layout.loader import load_layout
from xlsxsheet.layout.registry import LayoutRegistry
from xlsxsheet.writing.make_template import make_template

LAYOUT_ID = "small-eval"
SHEET = "評価シート"
YEAR = 2024  # R6, the layout's default_year
LAYOUT = """\
layout: small-eval
version: 1
title: 小さな評価シート
default_year: R6
year_sets:
  ind: {from: -2, to: 1}
lists:
  direction:
    values: [高いほど良い, 低いほど良い]
  achieved:
    values: [達成, 未達成]
  yoy:
    values: [向上, 横ばい, 低下]
sheets:
  - id: main
    name: 評価シート
    columns: [9, 8, 10, 6, 9, 9, 9, 9, 9, 9, 9]
    blocks:
      - type: form
        id: header
        rows:
          - - {text: 事業名, style: header}
            - {field: name, label: 事業名, type: text, span: 5}
            - {text: 職員数, style: header}
            - {field: staff, label: 職員数, type: integer}
      - type: year_table
        id: ind
        years: ind
        label_spans: [1, 1, 2]
        unit_span: 1
        header: [区分, 指標, 項目]
        sections:
          - id: outcome
            label: 成果指標
            levels:
              - - {key: o1, label: ①}
                - {key: o2, label: ②}
            series:
              - {id: name, label: 指標名, type: text, across_years: true}
              - {id: direction, label: 望ましい方向, type: choice, list: direction, across_years: true}
              - {id: target, label: 目標値, type: number}
              - {id: actual, label: 実績値, type: number}
              - {id: rate, label: 達成率, type: percent, unit: "%",
                 formula: "round(if(direction = '低いほど良い', target / actual, actual / target) * 100, 1)"}
            judgements:
              - {id: achieved, label: 達成状況, list: achieved,
                 rule: {kind: target-vs-actual, actual: actual, target: target, met: 達成, unmet: 未達成}}
              - {id: yoy, label: 前年度比較, list: yoy,
                 rule: {kind: year-over-year, series: actual, better: 向上, same: 横ばい, worse: 低下}}
          - id: cost
            label: 事業費
            unit_slip_check: [kessan, national, general]
            series:
              - {id: kessan, label: ["事業費(A)"], unit: 千円, type: money}
              - {id: national, label: [財源内訳, 国庫支出金], unit: 千円, type: money}
              - {id: prefectural, label: [財源内訳, 県支出金], unit: 千円, type: money}
              - {id: general, label: [財源内訳, 一般財源], unit: 千円, type: money}
      - type: records
        id: itaku
        record_label: 委託
        spare: 2
        columns:
          - {id: num, label: No., type: integer}
          - {id: aite, label: 委託先, span: 5}
          - {id: amount, label: 決算額(千円), type: money, span: 2}
"""


def write_layout(folder: Path, text: str = LAYOUT, name: str = f"{LAYOUT_ID}.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, part: str) -> int:
    """The line (from 1) of the layout text holding `part`."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if part in line)


def template(folder: Path, text: str = LAYOUT) -> Path:
    """The layout's R6 template, made by make_template, in `folder`."""
    layout = load_layout(write_layout(folder / "layouts", text))
    out = folder / "template.xlsx"
    make_template(layout, out, YEAR)
    return out


def typed(template_path: Path, values: dict[str, Any], out: Path) -> Path:
    """The template with `values` typed at defined names (xs_…) or A1 cells of the sheet."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(template_path)
    for where, value in values.items():
        if where.startswith("xs_"):
            sheet, ref = next(iter(book.defined_names[where].destinations))
            book[sheet][ref.replace("$", "").split(":")[0]].value = value
        else:
            book[SHEET][where].value = value
    book.save(out)
    return out


def checked(folder: Path, workbook: Path) -> CheckResult:
    return check_file(workbook, LayoutRegistry([folder / "layouts"]))


def codes(result: CheckResult) -> list[tuple[str, str]]:
    return [(p.code, p.cell) for p in result.problems]
