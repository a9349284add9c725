"""Charts drawn by the server as inline SVG (no script, no external file), text escaped.

`grade_chart`: one horizontal bar per 施策, split by grade (from `collect.grade_tables`).
`cost_chart`: bars per fiscal year, one per 政策 (from `collect.cost_tables`), in 千円.

Both are drawn narrow (`WIDTH` px), so that a phone shows them nearly at their size: the page
shrinks an SVG to its column, and a chart drawn at 600 px had 6 px text on a phone. The SVG
never shrinks below the width at which its text would be smaller than `MIN_FONT` px (its
`min-width`); a column narrower than that scrolls the chart, not the page. An item with no
figure at all is a short note, not an empty chart.

Colours: a grade scale is ordered (A … E), so its grades take viridis (matplotlib's and R's
default): evenly spaced, each grade lighter than the one before, so that they stay apart in
grayscale print and for colour-blind readers; 未入力 is hatched, not a colour. The 政策 of a
cost chart are not ordered: they take Okabe–Ito's colour-blind-safe set. Every bar and legend
square has a thin dark edge, so that a light one (viridis's yellow) still shows on white.
"""

from __future__ import annotations

import math
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from typing import Any

from markupsafe import Markup, escape

from xlsxsheet.core.fiscal_year import short_label
from xlsxsheet.office.collect import group_label

# Okabe & Ito, "Color Universal Design" (2008): the 政策 of a cost chart, the darker first
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
)  # fmt: skip
# viridis sampled evenly for 1 … 8 grades (as R's viridisLite::viridis(n) gives them)
VIRIDIS = {
    1: ("#440154",),
    2: ("#440154", "#FDE725"),
    3: ("#440154", "#21908C", "#FDE725"),
    4: ("#440154", "#31688E", "#35B779", "#FDE725"),
    5: ("#440154", "#3B528B", "#21908C", "#5DC863", "#FDE725"),
    6: ("#440154", "#414487", "#2A788E", "#22A884", "#7AD151", "#FDE725"),
    7: ("#440154", "#443A83", "#31688E", "#21908C", "#35B779", "#8FD744", "#FDE725"),
    8: ("#440154", "#46337E", "#365C8D", "#277F8E", "#1FA187", "#4AC16D", "#9FDA3A", "#FDE725"),
}
UNGRADED_HATCH = "#a6a6a6"  # the lines of 未入力's hatching, on white
EDGE = "#333"  # the thin edge of every bar and legend square
FONT_SIZE = 13  # px, at the chart's own size
MIN_FONT = 11  # px: the smallest the text may become when the chart is shrunk
WIDTH = 380  # px: the charts' width (a phone's column is about 360 px)
PAD = 8
COST_UNIT = "千円"  # the money fields' unit (reading.summary) and the summary workbook's
NO_COSTS = "金額の入力がありません"
NO_GRADES = "評価の入力がありません"
TEXT = "#222"


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The width a text takes, estimated: a full-width character is `size` wide, others 0.6."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else 0.6 * size for c in text)


def _fit(text: str, room: float, size: float = FONT_SIZE) -> str:
    """`text` cut with … to fit `room` px."""
    if text_width(text, size) <= room:
        return text
    while text and text_width(text + "…", size) > room:
        text = text[:-1]
    return text + "…"


def grade_colours(count: int) -> tuple[str, ...]:
    """The colours of a scale of `count` grades, best first: viridis (VIRIDIS), and past 8
    grades colours between its 8 (each still lighter than the one before)."""
    if count in VIRIDIS:
        return VIRIDIS[count]
    anchors = VIRIDIS[8]
    return tuple(_between(anchors, i / (count - 1)) for i in range(count))


def _between(anchors: Sequence[str], at: float) -> str:
    """The colour at `at` (0 … 1) along `anchors`, mixed in sRGB between the two beside it."""
    place = at * (len(anchors) - 1)
    low = min(int(place), len(anchors) - 2)
    share = place - low
    mixed = [
        round(
            int(anchors[low][i : i + 2], 16) * (1 - share)
            + int(anchors[low + 1][i : i + 2], 16) * share
        )
        for i in (1, 3, 5)
    ]
    return "#" + "".join(f"{c:02X}" for c in mixed)


def _ink(fill: str) -> str:
    """Black or white, whichever reads better on `fill` (#rrggbb; a pattern: black)."""
    if not fill.startswith("#"):
        return "#000"
    r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))
    channel = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    luminance = 0.2126 * channel[0] + 0.7152 * channel[1] + 0.0722 * channel[2]
    return "#fff" if (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.05) else "#000"


