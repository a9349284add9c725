"""The command line: a thin layer over the library; every error becomes a Japanese message.

The group lives here; each command is a module of `xlsxsheet.commands` that registers itself.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from xlsxsheet import __version__
from xlsxsheet.errors import XlsxsheetError
from xlsxsheet.fiscal_year import FiscalYearError, parse_fiscal_year

F = TypeVar("F", bound=Callable[..., Any])
EXIT_PROBLEMS = 1


def friendly(func: F) -> F:
    """Turn library errors into click errors (exit 1 with a message, no traceback)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except XlsxsheetError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


class FiscalYear(click.ParamType):
    """A click parameter for 年度 in 和暦 or 西暦 forms: R2, 令和2年度, 2020."""

    name = "年度"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            return parse_fiscal_year(value)
        except FiscalYearError as exc:
            self.fail(str(exc), param, ctx)


FORCE_HELP = "出力先のファイルがすでにあるとき上書きする"


def force_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--force: an existing output file is replaced (else refused)."""
    return click.option("--force", is_flag=True, help=FORCE_HELP)(command)


def emit(text: str, output: Path | None, force: bool = False) -> None:
    """Print text, or write it (UTF-8) to `output`."""
    emit_pieces((text,), output, force)


def emit_pieces(pieces: Iterable[str], output: Path | None, force: bool = False) -> None:
    """Print the joined pieces, or write them (UTF-8) to `output`, with a final newline;
    without joining them (a report of many returns is written as it is made). The file goes
    through the safe writer (safe_write): an existing one only with `force`."""
    if output is None:
        buffer: list[str] = []
        size = 0
        for piece in pieces:
            buffer.append(piece)
            size += len(piece)
            if size >= 1 << 16:
                click.echo("".join(buffer), nl=False)
                buffer, size = [], 0
        click.echo("".join(buffer))
        return
    from xlsxsheet.safe_write import atomic_open

    with atomic_open(Path(output), force) as out:
        for piece in pieces:
            out.write(piece)
        out.write("\n")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xlsxsheet")
def main() -> None:
    """xlsxsheet: 施策評価シートの様式作成・読み取り・点検・修正を行います。

    Templates, reading, checking and correcting of Japanese city-hall evaluation sheets.
    """
    tolerate_console_encoding()


def tolerate_console_encoding() -> None:
    """Never crash on what a console cannot show (a Windows console is often cp932).

    A cell may hold characters outside the console's encoding (emoji, 髙 in some code pages):
    they are shown as ? instead of ending the command with UnicodeEncodeError.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            reconfigure(errors="replace")
        except (OSError, ValueError):
            continue


def _register() -> None:
    from xlsxsheet.commands import ALL_COMMANDS

    for command in ALL_COMMANDS:
        main.add_command(command)


_register()
