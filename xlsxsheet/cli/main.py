"""The `xlsxsheet` command group; each command is a module of this package (cli/commands.py)."""

from __future__ import annotations

import click

from xlsxsheet.cli import click_japanese
from xlsxsheet.cli.common import tolerate_console_encoding
from xlsxsheet.core.version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xlsxsheet")
def main() -> None:
    """xlsxsheet: 施策評価シートの様式作成・読み取り・点検・修正を行います。

    Templates, reading, checking and correcting of Japanese city-hall evaluation sheets.
    """
    tolerate_console_encoding()


def _register() -> None:
    from xlsxsheet.cli.commands import ALL_COMMANDS

    click_japanese.japanese_metavars(main)
    for command in ALL_COMMANDS:
        click_japanese.japanese_metavars(command)
        main.add_command(command)


_register()
