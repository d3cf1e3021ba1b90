"""Errors a user can act on: printed as one line, exit code 2, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a request joinedup cannot meet; the message names file, row and field."""

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 field: str | None = None) -> None:
        self.file, self.row, self.field = file, row, field
        parts = [p for p in (file, f"row {row}" if row is not None else None,
                             f"field {field}" if field else None) if p]
        super().__init__(f"{': '.join(parts)}: {message}" if parts else message)
