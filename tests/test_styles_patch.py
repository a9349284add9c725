"""Styles appended to a return's styles.xml: each new cellXf is the cell's own style with the
mark fill (or the bold font, the wrapped alignment), at the index the count says; copies made
from the same styles.xml (the returns of one template) each start from it afresh."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from fidelity_support import Parts, filled

from xlsxsheet.copies.styles_patch import StylesPatch

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RED, YELLOW = "FFFF0000", "FFFFFF00"


def _section(root: ET.Element, name: str) -> list[ET.Element]:
    section = root.find(M + name)
    assert section is not None
    assert int(section.get("count")) == len(section)  # the count kept true
    return list(section)


def _styles(tmp_path: Path) -> str:
    return Parts(filled(tmp_path)).text("xl/styles.xml")


def _operations(patch: StylesPatch) -> list[int]:
    return [patch.marked(3, RED), patch.marked(5, RED), patch.marked(3, YELLOW), patch.bold()]


def test_a_marked_style_is_the_cells_own_with_the_fill(tmp_path: Path) -> None:
    text = _styles(tmp_path)
    old = ET.fromstring(text)
    patch = StylesPatch(text)
    red3, red5, yellow3, bold = _operations(patch)
    wrapped = patch.wrapped()
    assert patch.marked(3, RED) == red3  # made once
    new = ET.fromstring(patch.text)
    old_xfs, xfs = _section(old, "cellXfs"), _section(new, "cellXfs")
    assert [ET.tostring(x) for x in xfs[: len(old_xfs)]] == [ET.tostring(x) for x in old_xfs]
    assert [red3, red5, yellow3] == [len(old_xfs), len(old_xfs) + 1, len(old_xfs) + 2]
    fills = _section(new, "fills")
    for index, base, rgb in ((red3, 3, RED), (red5, 5, RED), (yellow3, 3, YELLOW)):
        xf, own = xfs[index], old_xfs[base]
        assert fills[int(xf.get("fillId"))].find(f"{M}patternFill/{M}fgColor").get("rgb") == rgb
        for name in ("fontId", "borderId", "numFmtId"):
            assert xf.get(name) == own.get(name)
    assert xfs[red3].get("fillId") == xfs[red5].get("fillId")  # one fill per colour
    fonts = _section(new, "fonts")
    assert fonts[int(xfs[bold].get("fontId"))].find(M + "b") is not None
    assert xfs[wrapped].find(M + "alignment").get("wrapText") == "1"


def test_copies_of_the_same_styles_start_afresh(tmp_path: Path) -> None:
    text = _styles(tmp_path)
    first = StylesPatch(text)
    made = _operations(first)
    first.wrapped()
    second = StylesPatch(text)
    assert _operations(second) == made  # the first copy's appended styles are not the second's
    second.wrapped()
    assert second.text == first.text
    count = int(re.search(r'<cellXfs count="(\d+)">', text).group(1))
    other = text.replace(
        f'<cellXfs count="{count}">', f'<cellXfs count="{count + 1}"><xf numFmtId="0"/>'
    )
    assert StylesPatch(other).marked(3, RED) == made[0] + 1  # another styles.xml: worked out anew
