"""Command-line usage errors (a missing argument, an unknown option or command, a value out of
range) end like every other bad input: one line on stderr naming the command and the option,
exit status 2, no traceback, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli.app import app
from tests.cli.test_hostile_inputs import SMALL, check_refused
from tests.processes import sim_cmd

runner = CliRunner()


@pytest.fixture
def work(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


USAGE_ERRORS = [
    (
        ["run", str(SMALL), "--reps", "0"],
        ("sim run", "--reps", 'expected greater than or equal to 1 (got "0")'),
    ),
    (
        ["run", str(SMALL), "--reps", "many"],
        ("sim run", "--reps", "expected a valid integer", '(got "many")'),
    ),
    (["run", str(SMALL), "--days=-4"], ("sim run", "--days", "expected greater", '(got "-4")')),
    (["run"], ("sim run", "Missing argument", "scenario", "sim run --help")),
    (["run", str(SMALL), "--bogus", "1"], ("sim run", "No such option", "--bogus")),
    (["bogus"], ("sim:", "No such command", "bogus", "sim --help")),
    (["compare"], ("sim compare", "Missing argument")),
    (["sweep", str(SMALL), "--workers", "two"], ("sim sweep", "--workers")),
    (["run", str(SMALL), "--until"], ("sim run", "--until", "requires an argument")),
]


@pytest.mark.parametrize(
    "args,names", USAGE_ERRORS, ids=[" ".join(a[:1] + a[2:]) for a, _ in USAGE_ERRORS]
)
def test_usage_error_is_one_line(args: list[str], names: tuple[str, ...], work: Path):
    check_refused(args, names, work, (SMALL.parent,))


def test_usage_error_from_a_real_process_is_one_line(tmp_path: Path):
    p = sim_cmd("run", SMALL, "--reps", "0", cwd=tmp_path, timeout=60)
    assert p.returncode == 2, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert "--reps" in lines[0] and "Traceback" not in p.stderr
    assert list(tmp_path.iterdir()) == []


def test_help_and_bare_command_are_unchanged():
    shown = runner.invoke(app, ["run", "--help"])
    assert shown.exit_code == 0 and "--reps" in shown.stdout
    bare = runner.invoke(app, [])
    assert bare.exit_code == 2  # no command: the help page, as before
    assert "run" in bare.stdout and "error:" not in bare.stdout + bare.stderr


def test_unknown_option_suggests_only_close_spellings():
    typo = runner.invoke(app, ["run", str(SMALL), "--seeds", "3"])
    assert typo.exit_code == 2 and "did you mean --seed?" in typo.stderr, typo.stderr
    unknown = runner.invoke(app, ["run", str(SMALL), "--nope", "3"])
    assert unknown.exit_code == 2 and "--nope" in unknown.stderr
    assert "--force" not in unknown.stderr and "did you mean" not in unknown.stderr  # loose
