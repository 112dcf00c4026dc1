"""The optimisers a calibration can use (scipy's), on the unit box of the free parameters."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


class BudgetSpent(Exception):
    """Raised inside the objective to stop the optimiser at ``max_evals`` simulations."""


def optimise(
    fn: Callable[[np.ndarray], float], x0: np.ndarray, method: str, max_evals: int, seed: int
) -> str:
    """Run scipy's optimiser on the unit box; return why it stopped."""
    from scipy import optimize  # imported here: `import sim` stays quick

    k = len(x0)
    bounds = [(0.0, 1.0)] * k
    calls = 10 * max_evals  # cached repeats cost nothing but must not loop for ever
    try:
        if method == "nelder-mead":
            # a simplex spanning a quarter of each range, so integer steps are felt
            simplex = [x0]
            for i in range(k):
                x = x0.copy()
                x[i] += 0.25 if x0[i] <= 0.5 else -0.25
                simplex.append(x)
            res = optimize.minimize(
                fn,
                x0,
                method="Nelder-Mead",
                bounds=bounds,
                options={
                    "initial_simplex": np.array(simplex),
                    "maxfev": calls,
                    "xatol": 1e-3,
                    "fatol": 1e-3,
                },
            )
        elif method == "powell":
            res = optimize.minimize(
                fn,
                x0,
                method="Powell",
                bounds=bounds,
                options={"maxfev": calls, "xtol": 1e-3, "ftol": 1e-4},
            )
        else:
            popsize = 5
            res = optimize.differential_evolution(
                fn,
                bounds,
                seed=seed,
                popsize=popsize,
                maxiter=max(1, max_evals // (popsize * k)),
                polish=False,
                init="latinhypercube",
                x0=x0,
                tol=1e-3,
                updating="immediate",
            )
    except BudgetSpent:
        return f"stopped at the evaluation budget ({max_evals})"
    return f"optimiser finished: {res.message}"
