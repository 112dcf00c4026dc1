"""The case pathway as SimPy processes (no I/O, no printing, no statistics)."""

from sim.model import build  # first: chooses the compiled modules or their source  # noqa: I001

from sim.model.engine import Model, simulate
from sim.model.records import ReplicationRecords
from sim.model.streams import Streams, replication_seed

__all__ = ["build", "Model", "ReplicationRecords", "Streams", "replication_seed", "simulate"]
