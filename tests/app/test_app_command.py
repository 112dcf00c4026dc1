"""`sim app`: the server's command line (local only, no usage statistics), and one-line
errors before any server starts."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from typer.testing import CliRunner

from sim.cli import app_cmd
from sim.cli.app import app
from sim.cli.app_cmd import NEEDS_EXTRA, PAGE, streamlit_command
from tests.report_data import DATA


def _value(command: list[str], flag: str) -> str:
    return command[command.index(flag) + 1]


def test_the_server_is_local_headless_and_sends_no_statistics(tmp_path):
    command = streamlit_command(Path("a.yaml"), Path("l.yaml"), 8765, 2)
    assert command[1:5] == ["-m", "streamlit", "run", str(PAGE)]
    assert _value(command, "--server.address") == "127.0.0.1"
    assert _value(command, "--server.port") == "8765"
    assert _value(command, "--server.headless") == "true"
    assert _value(command, "--browser.gatherUsageStats") == "false"
    assert _value(command, "--global.developmentMode") == "false"
    page_args = command[command.index("--") + 1 :]
    assert _value(page_args, "--scenario") == str(Path("a.yaml").resolve())
    assert _value(page_args, "--workers") == "2"
    assert _value(page_args, "--cache").endswith("results/app-cache")
    assert PAGE.is_file()


def test_without_streamlit_the_command_says_how_to_install_it(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        app_cmd.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "streamlit" else real(name, *a),
    )
    result = CliRunner().invoke(app, ["app", str(DATA / "small.yaml")])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {NEEDS_EXTRA}"


def test_a_bad_levers_file_fails_before_the_server_starts(tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr(app_cmd.subprocess, "run", lambda *a, **k: started.append(a))
    bad = tmp_path / "levers.yaml"
    bad.write_text("levers: {x: {levels: [1]}}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["app", str(DATA / "small.yaml"), "--levers", str(bad)])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {bad}: levers.x.")
    assert len(result.output.strip().splitlines()) == 1
    assert started == []
