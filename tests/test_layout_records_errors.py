"""Mistakes in records / tally blocks and prefill rules name the file, line, place and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlsxsheet.core.errors import LayoutError
from xlsxsheet.layout.loader import load_layout

GOOD = """\
layout: sample
version: 1
title: 見本
params:
  start: {label: 開始, type: fiscal-year, default: 2020}
  final: {label: 終了, type: fiscal-year, default: 2022}
year_sets:
  plan: {from: start, to: final}
lists:
  mark: {values: [●]}
  grade: {values: [A, B, C]}
sheets:
  - id: main
    name: 見本
    columns: [5, 20, 6, 6, 6, 6, 6, 6]
    blocks:
      - type: records
        id: rows
        levels:
          - {key: s1, label: 施策1}
        columns:
          - {id: code, label: 番号, fill_down: true}
          - {id: name, label: 名称}
          - {id: ahead, label: 前倒し, type: choice, list: mark}
          - {id: behind, label: 遅れ, type: choice, list: mark}
        grid:
          years: plan
          after: behind
          rows:
            - {id: target, label: 目標, type: number, words: [増加]}
            - {id: grade, label: 評価, type: choice, list: grade}
        constraints:
          - {kind: exactly-one, columns: [ahead, behind], mark: ●}
        aggregates:
          - {id: count, label: 計, kind: count, value: ●, columns: [ahead, behind]}
          - {id: share, label: 割合, kind: share, of: count, base: name}
      - type: tally
        id: summary
        source: rows
        count: grade
        year: 0
        rows: levels
        list: grade
        spans: [2, 1, 1, 1, 1]
prefill:
  other:
    - {from: rows.s1.name, to: x.name}
"""


def _load(tmp_path: Path, old: str, new: str) -> LayoutError:
    assert old in GOOD, old
    path = tmp_path / "sample.yaml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(LayoutError) as caught:
        load_layout(path)
    return caught.value


def test_the_sample_loads(tmp_path: Path) -> None:
    path = tmp_path / "sample.yaml"
    path.write_text(GOOD, encoding="utf-8")
    layout = load_layout(path)
    assert "rows.s1.target" in layout.fields and "rows.s1_count.ahead" in layout.fields
    assert layout.fields["summary.s1.a"].aggregate is not None


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        (
            "columns: [ahead, behind], mark: ●}",
            "columns: [ahead, behnd], mark: ●}",
            ["behnd", "columns"],
        ),
        ("after: behind", "after: behnd", ["after「behnd」", "年度の列の前"]),
        ("years: plan\n", "years: plans\n", ["plans", "year_sets"]),
        ("kind: exactly-one", "kind: exactly-two", ["exactly-two", "exactly-one"]),
        ("of: count, base: name", "of: counts, base: name", ["counts", "count の行"]),
        ("of: count, base: name", "of: count, base: nam", ["base「nam」"]),
        ("source: rows\n", "source: row\n", ["source「row」", "rows"]),
        ("count: grade\n", "count: grad\n", ["count「grad」"]),
        ("        year: 0\n", "", ["year"]),
        ("rows: levels", "rows: level", ["rows「level」"]),
        ("spans: [2, 1, 1, 1, 1]", "spans: [2, 1, 1]", ["spans"]),
        (
            "{id: target, label: 目標, type: number, words: [増加]}",
            "{id: target, label: 目標, words: [増加]}",
            ["words", "数値か年度の項目", "fiscal-year"],
        ),
        (
            "{from: rows.s1.name, to: x.name}",
            "{from: rows.s9.name, to: x.name}",
            ["from「rows.s9.name」"],
        ),
        ("{from: rows.s1.name, to: x.name}", "{from: rows.*.name, to: x.name}", ["* の数"]),
        (
            "year_sets:\n  plan: {from: start,",
            "year_sets:\n  plan: {from: begin,",
            ["begin", "年度型の params"],
        ),
    ],
)
def test_records_mistakes_are_explained(
    tmp_path: Path, old: str, new: str, fragments: list[str]
) -> None:
    error = _load(tmp_path, old, new)
    text = str(error)
    assert "sample.yaml" in text and "行目" in text, text
    for fragment in fragments:
        assert fragment in text, text
