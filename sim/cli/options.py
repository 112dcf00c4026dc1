"""Options several commands share, defined once and received as one object.

Typer reads a command's options from its function signature. A command that takes the run
settings declares one parameter whose default is an option group::

    @grouped
    def run_command(scenario: ScenarioArg, settings: RunSettings = RUN_OPTIONS, ...):

:func:`grouped` puts the group's options (``--reps``, ``--seed``, ...) in the signature
typer sees, at that parameter's place, and hands the command the object the group builds
from them (here a :class:`~sim.experiment.settings.RunSettings`). ``--help`` lists the
options as if they were written out; the command's own code stays short.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from sim.errors import InputError
from sim.experiment.settings import RunSettings


@dataclass(frozen=True)
class OptionGroup:
    """Options given together and the object made from their values."""

    options: tuple[inspect.Parameter, ...]
    build: Callable[..., Any]

    def only(self, *names: str) -> OptionGroup:
        """The same group with only the named options (the others left unset)."""
        unknown = set(names) - {p.name for p in self.options}
        if unknown:
            raise ValueError(f"no option {sorted(unknown)} in this group")
        return OptionGroup(tuple(p for p in self.options if p.name in names), self.build)

    def but(self, name: str, annotation: Any, default: Any) -> OptionGroup:
        """The same group with one option declared differently (another help or default)."""
        options = tuple(
            p.replace(annotation=annotation, default=default) if p.name == name else p
            for p in self.options
        )
        return OptionGroup(options, self.build)


def option(name: str, annotation: Any, default: Any = None) -> inspect.Parameter:
    """One option of a group: its parameter name, its typer annotation, its default."""
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def grouped(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Expand every parameter of ``fn`` whose default is an :class:`OptionGroup`."""
    signature = inspect.signature(fn, eval_str=True)
    groups = {
        name: p.default
        for name, p in signature.parameters.items()
        if isinstance(p.default, OptionGroup)
    }
    params: list[inspect.Parameter] = []
    for name, p in signature.parameters.items():
        if name in groups:
            params += groups[name].options
        else:
            params.append(p.replace(kind=inspect.Parameter.KEYWORD_ONLY))

    @functools.wraps(fn)
    def wrapper(**values: Any) -> Any:
        for name, group in groups.items():
            given = {p.name: values.pop(p.name, p.default) for p in group.options}
            values[name] = group.build(**given)
        return fn(**values)

    wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    return wrapper


# run settings ----------------------------------------------------------------------------
# option name -> RunSettings field, where they differ
_SETTINGS_FIELD = {"reps": "replications", "days": "horizon_days", "warmup": "warmup_days"}


def _run_settings(**given: Any) -> RunSettings:
    """The run options as given → a RunSettings. A flag left off (``False``) or an empty
    ``--address`` stays unset, so the scenario's or the caller's value applies."""
    return RunSettings(
        **{
            _SETTINGS_FIELD.get(name, name): None if value is False or value == "" else value
            for name, value in given.items()
        }
    )


RUN_OPTIONS = OptionGroup(
    (
        option(
            "reps",
            Annotated[
                int | None,
                typer.Option("--reps", "-r", min=1, help="Replications (default: scenario's)."),
            ],
        ),
        option(
            "seed",
            Annotated[
                int | None, typer.Option("--seed", min=0, help="Run seed (default: scenario's).")
            ],
        ),
        option(
            "days",
            Annotated[
                float | None,
                typer.Option("--days", min=0.001, help="Measured horizon after warm-up, days."),
            ],
        ),
        option(
            "warmup",
            Annotated[float | None, typer.Option("--warmup", min=0, help="Warm-up, days.")],
        ),
        option(
            "until",
            Annotated[
                str | None,
                typer.Option(
                    "--until",
                    help="Run until this date (YYYY-MM-DD) or named inspection is covered "
                    "(plus one day): sets the horizon after warm-up; not with --days.",
                    show_default=False,
                ),
            ],
        ),
        option(
            "workers",
            Annotated[
                int | None,
                typer.Option(
                    "--workers", "-w", min=1, help="Local worker processes (default: one per core)."
                ),
            ],
        ),
        option(
            "address",
            Annotated[
                str | None,
                typer.Option(
                    "--address",
                    envvar="SIM_DASK_ADDRESS",
                    help="Run on the Dask scheduler at this address (tcp://host:port) instead "
                    "of locally.",
                    show_default=False,
                ),
            ],
        ),
        option(
            "strict",
            Annotated[
                bool,
                typer.Option(
                    "--strict",
                    help="Refuse (exit 2) a scenario whose measures, inspections or surges "
                    "start after the run's end, instead of warning.",
                ),
            ],
            False,
        ),
        option(
            "allow_large",
            Annotated[
                bool,
                typer.Option(
                    "--allow-large",
                    help="Run even when the work-size estimate (referrals and events from "
                    "rates × days × replications) is over its limit.",
                ),
            ],
            False,
        ),
    ),
    _run_settings,
)
"""``--reps --seed --days --warmup --until --workers --address --strict --allow-large``
→ a RunSettings."""


def _run_from_settings(first_replication: int = 0, **run_options: Any) -> RunSettings:
    return _run_settings(**run_options).but(first_replication=first_replication)


RUN_FROM_OPTIONS = OptionGroup(
    (
        *RUN_OPTIONS.options,
        option(
            "first_replication",
            Annotated[
                int,
                typer.Option(
                    "--first-replication",
                    min=0,
                    help="Index of the first replication: with the same --seed, "
                    "--first-replication 3 --reps 1 runs replication 3 of a run alone.",
                ),
            ],
            0,
        ),
    ),
    _run_from_settings,
)
"""The run settings and ``--first-replication`` (``sim run`` only)."""


# output folder ---------------------------------------------------------------------------
@dataclass(frozen=True)
class OutputChoice:
    """``--out``, ``--force``, ``--report`` and ``--suppress-below`` as given (``out`` is
    ``None`` when not given; ``suppress_below`` is a count of cases or referrals, 0 hides
    nothing)."""

    out: Path | None
    force: bool
    report: bool = False
    suppress_below: int = 0

    def __post_init__(self) -> None:
        if self.suppress_below and not self.report:
            raise InputError("--suppress-below hides small counts in the report: add --report")


def output_options(help_text: str, force_help: str, *, required: bool = False) -> OptionGroup:
    """``--out/-o`` (with its own help), ``--force`` and ``--report`` → an
    :class:`OutputChoice`."""
    out_type = Path if required else Path | None
    out_default = inspect.Parameter.empty if required else None
    return OptionGroup(
        (
            option(
                "out",
                Annotated[out_type, typer.Option("--out", "-o", help=help_text)],
                out_default,
            ),
            option("force", Annotated[bool, typer.Option("--force", help=force_help)], False),
            option("report", Annotated[bool, typer.Option("--report", help=REPORT_HELP)], False),
            option(
                "suppress_below",
                Annotated[int, typer.Option("--suppress-below", min=0, help=SUPPRESS_HELP)],
                0,
            ),
        ),
        OutputChoice,
    )


REPORT_HELP = (
    "Also write report.html (charts and the answer in words, one self-contained page) and "
    "figures/ (SVG and PNG) into the output folder."
)
SUPPRESS_HELP = (
    "With --report: hide counts under this number (and shares computed from them) in the "
    "report's tables and figures; 0 hides nothing."
)
FORCE_HELP = "Replace an existing output folder the tool wrote (never a folder of yours)."
