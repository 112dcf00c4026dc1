"""The layers of docs/architecture.md, enforced: who may import whom, no cycles, and the
jobs only some layers may do (print, parse the command line, use SimPy)."""

from __future__ import annotations

import ast
from collections import defaultdict

import pytest

from tests.architecture.imports import PACKAGE_ROOT, Import, all_imports, module_name

BASE = {"errors", "units"}
ANALYSES = {"compare", "sweep", "calibrate", "verify", "search"}
PRESENTATION = {"report", "app"}
# layer -> the layers it may import (besides itself and the base modules)
ALLOWED: dict[str, set[str]] = {
    "stats": set(),
    "scenario": set(),
    "model": {"scenario"},
    "experiment": {"model", "scenario", "stats"},
    "output": {"experiment", "scenario", "stats"},
    **{a: {"output", "experiment", "scenario", "stats"} for a in ANALYSES},
    **{p: {"output", "experiment", "scenario", "stats", *ANALYSES} for p in PRESENTATION},
}
# analyses built on other analyses (one way only)
ANALYSIS_USES = {"search": {"compare", "sweep"}, "compare": set(), "sweep": set()}
# the what-if page shows the report's headline and figures (the report never imports the app)
ANALYSIS_USES["app"] = {"report"}


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "api"


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    return all_imports()


def internal(imports: list[Import], *, type_only: bool = False) -> list[Import]:
    return [i for i in imports if i.target.startswith("sim.") and (type_only or not i.type_only)]


def test_every_module_belongs_to_a_known_layer(imports):
    known = {*ALLOWED, *BASE, "cli", "api"}
    modules = {module_name(p) for p in PACKAGE_ROOT.rglob("*.py")}
    assert {layer(m) for m in modules} <= known, sorted({layer(m) for m in modules} - known)


def test_dependencies_point_down(imports):
    wrong = []
    for imp in internal(imports, type_only=True):
        src, dst = layer(imp.module), layer(imp.target)
        if src in ("cli", "api") or dst in BASE or src == dst:
            continue
        allowed = ALLOWED.get(src, set()) | ANALYSIS_USES.get(src, set())
        if dst not in allowed:
            wrong.append(f"{imp.module}:{imp.line} imports {imp.target} ({src} -> {dst})")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_base_modules_import_nothing_of_sim(imports):
    wrong = [i for i in internal(imports) if layer(i.module) in BASE]
    assert not wrong, wrong


def test_no_import_cycles(imports):
    """Between modules, counting imports that run (type-only imports are annotations)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for imp in internal(imports):
        if imp.module != imp.target:
            graph[imp.module].add(imp.target)
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    # a package's __init__ re-exporting its own modules is not a cycle of the design
    real = [c for c in cycles if not all(c[0].startswith(m) or m.startswith(c[0]) for m in c)]
    assert not real, "import cycles:\n" + "\n".join(" -> ".join(c) for c in real)


@pytest.mark.parametrize(
    ("library", "only"),
    [("typer", {"cli"}), ("rich", {"cli"}), ("simpy", {"model"})],
)
def test_libraries_stay_in_their_layer(imports, library, only):
    wrong = [
        f"{i.module}:{i.line}"
        for i in imports
        if (i.target == library or i.target.startswith(f"{library}."))
        and layer(i.module) not in only
    ]
    assert not wrong, f"{library} imported outside {only}: {wrong}"


def test_only_the_command_line_prints_or_exits():
    wrong = []
    for path in PACKAGE_ROOT.rglob("*.py"):
        module = module_name(path)
        if layer(module) == "cli":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = ast.unparse(node.func)
            if name in ("print", "sys.exit", "exit", "quit", "sys.stdout.write", "os._exit"):
                wrong.append(f"{module}:{node.lineno} calls {name}")
    assert not wrong, wrong
