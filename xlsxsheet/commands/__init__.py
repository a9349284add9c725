"""The CLI commands, one module each; add a new command's module to ALL_COMMANDS."""

from __future__ import annotations

from xlsxsheet.commands.check import check_command
from xlsxsheet.commands.collect import collect_command
from xlsxsheet.commands.demo import demo_command
from xlsxsheet.commands.fix import fix_command
from xlsxsheet.commands.layouts import layouts_command
from xlsxsheet.commands.read import read_command
from xlsxsheet.commands.rollover import rollover_command
from xlsxsheet.commands.serve import serve_command
from xlsxsheet.commands.template import template_command

ALL_COMMANDS = [
    layouts_command,
    template_command,
    read_command,
    check_command,
    collect_command,
    fix_command,
    demo_command,
    rollover_command,
    serve_command,
]
