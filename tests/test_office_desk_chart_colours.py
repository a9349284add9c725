"""The charts' colours tell each grade (and each 政策) apart, in colour, in grayscale print and
for colour-blind readers. Found by a walkthrough as city staff: the grade chart drew A and B in
two similar blues, and in grayscale B and E were one grey (L* 64 and 62).

Each colour is read from the chart as drawn (its legend), and compared as a reader sees it:
CIELAB ΔE between the colours as they are, and as Machado, Oliveira & Fernandes (2009) simulate
protanopia, deuteranopia and tritanopia; in grayscale, their lightness L*."""

from __future__ import annotations

import itertools
import math
from types import SimpleNamespace
from typing import Any
from xml.etree import ElementTree

import pytest

from xlsxsheet.web.charts import cost_chart, grade_chart

SVG = "{http://www.w3.org/2000/svg}"
# Machado et al. 2009, severity 1.0, on linear RGB
SIMULATIONS = {
    "as seen": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}


def _linear(colour: str) -> list[float]:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def _lab(rgb: list[float]) -> tuple[float, float, float]:
    """CIELAB (D65) of a linear RGB colour."""
    r, g, b = (min(1.0, max(0.0, c)) for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    f = [t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116 for t in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def _seen(colour: str, matrix: Any) -> tuple[float, float, float]:
    rgb = _linear(colour)
    return _lab([sum(m * c for m, c in zip(row, rgb, strict=True)) for row in matrix])


def _lightness(colour: str) -> float:
    return _lab(_linear(colour))[0]


def _legend(chart: str) -> dict[str, str]:
    """The chart's legend: each name and the fill of its square, in order."""
    svg = ElementTree.fromstring(chart[chart.index("<svg") : chart.rindex("</svg>") + 6])
    squares = [r for r in svg.iter(f"{SVG}rect") if r.get("width") == "12"]
    names = [t.itertext() for t in svg.iter(f"{SVG}text")][: len(squares)]
    return {"".join(n).strip(): r.get("fill") for n, r in zip(names, squares, strict=True)}


def _grade_chart(scale: list[str]) -> str:
    counts = {g: 1 for g in scale} | {"未入力": 1}
    rows = [SimpleNamespace(text="1 支え合いの地域づくりと自立支援の推進", counts=counts)]
    table = {"title": "施策評価シート", "item": "総合評価", "year": 2020, "scale": scale}
    return str(grade_chart({**table, "rows": rows}))


@pytest.mark.parametrize("count", range(2, 9))
def test_each_grade_is_told_apart_in_colour_in_grayscale_and_by_colour_blind_readers(
    count: int,
) -> None:
    scale = ["S", "A", "B", "C", "D", "E", "F", "G"][:count]
    chart = _grade_chart(scale)
    legend = _legend(chart)
    assert list(legend) == [*scale, "未入力"]
    colours = [legend[g] for g in scale]
    for vision, matrix in SIMULATIONS.items():
        seen = [_seen(c, matrix) for c in colours]
        for (g1, a), (g2, b) in itertools.combinations(zip(scale, seen, strict=True), 2):
            assert math.dist(a, b) >= 10, (vision, g1, g2, colours)
    # in grayscale: each grade lighter than the one before, by a step one can see, from dark
    # to light over the whole scale (two blues were L* 44 and 64)
    light = [_lightness(c) for c in colours]
    assert all(b - a >= 10 for a, b in itertools.pairwise(light)), light
    assert light[-1] - light[0] >= 60, light
    # 未入力 is no colour of the scale but hatching, defined in the chart itself
    hatch = legend["未入力"]
    assert hatch.startswith("url(#") and f'<pattern id="{hatch[5:-1]}"' in chart


def test_two_charts_on_a_page_have_hatchings_of_their_own() -> None:
    """A page shows a chart per grade item: each pattern id is its chart's alone."""
    one = _legend(_grade_chart(["A", "B"]))["未入力"]
    table = {"title": "施策評価シート", "item": "時系列比較", "year": 2020, "scale": ["A", "B"]}
    rows = [SimpleNamespace(text="1 施策", counts={"A": 1, "未入力": 1})]
    other = _legend(str(grade_chart({**table, "rows": rows})))["未入力"]
    assert one != other and one.startswith("url(#") and other.startswith("url(#")


def test_the_policies_of_a_cost_chart_are_told_apart_by_colour_blind_readers() -> None:
    """Seven 政策, as a city's plan has about: none two alike for any reader."""
    policies = {(str(n), f"政策{n}"): {"トータルコスト": {2020: n * 1e5}} for n in range(1, 8)}
    table = {"title": "施策マネジメントシート", "years": [2020], "policies": policies}
    colours = list(_legend(str(cost_chart(table, "トータルコスト"))).values())
    assert len(set(colours)) == 7
    for vision, matrix in SIMULATIONS.items():
        seen = [_seen(c, matrix) for c in colours]
        for a, b in itertools.combinations(seen, 2):
            assert math.dist(a, b) >= 15, (vision, colours)
