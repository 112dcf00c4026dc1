"""Every referral of a replication as compact numeric columns, in arrival order.

A referral is written here when it arrives and completed when triage decides on it, so no
object stays behind once triage is done (most referrals end there): about 30 bytes a
referral instead of a Python object of about 200. Days are simulated days.
"""

from __future__ import annotations

from array import array

import numpy as np

NAN = float("nan")


class ReferralLog:
    """Columns: category and true risk (indices), referral day, and once triaged the triaged
    risk (-1 before), triage day (nan before) and whether it became a police case."""

    __slots__ = ("category", "true_risk", "triaged_risk", "referral_day", "triage_day", "is_case")

    def __init__(self) -> None:
        self.category = array("i")
        self.true_risk = array("i")
        self.triaged_risk = array("i")
        self.referral_day = array("d")
        self.triage_day = array("d")
        self.is_case = array("b")

    def __len__(self) -> int:
        return len(self.referral_day)

    def add(self, category: int, true_risk: int, referral_day: float) -> int:
        """Log an arriving referral; returns its row."""
        self.category.append(category)
        self.true_risk.append(true_risk)
        self.triaged_risk.append(-1)
        self.referral_day.append(referral_day)
        self.triage_day.append(NAN)
        self.is_case.append(0)
        return len(self.referral_day) - 1

    def triaged(self, row: int, triaged_risk: int, day: float, is_case: bool) -> None:
        """Triage decided on the referral of ``row`` at ``day``."""
        self.triaged_risk[row] = triaged_risk
        self.triage_day[row] = day
        self.is_case[row] = is_case

    def arrays(self) -> dict[str, np.ndarray]:
        """The columns as numpy arrays sharing the log's memory (no copies); the log must
        not grow afterwards."""
        return {
            "category": np.frombuffer(self.category, dtype=np.intc).astype(np.int32, copy=False),
            "true_risk": np.frombuffer(self.true_risk, dtype=np.intc).astype(np.int32, copy=False),
            "triaged_risk": np.frombuffer(self.triaged_risk, dtype=np.intc).astype(
                np.int32, copy=False
            ),
            "referral_day": np.frombuffer(self.referral_day, dtype=float),
            "triage_day": np.frombuffer(self.triage_day, dtype=float),
            "is_case": np.frombuffer(self.is_case, dtype=np.int8).view(bool),
        }
