"""The case pathway as SimPy processes (no I/O, no printing, no statistics)."""

from sim.model.engine import Model, simulate
from sim.model.records import ReplicationRecords
from sim.model.streams import Streams, replication_seed

__all__ = ["Model", "ReplicationRecords", "Streams", "replication_seed", "simulate"]
