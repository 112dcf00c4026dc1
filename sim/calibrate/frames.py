"""A calibration's tables as DataFrames: :class:`CalibrationFrames`, a base of
:class:`~sim.calibrate.fitting.Calibration`.

Each frame starts with ``scenario`` (the calibrated scenario's name); numbers are
``float64`` in their own unit (the KPI's, the parameter's), indices and counts integers.
pandas is imported when a frame is first asked for, not with this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

TARGET_COLUMNS = (
    "kpi", "value", "tolerance", "weight", "mean", "ci_low", "ci_high", "n", "z",
    "within_tolerance", "source",
)  # fmt: skip


def targets_frame(calibration: Any) -> pd.DataFrame:
    """One row per target at the best point: target ``value`` ± ``tolerance``, its
    ``weight``, the fitted ``mean`` with its interval, ``n`` replications, ``z`` (the
    miss in tolerances), ``within_tolerance`` (bool) and the target's ``source``."""
    from sim.experiment.frames import table_frame

    frame = table_frame(
        calibration.table,
        TARGET_COLUMNS,
        calibration.scenario.name,
        ints=["n"],
        keep=["kpi", "within_tolerance", "source"],
    )
    return frame.astype({"within_tolerance": bool})


def history_frame(calibration: Any) -> pd.DataFrame:
    """One row per evaluation: ``evaluation``, each free parameter's value, the
    ``objective`` and each target KPI's mean (and ``error`` where the scenario was refused)."""
    columns = [
        "evaluation",
        *(p.path for p in calibration.free),
        "objective",
        *dict.fromkeys(t.kpi for t in calibration.targets),
    ]
    if any("error" in h for h in calibration.history):
        columns.append("error")
    from sim.experiment.frames import table_frame

    return table_frame(
        calibration.history,
        columns,
        calibration.scenario.name,
        ints=["evaluation"],
        keep=["error"],
    )


class CalibrationFrames:
    """The DataFrame methods of a :class:`~sim.calibrate.fitting.Calibration`."""

    def targets_frame(self) -> pd.DataFrame:
        """The targets at the best point, one row each (see :func:`targets_frame`)."""
        return targets_frame(self)

    def history_frame(self) -> pd.DataFrame:
        """Every evaluation, one row each (see :func:`history_frame`)."""
        return history_frame(self)