def _halo(fill: str) -> str:
    """A white edge around a count drawn on the hatching (a pattern), so that its lines do not
    cross the figure; nothing on a plain colour."""
    return "" if fill.startswith("#") else ' stroke="#fff" stroke-width="3" paint-order="stroke"'


def _note(text: str) -> Markup:
    """What stands in for a chart with nothing to draw."""
    return Markup(f'<p class="chart-empty">{escape(text)}</p>')


def grade_chart(table: dict[str, Any]) -> Markup:
    """Grade counts per 施策 of one 評価総括表 table, stacked, with a legend; each 施策's
    name above its bar, so that the names have the chart's whole width."""
    title = f"{table['title']} {table['item']} の評価の件数"
    scale: Sequence[str] = (*table["scale"], "未入力")
    rows = table["rows"]
    if not rows:
        return _note(NO_GRADES)
    most = max((sum(r.counts.values()) for r in rows), default=0) or 1
    hatch = _hatch_id(f"{title} {table.get('year')}")
    colours = dict(zip(table["scale"], grade_colours(len(table["scale"])), strict=True))
    colours["未入力"] = f"url(#{hatch})"
    legend, top = _legend([(grade, colours[grade]) for grade in scale])
    bar_w, bar_h, row_h = WIDTH - 2 * PAD, 18, FONT_SIZE + 30
    parts = [_svg_open(WIDTH, top + row_h * len(rows) + 4, title), _hatching(hatch), *legend]
    for n, row in enumerate(rows):
        y = top + n * row_h
        parts.append(
            f'<text x="{PAD}" y="{y + FONT_SIZE}"><title>{escape(row.text)}</title>'
            f"{escape(_fit(row.text, bar_w))}</text>"
        )
        x = float(PAD)
        bar_y = y + FONT_SIZE + 5
        for grade in scale:
            count = row.counts.get(grade, 0)
            if not count:
                continue
            w = bar_w * count / most
            parts.append(
                f'<rect x="{x:.1f}" y="{bar_y}" width="{w:.1f}" height="{bar_h}" '
                f'fill="{colours[grade]}" {_EDGE}><title>{escape(grade)}: {count}</title></rect>'
            )
            if w >= text_width(str(count)) + 4:
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{bar_y + bar_h - 5}" text-anchor="middle" '
                    f'fill="{_ink(colours[grade])}"{_halo(colours[grade])}>{count}</text>'
                )
            x += w
    parts.append("</svg></div>")
    return Markup("".join(parts))


def cost_chart(table: dict[str, Any], label: str) -> Markup:
    """One cost series (`label`) by fiscal year, a bar per 政策 in each year, with a legend;
    the axis in 千円 with round, distinct ticks; a note instead when no figure was entered."""
    title = f"{table['title']} {label} の年度別推移(政策別)"
    years: list[int] = table["years"]
    policies = [
        (group_label(no, name), series.get(label, {}))
        for (no, name), series in table["policies"].items()
    ]
    values = [v for _, s in policies for y, v in s.items() if y in years and _finite(v) is not None]
    if not years or not values:
        return _note(NO_COSTS)
    ticks = axis_ticks(values)
    labels = [f"{t:,}" for t in ticks]
    legend, legend_h = _legend(
        [(name, PALETTE[i % len(PALETTE)]) for i, (name, _s) in enumerate(policies)],
        one_per_line=True,
    )
    left = PAD + max(text_width(t) for t in (*labels, COST_UNIT)) + 6
    group_room = (WIDTH - left - PAD) / len(years)
    bar = max(4, min(16, int((group_room - 10) / len(policies)) - 2))
    bars_w = len(policies) * (bar + 2)
    group_w = max(group_room, bars_w + 10)
    width = max(WIDTH, math.ceil(left + group_w * len(years) + PAD))
    top, plot_h = legend_h + 2 * FONT_SIZE + 4, 180
    height = top + plot_h + FONT_SIZE + 12
    low, high = ticks[0], ticks[-1]

    def y_of(value: float) -> float:
        return top + plot_h * (high - value) / (high - low)

    parts = [_svg_open(width, height, title), *legend]
    parts.append(
        f'<text x="{left - 6:.0f}" y="{top - FONT_SIZE - 2}" text-anchor="end">{escape(COST_UNIT)}</text>'
    )
    for tick, text in zip(ticks, labels, strict=True):
        y = y_of(tick)
        stroke = "#666" if tick == 0 else "#ddd"
        parts.append(
            f'<line x1="{left:.0f}" x2="{width - PAD}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{stroke}"/>'
        )
        parts.append(
            f'<text x="{left - 6:.0f}" y="{y + 4:.1f}" text-anchor="end">{escape(text)}</text>'
        )
    zero = y_of(0)
    for g, year in enumerate(years):
        x0 = left + g * group_w + (group_w - bars_w) / 2
        for i, (name, series) in enumerate(policies):
            value = _finite(series.get(year))
            if value is None:
                continue
            y = y_of(max(value, 0))
            parts.append(
                f'<rect x="{x0 + i * (bar + 2):.1f}" y="{y:.1f}" width="{bar}" '
                f'height="{abs(y_of(value) - zero):.1f}" fill="{PALETTE[i % len(PALETTE)]}" {_EDGE}>'
                f"<title>{escape(name)} {escape(short_label(year))}: {value:,.0f} "
                f"{escape(COST_UNIT)}</title></rect>"
            )
        parts.append(
            f'<text x="{x0 + bars_w / 2:.1f}" y="{top + plot_h + FONT_SIZE + 6}" '
            f'text-anchor="middle">{escape(short_label(year))}</text>'
        )
    parts.append("</svg></div>")
    return Markup("".join(parts))


