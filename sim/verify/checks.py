"""Judging the textbook checks: each KPI's mean over replications against theory.

A check passes when ``|mean - theory| <= tolerance`` with::

    tolerance = t(1 - 0.05 / (2 K), n - 1) × SE + bias_rate × |theory|

``SE`` is the standard error over the ``n`` independent replications, ``K`` the number of
checks run together (a Bonferroni correction, so that the whole family has about a 5%
chance of a false failure rather than each check), and ``bias_rate`` (1%) a stated budget
for the two biases a finite run has: the empty start left after the warm-up and the waits
still unfinished at the end. Whether theory lies inside the plain 95% interval is reported
too (``in_ci``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sim.errors import InputError
from sim.experiment.runner import RunResult, run
from sim.experiment.settings import RunSettings
from sim.scenario.schema import Scenario
from sim.verify.textbook import Check, fast_checks

BIAS_RATE = 0.01
FAMILY_LEVEL = 0.95
DEFAULT_SEED = 2016


@dataclass(frozen=True)
class CheckResult:
    name: str
    queue: str
    quantity: str
    kpi: str
    theory: float
    mean: float
    ci_low: float
    ci_high: float
    n: int
    tolerance: float
    in_ci: bool
    passed: bool

    @property
    def relative_error(self) -> float:
        return (self.mean - self.theory) / self.theory if self.theory else math.nan

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "queue": self.queue,
            "quantity": self.quantity,
            "kpi": self.kpi,
            "theory": self.theory,
            "mean": self.mean,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "n": self.n,
            "tolerance": self.tolerance,
            "relative_error": self.relative_error,
            "in_ci": self.in_ci,
            "passed": self.passed,
        }


def tolerance(values_std: float | None, n: int, theory_value: float, family_size: int) -> float:
    """Allowed ``|mean - theory|``: a Bonferroni t-interval plus the stated bias budget."""
    from scipy import stats as sps  # lazily: seconds of CLI start-up

    bias = BIAS_RATE * abs(theory_value)
    if values_std is None or n < 2:
        return bias
    q = 1.0 - (1.0 - FAMILY_LEVEL) / (2.0 * max(1, family_size))
    return float(sps.t.ppf(q, n - 1)) * values_std / math.sqrt(n) + bias


def judge(check: Check, result: RunResult, family_size: int) -> CheckResult:
    """Compare one check's KPI over the replications of ``result`` with theory."""
    s = result.summary[check.kpi]
    mean = math.nan if s["mean"] is None else float(s["mean"])
    lo = math.nan if s["ci_low"] is None else float(s["ci_low"])
    hi = math.nan if s["ci_high"] is None else float(s["ci_high"])
    tol = tolerance(s["std"], int(s["n"]), check.theory, family_size)
    return CheckResult(
        name=check.name,
        queue=check.queue,
        quantity=check.quantity,
        kpi=check.kpi,
        theory=check.theory,
        mean=mean,
        ci_low=lo,
        ci_high=hi,
        n=int(s["n"]),
        tolerance=tol,
        in_ci=bool(lo <= check.theory <= hi),
        passed=bool(abs(mean - check.theory) <= tol),
    )


def run_checks(
    checks: Sequence[Check],
    settings: RunSettings | None = None,
    *,
    family_size: int | None = None,
) -> list[CheckResult]:
    """Run each distinct scenario of ``checks`` once and judge every check.

    ``settings`` say where to run and the seed (default 2016; each check's scenario sets its
    own replications and period); ``settings.progress(done, total)`` is called after each
    scenario. ``family_size`` is the number of checks the Bonferroni correction covers
    (default: these checks). Returns one result per check, in order; never prints.
    """
    settings = settings or RunSettings()
    seed = settings.seed if settings.seed is not None else DEFAULT_SEED
    where = settings.but(seed=seed, progress=None)
    scenarios: dict[str, Scenario] = {}
    for check in checks:
        scenarios.setdefault(check.scenario.name, check.scenario)
    results: dict[str, RunResult] = {}
    for i, (name, sc) in enumerate(scenarios.items(), start=1):
        results[name] = run(sc, where)
        if settings.progress is not None:
            settings.progress(i, len(scenarios))
    family = family_size if family_size is not None else len(checks)
    return [judge(c, results[c.scenario.name], family) for c in checks]


def select_checks(only: Sequence[str] | None = None) -> list[Check]:
    """The fast checks, or those whose name starts with one of ``only``."""
    checks = fast_checks()
    if not only:
        return checks
    chosen = [c for c in checks if c.name.startswith(tuple(only))]
    if not chosen:
        names = ", ".join(c.name for c in checks)
        raise InputError(f"no check starts with {only[0]!r} (checks: {names})", key="--only")
    return chosen
