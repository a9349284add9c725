"""Normalise raw cell values into numbers, text, choices and fiscal years.

:func:`normalize` takes what a cell holds (``str``, ``int``, ``float``, ``None``,
``bool``, ``datetime`` ...) and the kind of value the field expects, and returns a
:class:`Normalized` result. Nothing is changed silently: every normalisation adds
a :class:`Note` (stable ``code`` plus Japanese ``message``); a value that cannot
be read gets ``status == "invalid"`` and a Japanese ``error``.

Statuses: ``"ok"``, ``"blank"`` (empty cell), ``"not-applicable"`` (a lone dash
such as ``－``, distinct from blank and from 0) and ``"invalid"``.

Several qualifiers in one cell (``延べ600 以上``) are joined by one space in
the order they appear: ``qualifier == "延べ 以上"``.

A float cell in a ``"percent"`` field is taken as a number of percent as is;
a reader that sees an Excel percent format (0.128 shown as 12.8%) must scale it
before calling :func:`normalize`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from xlsxsheet.core.fiscal_year import FiscalYearError, long_label, parse_fiscal_year

__all__ = ["DASHES", "KINDS", "NOTE_MESSAGES", "STATUSES", "Normalized", "Note", "normalize"]

STATUSES = ("ok", "blank", "not-applicable", "invalid")


@dataclass(frozen=True)
class Note:
    """One thing the normaliser did or found."""

    code: str  # stable kebab-case, e.g. "fullwidth-digits"
    message: str  # Japanese, e.g. "全角数字を半角に変換しました"


@dataclass(frozen=True)
class Normalized:
    """The result of normalising one cell value."""

    raw: object
    value: object  # int | float | str | None
    status: str  # one of STATUSES
    notes: tuple[Note, ...] = ()
    qualifier: str | None = None
    unit: str | None = None
    error: str | None = None

    @property
    def codes(self) -> frozenset[str]:
        """The note codes, as a set."""
        return frozenset(note.code for note in self.notes)


# --- notes ---------------------------------------------------------------------------

NOTE_MESSAGES: Mapping[str, str] = {
    "whitespace-only": "空白文字だけのセルを空欄として扱いました",
    "spaces-removed": "空白を取り除きました",
    "spaces-trimmed": "前後の空白を取り除きました",
    "fullwidth-digits": "全角数字を半角に変換しました",
    "fullwidth-symbols": "全角の記号(．，＋)を半角に変換しました",
    "fullwidth-letters": "全角の英数字・記号を半角に変換しました",
    "thousands-separator": "桁区切りのカンマを取り除きました",
    "triangle-negative": "「{sign}」をマイナスとして扱いました",
    "minus-variant": "「{sign}」をマイナス記号として扱いました",
    "plus-sign": "先頭の「+」を取り除きました",
    "man-unit": "「万」を10000倍として計算しました",
    "oku-unit": "「億」を100000000倍として計算しました",
    "qualifier": "「{qualifier}」を数値から分けました",
    "unit-removed": "単位「{unit}」を数値から分けました",
    "yen-unit": "単位が「円」になっています。この欄は千円単位です。金額を確認してください",
    "percent-sign": "「%」を取り除き、パーセントの数値として扱いました",
    "text-to-number": "文字列として入力された数値を数値に変換しました",
    "integral-decimal": "小数点以下が0のため整数として扱いました",
    "newlines-normalized": "改行コード(CRLF・CR)をLFに統一しました",
    "number-as-text": "数値を文字列「{text}」として扱いました",
    "date-as-text": "日付・時刻を文字列「{text}」として扱いました。意図した表記か確認してください",
    "alias": "「{source}」を「{target}」として扱いました",
    "case-changed": "大文字・小文字を選択肢「{target}」に合わせました",
    "dash-variant": "「{source}」を選択肢「-」として扱いました",
    "fiscal-year-parsed": "「{text}」を{year}年度として読み取りました",
    "broken-character": (
        "ブックの中で壊れていた文字(対になっていないサロゲート _xD800_ など)を「\ufffd」に"
        "置き換えて読みました。正しい文字を入力し直してください"
    ),
}


def _note(code: str, **params: object) -> Note:
    return Note(code, NOTE_MESSAGES[code].format(**params))


def _quote(raw: object, limit: int = 40) -> str:
    text = str(raw)
    return text if len(text) <= limit else text[:limit] + "…"


# --- characters ----------------------------------------------------------------------

# A lone member of this family means "not applicable". U+30FC ー (長音) is not one.
DASHES = frozenset("－-—―‐−–")
_LONG_VOWEL_MARKS = frozenset("ーｰ")
_EXTRA_SPACES = frozenset("\u200b\ufeff")  # zero-width space, BOM: invisible, not isspace()
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_FULLWIDTH_SYMBOLS = str.maketrans("．，＋", ".,+")

# Leading sign character -> note code (None: an ordinary sign, no note).
_SIGNS: Mapping[str, str | None] = {
    "-": None,
    "+": "plus-sign",
    "△": "triangle-negative",
    "▲": "triangle-negative",
    "−": "minus-variant",  # U+2212 MINUS SIGN
    "－": "minus-variant",  # U+FF0D FULLWIDTH HYPHEN-MINUS
    "‐": "minus-variant",  # U+2010 HYPHEN
    "—": "minus-variant",  # U+2014 EM DASH
    "–": "minus-variant",  # U+2013 EN DASH
    "―": "minus-variant",  # U+2015 HORIZONTAL BAR
}

_PREFIX_QUALIFIERS = ("延べ", "延", "約", "概ね", "およそ")
_SUFFIX_QUALIFIERS = ("以上", "以下", "未満", "超", "程度")

# Unit text as typed -> unit reported in Normalized.unit.
_UNITS: Mapping[str, str] = {
    "%": "%",
    "％": "%",
    "人日": "人日",
    "人": "人",
    "名": "名",
    "件": "件",
    "団体": "団体",
    "回": "回",
    "か所": "か所",
    "ヶ所": "か所",
    "カ所": "か所",
    "ケ所": "か所",
    "箇所": "箇所",
    "社": "社",
    "世帯": "世帯",
    "千円": "千円",
    "円": "円",
    "時間": "時間",
    "本": "本",
    "個": "個",
    "事業": "事業",
    "施設": "施設",
    "日": "日",
}


def _alternation(words: Sequence[str] | Mapping[str, str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NUMBER_TEXT = re.compile(
    rf"^(?P<pre>(?:{_alternation(_PREFIX_QUALIFIERS)})*)"
    rf"(?P<sign>[{re.escape(''.join(_SIGNS))}])?"
    r"(?P<body>[0-9][0-9.,万億]*)"
    rf"(?P<unit>{_alternation(_UNITS)})?"
    rf"(?P<post>(?:{_alternation(_SUFFIX_QUALIFIERS)})*)$"
)
_MYRIAD = re.compile(r"^(?:(?P<oku>[0-9.,]+)億)?(?:(?P<man>[0-9.,]+)万)?(?P<rest>[0-9.,]+)?$")
_PLAIN = re.compile(r"^(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?$")
_QUALIFIER_SPLIT = re.compile(_alternation(_PREFIX_QUALIFIERS + _SUFFIX_QUALIFIERS))
_MAX_DIGITS = 30


# --- kinds of numeric field ----------------------------------------------------------


@dataclass(frozen=True)
class _NumericKind:
    label: str  # what the field holds, for messages
    hint: str  # how to fill it in, for messages
    integral: bool = False
    percent: bool = False
    units: frozenset[str] | None = None  # allowed units (None: any known unit)


_NUMERIC_KINDS: Mapping[str, _NumericKind] = {
    "number": _NumericKind("数値", "数値(半角・全角どちらでも可)で入力してください。"),
    "integer": _NumericKind(
        "整数", "整数(半角・全角どちらでも可)で入力してください。", integral=True
    ),
    "percent": _NumericKind(
        "割合(%)",
        "割合を%の数値で入力してください(例: 12.8 または 12.8%)。",
        percent=True,
        units=frozenset({"%"}),
    ),
    "money": _NumericKind(
        "金額(千円)",
        "千円単位の整数で入力してください。",
        integral=True,
        units=frozenset({"千円", "円"}),
    ),
}


class _Reject(Exception):
    """Raised inside the numeric pipeline; carries the reason shown to the user."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Work:
    """Mutable state of one numeric-text normalisation."""

    text: str
    notes: list[Note] = field(default_factory=list)

    def note(self, code: str, **params: object) -> None:
        new = _note(code, **params)
        if new not in self.notes:
            self.notes.append(new)


