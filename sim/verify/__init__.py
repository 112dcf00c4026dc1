"""The model configured as textbook queues, checked against queueing theory (``sim verify``)."""

from sim.verify.checks import CheckResult, judge, run_checks, select_checks, tolerance
from sim.verify.textbook import (
    Check,
    exponential_hours,
    fast_checks,
    md1_checks,
    mg1_checks,
    mlognormal1_checks,
    mmc_checks,
    priority_checks,
    tandem_checks,
    textbook_scenario,
)

__all__ = [
    "Check",
    "CheckResult",
    "exponential_hours",
    "fast_checks",
    "judge",
    "md1_checks",
    "mg1_checks",
    "mlognormal1_checks",
    "mmc_checks",
    "priority_checks",
    "run_checks",
    "select_checks",
    "tandem_checks",
    "textbook_scenario",
    "tolerance",
]
