"""Labels are templates for the year evaluated (docs/layouts.md): a template holds none raw.

A layout with `{{ … }}` in every label the language allows (titles, headings, form texts,
list descriptions and prompts, table and year-table headers, level labels, judgements,
records columns, groups, grids, aggregates and tallies) is written by each writer for two
years; no part of the workbook — cells, shared strings, validations, header and footer,
defined names — may hold `{{` or `{%`.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from xlsxsheet.layout.loader import load_layout
from xlsxsheet.layout.model import Layout
from xlsxsheet.plan.workbook_plan import WorkbookPlan, build_plan
from xlsxsheet.writing import fast_template
from xlsxsheet.writing import fast_template_xml as template_xml
from xlsxsheet.writing.template_writer import write_template

LAYOUT = """\
layout: labels-everywhere
version: 1
title: ラベル確認シート
default_year: R6
params:
  plan_final: {label: 計画最終年度, type: fiscal-year, default: 2027}
year_sets:
  eval2: {from: -1, to: 0}
lists:
  achievement:
    values: [達成, 未達成]
    prompt: "{{ year | long_label }}の達成状況を選んでください。"
  grade:
    values: [A, B]
    labels: {A: "{{ year | short_label }}に達成", B: "{{ params.plan_final | short_label }}までに達成"}
    prompt: "{{ year | short_label }}の評価を選んでください。"
sheets:
  - id: main
    name: 評価
    columns: [10, 10, 10, 8, 10, 10, 10, 10]
    print: {paper: A4, landscape: false, fit_width: true, repeat_rows: 1}
    blocks:
      - type: title
        text: "評価 {{ year | long_label }}"
        note: "{{ year | short_label }}評価"
      - type: heading
        text: "1 {{ year | long_label }}の状況"
      - type: form
        id: head
        rows:
          - - {text: "{{ year | column_label }}", span: 2, style: header}
            - {field: grade, label: "評価({{ year | short_label }})", type: choice, list: grade,
               span: 2}
            - {list_labels: grade, span: 4}
          - - {text: 区分, span: 2, style: header}
            - {field: done, label: 区分, type: choice, list: achievement, span: 6}
      - type: table
        id: dirs
        title: "{{ year | short_label }}の方向"
        levels: [[{key: d1, label: "方向{{ year | era_year }}"}]]
        level_spans: [2]
        level_header: "{{ year | short_label }}区分"
        columns:
          - {id: text, label: "内容({{ year | short_label }})", span: 6}
      - type: year_table
        id: perf
        years: eval2
        label_spans: [1, 1, 1]
        unit_span: 1
        header: ["区分{{ year | short_label }}", "指標{{ year | short_label }}", 項目]
        sections:
          - id: ind
            label: "成果{{ year | short_label }}"
            levels: [[{key: i1, label: "指標{{ year | era_year }}"}]]
            level_label: "{{ label }}"
            series:
              - {id: target, label: "目標({{ year | short_label }})", type: number}
              - {id: actual, label: "実績({{ year | short_label }})", type: number}
            judgements:
              - id: judge
                label: "判定({{ year | short_label }})"
                list: achievement
                rule: {kind: target-vs-actual, actual: actual, target: target, met: 達成,
                       unmet: 未達成}
  - id: rec
    name: 一覧
    columns: [6, 14, 14, 8, 8, 8, 8]
    print: {paper: A4, landscape: true, fit_width: true}
    blocks:
      - type: records
        id: jigyo
        title: "{{ year | long_label }}の事業"
        record_label: 事業
        levels: [{key: s1, label: "施策{{ year | era_year }}"}]
        level_title: "{{ label }}({{ year | short_label }})"
        spare: 2
        columns:
          - {id: num, label: "No.{{ year | era_year }}", type: integer}
          - {id: name, label: "事業名({{ year | short_label }})", group: "事業{{ year | short_label }}"}
          - {id: mark, label: "印{{ year | short_label }}", group: "事業{{ year | short_label }}"}
        grid:
          years: eval2
          after: mark
          label_span: 1
          label: "区分{{ year | short_label }}"
          rows:
            - {id: target, label: 目標, type: number}
            - {id: grade, label: 評価, type: choice, list: grade}
        aggregates:
          - {id: marks, label: "印の数({{ year | short_label }})", kind: count, columns: [mark],
             value: ●}
      - type: tally
        id: sum
        title: "{{ year | long_label }}の集計"
        source: jigyo
        count: grade
        year: 0
        rows: levels
        row_label: "{{ label }}/{{ year | short_label }}"
        list: grade
        total: "計{{ year | short_label }}"
        header: ["施策{{ year | short_label }}"]
        spans: [3, 1, 1, 1]
