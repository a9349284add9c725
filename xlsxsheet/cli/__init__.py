"""The command line: a thin layer over the library; every error becomes a Japanese message."""

from xlsxsheet.cli.main import main

__all__ = ["main"]
