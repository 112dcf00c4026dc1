"""The `sim` command: one module per command, registered here."""

from __future__ import annotations

import typer

from sim.cli import (
    app_cmd,
    calibrate_cmd,
    compare_cmd,
    describe_cmd,
    report_cmd,
    run_cmd,
    schema_cmd,
    search_cmd,
    sweep_cmd,
    validate_cmd,
    verify_cmd,
    warmup_cmd,
)
from sim.cli.usage_errors import OneLineErrorsGroup

app = typer.Typer(
    name="sim",
    cls=OneLineErrorsGroup,
    help="Simulate child-protection case handling in a police force and test emergency measures.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)


def register(name: str, fn, examples: str = "") -> None:
    """Add a command, with its examples at the end of its --help."""
    app.command(name, epilog=examples.strip() if examples else None)(fn)


register("run", run_cmd.run_command, run_cmd.EXAMPLES)
register("validate", validate_cmd.validate_command, validate_cmd.EXAMPLES)
register("schema", schema_cmd.schema_command, schema_cmd.EXAMPLES)
register("compare", compare_cmd.compare_command, compare_cmd.EXAMPLES)
register("calibrate", calibrate_cmd.calibrate_command, calibrate_cmd.EXAMPLES)
register("sweep", sweep_cmd.sweep_command, sweep_cmd.EXAMPLES)
register("verify", verify_cmd.verify_command, verify_cmd.EXAMPLES)
register("warmup", warmup_cmd.warmup_command, warmup_cmd.EXAMPLES)
register("describe", describe_cmd.describe_command, describe_cmd.EXAMPLES)
register("report", report_cmd.report_command, report_cmd.EXAMPLES)
register("search", search_cmd.search_command, search_cmd.EXAMPLES)
register("app", app_cmd.app_command, app_cmd.EXAMPLES)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
