"""check_returns(values=False): the same results without the summaries' tidy values.

The tidy values are most of what a checked return holds in memory (about 25 of 28 kB for a
施策マネジメントシート); `check` of a folder does not use them, only `collect`'s CSV does.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from xlsxsheet.core.data_files import load_document
from xlsxsheet.core.data_folders import example_documents
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.batch import check_returns
from xlsxsheet.writing.make_template import make_template


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("returns")
    paths = []
    for data in example_documents():
        doc = load_document(data)
        path = out / f"{data.stem}.xlsx"
        make_template(default_registry().get(str(doc["layout"])), path, None, doc)
        paths.append(path)
    return paths


@pytest.mark.parametrize("jobs", [1, 2])
def test_without_values_only_the_values_go(returns: list[Path], jobs: int) -> None:
    full = check_returns(returns, jobs=jobs)
    light = check_returns(returns, jobs=jobs, values=False)
    assert any(r.info and r.info.values for r in full)
    for a, b in zip(full, light, strict=True):
        assert b.problems == a.problems
        assert b.changes == a.changes
        assert (a.info is None) == (b.info is None)
        if a.info is not None and b.info is not None:
            assert b.info.values == []
            assert b.info == dataclasses.replace(a.info, values=[])