# --- results -------------------------------------------------------------------------


def _blank(raw: object) -> Normalized:
    notes = (_note("whitespace-only"),) if raw not in (None, "") else ()
    return Normalized(raw, None, "blank", notes)


def _invalid(raw: object, error: str) -> Normalized:
    return Normalized(raw, None, "invalid", error=error)


def _numeric_invalid(raw: object, kind: _NumericKind, reason: str = "") -> Normalized:
    return _invalid(
        raw, f"{kind.label}が入るべき欄に「{_quote(raw)}」と入力されています。{reason}{kind.hint}"
    )


def _is_blank_text(text: str) -> bool:
    return all(ch.isspace() or ch in _EXTRA_SPACES for ch in text)


# --- numbers from cells that hold numbers --------------------------------------------


def _non_text_reason(raw: object) -> str:
    if isinstance(raw, bool):
        return "真偽値(TRUE/FALSE)は入力できません。"
    if isinstance(raw, (dt.date, dt.time, dt.timedelta)):
        return "日付・時刻が入力されています。"
    return f"この種類の値({type(raw).__name__})は扱えません。"


def _numeric_cell(raw: object, kind: _NumericKind) -> Normalized:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return _numeric_invalid(raw, kind, _non_text_reason(raw))
    if isinstance(raw, int):
        return Normalized(raw, raw, "ok")
    if not math.isfinite(raw):
        return _numeric_invalid(raw, kind, "数値として扱えない値です。")
    if kind.integral:
        if not raw.is_integer():
            return _numeric_invalid(raw, kind, "小数は入力できません。")
        return Normalized(raw, int(raw), "ok")
    return Normalized(raw, raw, "ok")


