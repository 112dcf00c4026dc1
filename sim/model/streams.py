"""Named random streams for one replication.

Each random process (arrivals of one category, triage, officers' work, ...) draws from its
own numpy ``Generator``, derived from the run seed, the replication index and a stable hash
of the stream's name. Replication r of two scenarios therefore sees the same numbers in the
same process (common random numbers), even when the scenarios differ in other processes,
and results never depend on the number of workers.
"""

from __future__ import annotations

import zlib

import numpy as np

from sim.model.blocks import BlockStream, UniformBlocks


def replication_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """The ``SeedSequence`` of replication ``replication`` of a run seeded with ``seed``."""
    return np.random.SeedSequence(seed).spawn(replication + 1)[replication]


class Streams:
    """Lazily created, independent generators keyed by name."""

    def __init__(self, seed_sequence: np.random.SeedSequence) -> None:
        self._root = seed_sequence
        self._streams: dict[str, np.random.Generator] = {}
        self._blocks: dict[str, BlockStream | UniformBlocks] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        rng = self._streams.get(name)
        if rng is None:
            key = (*self._root.spawn_key, zlib.crc32(name.encode("utf-8")))
            child = np.random.SeedSequence(self._root.entropy, spawn_key=key)
            rng = np.random.Generator(np.random.PCG64(child))
            self._streams[name] = rng
        return rng

    def blocks(self, name: str) -> BlockStream:
        """The stream ``name`` handing out variates from blocks (see :mod:`sim.model.blocks`);
        every draw from that stream must then go through it."""
        stream = self._blocks.get(name)
        if stream is None:
            stream = self._blocks[name] = BlockStream(self[name])
        assert isinstance(stream, BlockStream)
        return stream

    def uniforms(self, name: str) -> UniformBlocks:
        """The stream ``name`` handing out uniforms a fixed number at a time, from blocks."""
        stream = self._blocks.get(name)
        if stream is None:
            stream = self._blocks[name] = UniformBlocks(self[name])
        assert isinstance(stream, UniformBlocks)
        return stream
