"""Errors the tool reports to users as one line (the CLI maps them to exit statuses)."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches

CLOSE_SPELLING = 0.75
"""How alike (difflib's ratio, 0..1) a name must be to one the user typed to be offered as
"did you mean": close enough for typos (``replicatons``), not for other words."""


def close_spellings(typed: str, names: Iterable[str], n: int = 1) -> list[str]:
    """Up to ``n`` of ``names`` spelt like ``typed``, the closest first."""
    return get_close_matches(typed, list(names), n=n, cutoff=CLOSE_SPELLING)


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