# --- numbers from text: one small step per concern -----------------------------------


def _step_characters(work: _Work) -> None:
    """Full-width digits and symbols to ASCII; spaces out."""
    for table, code in (
        (_FULLWIDTH_DIGITS, "fullwidth-digits"),
        (_FULLWIDTH_SYMBOLS, "fullwidth-symbols"),
    ):
        converted = work.text.translate(table)
        if converted != work.text:
            work.text = converted
            work.note(code)
    if re.search(r"[0-9.,][\s\u200b\ufeff]+[0-9.,]", work.text):
        raise _Reject("数字の間に空白があります。")
    squeezed = "".join(ch for ch in work.text if not (ch.isspace() or ch in _EXTRA_SPACES))
    if squeezed != work.text:
        work.text = squeezed
        work.note("spaces-removed")
    if any(ch in _LONG_VOWEL_MARKS for ch in work.text):
        raise _Reject("「ー」(長音記号)はマイナス記号や該当なしの記号としては使えません。")


def _parse_plain(piece: str, work: _Work) -> Decimal:
    """'1,234.5' -> Decimal('1234.5'), checking thousands groupings."""
    m = _PLAIN.match(piece)
    if not m:
        if "," in piece and re.fullmatch(r"[0-9,]+(?:\.[0-9]+)?", piece):
            raise _Reject("桁区切りのカンマの位置が正しくありません。")
        raise _Reject()
    if "," in piece:
        work.note("thousands-separator")
    return Decimal(piece.replace(",", ""))


def _parse_body(body: str, work: _Work) -> tuple[Decimal, bool]:
    """Digits with optional 億/万; return (value, exact_int_expected)."""
    if sum(ch.isdigit() for ch in body) > _MAX_DIGITS:
        raise _Reject("桁数が多すぎます。")
    m = _MYRIAD.match(body)
    if not m or not any(m.groupdict().values()):
        raise _Reject()
    parts = [(m[name], scale) for name, scale in (("oku", 10**8), ("man", 10**4), ("rest", 1))]
    present = [(text, scale) for text, scale in parts if text]
    if len(present) == 1 and present[0][1] == 1:
        return _parse_plain(body, work), "." not in body
    return _combine_myriad(present, work), True


