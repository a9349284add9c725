"""`serve --demo`: a desk holding the bundled examples, one of them with typical mistakes."""

from __future__ import annotations

import csv
from pathlib import Path

from flask import Flask

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.core.data_folders import examples_dir
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.demo import damage
from xlsxsheet.web.intake import take_upload

DEMO_YEAR = 2020
DEMO_PASSWORD = "demo"
# (example, 様式, 施策番号, 担当課); the last row has no return (未提出)
ROWS = (
    ("shisaku-management-R2.xlsx", "shisaku-management", "12", "福祉総務課"),
    ("shisaku-hyoka-R1.xlsx", "shisaku-hyoka", "07", "福祉総務課"),
    ("kihon-keikaku-H28.xlsx", "kihon-keikaku", "12", "企画政策課"),
    ("shinchoku-pdca-R5.xlsx", "shinchoku-pdca", "1", "福祉政策課"),
    ("shinchoku-shihyo-R6.xlsx", "shinchoku-shihyo", "1", "企画政策課"),
    (None, "shisaku-management", "13", "高齢者支援課"),
)


def write_demo_roster(data: Path) -> Path:
    data.mkdir(parents=True, exist_ok=True)
    path = data / "名簿(体験用).csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["様式", "施策番号", "担当課"])
        writer.writerows(row[1:] for row in ROWS)
    return path


def load_demo(app: Flask, codes: dict[str, str]) -> None:
    """Upload each example as its department (the 施策マネジメントシート with mistakes)."""
    store = app.extensions["xlsxsheet_store"]
    if store.count_uploads():
        return
    store.set_setting("any_year", "1")  # the examples are of five cities and years
    cache = app.extensions["xlsxsheet_summaries"]
    registry = default_registry()
    for example, _layout, _key, dept in ROWS:
        if example is None:
            continue
        source = examples_dir() / example
        row = store.department_named(dept)
        if example.startswith("shisaku-management"):
            damaged = store.work / f"誤りあり_{example}"
            damage(source, damaged, check_file(source, registry).read.plan)
            take_upload(store, cache, row["id"], damaged.read_bytes(), damaged.name)
            damaged.unlink()
        else:
            take_upload(store, cache, row["id"], source.read_bytes(), example)
