"""A replication that raised, named so that it can be run again alone.

Replication ``index`` of a run seeded ``seed`` draws from
``SeedSequence(seed).spawn(index + 1)[index]`` (:func:`sim.model.replication_seed`), so
``--seed SEED --first-replication INDEX --reps 1`` runs exactly that replication again.
"""

from __future__ import annotations

from sim.errors import RunError


class ReplicationError(RunError):
    """Replication ``index`` of scenario ``scenario`` (run seed ``seed``) raised ``detail``.

    Raised in the worker that ran it, so it pickles through its constructor's arguments.
    """

    def __init__(self, index: int, seed: int, scenario: str, detail: str) -> None:
        super().__init__(index, seed, scenario, detail)
        self.index = index
        self.seed = seed
        self.scenario = scenario
        self.detail = detail

    def __str__(self) -> str:
        return (
            f"replication {self.index} (run seed {self.seed}) of scenario {self.scenario!r} "
            f"failed: {self.detail}"
        )
