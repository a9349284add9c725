"""What every command shares: exit codes, the 年度 parameter, output and error handling."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from xlsxsheet.cli import click_japanese
from xlsxsheet.core.errors import USAGE_ERRORS, XlsxsheetError
from xlsxsheet.core.fiscal_year import FiscalYearError, long_label, parse_fiscal_year

F = TypeVar("F", bound=Callable[..., Any])
EXIT_PROBLEMS = 1  # problems found, a file unreadable, a file not written
EXIT_USAGE = 2  # the command cannot run as given (click's own usage errors exit 2 as well)
HEISEI_LAST = (
    2019  # 平成31年度; a later 平成 year (H36, as plans made before 2019 wrote it) is said
)

click_japanese.install()


class UsageMistake(click.ClickException):
    """A mistake in how the command was called: its message, exit code 2."""

    exit_code = EXIT_USAGE


def friendly(func: F) -> F:
    """Turn library errors into click errors (a message, no traceback): exit 2 for a usage
    mistake (errors.USAGE_ERRORS), 1 for the rest."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except USAGE_ERRORS as exc:
            raise UsageMistake(str(exc)) from exc
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
            year = parse_fiscal_year(value)
        except FiscalYearError as exc:
            self.fail(str(exc), param, ctx)
        written = unicodedata.normalize("NFKC", str(value)).strip().upper()
        if year > HEISEI_LAST and written.startswith(("H", "平成")):
            # plans written before 2019 name their years in 平成 (H36): read, and said so
            click.echo(
                f"{value} は{long_label(year)}として扱います(平成は31年度までです)。", err=True
            )
        return year


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
    from xlsxsheet.core.safe_write import atomic_open

    with atomic_open(Path(output), force) as out:
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
