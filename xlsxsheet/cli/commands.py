"""The CLI commands, one module each; add a new command's module to ALL_COMMANDS."""

from __future__ import annotations

from xlsxsheet.cli.check import check_command
from xlsxsheet.cli.collect import collect_command
from xlsxsheet.cli.demo import demo_command
from xlsxsheet.cli.fix import fix_command
from xlsxsheet.cli.import_ import import_command
from xlsxsheet.cli.layouts import layouts_command
from xlsxsheet.cli.read import read_command
from xlsxsheet.cli.rollover import rollover_command
from xlsxsheet.cli.serve import serve_command
from xlsxsheet.cli.template import template_command

ALL_COMMANDS = [
    layouts_command,
    template_command,
    read_command,
    check_command,
    collect_command,
    fix_command,
    import_command,
    demo_command,
    rollover_command,
    serve_command,
]
