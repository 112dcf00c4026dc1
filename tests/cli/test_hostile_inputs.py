"""Hostile inputs through the real command line: each ends with exit status 2, exactly one
line on stderr naming the file (and the key or line where there is one), no traceback, and
nothing written or deleted in the working folder or beside the inputs.

The committed corpus is ``tests/data/hostile/`` (see ``hostile_cases.py``); inputs that are
big, binary, FIFOs, devices or symbolic-link loops are made here, in ``tmp_path``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli.app import app
from tests.cli.hostile_cases import FILE_CASES, Case
from tests.processes import sim_cmd

DATA = Path(__file__).resolve().parents[1] / "data"
HOSTILE = DATA / "hostile"
SMALL = DATA / "small.yaml"
runner = CliRunner()


def listing(*folders: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``folders``, files with their size and modification time
    (a folder's own time changes when a lock file comes and goes: not a leftover)."""
    out = {}
    for folder in folders:
        for path in [folder, *folder.rglob("*")]:
            info = path.lstat()
            out[str(path)] = (0, 0) if path.is_dir() else (info.st_size, info.st_mtime_ns)
    return out


def expand(args: tuple[str, ...], made: Path) -> list[str]:
    return [a.format(H=HOSTILE, S=SMALL, T=made) for a in args]


def check_refused(
    args: list[str], names: tuple[str, ...], work: Path, watched: tuple[Path, ...]
) -> None:
    """Run ``sim ARGS`` in ``work``; assert a clean refusal that leaves everything as it was."""
    before = listing(work, *watched)
    cwd = os.getcwd()
    os.chdir(work)
    try:
        result = runner.invoke(app, args)
    finally:
        os.chdir(cwd)
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.stdout)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.stderr + result.stdout
    assert len(lines) == 1, lines
    for name in names:
        assert name in lines[0], (name, lines[0])
    assert listing(work, *watched) == before


@pytest.fixture
def work(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "keep.txt").write_text("a user's file\n")
    return folder


@pytest.mark.parametrize("case", FILE_CASES, ids=[c.id for c in FILE_CASES])
def test_committed_hostile_input_is_refused_cleanly(case: Case, work: Path, tmp_path: Path):
    check_refused(expand(case.args, tmp_path), case.names, work, (HOSTILE, DATA / "small.yaml"))


# inputs made at run time ------------------------------------------------------------------
def _scenario_with_backlog(folder: Path, csv_name: str) -> Path:
    path = folder / f"with_{csv_name}.yaml"
    path.write_text(f"extends: {SMALL}\ninitial_backlog: {csv_name}\n")
    return path


def _make(kind: str, folder: Path) -> tuple[list[str], tuple[str, ...]]:
    """Make the input ``kind`` in ``folder``; the command line and what its error names."""
    if kind == "big-yaml":
        path = folder / "big.yaml"
        with path.open("w") as f:
            f.write("name: big\n")
            f.write(("# " + "x" * 98 + "\n") * 110_000)  # 11 MB of comments
        return ["validate", str(path)], ("big.yaml", "too large", "10 MiB")
    if kind == "big-csv":
        path = folder / "big.csv"
        with path.open("wb") as f:
            f.truncate(201 * 1024 * 1024)  # sparse: nothing is written
        sc = _scenario_with_backlog(folder, "big.csv")
        return ["run", str(sc), "--reps", "1"], ("big.csv", "too large", "200 MiB")
    if kind == "binary-csv":
        (folder / "bin.csv").write_bytes(b"category,risk\n\x00\xff\x00")
        sc = _scenario_with_backlog(folder, "bin.csv")
        return ["validate", str(sc)], ("bin.csv", "binary")
    if kind == "latin1-csv":
        (folder / "l1.csv").write_bytes(
            "category,risk,stage,count\nfamili\xe9,low,allocation,1\n".encode("latin-1")
        )
        sc = _scenario_with_backlog(folder, "l1.csv")
        return ["run", str(sc), "--reps", "1"], ("l1.csv", "UTF-8")
    if kind.startswith("binary-"):
        path = folder / "binary.yaml"
        path.write_bytes(b"name: x\n\x00\x01\x02\xff\xfe" + bytes(range(256)))
        return _command_for(kind.removeprefix("binary-"), path), ("binary.yaml", "binary")
    if kind.startswith("latin1-"):
        path = folder / "latin1.yaml"
        path.write_bytes(f"extends: {SMALL}\ndescription: caf\xe9 cr\xe8me\n".encode("latin-1"))
        return _command_for(kind.removeprefix("latin1-"), path), ("latin1.yaml", "UTF-8")
    if kind == "device":
        return ["validate", "/dev/null"], ("/dev/null", "device")
    if kind == "folder":
        (folder / "adir").mkdir()
        return ["run", str(folder / "adir"), "--reps", "1"], ("adir", "folder")
    if kind == "symlink-loop":
        (folder / "loop.yaml").symlink_to(folder / "loop.yaml")
        return ["validate", str(folder / "loop.yaml")], ("loop.yaml", "loop")
    if kind == "extends-symlink-loop":
        (folder / "a.yaml").write_text("extends: link.yaml\nname: a\n")
        (folder / "link.yaml").symlink_to(folder / "a.yaml")
        return ["run", str(folder / "a.yaml"), "--reps", "1"], ("a.yaml", "extends", "loops")
    if kind == "nested-5000":
        path = folder / "nested.yaml"
        path.write_text("name: " + "[" * 5000 + "]" * 5000 + "\n")
        return ["warmup", str(path)], ("nested.yaml", "nesting")
    raise AssertionError(kind)


