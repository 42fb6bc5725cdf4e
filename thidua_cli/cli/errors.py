"""The one error a command raises for its user (kept apart so that every cli module can
raise it without importing the app)."""

from __future__ import annotations


class UserError(Exception):
    """Something the person running the command can fix: one message, one exit code
    (2: the command was called wrongly; 1: the data or the files stop it). `main()` turns it
    into one red line; nothing else prints errors and exits by hand."""

    def __init__(self, message: str, code: int = 2, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.detail = detail  # plain text after the red part
