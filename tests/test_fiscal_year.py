"""Tests for xlsxsheet.core.fiscal_year: parsing and labelling Japanese fiscal years."""

from __future__ import annotations

import pytest

from xlsxsheet.core.fiscal_year import (
    FiscalYearError,
    column_label,
    era_of,
    era_year,
    long_label,
    parse_fiscal_year,
    short_label,
)

PARSE_OK = [
    # (id, input, expected 西暦 fiscal year)
    ("int", 2020, 2020),
    ("digits", "2020", 2020),
    ("digits-nendo", "2020年度", 2020),
    ("digits-nen", "2020年", 2020),
    ("fy-upper", "FY2020", 2020),
    ("fy-lower", "fy2020", 2020),
    ("fy-fullwidth", "ＦＹ２０２０", 2020),
    ("fullwidth-digits", "２０２０年度", 2020),
    ("r-letter", "R2", 2020),
    ("r-lower", "r2", 2020),
    ("r-fullwidth", "Ｒ２", 2020),
    ("r-zero-padded", "R02", 2020),
    ("r-gan", "R元", 2019),
    ("r1", "R1", 2019),
    ("reiwa-gan", "令和元年度", 2019),
    ("reiwa-2", "令和2年度", 2020),
    ("reiwa-fullwidth-2", "令和２年度", 2020),
    ("reiwa-ligature", "㋿2年度", 2020),
    ("h28", "H28", 2016),
    ("h32-projected-in-heisei", "H32", 2020),  # a plan written before 2019
    ("h35-plan-final-year", "Ｈ35年", 2023),  # seed 002's target year = 令和5年度
    ("heisei-40-projected", "平成40年度", 2028),
    ("h28-nendo", "H28年度", 2016),
    ("heisei-28", "平成28年度", 2016),
    ("heisei-ligature", "㍻28年度", 2016),
    ("heisei-31", "平成31年度", 2019),
    ("h31", "H31", 2019),
    ("heisei-gan", "平成元年度", 1989),
    ("h26-nen", "H26年", 2014),
    ("fullwidth-h-space", "Ｈ26 年", 2014),
    ("paren-western", "平成28(2016)年度", 2016),
    ("fullwidth-paren-western", "平成28（2016）年度", 2016),
    ("paren-western-after-nendo", "平成28年度(2016年度)", 2016),
    ("western-then-era", "2016(H28)年度", 2016),
    ("s63", "S63", 1988),
    ("showa-63", "昭和63年度", 1988),
    ("showa-2", "昭和2年度", 1927),
    ("spaces-everywhere", " 令 和 2 年 度 ", 2020),
    ("ideographic-spaces", "\u3000R\u30002\u3000", 2020),
    ("nbsp", "H\u00a028", 2016),
    ("min-western", "1900", 1900),
    ("max-western", "2200", 2200),
    ("max-reiwa", "R182", 2200),
]


@pytest.mark.parametrize(
    ("raw", "expected"), [c[1:] for c in PARSE_OK], ids=[c[0] for c in PARSE_OK]
)
def test_parse_fiscal_year_accepts(raw: str | int, expected: int) -> None:
    assert parse_fiscal_year(raw) == expected


PARSE_ERRORS = [
    # (id, input, a fragment the Japanese message must contain)
    ("garbage", "abc", "読み取れません"),
    ("empty", "", "読み取れません"),
    ("two-digit-year", "20", "読み取れません"),
    ("nendo-only", "28年度", "読み取れません"),
    ("unknown-era-letter", "T10", "読み取れません"),
    ("long-vowel-not-dash", "R2ー", "読み取れません"),
    ("reiwa-zero", "R0", "令和0年度という年度はありません"),
    ("heisei-zero", "平成0年度", "平成0年度という年度はありません"),
    ("s64-suggests-h1", "S64", "平成元年度・H1"),
    ("showa-gan-was-taisho", "昭和元年度", "昭和元年度という年度はありません"),
    ("paren-disagrees", "平成28(2017)年度", "一致しません"),
    ("western-then-era-disagrees", "2017(H28)年度", "一致しません"),
    ("before-1900", "1899", "1900年度から2200年度"),
    ("after-2200", "2201年度", "1900年度から2200年度"),
    ("int-out-of-range", 20200, "1900年度から2200年度"),
    ("reiwa-beyond-2200", "R183", "1900年度から2200年度"),
    ("bool", True, "真偽値"),
    ("decimal", "2020.5", "読み取れません"),
    ("two-eras", "R2H28", "読み取れません"),
]


