"""Calibration: fit free scenario parameters to target KPI values."""

from sim.calibrate.fitting import Calibration, calibrate

__all__ = ["Calibration", "calibrate"]
