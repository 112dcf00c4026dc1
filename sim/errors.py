"""Errors the tool reports to users as one line (the CLI maps them to exit statuses)."""

from __future__ import annotations


class InputError(Exception):
    """Bad input: a scenario file, an option or a results folder. Exit status 2.

    The message names the file, the key path and what was expected, on one line.
    """

    def __init__(self, message: str, *, file: str | None = None, key: str | None = None) -> None:
        self.message = message
        self.file = file
        self.key = key
        parts = [p for p in (file, key) if p]
        super().__init__(": ".join([*parts, message]))


class RunError(Exception):
    """A run that started but failed. Exit status 1."""
