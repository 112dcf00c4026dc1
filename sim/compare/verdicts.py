"""The verdicts of a comparison and the marks that stand for them in the overview matrix."""

from __future__ import annotations

BETTER = "better"
WORSE = "worse"
NO_DIFFERENCE = "no detectable difference"
NO_DIRECTION = "n/a (no better direction)"
TOO_FEW = "n/a (too few replications)"

MARKS = {BETTER: "▲", WORSE: "▼", NO_DIFFERENCE: "·"}
