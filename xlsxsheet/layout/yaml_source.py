"""YAML loading that remembers line numbers, so layout errors can point at the place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class LineDict(dict):
    """A mapping that knows the line it started on, and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):
    """A sequence that knows the line it started on (1-based)."""

    line: int = 0


class _PyLineLoader(yaml.SafeLoader):
    """The pure-Python loader: what every machine has."""


# libyaml parses a layout file about six times faster than the pure-Python parser (a check
# of a folder loads every layout it meets once per worker process); the constructors below,
# and so the values and their line numbers, are the same with either.
if yaml.__with_libyaml__:

    class _LineLoader(yaml.CSafeLoader):
        """libyaml's safe loader, where PyYAML was built with it."""

else:  # pragma: no cover - PyYAML's wheels carry libyaml
    _LineLoader = _PyLineLoader  # type: ignore[misc,assignment]


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"キー {key!r} が重複しています", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


for _loader in (_LineLoader, _PyLineLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml_with_lines(path: Path, pure_python: bool = False) -> Any:
    """Parse a YAML file into LineDict/LineList values (raises yaml.YAMLError).

    A file libyaml refuses is parsed again by the Python parser, whose error is the one raised:
    it names the character at fault ("found character '\\t'…"), where libyaml's does not, at
    the same line and column. pure_python=True parses with the Python parser only (the tests
    compare the two).
    """
    text = path.read_text(encoding="utf-8")
    if pure_python or _LineLoader is _PyLineLoader:
        return yaml.load(text, Loader=_PyLineLoader)
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError:
        return yaml.load(text, Loader=_PyLineLoader)


def line_of(value: Any, key: Any = None) -> int:
    """The line a parsed value started on (with `key`: the line of that key of a mapping,
    where it has it), or 0 when unknown."""
    if key is not None:
        found = getattr(value, "key_lines", {}).get(key)
        if found:
            return found
    return getattr(value, "line", 0)
