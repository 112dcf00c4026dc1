"""How to run replications: one settings object every entry point takes.

``sim.run``, ``sim.run_to_precision``, ``sim.compare``, ``sim.sweep``, ``sim.calibrate``,
``sim verify`` and the commands all take a :class:`RunSettings`; keyword arguments with
the same names are a shorthand for one (``sim.run(sc, replications=5, workers=2)``). A field
left ``None`` falls back to the scenario's ``run:`` section (replications, seed, horizon,
warm-up, case log) or, for ``workers``, to one local process per core. Results never depend
on where replications run (workers, address, executor): only on the scenario, the seed and
the replication indices.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sim.experiment.executors import Executor, default_workers, make_executor
from sim.scenario.changes import with_changes
from sim.scenario.schema import Scenario

Progress = Callable[[int, int], None]
"""``progress(done, total)``: called as work units (replications, runs) finish."""


@dataclass(frozen=True)
class RunSettings:
    """Replications, seed, period and where they run (``None``: the scenario's or default)."""

    replications: int | None = None
    seed: int | None = None
    horizon_days: float | None = None
    warmup_days: float | None = None
    case_log: bool | None = None
    workers: int | None = None  # local processes; None: one per core, 1: this process
    address: str | None = None  # a Dask scheduler, tcp://host:port
    executor: Executor | None = None  # any object with map_indexed (tests, custom clusters)
    progress: Progress | None = None
    first_replication: int = 0  # index of the first replication (to extend a run)
    allow_large: bool | None = None  # run even if the work-size estimate is over its limit

    @classmethod
    def merge(
        cls, settings: RunSettings | None = None, options: Mapping[str, Any] | None = None
    ) -> RunSettings:
        """``settings`` (or the defaults) with the non-``None`` keyword ``options`` over it.

        Raises ``TypeError`` for a keyword that is not a field, as Python does for a
        misspelt argument.
        """
        base = settings if settings is not None else cls()
        options = dict(options or {})
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(options) - names)
        if unknown:
            raise TypeError(
                f"unexpected keyword argument {unknown[0]!r} (run settings are: "
                f"{', '.join(sorted(names))})"
            )
        given = {k: v for k, v in options.items() if v is not None}
        return dataclasses.replace(base, **given) if given else base

    def fill(self, defaults: RunSettings) -> RunSettings:
        """These settings, with every unset (``None``) field taken from ``defaults``."""
        given = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if getattr(self, f.name) is not None
        }
        return dataclasses.replace(defaults, **given)

    def but(self, **changes: Any) -> RunSettings:
        """A copy with ``changes`` (``None`` values included, unlike :meth:`merge`)."""
        return dataclasses.replace(self, **changes)

    def apply(self, scenario: Scenario) -> Scenario:
        """``scenario`` with its ``run:`` section replaced where these settings say, so the
        results record the settings they ran with."""
        changes = {
            f"run.{name}": getattr(self, name)
            for name in ("replications", "seed", "horizon_days", "warmup_days", "case_log")
            if getattr(self, name) is not None
        }
        return with_changes(scenario, changes, source="run settings")

    def make_executor(self) -> Executor:
        """The executor these settings name: given, Dask, local processes or serial."""
        return self.executor or make_executor(self.workers, self.address)

    @property
    def worker_count(self) -> int:
        """Local worker processes these settings use (ignoring a Dask address)."""
        return default_workers() if self.workers is None else max(1, self.workers)

    def executor_label(self) -> str:
        """Where replications run, in words, for manifests."""
        if self.executor is not None:
            return type(self.executor).__name__
        if self.address:
            return f"dask ({self.address})"
        n = self.worker_count
        return "serial" if n <= 1 else f"local processes ({n})"