def _combine_myriad(present: list[tuple[str, int]], work: _Work) -> Decimal:
    """Sum the 億/万/rest pieces, each smaller than the unit above it."""
    total = Decimal(0)
    previous_scale = None
    for index, (text, scale) in enumerate(present):
        value = _parse_plain(text, work)
        is_last = index == len(present) - 1
        too_big = previous_scale is not None and value * scale >= previous_scale
        if ("." in text and not is_last) or too_big:
            raise _Reject("万・億の表記が正しくありません。")
        total += value * scale
        previous_scale = scale
    for code, scale in (("oku-unit", 10**8), ("man-unit", 10**4)):
        if any(s == scale for _, s in present):
            work.note(code)
    return total


def _step_sign(sign: str | None, value: Decimal, work: _Work) -> Decimal:
    if not sign:
        return value
    code = _SIGNS[sign]
    if code is not None:
        work.note(code, sign=sign)
    return value if sign == "+" else -value


def _step_unit(unit_text: str | None, kind: _NumericKind, work: _Work) -> str | None:
    """Return the unit to report (None for a percent field's own %)."""
    if unit_text is None:
        return None
    unit = _UNITS[unit_text]
    if kind.units is not None and unit not in kind.units:
        raise _Reject(f"単位「{unit_text}」はこの欄では使えません。")
    if kind.percent:
        work.note("percent-sign")
        return None
    work.note("unit-removed", unit=unit)
    if kind.units is not None and unit == "円":
        work.note("yen-unit")
    return unit


def _step_qualifier(pre: str, post: str, work: _Work) -> str | None:
    words = _QUALIFIER_SPLIT.findall(pre) + _QUALIFIER_SPLIT.findall(post)
    if not words:
        return None
    qualifier = " ".join(words)
    work.note("qualifier", qualifier=qualifier)
    return qualifier


def _to_python_number(value: Decimal, exact: bool, kind: _NumericKind, work: _Work) -> int | float:
    integral = value == value.to_integral_value()
    if kind.integral and not integral:
        raise _Reject("小数は入力できません。")
    if integral and (exact or kind.integral):
        if not exact:
            work.note("integral-decimal")
        return int(value)
    number = float(value)
    if not math.isfinite(number):
        raise _Reject("数値として扱えない値です。")
    return number + 0.0  # turn -0.0 into 0.0


def _numeric_text(raw: str, kind: _NumericKind) -> Normalized:
    work = _Work(raw)
    work.note("text-to-number")
    try:
        _step_characters(work)
        m = _NUMBER_TEXT.match(work.text)
        if not m:
            raise _Reject()
        with localcontext() as ctx:
            ctx.prec = _MAX_DIGITS * 2
            magnitude, exact = _parse_body(m["body"], work)
            signed = _step_sign(m["sign"], magnitude, work)
        unit = _step_unit(m["unit"], kind, work)
        qualifier = _step_qualifier(m["pre"], m["post"], work)
        value = _to_python_number(signed, exact, kind, work)
    except _Reject as reject:
        return _numeric_invalid(raw, kind, reject.reason)
    return Normalized(raw, value, "ok", tuple(work.notes), qualifier=qualifier, unit=unit)


def _normalize_numeric(raw: object, kind: _NumericKind) -> Normalized:
    if not isinstance(raw, str):
        return _numeric_cell(raw, kind)
    if raw.strip() in DASHES:
        return Normalized(raw, None, "not-applicable")
    return _numeric_text(raw, kind)


# --- text ----------------------------------------------------------------------------


