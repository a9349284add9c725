"""A folder check keeps a slim record per return and its problems on disk (issue 7: memory).

The spooled records must give back exactly what the workers found, and every report made from
them (text, JSON, HTML, xlsx, with a roster) must be the report made from the returns held in
memory, on a folder with errors, warnings, information, unreadable files and returns sent twice.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from returns_factory import Made, build_folder

from xlsxsheet.cli import main
from xlsxsheet.cli.check import write_report
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.office.batch import (
    CheckedReturn,
    check_returns,
    iter_check_returns,
    iter_in_processes,
)
from xlsxsheet.office.collecting import find_workbooks
from xlsxsheet.office.report import Report, iter_json, iter_text, render_json, render_text
from xlsxsheet.office.report_html import iter_html, render_html
from xlsxsheet.office.report_xlsx import write_xlsx_report
from xlsxsheet.office.roster_match import match_roster, read_expected
from xlsxsheet.office.spool import ReturnRecord, Spool


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Made]]:
    root = tmp_path_factory.mktemp("spool") / "提出"
    return root, build_folder(root)


@pytest.fixture(scope="module")
def checked(folder: tuple[Path, list[Made]]) -> tuple[list[CheckedReturn], dict[Path, str]]:
    paths, names = find_workbooks((folder[0],))
    return check_returns(paths, jobs=2, values=False), names


@pytest.fixture(scope="module")
def roster(
    checked: tuple[list[CheckedReturn], dict[Path, str]], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Some returns the folder has (one twice), one it has not, one named but unreadable."""
    results, _ = checked
    keyed = [r for r in results if r.info and r.info.key][:8]
    rows = [f"{r.info.layout},{r.info.key},{r.info.department or ''}," for r in keyed if r.info]
    rows.append("shisaku-management,97,福祉総務課,")
    broken = next(r for r in results if not r.readable)
    rows.append(f"shisaku-management,98,生活福祉課,{broken.path.name}")
    path = tmp_path_factory.mktemp("roster") / "名簿.csv"
    path.write_text("様式,施策番号,担当課,ファイル名\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def spooled(
    checked: tuple[list[CheckedReturn], dict[Path, str]],
) -> list[ReturnRecord]:
    with Spool() as spool:
        yield [spool.record(r) for r in checked[0]]


def test_the_folder_has_what_the_reports_must_show(
    checked: tuple[list[CheckedReturn], dict[Path, str]],
) -> None:
    results, _ = checked
    severities = {p.severity for r in results for p in r.problems}
    assert severities == {"error", "warning", "info"}
    assert any(not r.readable for r in results)
    assert any(r.changes for r in results)
    assert any(r.readable and not r.problems and not r.changes for r in results)
    assert len(Report(results).duplicates()) >= 1


def test_the_spool_gives_back_every_problem_and_change(
    checked: tuple[list[CheckedReturn], dict[Path, str]], spooled: list[ReturnRecord]
) -> None:
    for r, record in zip(checked[0], spooled, strict=True):
        back = record.load()
        assert back.problems == r.problems
        assert back.changes == r.changes
        assert record.problems == r.problems and record.changes == r.changes
        assert (record.errors, record.warnings) == (r.errors, r.warnings)
        assert record.infos == sum(p.severity == "info" for p in r.problems)
        assert record.readable == r.readable and record.valid == r.valid
        assert record.modified == r.modified and record.path == r.path
        if r.info is None:
            assert record.info is None
        else:
            assert record.info is not None
            assert record.info.identity == r.info.identity
            for name in ("layout", "layout_title", "year", "unit", "key", "name", "department"):
                assert getattr(record.info, name) == getattr(r.info, name)


def test_a_record_holds_no_problems_changes_or_summary(spooled: list[ReturnRecord]) -> None:
    """What the check command keeps per return: scalars, its path and the spool, nothing else."""
    assert not hasattr(spooled[0], "__dict__")  # slots: nothing can be added to it
    for record in spooled:
        for f in dataclasses.fields(record):
            value = getattr(record, f.name)
            assert value is None or isinstance(value, str | int | float | bool | Path | Spool), (
                f.name,
                type(value),
            )


def _same_page(a: str, b: str) -> bool:
    """Two HTML pages equal but for the minute they were made at."""
    stamp = re.compile(r"作成: \d{4}-\d\d-\d\d \d\d:\d\d")
    return stamp.sub("作成: -", a) == stamp.sub("作成: -", b)


