"""New cell styles appended to styles.xml: a cell's own style with a mark fill (or a bold font),
so that every style already there keeps its index and its bytes."""

from __future__ import annotations

import re


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
            xfs = self._items("cellXfs", "xf")
            base = xfs[0] if xfs else f"<{self.p}xf/>"
            head = _with_attr(base[: base.find(">") + 1], "applyAlignment", "1")
            head = head[:-2] + ">" if head.endswith("/>") else head
            alignment = f'<{self.p}alignment vertical="top" wrapText="1"/>'
            self._wrapped = self._append("cellXfs", head + alignment + f"</{self.p}xf>")
        return self._wrapped

    def _section(self, name: str) -> tuple[int, int, str]:
        p = re.escape(self.p)
        match = re.search(r"<" + p + name + r"\b[^>]*?(/?)>", self.text)
        if match is None:
            raise ValueError(f"styles.xml has no <{name}>")
        if match.group(1):
            return match.start(), match.end(), ""
        close = self.text.find(f"</{self.p}{name}>", match.end())
        return match.start(), close + len(f"</{self.p}{name}>"), self.text[match.end() : close]

    def _items(self, name: str, item: str) -> list[str]:
        body = self._section(name)[2]
        p = re.escape(self.p)
        return re.findall(
            r"<" + p + item + r"\b(?:[^>]*?/>|[^>]*>.*?</" + p + item + ">)", body, re.S
        )

    def _append(self, name: str, element: str) -> int:
        """Append `element` to the section `name` (count kept true); its index."""
        item = {"fills": "fill", "fonts": "font", "cellXfs": "xf"}[name]
        index = len(self._items(name, item))
        start, end, body = self._section(name)
        tag = self.text[start : self.text.find(">", start) + 1]
        opened = tag[:-2] + ">" if tag.endswith("/>") else tag
        opened = _with_attr(opened, "count", str(index + 1))
        self.text = (
            self.text[:start] + opened + body + element + f"</{self.p}{name}>" + self.text[end:]
        )
        return index

    def _derived(self, style: int, attrs: dict[str, str]) -> int:
        xfs = self._items("cellXfs", "xf")
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