def _number_as_text(raw: int | float) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _non_str_as_text(raw: object) -> Normalized:
    """Numbers and dates in a text field become their text, with a note."""
    if isinstance(raw, bool):
        return _invalid(raw, f"文字が入るべき欄に真偽値「{raw}」が入力されています。")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not math.isfinite(raw):
            return _invalid(raw, f"文字が入るべき欄に扱えない数値「{raw}」が入力されています。")
        try:
            text = _number_as_text(raw)
        except ValueError:  # more digits than int -> str allows
            return _invalid(raw, "文字が入るべき欄に桁数が多すぎる数値が入力されています。")
        return Normalized(raw, text, "ok", (_note("number-as-text", text=text),))
    if isinstance(raw, (dt.date, dt.time)):
        text = raw.isoformat(sep=" ") if isinstance(raw, dt.datetime) else raw.isoformat()
        return Normalized(raw, text, "ok", (_note("date-as-text", text=text),))
    return _invalid(raw, f"文字が入るべき欄に扱えない種類の値({type(raw).__name__})があります。")


def _normalize_text(
    raw: object, _choices: Sequence[str], _aliases: Mapping[str, str]
) -> Normalized:
    if not isinstance(raw, str):
        return _non_str_as_text(raw)
    notes: list[Note] = []
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if text != raw:
        notes.append(_note("newlines-normalized"))
    stripped = text.strip()
    if stripped != text:
        notes.append(_note("spaces-trimmed"))
    if "\ufffd" in stripped:  # the reader's stand-in for a character no file can hold
        notes.append(_note("broken-character"))
    return Normalized(raw, stripped, "ok", tuple(notes))


# --- choices -------------------------------------------------------------------------


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _squeeze(text: str) -> str:
    return "".join(ch for ch in _nfkc(text) if not ch.isspace())


# Looser and looser ways to find a typed value among the choices, each with its note.
_FUZZY_MATCHES: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("spaces-removed", _squeeze),
    ("case-changed", lambda text: _squeeze(text).casefold()),
)


def _fuzzy_choice(text: str, choices: Sequence[str], notes: list[Note]) -> str | None:
    """Find text among choices ignoring inner spaces, then also case; must be unique."""
    for code, key in _FUZZY_MATCHES:
        hits = [c for c in choices if key(c) == key(text)]
        if len(hits) == 1:
            notes.append(_note(code, target=hits[0]))
            return hits[0]
    return None


def _choice_dash(raw: str, stripped: str, choices: Sequence[str]) -> Normalized:
    """A lone dash: the "-" grade when it is a choice, otherwise not applicable."""
    notes = [_note("spaces-trimmed")] if stripped != raw else []
    if stripped in choices:
        return Normalized(raw, stripped, "ok", tuple(notes))
    if "-" not in choices:
        return Normalized(raw, None, "not-applicable")
    notes.insert(0, _note("dash-variant", source=stripped))
    return Normalized(raw, "-", "ok", tuple(notes))


def _choice_text(raw: str, choices: Sequence[str], aliases: Mapping[str, str]) -> Normalized:
    """NFKC, trim, aliases, then match against the choices."""
    stripped = raw.strip()
    if stripped in DASHES:
        return _choice_dash(raw, stripped, choices)
    notes = [_note("spaces-trimmed")] if stripped != raw else []
    text = stripped
    if text not in choices and _nfkc(text) != text:
        text = _nfkc(text)
        notes.append(_note("fullwidth-letters"))
    alias_targets = {_nfkc(source): target for source, target in aliases.items()}
    if text not in choices and text in alias_targets:
        notes.append(_note("alias", source=text, target=alias_targets[text]))
        text = alias_targets[text]
    found = text if text in choices else _fuzzy_choice(text, choices, notes)
    if found is None:
        return _invalid(raw, _choice_error(raw, choices))
    return Normalized(raw, found, "ok", tuple(notes))


def _choice_error(raw: object, choices: Sequence[str]) -> str:
    if not choices:
        return f"「{_quote(raw)}」を選べません。この欄には選択肢が設定されていません。"
    listed = "、".join(choices)
    return f"「{_quote(raw)}」は選択肢にありません。次のいずれかを選んでください: {listed}"


