"""Charts drawn by the server as inline SVG (no script, no external file), text escaped.

`grade_chart`: one horizontal bar per 施策, split by grade (from `collect.grade_tables`).
`cost_chart`: bars per fiscal year, one per 政策 (from `collect.cost_tables`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from xlsxsheet.core.fiscal_year import short_label

PALETTE = ("#1b6ca8", "#4aa3df", "#8cc084", "#f2c14e", "#e07a5f", "#9a6fb0", "#7f7f7f")
UNGRADED_COLOUR = "#d9d9d9"
FONT = "font-family:sans-serif;font-size:12px"
LABEL_CHARS = 15


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def grade_chart(table: dict[str, Any]) -> Markup:
    """Grade counts per 施策 of one 評価総括表 table, stacked, with a legend."""
    scale: Sequence[str] = (*table["scale"], "未入力")
    rows = table["rows"]
    most = max((sum(r.counts.values()) for r in rows), default=0) or 1
    label_w, bar_w, row_h, top = 200, 360, 22, 30
    height = top + row_h * len(rows) + 10
    width = label_w + bar_w + 40
    parts = [_svg_open(width, height, f"{table['title']} {table['item']} の評価の件数")]
    x = label_w
    for i, grade in enumerate(scale):  # legend
        colour = UNGRADED_COLOUR if grade == "未入力" else PALETTE[i % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="16" style="{FONT}">{escape(grade)}</text>')
        x += 30 + 8 * len(grade)
    for n, row in enumerate(rows):
        y = top + n * row_h
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" style="{FONT}">'
            f"<title>{escape(row.text)}</title>{escape(_short(row.text))}</text>"
        )
        x = float(label_w)
        for i, grade in enumerate(scale):
            count = row.counts.get(grade, 0)
            if not count:
                continue
            w = bar_w * count / most
            colour = UNGRADED_COLOUR if grade == "未入力" else PALETTE[i % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="{colour}">'
                f"<title>{escape(grade)}: {count}</title></rect>"
            )
            if w >= 14:
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + 15}" text-anchor="middle" '
                    f'style="{FONT};fill:#fff">{count}</text>'
                )
            x += w
    parts.append("</svg>")
    return Markup("".join(parts))


def cost_chart(table: dict[str, Any], label: str) -> Markup:
    """One cost series (`label`) by fiscal year, a bar per 政策 in each year, with a legend."""
    years: list[int] = table["years"]
    policies = [
        (f"{no} {name}".strip() or "(政策なし)", series.get(label, {}))
        for (no, name), series in table["policies"].items()
    ]
    most = nice_ceiling(max((v for _, s in policies for v in s.values()), default=0))
    left, plot_h, top, group_w = 90, 200, 20 + 18 * len(policies), 40 + 16 * len(policies)
    width = left + group_w * max(len(years), 1) + 20
    height = top + plot_h + 40
    parts = [_svg_open(width, height, f"{table['title']} {label} の年度別推移(政策別)")]
    for i, (name, _series) in enumerate(policies):  # legend
        y = 6 + 18 * i
        parts.append(
            f'<rect x="{left}" y="{y}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>'
        )
        parts.append(
            f'<text x="{left + 16}" y="{y + 10}" style="{FONT}">{escape(_short(name, 40))}</text>'
        )
    base = top + plot_h
    for step in range(5):  # axis with four ticks
        value = most * step / 4
        y = base - plot_h * step / 4
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" style="{FONT}">{value:,.0f}</text>'
        )
    bar = 14
    for g, year in enumerate(years):
        x0 = left + g * group_w + 12
        for i, (name, series) in enumerate(policies):
            value = series.get(year)
            if value is None:
                continue
            h = plot_h * value / most
            parts.append(
                f'<rect x="{x0 + i * (bar + 2)}" y="{base - h:.1f}" width="{bar}" height="{h:.1f}" '
                f'fill="{PALETTE[i % len(PALETTE)]}"><title>{escape(name)} {short_label(year)}: '
                f"{value:,.0f}</title></rect>"
            )
        parts.append(
            f'<text x="{x0 + len(policies) * (bar + 2) / 2:.1f}" y="{base + 16}" text-anchor="middle" '
            f'style="{FONT}">{escape(short_label(year))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def nice_ceiling(value: float) -> float:
    """The axis top: `value` rounded up to a round multiple of a power of ten."""
    if value <= 0:
        return 1
    power = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _svg_open(width: float, height: float, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}">'
        f"<title>{escape(title)}</title>"
    )
