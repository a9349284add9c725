"""What every command shares: exit codes, the 年度 parameter, output and error handling."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from xlsxsheet.core.errors import XlsxsheetError
from xlsxsheet.core.fiscal_year import FiscalYearError, parse_fiscal_year

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


def emit(text: str, output: Path | None) -> None:
    """Print text, or write it (UTF-8) to `output`."""
    emit_pieces((text,), output)


def emit_pieces(pieces: Iterable[str], output: Path | None) -> None:
    """Print the joined pieces, or write them (UTF-8) to `output`, with a final newline;
    without joining them (a report of many returns is written as it is made)."""
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
    with Path(output).open("w", encoding="utf-8") as out:
        for piece in pieces:
            out.write(piece)
        out.write("\n")


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
