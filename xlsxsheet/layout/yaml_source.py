"""YAML loading that remembers line numbers, so layout errors can point at the place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class LineDict(dict):
    """A mapping that knows the line it started on (1-based)."""

    line: int = 0


class LineList(list):
    """A sequence that knows the line it started on (1-based)."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"キー {key!r} が重複しています", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml_with_lines(path: Path) -> Any:
    """Parse a YAML file into LineDict/LineList values (raises yaml.YAMLError)."""
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_LineLoader)


def line_of(value: Any) -> int:
    """The line a parsed value started on, or 0 when unknown."""
    return getattr(value, "line", 0)
