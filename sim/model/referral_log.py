"""Every referral of a replication as compact numeric columns, in arrival order.

A referral is written here when it arrives and completed when triage decides on it, so no
object stays behind once triage is done (most referrals end there): 20 bytes a referral
(one byte for each index and the flag, eight for each day) instead of a Python object of
about 200. Days are simulated days.
"""

from __future__ import annotations

from array import array

import numpy as np

NAN = float("nan")


class ReferralLog:
    """Columns: category and true risk (indices), referral day, and once triaged the triaged
    risk (-1 before), triage day (nan before) and whether it became a police case."""

    __slots__ = ("category", "true_risk", "triaged_risk", "referral_day", "triage_day", "is_case")

    def __init__(self, codes: int = 127) -> None:
        """``codes``: the most categories or risk levels an index must tell apart; up to 127
        an index takes one byte (int8), more take four (int32)."""
        index = "b" if codes <= 127 else "i"
        self.category = array(index)
        self.true_risk = array(index)
        self.triaged_risk = array(index)
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
        not grow afterwards. Indices are int8 (or int32 beyond 127 codes)."""
        index = np.int8 if self.category.typecode == "b" else np.intc
        return {
            "category": np.frombuffer(self.category, dtype=index),
            "true_risk": np.frombuffer(self.true_risk, dtype=index),
            "triaged_risk": np.frombuffer(self.triaged_risk, dtype=index),
            "referral_day": np.frombuffer(self.referral_day, dtype=float),
            "triage_day": np.frombuffer(self.triage_day, dtype=float),
            "is_case": np.frombuffer(self.is_case, dtype=np.int8).view(bool),
        }
