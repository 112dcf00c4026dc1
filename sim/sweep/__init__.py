"""Sensitivity sweeps: designs, resumable runs, sensitivity measures and sweep files."""

from sim.sweep.sweeper import SweepResult, sweep

__all__ = ["SweepResult", "sweep"]
