"""Reading a user's text file safely: a regular file of sane size, UTF-8, not binary.

Every file the tool reads (scenario, targets and sweep YAML, the backlog CSV, a results
folder's CSV and JSON) goes through :func:`read_text_file`, so a FIFO, a device or a
directory is refused without opening it (reading a FIFO would wait forever), a huge file
is refused before it is read, and undecodable or binary content is one :class:`InputError`
naming the file. A UTF-8 byte-order mark (as Excel writes) is accepted and dropped.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sim.errors import InputError

MB = 1024 * 1024
YAML_LIMIT_BYTES = 10 * MB
"""Largest scenario, targets or sweep YAML file read, bytes (10 MiB)."""
CSV_LIMIT_BYTES = 200 * MB
"""Largest CSV file read (backlog CSV, a results folder's replications.csv), bytes (200 MiB)."""
JSON_LIMIT_BYTES = 50 * MB
"""Largest JSON file read from a results folder, bytes (50 MiB)."""

_BOM = "\ufeff"


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words (``None`` for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_regular_file(path: Path, *, limit_bytes: int, key: str | None = None) -> int:
    """The size of ``path`` in bytes, after checking it is a regular file of at most
    ``limit_bytes``; nothing is opened. :class:`InputError` naming the file otherwise."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError("file not found", file=str(path), key=key) from None
    except OSError as exc:
        message = exc.strerror or type(exc).__name__
        if exc.errno == 40:  # ELOOP: a symbolic link that points to itself, round a loop
            message = "symbolic links form a loop"
        raise InputError(f"cannot read file ({message})", file=str(path), key=key) from None
    kind = _kind(info.st_mode)
    if kind is not None:
        raise InputError(f"expected a regular file, got {kind}", file=str(path), key=key)
    if info.st_size > limit_bytes:
        raise InputError(
            f"file too large ({info.st_size / MB:.1f} MiB; the limit is "
            f"{limit_bytes / MB:.0f} MiB)",
            file=str(path),
            key=key,
        )
    return info.st_size


def read_text_file(path: Path, *, limit_bytes: int, key: str | None = None) -> str:
    """The text of ``path``: a regular file of at most ``limit_bytes`` bytes, UTF-8 (a
    byte-order mark is dropped), without NUL bytes. :class:`InputError` naming the file."""
    check_regular_file(path, limit_bytes=limit_bytes, key=key)
    try:
        with open(path, "rb") as f:
            raw = f.read(limit_bytes + 1)
    except OSError as exc:
        message = exc.strerror or type(exc).__name__
        raise InputError(f"cannot read file ({message})", file=str(path), key=key) from None
    if len(raw) > limit_bytes:  # grew while being read, or a file that lies about its size
        raise InputError(
            f"file too large (the limit is {limit_bytes / MB:.0f} MiB)", file=str(path), key=key
        )
    if b"\x00" in raw:
        raise InputError("binary content (NUL bytes): expected a text file", file=str(path))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 text (undecodable byte at offset {exc.start}); save the file as UTF-8",
            file=str(path),
            key=key,
        ) from None
    return text.removeprefix(_BOM)