@pytest.mark.parametrize("with_roster", [False, True])
def test_reports_from_the_spool_are_the_reports_from_memory(
    checked: tuple[list[CheckedReturn], dict[Path, str]],
    spooled: list[ReturnRecord],
    roster: Path,
    with_roster: bool,
    tmp_path: Path,
) -> None:
    results, names = checked
    registry = default_registry()
    entries = read_expected(roster, registry) if with_roster else None
    held = Report(results, match_roster(results, entries, registry) if entries else None)
    streamed = Report(spooled, match_roster(spooled, entries, registry) if entries else None)
    if with_roster:
        assert held.expected and any(e.missing for e in held.expected)
        assert {e.status for e in held.expected} >= {"missing", "unreadable"}
    assert streamed.valid == held.valid
    assert streamed.stats() == held.stats()
    assert streamed.duplicates() == held.duplicates()

    json_text = render_json(held)
    assert "".join(iter_json(streamed)) == json_text
    assert json.loads(json_text)["files"][0]["file"] == str(results[0].path)
    for show_info in (False, True):
        assert "\n".join(iter_text(streamed, show_info)) == render_text(held, show_info)
        page = "".join(iter_html(streamed, show_info, names))
        assert _same_page(page, render_html(held, show_info, names))

        old, new = tmp_path / f"held-{show_info}.xlsx", tmp_path / f"spooled-{show_info}.xlsx"
        write_xlsx_report(held, old, show_info, names)
        write_xlsx_report(streamed, new, show_info, names)
        assert _workbook(new) == _workbook(old)


def _workbook(path: Path) -> dict[str, object]:
    book = openpyxl.load_workbook(path)
    return {
        name: (
            [[(c.value, c.number_format, c.alignment.wrap_text) for c in row] for row in sheet],
            {i: d.height for i, d in sheet.row_dimensions.items() if d.height},
            {k: d.width for k, d in sheet.column_dimensions.items()},
            sheet.auto_filter.ref,
        )
        for name, sheet in zip(book.sheetnames, book.worksheets, strict=True)
    }


def test_the_problems_sheet_keeps_its_wrapped_row_heights(
    checked: tuple[list[CheckedReturn], dict[Path, str]], tmp_path: Path
) -> None:
    results, names = checked
    out = write_xlsx_report(Report(results), tmp_path / "r.xlsx", True, names)
    sheet = openpyxl.load_workbook(out)["問題一覧"]
    rows = sheet.max_row - 1
    assert rows == sum(len(r.problems) for r in results)
    assert sheet.auto_filter.ref == f"A1:K{rows + 1}"
    assert any((d.height or 0) > 20 for d in sheet.row_dimensions.values())


def test_the_command_writes_what_write_report_writes_from_memory(
    folder: tuple[Path, list[Made]],
    checked: tuple[list[CheckedReturn], dict[Path, str]],
    roster: Path,
    tmp_path: Path,
) -> None:
    results, names = checked
    registry = default_registry()
    held = Report(results, match_roster(results, read_expected(roster, registry), registry))
    for fmt in ("json", "text"):
        expected = tmp_path / f"expected.{fmt}"
        write_report(held, fmt, expected, False, names)
        out = tmp_path / f"report.{fmt}"
        args = ["check", str(folder[0]), "--roster", str(roster), "--format", fmt, "-o", str(out)]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, result.output
        assert out.read_bytes() == expected.read_bytes()
        assert out.read_text(encoding="utf-8").endswith("\n")
    printed = CliRunner().invoke(main, ["check", str(folder[0]), "--roster", str(roster)])
    assert printed.stdout == render_text(held) + "\n"


def test_iter_check_returns_gives_the_results_of_check_returns_in_order(
    checked: tuple[list[CheckedReturn], dict[Path, str]],
) -> None:
    results, _ = checked
    paths = [r.path for r in results[:12]]
    for jobs in (1, 2):
        got = iter_check_returns(paths, jobs=jobs, values=False)
        assert not isinstance(got, list)
        got = list(got)
        assert [r.path for r in got] == paths
        assert [r.problems for r in got] == [r.problems for r in results[:12]]


def _square(x: int) -> int:
    return x * x


def test_iter_in_processes_keeps_the_order_of_the_calls() -> None:
    calls = ((i,) for i in range(40))  # a generator: taken a few at a time
    assert list(iter_in_processes(_square, calls, jobs=2)) == [i * i for i in range(40)]
    assert list(iter_in_processes(_square, iter([(3,)]), jobs=2)) == [9]
    assert list(iter_in_processes(_square, [], jobs=2)) == []
