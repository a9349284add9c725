"""New cell styles appended to styles.xml: a cell's own style with a mark fill (or a bold font),
so that every style already there keeps its index and its bytes.

The items of a section (fonts, fills, cellXfs) are split out once per styles.xml text (the
returns of one template share it; a few are remembered) and each copy appends to a list of
its own.
"""

from __future__ import annotations

import re
from functools import lru_cache

ITEM = {"fills": "fill", "fonts": "font", "cellXfs": "xf"}


class StylesPatch:
    """styles.xml text with fills, fonts and cellXfs appended as asked (each made once)."""

    def __init__(self, text: str) -> None:
        self.text = text
        match = re.search(r"<(\w+:)?styleSheet\b", text)
        self.p = (match.group(1) or "") if match else ""
        self._made: dict[tuple[int, str, str], int] = {}
        self._fills: dict[str, int] = {}
        self._bold: int | None = None
        self._wrapped: int | None = None
        self._original = text
        self._lists: dict[str, list[str]] = {}  # section → its items, as appended to

    def marked(self, style: int, rgb: str) -> int:
        """The index of a cellXf that is `style` with a solid fill of colour `rgb` (AARRGGBB)."""
        key = (style, "fill", rgb)
        if key not in self._made:
            fill = self._fills.get(rgb)
            if fill is None:
                fill = self._fills[rgb] = self._append(
                    "fills",
                    f'<{self.p}fill><{self.p}patternFill patternType="solid"><{self.p}fgColor'
                    f' rgb="{rgb}"/><{self.p}bgColor indexed="64"/></{self.p}patternFill>'
                    f"</{self.p}fill>",
                )
            self._made[key] = self._derived(style, {"fillId": str(fill), "applyFill": "1"})
        return self._made[key]

    def bold(self) -> int:
        """A cellXf of the default style with a bold font (history and result headers)."""
        if self._bold is None:
            fonts = self._section("fonts")
            first = re.search(
                r"<" + re.escape(self.p) + r"font\b.*?</" + re.escape(self.p) + "font>",
                fonts[2],
                re.S,
            )
            font = first.group(0) if first else f"<{self.p}font/>"
            if f"<{self.p}b/>" not in font:
                open_end = font.find(">") + 1
                font = (
                    font[:open_end] + f"<{self.p}b/>" + font[open_end:]
                    if not font.endswith("/>")
                    else f"<{self.p}font><{self.p}b/></{self.p}font>"
                )
            index = self._append("fonts", font)
            self._bold = self._derived(0, {"fontId": str(index), "applyFont": "1"})
        return self._bold

    def wrapped(self) -> int:
        """A cellXf of the default style whose text wraps, aligned to the top (long messages)."""
        if self._wrapped is None:
            xfs = self._items("cellXfs")
            base = xfs[0] if xfs else f"<{self.p}xf/>"
            head = _with_attr(base[: base.find(">") + 1], "applyAlignment", "1")
            head = head[:-2] + ">" if head.endswith("/>") else head
            alignment = f'<{self.p}alignment vertical="top" wrapText="1"/>'
            self._wrapped = self._append("cellXfs", head + alignment + f"</{self.p}xf>")
        return self._wrapped

    def font_size(self) -> float:
        """The size (points) of the first font, the default style's: the table sheets' text."""
        fonts = self._items("fonts")
        pattern = r"<" + re.escape(self.p) + r'sz\b[^>]*\bval="([0-9.]+)"'
        size = re.search(pattern, fonts[0]) if fonts else None
        return float(size.group(1)) if size else 11.0

    def _section(self, name: str) -> tuple[int, int, str]:
        text, opening = self.text, f"<{self.p}{name}"
        at = text.find(opening)
        while at >= 0 and _continues_name(text, at + len(opening)):
            at = text.find(opening, at + 1)
        if at < 0:
            raise ValueError(f"styles.xml has no <{name}>")
        tag_end = text.find(">", at) + 1
        if tag_end == 0:
            raise ValueError(f"styles.xml has no <{name}>")
        if text[tag_end - 2] == "/":
            return at, tag_end, ""
        close = text.find(f"</{self.p}{name}>", tag_end)
        return at, close + len(f"</{self.p}{name}>"), text[tag_end:close]

    def _items(self, name: str) -> list[str]:
        """The items of section `name` (its appended ones included)."""
        found = self._lists.get(name)
        if found is None:  # the section is still as in the original text
            found = self._lists[name] = list(_split_items(self._original, self.p, name))
        return found

    def _append(self, name: str, element: str) -> int:
        """Append `element` to the section `name` (count kept true); its index."""
        items = self._items(name)
        index = len(items)
        start, end, body = self._section(name)
        tag = self.text[start : self.text.find(">", start) + 1]
        opened = tag[:-2] + ">" if tag.endswith("/>") else tag
        opened = _with_attr(opened, "count", str(index + 1))
        self.text = (
            self.text[:start] + opened + body + element + f"</{self.p}{name}>" + self.text[end:]
        )
        items.append(element)
        return index

    def _derived(self, style: int, attrs: dict[str, str]) -> int:
        xfs = self._items("cellXfs")
        base = xfs[style] if style < len(xfs) else (xfs[0] if xfs else f"<{self.p}xf/>")
        head_end = base.find(">") + 1
        head = base[:head_end]
        for name, value in attrs.items():
            head = _with_attr(head, name, value)
        return self._append("cellXfs", head + base[head_end:])


def _with_attr(tag: str, name: str, value: str) -> str:
    """An opening tag with attribute `name` set to `value`."""
    pattern = re.compile(r"\b" + name + r'="[^"]*"')
    if pattern.search(tag):
        return pattern.sub(f'{name}="{value}"', tag, count=1)
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return tag[:end] + f' {name}="{value}"' + tag[end:]


def _continues_name(text: str, at: int) -> bool:
    """Whether the character at `at` goes on with an element name (`<fontsX`, not `<fonts>`)."""
    return at < len(text) and (text[at].isalnum() or text[at] == "_")


@lru_cache(maxsize=32)
def _split_items(text: str, p: str, name: str) -> tuple[str, ...]:
    """The items of section `name` of a styles.xml text, split once for the same text."""
    section = StylesPatch(text)._section(name)[2]
    q = re.escape(p)
    item = ITEM[name]
    return tuple(
        re.findall(r"<" + q + item + r"\b(?:[^>]*?/>|[^>]*>.*?</" + q + item + ">)", section, re.S)
    )
