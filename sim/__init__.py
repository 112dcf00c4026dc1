"""caseflow-sim: a discrete-event model of child-protection case handling in a police force.

The Python API mirrors the command line and returns data, never prints::

    import sim
    scenario = sim.load_scenario("scenarios/baseline.yaml", overrides={"triage.staff": 12})
    result = sim.run(scenario, replications=10, seed=2016, workers=2)
    result.summary["allocation_days_mean"]   # {"mean", "std", "ci_low", "ci_high", "n", ...}
    result.summary_frame()                    # the same as a pandas DataFrame
"""

from sim.calibrate.fitting import Calibration, calibrate
from sim.compare.comparison import compare
from sim.errors import InputError, RunError
from sim.experiment.precision import run_to_precision
from sim.experiment.runner import RunResult, run
from sim.output.results import ResultsFolder, load_results, write_results
from sim.scenario import Scenario, load_scenario, with_changes
from sim.search.definition import SearchResult
from sim.search.searcher import search
from sim.sweep.sweeper import SweepResult, sweep

__version__ = "0.1.0"

__all__ = [
    "Calibration",
    "InputError",
    "RunError",
    "ResultsFolder",
    "RunResult",
    "Scenario",
    "SearchResult",
    "SweepResult",
    "calibrate",
    "compare",
    "load_results",
    "load_scenario",
    "run",
    "run_to_precision",
    "search",
    "sweep",
    "with_changes",
    "write_results",
]
