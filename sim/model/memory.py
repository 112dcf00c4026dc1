"""Handing the memory of a finished model back to the operating system.

A finished model is cyclic garbage that Python frees only at its next full collection,
and even then the C allocator (glibc's malloc) keeps freed pages for later use, so the
process's resident memory does not fall, and what is built afterwards (the case table,
the KPIs) is added on top. :func:`release_memory` collects the garbage and asks glibc to
return its free pages (``malloc_trim``). Elsewhere than on glibc only the collection is
done.

Large arrays are another matter: glibc maps each block of 128 KiB or more on its own and
unmaps it when freed, but once such a block is freed it raises that bound to the block's
size, so from then on the arrays of the case table and the KPIs (about 1 MB each in a
10-year baseline) come from the heap, where the space they leave is kept, scattered
between live blocks. :func:`keep_large_blocks_mapped` fixes the bound, so every large
array's memory goes back to the system the moment it is freed.

Small objects are a third matter: Python's small-object allocator gives back a 1 MiB arena
only when every object in it is freed, so an object made during a run and kept after it
(a record, a cache entry, a module imported on first use) keeps the arena around it, and
the freed model's memory there, from the system. Code that runs during a replication
must therefore keep nothing small it makes: results go into buffers made before the run
(:class:`~sim.model.case_columns.ClosedCases`), and the modules numpy imports on first use
are imported here, with the model. At 2c5ce5e a 10-year baseline kept 42 of the 47
arenas its run had added once the model was freed (resident memory 120.1 MB, against
123.1 at the end of the run); since 7dfea04 it keeps 22 to 26 (102.9 MB at 73f030a).
Dropping every part of the harvest frees 7 of those; what holds the rest is not traced.

While a model runs, Python's cyclic collector is paused (:func:`cyclic_collector_paused`).
A running model makes next to no cyclic garbage: reference counting frees its events,
tuples and closures as it goes (a 10-year baseline run with the collector paused left
317 objects for it to find). But the collector, counting allocations, still walked the
model's live objects again and again: 13 to 16% of a replication's time (0.68 of 4.37
CPU seconds for a 1-year baseline, 4.1 of 29.5 for a 10-year one, 1.50 of 11.4 at the
baseline's own horizon). ``simulate`` keeps it
paused until the finished model has been collected: turned on at the end of the run, the
collector's first pass would walk the whole model once more, just before
:func:`release_memory` does.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

# numpy imports these on first use: numpy.random at a replication's first stream, numpy.ma at
# its first inspection (np.percentile); imported during a run, their objects would keep
# arenas of the freed model (see "Small objects" above)
import numpy.ma  # noqa: F401
import numpy.random  # noqa: F401

COLLECT_AFTER_CASES = 20_000
"""From this many police cases on, a finished model is released at once (about 1 KB a
case); below it the collection would cost more time than it saves memory."""


def _libc_function(name: str) -> Callable[..., int] | None:
    """The C library's function ``name``, or None where there is no such function."""
    library = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(library), name) if library else None
    except (OSError, AttributeError):
        return None


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where there is no such function."""
    return _libc_function("malloc_trim")


@contextmanager
def cyclic_collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector inside the block, and turn it back on after
    (even when the block raises) if it was on before. Reference counting goes on freeing
    what has no cycles; cyclic garbage made inside waits for the next collection."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


MMAP_THRESHOLD_BYTES = 128 * 1024
"""Blocks of at least this many bytes are mapped on their own (glibc's starting bound)."""
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number, from glibc's malloc.h


@cache
def keep_large_blocks_mapped() -> bool:
    """Fix glibc's bound for mapping blocks on their own at :data:`MMAP_THRESHOLD_BYTES`,
    once per process (see the module docstring); returns whether it was set (false where
    there is no glibc ``mallopt``)."""
    mallopt = _libc_function("mallopt")
    return mallopt is not None and mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1


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
