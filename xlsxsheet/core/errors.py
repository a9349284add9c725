"""The exceptions xlsxsheet raises. Every message is meant for the user, in Japanese."""

from __future__ import annotations


class XlsxsheetError(Exception):
    """Base of every error xlsxsheet reports to the user."""


class LayoutError(XlsxsheetError):
    """A layout file under templates/ is wrong: names the file, the place and the fix."""

    def __init__(self, file: str, place: str, problem: str, fix: str = "") -> None:
        self.file, self.place, self.problem, self.fix = file, place, problem, fix
        text = (
            f"レイアウト定義 {file} ({place}): {problem}"
            if file
            else f"レイアウト定義({place}): {problem}"
        )
        if fix:
            text += f" → {fix}"
        super().__init__(text)


class UnknownLayoutError(XlsxsheetError):
    """No layout has the requested id."""


class DocumentError(XlsxsheetError):
    """A data document (JSON/YAML given to `template --data`) does not fit its layout."""


class WorkbookError(XlsxsheetError):
    """A workbook cannot be opened or is not an xlsxsheet workbook at all."""

    def __init__(self, path: str, code: str, message: str) -> None:
        self.path, self.code = path, code
        super().__init__(message)


class UsageError(XlsxsheetError):
    """A command was called with arguments that cannot work (e.g. writing over the input)."""


class OutputError(XlsxsheetError):
    """A file xlsxsheet was asked to write could not be written (a full disk, a file open in Excel)."""


class RosterError(XlsxsheetError):
    """A roster CSV (given to `rollover --roster`) cannot be used; names each bad line."""


# A mistake in how a command was called: the CLI exits 2 on these (1 on the other errors).
USAGE_ERRORS: tuple[type[XlsxsheetError], ...] = (
    UsageError,
    UnknownLayoutError,
    RosterError,
)
