"""The pieces of the one verdict (issue 18): style indexes, merges as intervals, strict JSON,
whole characters and the parts checked in two pieces."""

from __future__ import annotations

import json
import math
from xml.parsers import expat

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from xlsxsheet.core import strict_json
from xlsxsheet.core.cells import CoveredCells, covered_cells, whole_characters
from xlsxsheet.reading.package_verdict import _style_at_least, _well_formed


@settings(max_examples=300, deadline=None)
@given(count=st.integers(0, 20_000), index=st.integers(0, 10**7), zeros=st.integers(0, 2))
def test_a_style_index_is_found_exactly_when_it_is_past_the_styles(
    count: int, index: int, zeros: int
) -> None:
    cell = b'<c r="A1" s="' + b"0" * zeros + str(index).encode() + b'"/>'
    assert (_style_at_least(count).search(cell) is not None) == (index >= count)


ranges = st.lists(
    st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 30), st.integers(0, 30)).map(
        lambda r: (min(r[0], r[2]), min(r[1], r[3]), max(r[0], r[2]), max(r[1], r[3]))
    ),
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(merged=ranges, probe=st.sets(st.tuples(st.integers(0, 32), st.integers(0, 32))))
def test_merges_as_intervals_answer_as_the_set_of_cells(merged, probe) -> None:  # type: ignore[no-untyped-def]
    listed = covered_cells.__wrapped__(tuple(merged))  # the cell set (small ranges)
    intervals = CoveredCells(tuple(merged))
    assert isinstance(listed, frozenset)
    assert {key for key in probe if key in intervals} == {key for key in probe if key in listed}
    assert intervals & frozenset(probe) == listed & frozenset(probe)
    assert frozenset(probe) & intervals == listed & frozenset(probe)
    assert bool(intervals) == bool(listed)


def test_a_whole_sheet_merge_costs_its_ranges_not_its_cells() -> None:
    covered = covered_cells(((0, 0, 1_048_575, 16_383),))
    assert isinstance(covered, CoveredCells)
    assert (0, 0) not in covered and (1_048_575, 16_383) in covered and (5, 7) in covered
    assert covered & {(0, 0), (1, 1)}.copy() == frozenset({(1, 1)})


def test_json_is_strict_whatever_the_numbers() -> None:
    data = {"a": [1.5, math.inf, -math.inf, math.nan, {"b": (math.inf,)}], "c": "Infinity"}

    def refuse(constant: str) -> None:
        raise ValueError(constant)

    text = strict_json.dumps(data, ensure_ascii=False)
    assert json.loads(text, parse_constant=refuse) == {
        "a": [1.5, None, None, None, {"b": [None]}],
        "c": "Infinity",
    }
    assert strict_json.dumps({"x": 1}, indent=2) == json.dumps({"x": 1}, indent=2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("abc", "abc"), ("a\ud800b", "a\ufffdb"), ("\ud83d\ude00", "😀"), ("x\udfff", "x\ufffd")],
)
def test_lone_surrogates_become_replacement_characters(text: str, expected: str) -> None:
    assert whole_characters(text) == expected
    whole_characters(text).encode("utf-8")  # writable


@settings(max_examples=300, deadline=None)
@given(
    inside=st.lists(
        st.sampled_from(
            [b"<row>", b"</row>", b"<c/>", b"x", b"&amp;", b"&", b"<", b"]]>", b"\xff"]
        ),
        max_size=8,
    ),
    head=st.sampled_from([b"", b"<x/>", b"<y>"]),
    tail=st.sampled_from([b"", b"<z/>", b"</w>", b"junk"]),
)
def test_a_sheet_checked_in_two_pieces_is_checked_as_one(inside, head, tail) -> None:  # type: ignore[no-untyped-def]
    data = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet>'
        + head
        + b"<sheetData>"
        + b"".join(inside)
        + b"</sheetData>"
        + tail
        + b"<mergeCells>"
        + b'<mergeCell ref="A1:B2"/>' * 3
        + b"".join(inside).replace(b"row>", b"mergeCell/>")  # the same pieces, other lists
        + b"</mergeCells>"
        + b"</worksheet>"
    ) + b" " * 9000  # large enough to be checked in pieces
    try:
        expat.ParserCreate().Parse(data, True)
        whole = True
    except expat.ExpatError:
        whole = False
    assert (_well_formed(data, "xl/worksheets/sheet1.xml") is None) == whole


def _openpyxl_reads_core(data: bytes) -> bool:
    """openpyxl's own verdict on a core.xml, nothing remembered."""
    from defusedxml.ElementTree import fromstring
    from openpyxl.packaging.core import DocumentProperties

    try:
        DocumentProperties.from_tree(fromstring(data))
    except Exception:
        return False
    return True


_CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties'
    ' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>{author}</dc:creator>'
    "<cp:lastModifiedBy>{author}</cp:lastModifiedBy>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{modified}</dcterms:modified>'
    "{extra}</cp:coreProperties>"
)
dates = st.one_of(
    st.datetimes(min_value=__import__("datetime").datetime(1900, 1, 1)).map(
        lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")
    ),
    st.sampled_from(
        ["2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-12-07", "yesterday", " ", "0"]
    ),
    st.text(alphabet="0123456789-:TZ.+", max_size=25),
)


@settings(max_examples=300, deadline=None)
@given(
    author=st.text(alphabet=st.characters(codec="utf-8", exclude_characters="<&\r"), max_size=12),
    created=dates,
    modified=dates,
    extra=st.sampled_from(
        ["", "<cp:lastPrinted>{d}</cp:lastPrinted>", "<cp:revision>3</cp:revision>"]
    ),
)
def test_core_properties_remembered_by_shape_get_openpyxls_own_verdict(
    author: str, created: str, modified: str, extra: str
) -> None:
    """Returns differ in core.xml's times and authors only: the verdict remembered for one
    shape, with each date checked on its own, is what openpyxl says of every such part (that
    is well-formed: the verdict checks that first)."""
    from xml.sax.saxutils import escape

    from xlsxsheet.reading.package_verdict import _openpyxl_takes

    data = _CORE.format(
        author=escape(author), created=created, modified=modified, extra=extra.format(d=modified)
    ).encode()
    assume(_well_formed(data) is None)
    assert _openpyxl_takes("docProps/core.xml", data) == _openpyxl_reads_core(data)