def axis_ticks(values: Iterable[float], most: int = 5) -> list[int]:
    """The ticks of an axis showing `values` and 0: whole numbers, evenly spaced by 1, 2 or 5
    times a power of ten, at most `most` steps, the first at or below the least value and
    the last at or above the greatest. Values all 0 (or none) give [0, 1]."""
    finite = [v for v in (_finite(v) for v in values) if v is not None]
    low, high = min([0.0, *finite]), max([0.0, *finite])
    if low == high:
        return [0, 1]
    step = 1
    while True:
        for factor in (1, 2, 5):
            first, last = math.floor(low / (step * factor)), math.ceil(high / (step * factor))
            # a value too small beside the step underflows to 0: it still needs its step
            first, last = min(first, -1) if low < 0 else first, max(last, 1) if high > 0 else last
            if last - first <= most:
                return [n * step * factor for n in range(first, last + 1)]
        step *= 10


def _finite(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


def _legend(items: list[tuple[str, str]], *, one_per_line: bool = False) -> tuple[list[str], int]:
    """Legend entries (a colour square and a name) flowing over lines; the SVG parts and the
    height they take."""
    parts, x, y = [], PAD, 6
    line = FONT_SIZE + 6
    for name, colour in items:
        text = _fit(name, WIDTH - 2 * PAD - 16)
        w = 16 + text_width(text) + 12
        if x > PAD and (one_per_line or x + w > WIDTH - PAD):
            x, y = PAD, y + line
        whole = f"<title>{escape(name)}</title>" if text != name else ""
        parts.append(
            f'<rect x="{x + 0.5:.1f}" y="{y + 0.5}" width="12" height="12" fill="{colour}" '
            f"{_EDGE}/>"
        )
        parts.append(f'<text x="{x + 16:.1f}" y="{y + 11}">{whole}{escape(text)}</text>')
        x += w
    return parts, y + line + 4


_EDGE = f'stroke="{EDGE}" stroke-width="0.75"'


def _hatch_id(chart: str) -> str:
    """The id of a chart's 未入力 hatching: one a chart (a page shows several charts), the same
    each time the chart is drawn."""
    return f"ungraded-{zlib.crc32(chart.encode()):08x}"


def _hatching(pattern_id: str) -> str:
    """The hatching 未入力 is filled with: grey lines on white, apart from every grade's colour
    in print, in grayscale and for any reader."""
    return (
        f'<defs><pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<rect width="1.5" height="6" fill="{UNGRADED_HATCH}"/></pattern></defs>'
    )


def _svg_open(width: float, height: float, title: str) -> str:
    """The chart's box (it scrolls when the column is too narrow) and the SVG's start: its
    size, the text's one font size, and the least width it may be shrunk to."""
    least = width * MIN_FONT / FONT_SIZE
    return (
        f'<div class="chart"><svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'style="min-width:{least:.0f}px;font-family:sans-serif;font-size:{FONT_SIZE}px;'
        f'fill:{TEXT}"><title>{escape(title)}</title>'
    )
