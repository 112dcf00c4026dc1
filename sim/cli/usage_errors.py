"""Command-line usage errors (a missing argument, an unknown option, `--reps 0`) on one line.

Typer draws these as a usage line, a hint and a boxed panel. The tool's other input errors
are one line naming what was wrong (``error: FILE: KEY: expected ...``), exit status 2; this
group class gives usage errors the same shape: ``error: sim run: --reps: ... (see 'sim run
--help')``. Everything else (help pages, a command's own exit status, Ctrl-C) behaves as
Typer's standalone mode does.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperGroup

from sim.cli.common import print_error
from sim.errors import close_spellings

try:  # Typer 0.29 and later carry their own copy of Click
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - earlier Typer raises Click's own exceptions
    from click import exceptions as click_errors


def one_line(error: click_errors.ClickException, command_path: str = "sim") -> str:
    """The error as one line, after ``error:``: the command, the option or argument at
    fault, the complaint and where to look.

    ``command_path`` names the command when the error does not carry it (Click's parser
    raises some errors, such as an option given without its value, without a context).
    """
    ctx = getattr(error, "ctx", None)
    path = ctx.command_path if ctx is not None else command_path
    if isinstance(error, click_errors.NoSuchOption):
        message = _no_such_option(error)
    elif isinstance(error, click_errors.BadParameter) and not isinstance(
        error,
        click_errors.MissingParameter,  # its message already names what is missing
    ):
        hint = error.param_hint
        if hint is None and error.param is not None:
            hint = error.param.opts or error.param.name
        hint = hint if isinstance(hint, str) else "/".join(hint or ())
        complaint = _complaint(error)
        message = f"{hint}: {complaint}" if hint else complaint
    else:
        message = error.format_message()
    return f"{path}: {message} (see '{path} --help')"


def _complaint(error: click_errors.BadParameter) -> str:
    """The bad value's complaint in the words of the scenario file's errors (``expected ...
    (got "0")``, from :func:`~sim.scenario.validation.validation_message`) when Typer
    raised it from a validation error, else Typer's own message."""
    errors = getattr(error.__cause__, "errors", None)
    details = errors() if callable(errors) else None
    if not details:
        return error.message
    from sim.scenario.validation import validation_message  # only when there is an error

    return validation_message(details[0])[1]


def _no_such_option(error: click_errors.NoSuchOption) -> str:
    """The unknown option, and only the options spelt closely enough to be what was meant
    (Click offers loose matches, such as ``--force`` for ``--nope``)."""
    close = close_spellings(error.option_name, error.possibilities or (), n=3)
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    return f"{error.message}{hint}"


class OneLineErrorsGroup(TyperGroup):
    """Typer's group, printing usage errors as one line with exit status 2."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            outcome = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click_errors.NoArgsIsHelpError:
            sys.exit(2)  # Typer has already printed the help page
        except click_errors.ClickException as error:
            print_error(one_line(error, self._command_path(prog_name, args)))
            sys.exit(error.exit_code)
        except typer.Abort:
            typer.echo("Aborted!", err=True)
            sys.exit(1)
        # Without standalone mode Typer returns the exit status a command raised, if any.
        sys.exit(outcome if isinstance(outcome, int) else 0)

    def _command_path(self, prog_name: str | None, args: Sequence[str] | None) -> str:
        """``sim`` and the command named on the command line, if it is one of ours."""
        words = list(sys.argv[1:] if args is None else args)
        path = prog_name or self.name or "sim"
        return f"{path} {words[0]}" if words and words[0] in self.commands else path
