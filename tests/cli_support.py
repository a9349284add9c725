"""The command line as tests call it: exit code, stdout and stderr of one `xlsxsheet` run."""

from __future__ import annotations

from click.testing import CliRunner

from xlsxsheet.cli import main


def run_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr
