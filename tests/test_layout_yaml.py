"""Layout files are parsed by libyaml where it is there, with the Python parser's results.

Values, the line each mapping and list starts on (what layout errors point at), and the
message and place of a YAML mistake are the same as with PyYAML's pure-Python parser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from xlsxsheet.core.errors import LayoutError
from xlsxsheet.layout.loader import load_layout
from xlsxsheet.layout.registry import bundled_templates_dir
from xlsxsheet.layout.yaml_source import LineDict, LineList, load_yaml_with_lines

LAYOUTS = sorted(bundled_templates_dir().glob("*.yaml"))


def _with_lines(value: Any) -> Any:
    """The parsed value with every mapping's and list's line beside it."""
    if isinstance(value, LineDict):
        return ("map", value.line, [(k, _with_lines(v)) for k, v in value.items()])
    if isinstance(value, LineList):
        return ("list", value.line, [_with_lines(v) for v in value])
    assert not isinstance(value, dict | list), f"a plain {type(value).__name__}"
    return value


def test_pyyaml_here_has_libyaml() -> None:
    """The speed-up is real on this machine: PyYAML's wheel carries libyaml."""
    assert yaml.__with_libyaml__


@pytest.mark.parametrize("path", LAYOUTS, ids=lambda p: p.stem)
def test_both_parsers_give_the_same_values_and_lines(path: Path) -> None:
    fast = load_yaml_with_lines(path)
    plain = load_yaml_with_lines(path, pure_python=True)
    assert _with_lines(fast) == _with_lines(plain)
    assert fast["layout"] == path.stem
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[fast.line - 1].startswith("layout:")  # the top mapping's first key


BROKEN = [  # name, text, line, column, what it is told (Japanese), PyYAML's words kept after it
    ("tab", "a:\n\t- 1\n", 2, 1, "タブ文字があります", "found character '\\t' that cannot start any token"),
    ("indent", "a: 1\n b: 2\n", 2, 3, "ここに「:」は書けません", "mapping values are not allowed here"),
    ("bracket", "a: [1, 2\n", 2, 1, "[ ] の中の区切り「,」か、閉じる「]」がありません", "expected ',' or ']', but got '<stream end>'"),
    ("alias", "a: &x 1\nb: *y\n", 2, 4, "定義されていないアンカーを参照しています", "found undefined alias 'y'"),
    ("recursive", "a: &x [1, *x]\n", 1, 4, "アンカー(&名前)の中で、その名前自身を参照しています", "found unconstructable recursive node"),
    ("duplicate", "a: 1\na: 2\n", 2, 1, "YAMLとして読めません", "キー 'a' が重複しています"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "line", "column", "told", "problem"),
    [b[1:] for b in BROKEN],
    ids=[b[0] for b in BROKEN],
)
def test_a_yaml_mistake_is_told_in_japanese_with_the_python_parsers_words(
    tmp_path: Path, text: str, line: int, column: int, told: str, problem: str
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LayoutError) as caught:
        load_layout(path)
    assert caught.value.place == f"{line}行目 {column}列"
    assert caught.value.problem.startswith(told)
    assert problem in caught.value.problem