"""

YEARS = {2024: "R6", 2025: "R7"}


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Layout:
    path = tmp_path_factory.mktemp("layouts") / "labels-everywhere.yaml"
    path.write_text(LAYOUT, encoding="utf-8")
    return load_layout(path)


def _xlsxwriter(plan: WorkbookPlan, path: Path) -> None:
    write_template(plan, path)


def _template_xml(plan: WorkbookPlan, path: Path) -> None:
    template_xml.write(plan, path.with_suffix(".first.xlsx"))  # learns the base
    template_xml.write(plan, path)


def _skeleton(plan: WorkbookPlan, path: Path) -> None:
    fast_template.skeleton_for(plan).fill(path, {})


WRITERS = {"xlsxwriter": _xlsxwriter, "template_xml": _template_xml, "skeleton": _skeleton}


def _raw_templates(path: Path) -> list[tuple[str, str]]:
    """(part, excerpt) of every `{{` or `{%` in any part of the workbook."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8", "replace")
            for mark in ("{{", "{%"):
                at = text.find(mark)
                if at >= 0:
                    found.append((name, text[max(at - 40, 0) : at + 40]))
    return found


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("year", YEARS)
def test_no_part_of_the_template_holds_a_raw_label(
    layout: Layout, year: int, writer: str, tmp_path: Path
) -> None:
    path = tmp_path / "template.xlsx"
    WRITERS[writer](build_plan(layout, year), path)
    assert _raw_templates(path) == []


def _sheet_texts(path: Path) -> dict[str, list[Any]]:
    workbook = openpyxl.load_workbook(path)
    return {
        ws.title: [c.value for row in ws.iter_rows() for c in row if c.value is not None]
        for ws in workbook.worksheets
    }


@pytest.mark.parametrize("year", YEARS)
def test_the_judgement_heading_is_rendered_for_the_year(
    layout: Layout, year: int, tmp_path: Path
) -> None:
    path = tmp_path / "template.xlsx"
    template_xml.write(build_plan(layout, year), path)
    short = YEARS[year]
    texts = _sheet_texts(path)["評価"]
    assert [t for t in texts if str(t).startswith("判定")] == [f"判定({short})"]
    assert f"{short}区分" in texts and f"区分{short}" in texts  # level_header, year-table header
    assert f"成果{short}" in texts
    assert f"指標{year - 2018}" in texts  # a level label, through level_label


@pytest.mark.parametrize("year", YEARS)
def test_dropdowns_and_list_descriptions_are_rendered_for_the_year(
    layout: Layout, year: int, tmp_path: Path
) -> None:
    path = tmp_path / "template.xlsx"
    _template_xml(build_plan(layout, year), path)
    sheet = openpyxl.load_workbook(path)["評価"]
    prompts = {v.prompt for v in sheet.data_validations.dataValidation if v.prompt}
    assert f"令和{year - 2018}年度の達成状況を選んでください。" in prompts
    assert f"{YEARS[year]}の評価を選んでください。" in prompts
    notes = [c.value for row in sheet.iter_rows() for c in row if c.value and "A:" in str(c.value)]
    assert notes == [f"A:{YEARS[year]}に達成\nB:R9までに達成"]


def test_template_xml_writes_each_year_itself(
    layout: Layout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A list's prompt differs by year: the validations kept for one year are not another's."""
    monkeypatch.setattr(template_xml, "_BASES", type(template_xml._BASES)())
    monkeypatch.setattr(template_xml, "_REFUSED", type(template_xml._REFUSED)())
    for year in YEARS:
        template_xml.write(build_plan(layout, year), tmp_path / f"{year}.xlsx")
    assert not template_xml._REFUSED


def test_a_templated_grid_row_label(tmp_path: Path) -> None:
    """The row label the sheet shows is the one the tally's COUNTIFS counts by and the
    records-label check expects (both used the label unrendered)."""
    from xlsxsheet.checks.pipeline import check_file
    from xlsxsheet.layout.registry import LayoutRegistry

    text = LAYOUT.replace(
        "label: 評価, type: choice", 'label: "評価{{ year | short_label }}", type: choice'
    )
    path = tmp_path / "layouts" / "labels-everywhere.yaml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "return.xlsx"
    plan = build_plan(load_layout(path), 2024)
    named = next(s for s in plan.slots.values() if s.field.id.endswith(".name"))
    write_template(plan, out, {named.key: "子育て支援事業"})  # one record filled in
    assert _raw_templates(out) == []
    problems = check_file(out, LayoutRegistry([path.parent])).problems
    assert [p.message for p in problems if p.code == "records-label"] == []
