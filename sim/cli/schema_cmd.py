"""`sim schema`: the JSON Schema of the scenario format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import err_console, handle_errors
from sim.scenario.json_schema import scenario_json_schema

EXAMPLES = """
Examples:

  sim schema > scenario.schema.json

  sim schema --out .vscode/scenario.schema.json

  sim schema --markdown > docs/parameters.md

  sim schema --levers > docs/levers.schema.json

Point your editor's YAML extension at the file to complete and check scenario files.
"""


@handle_errors
def schema_command(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
    markdown: Annotated[
        bool,
        typer.Option("--markdown", help="A Markdown table of every parameter instead."),
    ] = False,
    levers: Annotated[
        bool,
        typer.Option("--levers", help="The JSON Schema of levers files (sim search) instead."),
    ] = False,
) -> None:
    """Print the JSON Schema of the scenario format (or a parameter table)."""
    if levers:
        from sim.search.levers import levers_schema_text

        text = levers_schema_text()
    elif markdown:
        from sim.scenario.reference import parameters_markdown

        text = parameters_markdown()
    else:
        text = json.dumps(scenario_json_schema(), indent=2) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        err_console.print(f"wrote {out}", highlight=False)
