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

from sim.errors import InputError
from sim.experiment.executors import Executor, default_workers, make_executor
from sim.scenario.changes import with_changes
from sim.scenario.schedule import after_end, horizon_until
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
    until: str | None = None  # a date or inspection name the run must cover (not with horizon)
    strict: bool | None = None  # refuse measures/inspections/surges after the run's end
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
        """These settings, with every unset (``None``) field taken from ``defaults``
        (but not ``defaults``' horizon when these settings name an ``until``)."""
        if self.until is not None:
            defaults = dataclasses.replace(defaults, horizon_days=None)
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
        results record the settings they ran with. ``until`` sets the horizon so the run
        covers that date or inspection (plus one day), after the warm-up is set.

        Raises :class:`~sim.errors.InputError` when both ``horizon_days`` and ``until`` are
        given, or ``until`` is not a date or inspection of the scenario.
        """
        if self.until is not None and self.horizon_days is not None:
            raise InputError("give --days or --until, not both", key="--until")
        changes = {
            f"run.{name}": getattr(self, name)
            for name in ("replications", "seed", "horizon_days", "warmup_days", "case_log")
            if getattr(self, name) is not None
        }
        scenario = with_changes(scenario, changes, source="run settings")
        if self.until is None:
            return scenario
        horizon = horizon_until(scenario, self.until)
        return with_changes(scenario, {"run.horizon_days": horizon}, source="--until")

    def schedule_warnings(self, scenario: Scenario, source: str | None = None) -> list[str]:
        """Measures, inspections and surges after the end of ``scenario`` (as these settings
        leave it); under ``strict`` the first one is an :class:`~sim.errors.InputError`."""
        messages = after_end(scenario)
        if self.strict and messages:
            more = f" (and {len(messages) - 1} more)" if len(messages) > 1 else ""
            raise InputError(messages[0] + more, file=source, key="--strict")
        return messages

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
