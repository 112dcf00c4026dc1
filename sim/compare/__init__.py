"""Scenarios against a baseline: paired differences, verdicts, targets, comparison files."""

from sim.compare.comparison import compare

__all__ = ["compare"]