@pytest.mark.parametrize(
    ("raw", "fragment"), [c[1:] for c in PARSE_ERRORS], ids=[c[0] for c in PARSE_ERRORS]
)
def test_parse_fiscal_year_rejects(raw: str | int, fragment: str) -> None:
    with pytest.raises(FiscalYearError) as info:
        parse_fiscal_year(raw)
    message = str(info.value)
    assert fragment in message
    assert f"「{raw}」" in message  # quotes the input
    assert "令和2年度" in message and "FY2020" in message  # lists accepted forms


def test_fiscal_year_error_is_value_error() -> None:
    assert issubclass(FiscalYearError, ValueError)


@pytest.mark.parametrize("raw", [2020.0, None, b"2020"], ids=["float", "none", "bytes"])
def test_parse_fiscal_year_wrong_type(raw: object) -> None:
    with pytest.raises(TypeError):
        parse_fiscal_year(raw)  # type: ignore[arg-type]


LABELS = [
    # (year, era_of, short_label, long_label, column_label)
    (1927, ("S", "昭和", 2), "S2", "昭和2年度", "S2年度"),
    (1988, ("S", "昭和", 63), "S63", "昭和63年度", "S63年度"),
    (1989, ("H", "平成", 1), "H1", "平成元年度", "H1年度"),
    (2016, ("H", "平成", 28), "H28", "平成28年度", "H28年度"),
    (2018, ("H", "平成", 30), "H30", "平成30年度", "H30年度"),
    (2019, ("R", "令和", 1), "R1", "令和元年度", "R1年度"),
    (2020, ("R", "令和", 2), "R2", "令和2年度", "R2年度"),
    (2030, ("R", "令和", 12), "R12", "令和12年度", "R12年度"),
]


@pytest.mark.parametrize(
    ("year", "era", "short", "long", "column"), LABELS, ids=[str(c[0]) for c in LABELS]
)
def test_labels(year: int, era: tuple[str, str, int], short: str, long: str, column: str) -> None:
    assert era_of(year) == era
    assert era_year(year) == era[2]
    assert short_label(year) == short
    assert long_label(year) == long
    assert column_label(year) == column


@pytest.mark.parametrize("year", [y[0] for y in LABELS] + [1950, 2000, 2100, 2200])
@pytest.mark.parametrize("label", [short_label, long_label, column_label])
def test_labels_round_trip(year: int, label: object) -> None:
    assert parse_fiscal_year(label(year)) == year  # type: ignore[operator]


@pytest.mark.parametrize("year", [1926, 1900, 2201], ids=["taisho-1926", "1900", "2201"])
def test_era_of_out_of_range(year: int) -> None:
    with pytest.raises(FiscalYearError, match=str(year)):
        era_of(year)


@pytest.mark.parametrize("year", ["2020", 2020.0, True], ids=["str", "float", "bool"])
def test_era_of_wrong_type(year: object) -> None:
    with pytest.raises(TypeError):
        era_of(year)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("H36", "H36 は令和6年度として扱います(平成は31年度までです)。"),
        ("平成32年度", "平成32年度 は令和2年度として扱います(平成は31年度までです)。"),
        ("ｈ３３", "ｈ３３ は令和3年度として扱います(平成は31年度までです)。"),
        ("H31", None),
        ("R6", None),
    ],
)
def test_a_heisei_year_past_31_given_as_year_is_taken_and_said(
    tmp_path, given: str, said: str | None
) -> None:
    """Plans made before 2019 name their years in 平成 (H36): `--year` takes them as 令和,
    never silently."""
    from cli_support import run_cli

    out = tmp_path / "様式.xlsx"
    code, _, err = run_cli("template", "shisaku-management", "--year", given, "-o", str(out))
    assert code == 0, err
    assert (said in err) if said else ("として扱います" not in err)
