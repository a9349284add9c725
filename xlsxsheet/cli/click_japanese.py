"""click's own words (Usage:, Error: Missing option, Show this message and exit.) in Japanese.

click looks every message up through `gettext` (each of its modules binds `_` and `ngettext`);
`install()` rebinds those names in click's modules to a lookup in MESSAGES, so usage lines,
help and errors read as Japanese. A message missing here stays in English, never breaks.
"""

from __future__ import annotations

import gettext
import importlib
import unicodedata
from collections.abc import Callable

import click

# click's message ids (exact, as in its source) -> Japanese. Placeholders are kept as they are.
MESSAGES: dict[str, str] = {
    "Usage:": "使い方:",
    "Options": "オプション",
    "Commands": "コマンド",
    "Positional arguments": "引数",
    "Show this message and exit.": "この説明を表示して終了します。",
    "Show the version and exit.": "版を表示して終了します。",
    "%(prog)s, version %(version)s": "%(prog)s 版 %(version)s",
    "Error: {message}": "エラー: {message}",
    "Try '{command} {option}' for help.": "説明は '{command} {option}' で表示されます。",
    # click writes f"{missing} {hint}." ("Missing option '--year'.")
    "Missing argument": "次の引数を指定してください:",
    "Missing option": "次のオプションを指定してください:",
    "Missing parameter": "次の指定がありません:",
    "Missing {param_type}": "次の{param_type}を指定してください:",
    "Missing parameter: {param_name}": "指定がありません: {param_name}",
    "Missing command.": "コマンドを指定してください。",
    "No such command {name!r}.": "コマンド {name!r} はありません。",
    "No such option {name!r}.": "オプション {name!r} はありません。",
    "Option {name!r} does not take a value.": "オプション {name!r} には値を付けません。",
    "Invalid value for {param_hint}: {message}": "{param_hint} の値が正しくありません: {message}",
    "Invalid value: {message}": "値が正しくありません: {message}",
    "Argument {name!r} takes {nargs} values.": "引数 {name!r} には値が {nargs} 個必要です。",
    "Aborted!": "中止しました。",
    "default: {default}": "既定: {default}",
    "env var: {var}": "環境変数: {var}",
    "deprecated": "非推奨",
    "file": "ファイル",
    "directory": "フォルダ",
    "path": "パス",
    "{name} {filename!r} does not exist.": "{name} {filename!r} がありません。",
    "{name} {filename!r} is a file.": "{name} {filename!r} はファイルです(フォルダを指定してください)。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} はフォルダです(ファイルを指定してください)。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} を読めません。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} に書き込めません。",
    "Could not open file {filename!r}: {message}": "ファイル {filename!r} を開けません: {message}",
    "{value!r} is not a valid {number_type}.": "{value!r} は{number_type}ではありません。",
    "{value} is not in the range {range}.": "{value} は範囲 {range} の外です。",
    "Choose from:\n\t{choices}": "次から選んでください:\n\t{choices}",
    "required": "必須",
}

# click's parameter types by class name -> the Japanese shown as the metavar of an option
# (`--layout 文字列`) and in its messages (`'x' は整数ではありません。`).
TYPE_NAMES: dict[str, str] = {
    "StringParamType": "文字列",
    "IntParamType": "整数",
    "IntRange": "整数",
    "FloatParamType": "数値",
    "FloatRange": "数値",
    "BoolParamType": "真偽値",
}
OPTIONS_METAVAR = "[オプション]"
SUBCOMMAND_METAVAR = "コマンド [引数]..."

# ngettext's (singular, plural) -> Japanese (Japanese has one form).
PLURAL_MESSAGES: dict[tuple[str, str], str] = {
    (
        "Got unexpected extra argument ({args})",
        "Got unexpected extra arguments ({args})",
    ): "余分な引数があります ({args})",
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "オプション {name!r} には値が必要です。"
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} は選べません。選べる値: {choices}"
    ),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "{possibility} の誤りではありませんか。"
    ),
}

CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
)


def translate(message: str) -> str:
    """The Japanese of one of click's messages (itself when there is none)."""
    return MESSAGES.get(message, message)


def translate_plural(singular: str, plural: str, n: int) -> str:
    """The Japanese of one of click's counted messages (click's own when there is none)."""
    found = PLURAL_MESSAGES.get((singular, plural))
    if found is None:
        return gettext.ngettext(singular, plural, n)
    if "{possibility}" in found and n != 1:
        return "({possibilities} のどれかの誤りではありませんか。)"
    if "{choices}" in found and n == 1:
        return "{value!r} は選べません。選べる値: {choice}"
    return found


def display_width(text: str) -> int:
    """Columns `text` takes on a terminal: 2 for a full-width character (東, Ｒ), 1 otherwise,
    so click lines up its option table when the names or metavars are Japanese."""
    plain = click.unstyle(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in plain)


def install() -> list[str]:
    """Rebind click's `_` and `ngettext` to the Japanese lookups; the modules changed."""
    changed = []
    for name in CLICK_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        replaced = False
        for attr, function in (("_", translate), ("ngettext", translate_plural)):
            current: Callable[..., str] | None = getattr(module, attr, None)
            if current is not None:
                setattr(module, attr, function)
                replaced = True
        if replaced:
            changed.append(name)
    formatting = importlib.import_module("click.formatting")
    if hasattr(formatting, "term_len"):
        formatting.term_len = display_width  # type: ignore[attr-defined]
    types = importlib.import_module("click.types")
    for class_name, word in TYPE_NAMES.items():
        kind = getattr(types, class_name, None)
        if isinstance(kind, type):
            kind.name = word  # type: ignore[attr-defined]
    return changed


def japanese_metavars(command: click.Command) -> None:
    """`[オプション]` (and `コマンド [引数]...` for a group) in the usage line of `command`."""
    command.options_metavar = OPTIONS_METAVAR
    if isinstance(command, click.Group):
        command.subcommand_metavar = SUBCOMMAND_METAVAR