def _normalize_choice(
    raw: object, choices: Sequence[str], aliases: Mapping[str, str]
) -> Normalized:
    if isinstance(raw, str):
        return _choice_text(raw, choices, aliases)
    as_text = _non_str_as_text(raw)
    if as_text.status != "ok" or not isinstance(raw, (int, float)):
        return _invalid(raw, _choice_error(raw, choices))
    result = _choice_text(str(as_text.value), choices, aliases)
    if result.status != "ok":
        return _invalid(raw, _choice_error(raw, choices))
    return Normalized(raw, result.value, "ok", as_text.notes + result.notes)


# --- fiscal years --------------------------------------------------------------------


def _normalize_fiscal_year(raw: object, _c: Sequence[str], _a: Mapping[str, str]) -> Normalized:
    if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        raw_year: object = int(raw)
    else:
        raw_year = raw
    if isinstance(raw_year, bool) or not isinstance(raw_year, (int, str)):
        reason = _non_text_reason(raw)
        return _invalid(raw, f"年度が入るべき欄に「{_quote(raw)}」と入力されています。{reason}")
    try:
        year = parse_fiscal_year(raw_year)
    except FiscalYearError as exc:
        return _invalid(raw, str(exc))
    return Normalized(raw, year, "ok", _fiscal_year_notes(raw, year))


def _fiscal_year_notes(raw: object, year: int) -> tuple[Note, ...]:
    if not isinstance(raw, str):
        return ()
    stripped = raw.strip()
    notes = [_note("spaces-trimmed")] if stripped != raw else []
    if stripped.isascii() and stripped.isdigit():
        notes.append(_note("text-to-number"))
    elif stripped != long_label(year):  # 令和2年度 as a sheet writes it (and a template): as is
        notes.append(_note("fiscal-year-parsed", text=stripped, year=year))
    return tuple(notes)


# --- entry point ---------------------------------------------------------------------

_Handler = Callable[[object, Sequence[str], Mapping[str, str]], Normalized]


def _numeric_handler(kind: _NumericKind) -> _Handler:
    return lambda raw, _choices, _aliases: _normalize_numeric(raw, kind)


_HANDLERS: Mapping[str, _Handler] = {
    **{name: _numeric_handler(kind) for name, kind in _NUMERIC_KINDS.items()},
    "text": _normalize_text,
    "choice": _normalize_choice,
    "fiscal-year": _normalize_fiscal_year,
}
KINDS: tuple[str, ...] = tuple(_HANDLERS)


def normalize(
    raw: object,
    kind: str,
    *,
    choices: Sequence[str] = (),
    aliases: Mapping[str, str] | None = None,
) -> Normalized:
    """Normalise one raw cell value for a field of the given kind (one of KINDS).

    Never raises for a cell value; raises ValueError for an unknown kind.
    """
    handler = _HANDLERS.get(kind)
    if handler is None:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    if raw is None or (isinstance(raw, str) and _is_blank_text(raw)):
        return _blank(raw)
    return handler(raw, tuple(choices), aliases or {})


def allow_text(
    result: Normalized, words: Sequence[str] = (), keep: str | None = None
) -> Normalized:
    """A numeric field's result, for a field that also takes words or keeps its text.

    ``words``: a cell holding one of them (spaces and full-width forms aside) is that word, e.g.
    a target written as ``増加`` or an actual as ``中止``.
    ``keep="qualified"``: a number with a qualifier (``延べ600 以上``) keeps the cell's text, so
    what the department wrote is not lost; ``qualifier`` still says what was around the number.
    ``keep="any"``: text that is not a number is kept as a sentence (with a note).
    """
    raw = result.raw
    if not isinstance(raw, str):
        return result
    text = raw.strip()
    for word in words:
        if _squeeze(text) == _squeeze(word):
            notes = () if text == word else (_note("alias", source=text, target=word),)
            return Normalized(raw, word, "ok", notes)
    if keep in ("qualified", "any") and result.status == "ok" and result.qualifier:
        return Normalized(raw, text, "ok", (), qualifier=result.qualifier, unit=result.unit)
    if keep == "any" and result.status == "invalid":
        return Normalized(raw, text, "ok", (Note("text-kept", TEXT_KEPT),))
    return result


TEXT_KEPT = "数値ではないため、文章として入力のまま読みました"