def _command_for(command: str, path: Path) -> list[str]:
    return {
        "validate": ["validate", str(path)],
        "run": ["run", str(path), "--reps", "1"],
        "targets": ["calibrate", str(SMALL), "--targets", str(path), "--out", "cal"],
        "sweep": ["sweep", str(path), "--vary", "triage.staff=1:3"],
        "compare": ["compare", str(SMALL), str(path), "--reps", "1"],
    }[command]


MADE = [
    "big-yaml",
    "big-csv",
    "binary-validate",
    "binary-run",
    "binary-targets",
    "binary-sweep",
    "binary-compare",
    "latin1-validate",
    "latin1-run",
    "latin1-targets",
    "binary-csv",
    "latin1-csv",
    "device",
    "folder",
    "symlink-loop",
    "extends-symlink-loop",
    "nested-5000",
]


@pytest.mark.parametrize("kind", MADE)
def test_made_hostile_input_is_refused_cleanly(kind: str, work: Path, tmp_path: Path):
    made = tmp_path / "inputs"
    made.mkdir()
    args, names = _make(kind, made)
    check_refused(args, names, work, (made,))


# results folders given to compare -----------------------------------------------------------
@pytest.fixture(scope="module")
def results_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("results") / "small"
    args = ["run", str(SMALL), "--reps", "2", "--days", "30", "--warmup", "0", "-w", "1"]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _tamper(folder: Path, how: str) -> str:
    """Spoil one file of a copied results folder; the name of the file spoilt."""
    reps = folder / "replications.csv"
    lines = reps.read_text().splitlines()
    header, first = lines[0].split(","), lines[1].split(",")
    if how in ("inf", "nan", "-inf", "text"):
        first[1] = {"inf": "inf", "nan": "nan", "-inf": "-Infinity", "text": "lots"}[how]
        reps.write_text("\n".join([",".join(header), ",".join(first), *lines[2:]]) + "\n")
        return "replications.csv"
    if how == "binary-csv":
        reps.write_bytes(b"replication,x\n0,\x00\xff\n")
        return "replications.csv"
    if how == "nan-json":
        summary = folder / "summary.json"
        summary.write_text(summary.read_text().replace('"mean": ', '"mean": NaN, "x": ', 1))
        return "summary.json"
    if how == "latin1-json":
        (folder / "manifest.json").write_bytes('{"seed": 1, "x": "caf\xe9"}'.encode("latin-1"))
        return "manifest.json"
    raise AssertionError(how)


@pytest.mark.parametrize(
    "how", ["inf", "nan", "-inf", "text", "binary-csv", "nan-json", "latin1-json"]
)
def test_tampered_results_folder_is_refused_by_compare(
    how: str, results_folder: Path, work: Path, tmp_path: Path
):
    copy = tmp_path / "inputs" / "tampered"
    shutil.copytree(results_folder, copy)
    spoilt = _tamper(copy, how)
    check_refused(["compare", str(results_folder), str(copy)], ("tampered", spoilt), work, (copy,))


# a FIFO is refused without being opened (opening it would wait for a writer for ever) -------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("role", ["validate", "run", "backlog", "targets", "sweep"])
def test_fifo_is_refused_at_once(role: str, work: Path, tmp_path: Path):
    made = tmp_path / "inputs"
    made.mkdir()
    fifo = made / ("fifo.csv" if role == "backlog" else "fifo.yaml")
    os.mkfifo(fifo)
    args = {
        "validate": ["validate", str(fifo)],
        "run": ["run", str(fifo), "--reps", "1"],
        "backlog": ["validate", str(_scenario_with_backlog(made, "fifo.csv"))],
        "targets": ["calibrate", str(SMALL), "--targets", str(fifo), "--out", "cal"],
        "sweep": ["sweep", str(fifo), "--vary", "triage.staff=1:3"],
    }[role]
    before = listing(work, made)
    p = sim_cmd(*args, cwd=work, timeout=60)  # the timeout fails the test if it hangs
    lines = p.stderr.strip().splitlines()
    assert p.returncode == 2, p.stderr
    assert len(lines) == 1 and "fifo" in lines[0] and "FIFO" in lines[0], lines
    assert "Traceback" not in p.stderr
    assert listing(work, made) == before


# what must still work ----------------------------------------------------------------------
def test_validate_checks_every_file_and_reports_each(work: Path):
    bad = [HOSTILE / "scenarios" / n for n in ("referrals_inf.yaml", "deep_nesting.yaml")]
    result = runner.invoke(app, ["validate", str(SMALL), *map(str, bad), str(SMALL)])
    assert result.exit_code == 2
    assert result.stdout.count("ok ") == 2
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2 and "referrals_inf.yaml" in errors[0]
    assert "deep_nesting.yaml" in errors[1] and "Traceback" not in result.output


def test_byte_order_marks_are_accepted(tmp_path: Path):
    (tmp_path / "backlog.csv").write_bytes(
        "\ufeffcategory,risk,stage,count,age_days\nfamily,low,allocation,4,10\n".encode()
    )
    scenario = tmp_path / "bom.yaml"
    text = SMALL.read_text().replace("name: small", "name: bom")
    scenario.write_bytes(("\ufeff" + text + "initial_backlog: backlog.csv\n").encode())
    result = runner.invoke(app, ["validate", str(scenario)])
    assert result.exit_code == 0, result.output
    assert "ok" in result.stdout and "bom" in result.stdout


def test_allow_large_lets_a_big_run_through_validation(tmp_path: Path):
    big = HOSTILE / "scenarios" / "timeseries_tiny.yaml"
    refused = runner.invoke(app, ["validate", str(big)])
    allowed = runner.invoke(app, ["validate", str(big), "--allow-large"])
    assert refused.exit_code == 2 and "--allow-large" in refused.stderr
    assert allowed.exit_code == 0, allowed.output
