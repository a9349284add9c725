"""The corpus of damaged and unusual workbooks: each gives exactly its expected problems,
where expected, and no input file is ever written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from corpus.build import CASES, CorpusCase
from libreoffice_support import require_soffice, sha256

from xlsxsheet.checks.pipeline import check_file
from xlsxsheet.cli import main
from xlsxsheet.copies.corrected import write_fixed
from xlsxsheet.core.errors import WorkbookError

BY_NAME = {case.name: case for case in CASES}


@pytest.fixture(scope="module")
def corpus(corpus_cases: dict[str, CorpusCase]) -> dict[str, CorpusCase]:
    """The session's corpus (conftest.corpus_cases), built once for every test file using it."""
    return corpus_cases


def _built(corpus: dict[str, CorpusCase], name: str) -> CorpusCase:
    if name not in corpus:
        require_soffice()  # a LibreOffice case: skips locally, fails under CI
    return corpus[name]


def _hash(path: Path) -> str | None:
    return sha256(path) if path.exists() else None


def test_corpus_is_large_and_names_are_unique() -> None:
    assert len(CASES) >= 40
    assert len(BY_NAME) == len(CASES)
    assert sum(case.libreoffice for case in CASES) >= 5


@pytest.mark.parametrize("name", list(BY_NAME))
def test_case_gives_exactly_its_problems(corpus: dict[str, CorpusCase], name: str) -> None:
    case = _built(corpus, name)
    assert case.path is not None
    before = _hash(case.path)
    result = check_file(case.path, case.registry(), case.layout_id, case.year)
    assert _hash(case.path) == before, "the input file was changed"

    found = {(p.code, p.sheet, p.cell) for p in result.problems}
    for expect in case.expected:
        assert (expect.code, expect.sheet, expect.cell) in found, result.problems
    serious = {(p.code, p.sheet, p.cell) for p in result.problems if p.severity != "info"}
    wanted = {(e.code, e.sheet, e.cell) for e in case.expected if e.severity != "info"}
    assert serious == wanted, [p.message for p in result.problems if p.severity != "info"]
    for p in result.problems:
        assert p.message and p.file == str(case.path)

    if case.reads:
        assert result.read is not None
        for key, value in case.reads.items():
            assert result.read.value(key) == value, key


@pytest.mark.parametrize("name", list(BY_NAME))
def test_fix_never_writes_the_input(
    corpus: dict[str, CorpusCase], name: str, tmp_path: Path
) -> None:
    case = _built(corpus, name)
    assert case.path is not None
    result = check_file(case.path, case.registry(), case.layout_id, case.year)
    if result.read is None:
        return
    before = _hash(case.path)
    try:
        out = write_fixed(result, tmp_path / "fixed.xlsx")
    except WorkbookError as exc:  # no copy of a .xls, nor of a return of another year
        assert exc.code in ("legacy-xls", "year-mismatch")
    else:
        assert out.stat().st_size > 0
    assert _hash(case.path) == before


def test_check_on_the_corpus_folder_reports_every_file(corpus: dict[str, CorpusCase]) -> None:
    """A folder mixing good and damaged workbooks: every file reported, exit code 1, no input
    written."""
    folder = next(iter(corpus.values())).path.parent  # type: ignore[union-attr]
    files = sorted(p for p in folder.iterdir() if p.suffix in (".xlsx", ".xlsm", ".xls"))
    hashes = {p: sha256(p) for p in files}
    result = CliRunner().invoke(main, ["check", str(folder), "--format", "json", "--jobs", "2"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    report = json.loads(result.stdout)
    assert sorted(Path(f["file"]) for f in report["files"]) == files
    by_name = {Path(f["file"]).stem: f for f in report["files"]}
    for name, case in corpus.items():
        if case.path is None or not case.path.exists() or case.layouts or case.layout_id:
            continue  # gone, or checked with other layouts or options than a plain check
        if case.year is not None:
            continue
        codes = {p["code"] for p in by_name[name]["problems"]}
        assert {e.code for e in case.expected} <= codes, name
    assert by_name["xlsx-named-xls"]["valid"]
    assert {p: sha256(p) for p in files} == hashes


@pytest.mark.parametrize("name", ["cost-row-deleted", "cost-row-deleted-libreoffice"])
def test_a_deleted_input_row_leaves_the_totals_as_they_are(
    corpus: dict[str, CorpusCase], name: str, tmp_path: Path
) -> None:
    """A department deleted the unused 地方債 row. The template's formula cannot be written with
    this workbook's addresses: the fix used to put その他 in twice (=SUM(F72,F73,F74,F74,F75));
    now the totals stay as the department has them, and nothing in 修正履歴 claims them."""
    import openpyxl

    case = _built(corpus, name)
    assert case.path is not None
    result = check_file(case.path, case.registry())
    gone = [p for p in result.problems if p.code == "formula-input-gone"]
    assert gone and all("地方債" in p.message and "修正版でも直しません" in p.message for p in gone)
    assert not [p for p in result.problems if p.code == "formula-changed"]
    sheet = openpyxl.load_workbook(case.path)["施策マネジメントシート"]
    before = {p.cell: sheet[p.cell].value for p in gone}
    assert all("#REF!" in str(formula) for formula in before.values()), before
    fixed = openpyxl.load_workbook(write_fixed(result, tmp_path / "fixed.xlsx"))
    assert {cell: fixed["施策マネジメントシート"][cell].value for cell in before} == before
    if "修正履歴" in fixed.sheetnames:
        history = [str(c.value) for row in fixed["修正履歴"].iter_rows() for c in row]
        assert not any(cell in history for cell in before)


@pytest.mark.parametrize("name", ["dimension-whole-grid", "cell-in-last-row-and-column"])
def test_a_used_range_of_the_whole_sheet_is_a_warning(
    corpus: dict[str, CorpusCase], name: str
) -> None:
    """LibreOffice records A1:J1048576 after a clerk deletes a row: the file reads as usual
    (only the cells it holds), so the return is not one with errors for it."""
    case = _built(corpus, name)
    assert case.path is not None
    result = check_file(case.path, case.registry())
    (huge,) = [p for p in result.problems if p.code == "dimension-huge"]
    assert huge.severity == "warning"
    assert not [p for p in result.problems if p.severity == "error"]
