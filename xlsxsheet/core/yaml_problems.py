"""PyYAML's mistakes in the words of the one who wrote the file (layouts, data documents)."""

from __future__ import annotations

import yaml

__all__ = ["yaml_problem"]

# PyYAML's `problem` texts (they begin so) → what to write instead, in Japanese
_PROBLEMS = (
    (
        "found character '\\t'",
        "タブ文字があります。インデントや区切りは半角スペースで書いてください",
    ),
    (
        "mapping values are not allowed here",
        "ここに「:」は書けません。「キー: 値」の「:」のあとには半角スペースを入れ、"
        "値に「:」を含めるときは値を引用符で囲んでください",
    ),
    (
        "could not find expected ':'",
        "「キー: 値」の「:」が見つかりません。半角の「:」と半角スペースで書いてください",
    ),
    ("found unexpected end of stream", "引用符か括弧が閉じられないまま、ファイルが終わっています"),
    ("expected ',' or ']'", "[ ] の中の区切り「,」か、閉じる「]」がありません"),
    ("expected ',' or '}'", "{ } の中の区切り「,」か、閉じる「}」がありません"),
    (
        "found duplicate anchor",
        "同じ名前のアンカー(&名前)が2回あります。別の名前にしてください",
    ),
    (
        "found unconstructable recursive node",
        "アンカー(&名前)の中で、その名前自身を参照しています(*名前)。"
        "参照が輪にならないようにしてください",
    ),
    (
        "found undefined alias",
        "定義されていないアンカーを参照しています(*名前 の前に &名前 が必要です)",
    ),
    (
        "expected <block end>, but found",
        "インデントがそろっていません。同じ階層の行は同じ数の半角スペースで始めてください",
    ),
)


GENERAL_FIX = "インデント(半角スペース)、コロンの後の空白、引用符や括弧の対応を確認してください"


def yaml_problem(exc: yaml.YAMLError) -> tuple[str, str, str]:
    """(where: "12行目 5列" or "", what is wrong in Japanese with PyYAML's words after it,
    what to check: "" when what is wrong says it already)."""
    mark = getattr(exc, "problem_mark", None)
    where = f"{mark.line + 1}行目 {mark.column + 1}列" if mark is not None else ""
    problem = str(getattr(exc, "problem", None) or exc)
    for start, said in _PROBLEMS:
        if problem.startswith(start):
            return where, f"{said}(YAML: {problem})", ""
    return where, f"YAMLとして読めません({problem})", GENERAL_FIX
