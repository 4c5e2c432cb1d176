"""The one error type the command line maps to exit code 2."""

from __future__ import annotations


class GatekeeperError(Exception):
    """Bad usage, bad configuration or unreadable input: something the user must fix.

    Rendered as one line, ``FILE:LINE: message``, never as a traceback.
    """

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def __str__(self) -> str:
        where = self.file or ""
        if self.file and self.line is not None:
            where = f"{self.file}:{self.line}"
        return f"{where}: {self.message}" if where else self.message
