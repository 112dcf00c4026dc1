"""Handing the memory of a finished model back to the operating system.

A finished model is cyclic garbage that Python frees only at its next full collection,
and even then the C allocator (glibc's malloc) keeps freed pages for later use, so the
process's resident memory does not fall, and what is built afterwards (the case table,
the KPIs) is added on top. :func:`release_memory` collects the garbage and asks glibc to
return its free pages (``malloc_trim``). Elsewhere than on glibc only the collection is
done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable
from functools import cache

COLLECT_AFTER_CASES = 20_000
"""From this many police cases on, a finished model is released at once (about 1 KB a
case); below it the collection would cost more time than it saves memory."""


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where there is no such function."""
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


def release_memory(cases: int, *, collect: bool = True) -> bool:
    """Free unreachable objects (unless ``collect`` is false: nothing cyclic was dropped)
    and return free heap pages to the system, when the run had at least
    :data:`COLLECT_AFTER_CASES` police ``cases``; returns whether it did."""
    if cases < COLLECT_AFTER_CASES:
        return False
    if collect:
        gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
    return True
