"""The model's vocabulary: where a case is, what work it needs, which officers, which risk.

Risk levels are listed highest first in a scenario, and the model keeps a risk level as its
index in that list: index 0 is the highest risk, and a lower index is served first
everywhere a queue has priorities (triage, allocation, an officer's work, warrants).
"""

from __future__ import annotations

from enum import IntEnum

HIGHEST_RISK = 0
"""Index of the highest risk level; lower indices go first in every priority queue."""


class Stage(IntEnum):
    """Where an open police case is (a referral still in triage is not a case yet)."""

    ALLOCATION = 0  # waiting for an investigating officer
    OFFICER = 1  # with an officer: work queued or in progress
    WARRANT = 2  # in the warrant pipeline (authorisation, court, execution, forensics)
    EXTERNAL = 3  # waiting on others while the officer still holds it
    CLOSED = 4
    NEW = 5  # created, not yet queued (counted nowhere)


OPEN_STAGES = (Stage.ALLOCATION, Stage.OFFICER, Stage.WARRANT, Stage.EXTERNAL)


class Chunk(IntEnum):
    """A piece of officer work on a case, in the order it is done.

    The value is also its priority among one officer's cases of the same risk: safeguarding
    before a warrant application before investigation.
    """

    SAFEGUARDING = 0
    APPLICATION = 1
    INVESTIGATION = 2


class Group(IntEnum):
    """The two kinds of investigating officer; trained detectives are allocated first."""

    TRAINED = 0
    UNTRAINED = 1

    @property
    def label(self) -> str:
        """The scenario's name of the group (``officers.trained``, ``officers.untrained``)."""
        return self.name.lower()
