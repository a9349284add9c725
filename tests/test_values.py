"""Tests for xlsxsheet.reading.values.normalize: every normalisation is reported by a note."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlsxsheet.reading.values import KINDS, NOTE_MESSAGES, STATUSES, Normalized, normalize

GRADES = ("A", "B", "C")
OUTCOMES = ("達成", "未達成")
ALIASES = {"達成した": "達成", "未達": "未達成"}


def case(
    case_id: str,
    raw: object,
    kind: str,
    value: object,
    status: str = "ok",
    codes: Sequence[str] = (),
    qualifier: str | None = None,
    unit: str | None = None,
) -> object:
    """One table row: what normalize(raw, kind) must return."""
    return pytest.param(raw, kind, value, status, frozenset(codes), qualifier, unit, id=case_id)


def check(
    result: Normalized,
    value: object,
    status: str,
    codes: frozenset[str],
    qualifier: str | None,
    unit: str | None,
) -> None:
    assert result.status == status
    assert result.value == value
    assert type(result.value) is type(value)  # 12 is not 12.0
    assert result.codes == codes
    assert result.qualifier == qualifier
    assert result.unit == unit
    assert (result.error is not None) == (status == "invalid")


T = "text-to-number"
ROW = ("raw", "kind", "value", "status", "codes", "qualifier", "unit")

NUMERIC_CASES = [
    # blanks and "not applicable"
    case("none", None, "number", None, "blank"),
    case("empty", "", "number", None, "blank"),
    case("spaces-only", "  \u3000", "integer", None, "blank", ["whitespace-only"]),
    case("zero-width-only", "\u200b", "number", None, "blank", ["whitespace-only"]),
    case("dash-fullwidth", "－", "number", None, "not-applicable"),
    case("dash-ascii", "-", "integer", None, "not-applicable"),
    case("dash-em", "—", "money", None, "not-applicable"),
    case("dash-bar", "―", "percent", None, "not-applicable"),
    case("dash-hyphen", "‐", "number", None, "not-applicable"),
    case("dash-minus-sign", "−", "number", None, "not-applicable"),
    case("dash-with-spaces", " － ", "number", None, "not-applicable"),
    case("long-vowel-alone", "ー", "number", None, "invalid"),
    case("halfwidth-long-vowel", "ｰ", "number", None, "invalid"),
    case("two-dashes", "--", "number", None, "invalid"),
    # numbers that are already numbers
    case("int", 12345, "number", 12345),
    case("float", 12.8, "number", 12.8),
    case("integral-float-number", 12.0, "number", 12.0),
    case("integral-float-integer", 12.0, "integer", 12),
    case("integral-float-money", 3000.0, "money", 3000),
    case("fractional-float-integer", 12.5, "integer", None, "invalid"),
    case("fractional-float-money", 0.5, "money", None, "invalid"),
    case("float-percent", 12.8, "percent", 12.8),
    case("zero", 0, "number", 0),
    case("negative-int", -5, "integer", -5),
    case("bool-true", True, "number", None, "invalid"),
    case("bool-false", False, "integer", None, "invalid"),
    case("nan", math.nan, "number", None, "invalid"),
    case("inf", math.inf, "integer", None, "invalid"),
    case("datetime", dt.datetime(2020, 4, 1), "number", None, "invalid"),
    case("date", dt.date(2020, 4, 1), "money", None, "invalid"),
    # numbers typed as text
    case("digits-text", "12345", "number", 12345, codes=[T]),
    case("decimal-text", "12.5", "number", 12.5, codes=[T]),
    case("decimal-zero-stays-float", "12.0", "number", 12.0, codes=[T]),
    case("decimal-zero-integer", "12.0", "integer", 12, codes=[T, "integral-decimal"]),
    case("decimal-integer", "12.5", "integer", None, "invalid"),
    case("decimal-money", "12.5", "money", None, "invalid"),
    case("surrounding-spaces", " 12345 ", "number", 12345, codes=[T, "spaces-removed"]),
    case("nbsp", "\u00a0500", "number", 500, codes=[T, "spaces-removed"]),
    case("zero-width-space", "500\u200b", "number", 500, codes=[T, "spaces-removed"]),
    case("fullwidth-digits", "１２３", "number", 123, codes=[T, "fullwidth-digits"]),
    case(
        "fullwidth-decimal",
        "１２．５",
        "number",
        12.5,
        codes=[T, "fullwidth-digits", "fullwidth-symbols"],
    ),
    case(
        "fullwidth-comma",
        "１２，３４５",
        "integer",
        12345,
        codes=[T, "fullwidth-digits", "fullwidth-symbols", "thousands-separator"],
    ),
    case("fullwidth-plus", "＋5", "number", 5, codes=[T, "fullwidth-symbols", "plus-sign"]),
    case("plus", "+5", "number", 5, codes=[T, "plus-sign"]),
    case("thousands", "1,234,567", "money", 1234567, codes=[T, "thousands-separator"]),
    case("thousands-decimal", "1,234.5", "number", 1234.5, codes=[T, "thousands-separator"]),
    case("bad-grouping", "1,23", "number", None, "invalid"),
    case("bad-grouping-4", "1,2345", "number", None, "invalid"),
    case("ideographic-comma", "1、000", "number", None, "invalid"),
    case("digits-split-by-space", "1 234", "number", None, "invalid"),
    case("trailing-point", "12.", "number", None, "invalid"),
    case("two-points", "1.2.3", "number", None, "invalid"),
    case("exponent", "1e5", "number", None, "invalid"),
    case("too-many-digits", "9" * 31, "number", None, "invalid"),
    case("garbage", "あいう", "number", None, "invalid"),
    case("kanji-numeral", "三", "integer", None, "invalid"),
    # negative numbers
    case("ascii-minus", "-5", "number", -5, codes=[T]),
    case("triangle", "△500", "money", -500, codes=[T, "triangle-negative"]),
    case(
        "black-triangle",
        "▲1,000",
        "money",
        -1000,
        codes=[T, "triangle-negative", "thousands-separator"],
    ),
    case("minus-sign", "−5", "number", -5, codes=[T, "minus-variant"]),
    case("fullwidth-minus", "－５", "integer", -5, codes=[T, "minus-variant", "fullwidth-digits"]),
    case("hyphen-minus", "‐5", "number", -5, codes=[T, "minus-variant"]),
    case("em-dash-minus", "—5", "number", -5, codes=[T, "minus-variant"]),
    case("minus-decimal", "−0.5", "number", -0.5, codes=[T, "minus-variant"]),
    case("negative-zero", "-0.0", "number", 0.0, codes=[T]),
    case("long-vowel-minus", "ー5", "number", None, "invalid"),
    case("minus-after-number", "5-", "number", None, "invalid"),
    # 万 and 億
    case("man-958", "1万958", "number", 10958, codes=[T, "man-unit"]),
    case("man-space", "1万 7436", "integer", 17436, codes=[T, "man-unit", "spaces-removed"]),
    case("oku-decimal", "2.5億", "money", 250000000, codes=[T, "oku-unit"]),
    case("man-only", "3万", "number", 30000, codes=[T, "man-unit"]),
    case("oku-man", "1億2000万", "integer", 120000000, codes=[T, "oku-unit", "man-unit"]),
    case("oku-man-rest", "1億2000万5", "number", 120000005, codes=[T, "oku-unit", "man-unit"]),
    case(
        "man-with-unit",
        "1万958人",
        "number",
        10958,
        codes=[T, "man-unit", "unit-removed"],
        unit="人",
    ),
    case(
        "man-thousands", "1,000万", "number", 10000000, codes=[T, "man-unit", "thousands-separator"]
    ),
    case("man-fraction-float", "1.23456万", "number", 12345.6, codes=[T, "man-unit"]),
    case("man-fraction-integer", "1.23456万", "integer", None, "invalid"),
    case("man-fullwidth", "１万９５８", "number", 10958, codes=[T, "man-unit", "fullwidth-digits"]),
    case("man-negative", "△3万", "number", -30000, codes=[T, "man-unit", "triangle-negative"]),
    case("man-rest-too-big", "1万12345", "number", None, "invalid"),
    case("oku-man-too-big", "1億12000万", "number", None, "invalid"),
    case("fraction-before-man", "1.5億2000万", "number", None, "invalid"),
    case("man-alone", "万", "number", None, "invalid"),
    case("man-twice", "1万2万", "number", None, "invalid"),
    # qualifiers
    case("nobe", "延べ600", "number", 600, codes=[T, "qualifier"], qualifier="延べ"),
    case(
        "nobe-short",
        "延600人",
        "number",
        600,
        codes=[T, "qualifier", "unit-removed"],
        qualifier="延",
        unit="人",
    ),
    case(
        "ijou",
        "600 以上",
        "number",
        600,
        codes=[T, "qualifier", "spaces-removed"],
        qualifier="以上",
    ),
    case("ika", "600以下", "integer", 600, codes=[T, "qualifier"], qualifier="以下"),
    case(
        "miman", "50%未満", "percent", 50, codes=[T, "qualifier", "percent-sign"], qualifier="未満"
    ),
    case(
        "nobe-ijou",
        "延べ600 以上",
        "number",
        600,
        codes=[T, "qualifier", "spaces-removed"],
        qualifier="延べ 以上",
    ),
    case(
        "nobe-unit-ijou",
        "延べ600人日以上",
        "number",
        600,
        codes=[T, "qualifier", "unit-removed"],
        qualifier="延べ 以上",
        unit="人日",
    ),
    case(
        "yaku",
        "約3,000",
        "number",
        3000,
        codes=[T, "qualifier", "thousands-separator"],
        qualifier="約",
    ),
    case("qualifier-alone", "以上", "number", None, "invalid"),
    case("qualifier-in-middle", "6以上00", "number", None, "invalid"),
    # units and percent signs
    case("percent-sign", "12.8%", "percent", 12.8, codes=[T, "percent-sign"]),
    case(
        "fullwidth-percent-space",
        "12.8 ％",
        "percent",
        12.8,
        codes=[T, "percent-sign", "spaces-removed"],
    ),
    case("percent-plain-text", "12.8", "percent", 12.8, codes=[T]),
    case("percent-int", "50%", "percent", 50, codes=[T, "percent-sign"]),
    case("percent-in-number", "12.8%", "number", 12.8, codes=[T, "unit-removed"], unit="%"),
    case("unit-in-percent", "5人", "percent", None, "invalid"),
    case("unit-nin", "120人", "integer", 120, codes=[T, "unit-removed"], unit="人"),
    case("unit-ken", "15件", "number", 15, codes=[T, "unit-removed"], unit="件"),
    case("unit-dantai", "3団体", "number", 3, codes=[T, "unit-removed"], unit="団体"),
    case("unit-kai", "4回", "number", 4, codes=[T, "unit-removed"], unit="回"),
    case("unit-kasho", "2か所", "number", 2, codes=[T, "unit-removed"], unit="か所"),
    case("unit-kasho-ke", "2ヶ所", "number", 2, codes=[T, "unit-removed"], unit="か所"),
    case("unit-kasho-kanji", "2箇所", "number", 2, codes=[T, "unit-removed"], unit="箇所"),
    case("unit-sha", "7社", "number", 7, codes=[T, "unit-removed"], unit="社"),
    case("unit-setai", "30世帯", "number", 30, codes=[T, "unit-removed"], unit="世帯"),
    case("unit-jikan", "1.5時間", "number", 1.5, codes=[T, "unit-removed"], unit="時間"),
    case("unit-hon", "3本", "number", 3, codes=[T, "unit-removed"], unit="本"),
    case("unit-jigyou", "5事業", "number", 5, codes=[T, "unit-removed"], unit="事業"),
    case("unit-shisetsu", "9施設", "number", 9, codes=[T, "unit-removed"], unit="施設"),
    case("unit-ninnichi", "40人日", "number", 40, codes=[T, "unit-removed"], unit="人日"),
    case("unit-nichi", "10日", "number", 10, codes=[T, "unit-removed"], unit="日"),
    case("unit-unknown", "5kg", "number", None, "invalid"),
    case("unit-before-number", "人5", "number", None, "invalid"),
    case(
        "money-senen",
        "1,200千円",
        "money",
        1200,
        codes=[T, "unit-removed", "thousands-separator"],
        unit="千円",
    ),
    case("money-yen", "300円", "money", 300, codes=[T, "unit-removed", "yen-unit"], unit="円"),
    case(
        "money-man-yen",
        "3万円",
        "money",
        30000,
        codes=[T, "unit-removed", "yen-unit", "man-unit"],
        unit="円",
    ),
    case("money-other-unit", "5人", "money", None, "invalid"),
    case("yen-in-number-no-warning", "300円", "number", 300, codes=[T, "unit-removed"], unit="円"),
]


@pytest.mark.parametrize(ROW, NUMERIC_CASES)
def test_normalize_numeric(
    raw: object,
    kind: str,
    value: object,
    status: str,
    codes: frozenset[str],
    qualifier: str | None,
    unit: str | None,
) -> None:
    check(normalize(raw, kind), value, status, codes, qualifier, unit)


INVALID_MESSAGES = [
    # (id, raw, kind, fragments the error must contain)
    (
        "spec-example",
        "あいう",
        "number",
        [
            "数値が入るべき欄に「あいう」と入力されています。数値(半角・全角どちらでも可)で入力してください。"
        ],
    ),
    ("decimal-integer", "12.5", "integer", ["「12.5」", "小数は入力できません"]),
    ("decimal-money", "12.5", "money", ["金額(千円)", "小数は入力できません", "千円単位"]),
    ("bad-grouping", "1,23", "number", ["「1,23」", "桁区切り"]),
    ("long-vowel", "ー5", "number", ["「ー5」", "長音記号"]),
    ("space-in-digits", "1 234", "number", ["数字の間に空白"]),
    ("unit-in-money", "5人", "money", ["単位「人」"]),
    ("bool", True, "number", ["真偽値"]),
    ("date", dt.datetime(2020, 4, 1), "integer", ["日付"]),
    ("myriad", "1万12345", "number", ["万・億"]),
    ("percent-hint", "abc", "percent", ["割合(%)", "12.8%"]),
    ("too-long-is-cut", "あ" * 100, "number", ["…"]),
]


@pytest.mark.parametrize(
    ("raw", "kind", "fragments"),
    [c[1:] for c in INVALID_MESSAGES],
    ids=[c[0] for c in INVALID_MESSAGES],
)
def test_invalid_messages(raw: object, kind: str, fragments: list[str]) -> None:
    result = normalize(raw, kind)
    assert result.status == "invalid"
    assert result.value is None
    assert result.notes == ()
    assert result.error is not None
    for fragment in fragments:
        assert fragment in result.error


TEXT_CASES = [
    case("plain", "課題がある", "text", "課題がある"),
    case("blank-none", None, "text", None, "blank"),
    case("blank-empty", "", "text", None, "blank"),
    case("blank-spaces", " \u3000\n", "text", None, "blank", ["whitespace-only"]),
    case("trim", "  課題 ", "text", "課題", codes=["spaces-trimmed"]),
    case("inner-spaces-kept", "課題 と 対応", "text", "課題 と 対応"),
    case("crlf", "一行目\r\n二行目", "text", "一行目\n二行目", codes=["newlines-normalized"]),
    case("cr", "一行目\r二行目", "text", "一行目\n二行目", codes=["newlines-normalized"]),
    case("lf-kept", "一行目\n二行目", "text", "一行目\n二行目"),
    case(
        "crlf-and-trim",
        "一行目\r\n二行目\r\n",
        "text",
        "一行目\n二行目",
        codes=["newlines-normalized", "spaces-trimmed"],
    ),
    case("dash-is-text", "－", "text", "－"),
    # a lone surrogate (_xD800_) is read as U+FFFD (reading/cells.whole_characters): said so
    case("broken-character", "施策\ufffd", "text", "施策\ufffd", codes=["broken-character"]),
    case("int", 12, "text", "12", codes=["number-as-text"]),
    case("integral-float", 12.0, "text", "12", codes=["number-as-text"]),
    case("fractional-float", 0.1, "text", "0.1", codes=["number-as-text"]),
    case(
        "datetime", dt.datetime(2020, 4, 1), "text", "2020-04-01 00:00:00", codes=["date-as-text"]
    ),
    case("date", dt.date(2020, 4, 1), "text", "2020-04-01", codes=["date-as-text"]),
    case("bool", True, "text", None, "invalid"),
    case("nan", math.nan, "text", None, "invalid"),
    case("huge-int", 10**5000, "text", None, "invalid"),
    case("other-type", b"bytes", "text", None, "invalid"),
]


@pytest.mark.parametrize(ROW, TEXT_CASES)
def test_normalize_text(
    raw: object,
    kind: str,
    value: object,
    status: str,
    codes: frozenset[str],
    qualifier: str | None,
    unit: str | None,
) -> None:
    check(normalize(raw, kind), value, status, codes, qualifier, unit)


def choice_case(
    case_id: str,
    raw: object,
    choices: Sequence[str],
    value: object,
    status: str = "ok",
    codes: Sequence[str] = (),
    aliases: Mapping[str, str] | None = None,
) -> object:
    """One table row for the "choice" kind."""
    return pytest.param(raw, choices, aliases, value, status, frozenset(codes), id=case_id)


CHOICE_CASES = [
    choice_case("exact", "達成", OUTCOMES, "達成"),
    choice_case("blank", None, OUTCOMES, None, "blank"),
    choice_case("blank-spaces", "\u3000", OUTCOMES, None, "blank", ["whitespace-only"]),
    choice_case("trim", " 達成 ", OUTCOMES, "達成", codes=["spaces-trimmed"]),
    choice_case("fullwidth-letter", "Ａ", GRADES, "A", codes=["fullwidth-letters"]),
    choice_case(
        "fullwidth-letter-trim",
        "\u3000Ｂ ",
        GRADES,
        "B",
        codes=["fullwidth-letters", "spaces-trimmed"],
    ),
    choice_case("lowercase", "a", GRADES, "A", codes=["case-changed"]),
    choice_case(
        "fullwidth-lowercase", "ｃ", GRADES, "C", codes=["fullwidth-letters", "case-changed"]
    ),
    choice_case("inner-space", "未 達成", OUTCOMES, "未達成", codes=["spaces-removed"]),
    choice_case("alias", "達成した", OUTCOMES, "達成", codes=["alias"], aliases=ALIASES),
    choice_case(
        "alias-trimmed",
        " 未達 ",
        OUTCOMES,
        "未達成",
        codes=["alias", "spaces-trimmed"],
        aliases=ALIASES,
    ),
    choice_case("alias-unused-without-mapping", "達成した", OUTCOMES, None, "invalid"),
    choice_case("alias-to-unknown", "x", OUTCOMES, None, "invalid", aliases={"x": "不明"}),
    choice_case("not-a-choice", "Ｘ", OUTCOMES, None, "invalid"),
    choice_case("long-vowel", "ー", ("A", "-"), None, "invalid"),
    choice_case("dash-not-applicable", "－", GRADES, None, "not-applicable"),
    choice_case("ascii-dash-not-applicable", " - ", OUTCOMES, None, "not-applicable"),
    choice_case("dash-is-grade", "-", ("A", "B", "-"), "-"),
    choice_case("fullwidth-dash-grade", "－", ("A", "B", "-"), "-", codes=["dash-variant"]),
    choice_case("em-dash-grade", "—", ("A", "-"), "-", codes=["dash-variant"]),
    choice_case("bar-dash-grade", " ― ", ("A", "-"), "-", codes=["dash-variant", "spaces-trimmed"]),
    choice_case("int-choice", 2, ("1", "2", "3"), "2", codes=["number-as-text"]),
    choice_case("float-choice", 3.0, ("1", "2", "3"), "3", codes=["number-as-text"]),
    choice_case("int-not-choice", 4, ("1", "2", "3"), None, "invalid"),
    choice_case("fullwidth-digit-choice", "２", ("1", "2", "3"), "2", codes=["fullwidth-letters"]),
    choice_case("bool-choice", True, ("TRUE", "FALSE"), None, "invalid"),
    choice_case("no-choices", "A", (), None, "invalid"),
]


@pytest.mark.parametrize(("raw", "choices", "aliases", "value", "status", "codes"), CHOICE_CASES)
def test_normalize_choice(
    raw: object,
    choices: Sequence[str],
    aliases: Mapping[str, str] | None,
    value: object,
    status: str,
    codes: frozenset[str],
) -> None:
    result = normalize(raw, "choice", choices=choices, aliases=aliases)
    check(result, value, status, codes, None, None)


def test_choice_error_lists_choices() -> None:
    result = normalize("Ｘ", "choice", choices=OUTCOMES)
    assert result.error == "「Ｘ」は選択肢にありません。次のいずれかを選んでください: 達成、未達成"


def test_alias_note_names_both_sides() -> None:
    result = normalize("達成した", "choice", choices=OUTCOMES, aliases=ALIASES)
    assert [n.message for n in result.notes] == ["「達成した」を「達成」として扱いました"]


FISCAL_YEAR_CASES = [
    case("int", 2020, "fiscal-year", 2020),
    case("integral-float", 2020.0, "fiscal-year", 2020),
    case("digits-text", "2020", "fiscal-year", 2020, codes=[T]),
    case("reiwa", "令和2年度", "fiscal-year", 2020, codes=[]),  # as a template writes it
    case("reiwa-gan", "R元", "fiscal-year", 2019, codes=["fiscal-year-parsed"]),
    case("trimmed", " H28 ", "fiscal-year", 2016, codes=["spaces-trimmed", "fiscal-year-parsed"]),
    case("heisei-letter", "H28", "fiscal-year", 2016, codes=["fiscal-year-parsed"]),
    case("reiwa-1", "R1", "fiscal-year", 2019, codes=["fiscal-year-parsed"]),
    case("reiwa-gan-long", "令和元年度", "fiscal-year", 2019, codes=[]),
    case("heisei-31-is-reiwa-1", "平成31年度", "fiscal-year", 2019, codes=["fiscal-year-parsed"]),
    case("western-nendo", "2019年度", "fiscal-year", 2019, codes=["fiscal-year-parsed"]),
    case("fy-prefix", "FY2019", "fiscal-year", 2019, codes=["fiscal-year-parsed"]),
    case("fullwidth-reiwa", "Ｒ２", "fiscal-year", 2020, codes=["fiscal-year-parsed"]),
    case("long-vowel-not-minus", "ー", "fiscal-year", None, "invalid"),
    case("blank", None, "fiscal-year", None, "blank"),
    case("blank-spaces", "  ", "fiscal-year", None, "blank", ["whitespace-only"]),
    case("h35-projected", "H35", "fiscal-year", 2023, "ok", {"fiscal-year-parsed"}),
    case("garbage", "来年度", "fiscal-year", None, "invalid"),
    case("out-of-range-int", 20, "fiscal-year", None, "invalid"),
    case("fractional-float", 2020.5, "fiscal-year", None, "invalid"),
    case("bool", True, "fiscal-year", None, "invalid"),
    case("date", dt.date(2020, 4, 1), "fiscal-year", None, "invalid"),
]


@pytest.mark.parametrize(ROW, FISCAL_YEAR_CASES)
def test_normalize_fiscal_year(
    raw: object,
    kind: str,
    value: object,
    status: str,
    codes: frozenset[str],
    qualifier: str | None,
    unit: str | None,
) -> None:
    check(normalize(raw, kind), value, status, codes, qualifier, unit)


def test_fiscal_year_error_comes_from_parser() -> None:
    result = normalize("R0", "fiscal-year")
    assert result.error is not None
    assert "「R0」" in result.error and "令和0年度という年度はありません" in result.error


def test_unknown_kind_raises() -> None:
    with pytest.raises(ValueError, match="unknown kind 'date'"):
        normalize("1", "date")


def test_unknown_kind_raises_even_for_blank() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        normalize(None, "numbr")


def test_notes_carry_messages() -> None:
    result = normalize("延べ１万958人以上", "number")
    assert result.value == 10958
    messages = {n.code: n.message for n in result.notes}
    assert messages["fullwidth-digits"] == "全角数字を半角に変換しました"
    assert messages["unit-removed"] == "単位「人」を数値から分けました"
    assert messages["qualifier"] == "「延べ 以上」を数値から分けました"


def test_raw_is_kept() -> None:
    raw = " △1,000千円 "
    assert normalize(raw, "money").raw is raw


def test_clean_values_have_no_notes() -> None:
    assert normalize(42, "integer").notes == ()
    assert normalize("A", "choice", choices=GRADES).notes == ()
    assert normalize("課題", "text").notes == ()


def test_every_note_code_is_kebab_case() -> None:
    for code in NOTE_MESSAGES:
        assert code == code.lower() and " " not in code and "_" not in code


cell_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.text(alphabet="0123456789０１２３４５６７８９,，.．万億△▲−－-ー%％人千円延べ約以上 \u3000"),
    st.datetimes(),
    st.dates(),
)


@settings(max_examples=300, deadline=None)
@given(raw=cell_values, kind=st.sampled_from(KINDS))
def test_normalize_never_raises(raw: object, kind: str) -> None:
    result = normalize(raw, kind, choices=(*GRADES, "-"), aliases={"ａ": "A"})
    assert result.status in STATUSES
    assert result.raw is raw
    if result.status == "invalid":
        assert isinstance(result.error, str) and result.error
        assert result.value is None
    else:
        assert result.error is None
    if result.status in ("blank", "not-applicable"):
        assert result.value is None
    if result.status == "ok":
        assert result.value is not None
    assert all(note.code in NOTE_MESSAGES and note.message for note in result.notes)
