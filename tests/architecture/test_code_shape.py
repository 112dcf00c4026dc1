"""Sizes the code keeps so a maintainer can read it: short modules and functions, few
parameters, no block copied many times.

Limits: a module in ``sim/`` at most 400 lines; a function body (its docstring left out) at
most 60 lines; at most 8 parameters (``self``/``cls`` not counted, ``*args`` and
``**kwargs`` one each); no run of six lines (whitespace-normalised, blank and comment lines
left out) appearing in more than 8 places.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parents[2] / "sim"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
MAX_PARAMETERS = 8
BLOCK_LINES = 6
MAX_BLOCK_COPIES = 8
LIST_LINES = ("import ", "from ", ")", "]", "}")


def _modules() -> list[Path]:
    return sorted(SIM.rglob("*.py"))


def _functions(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def body_lines(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from the first statement after the docstring to the function's end."""
    body = fn.body
    first = body[0]
    is_docstring = isinstance(first, ast.Expr) and isinstance(
        getattr(first, "value", None), ast.Constant
    )
    if is_docstring and isinstance(first.value.value, str):
        if len(body) == 1:
            return 0
        first = body[1]
    return fn.end_lineno - first.lineno + 1


def parameter_count(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Parameters a caller can give (``self``/``cls`` left out; ``*a`` and ``**k`` one each)."""
    a = fn.args
    names = [p.arg for p in a.posonlyargs + a.args]
    count = len(names) + len(a.kwonlyargs) + bool(a.vararg) + bool(a.kwarg)
    return count - (1 if names and names[0] in ("self", "cls") else 0)


def repeated_blocks(paths: list[Path]) -> dict[tuple[str, ...], list[str]]:
    """Runs of BLOCK_LINES code lines and every place each appears, when it appears twice+."""
    places: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for path in paths:
        lines = [
            (i, line.strip())
            for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if line.strip() and not line.strip().startswith("#")
        ]
        for k in range(len(lines) - BLOCK_LINES + 1):
            window = tuple(text for _, text in lines[k : k + BLOCK_LINES])
            if all(t.startswith(LIST_LINES) or t.endswith(",") for t in window):
                continue  # import lists and argument lists are not logic
            places[window].append(f"{path.parent.name}/{path.name}:{lines[k][0]}")
    return {w: p for w, p in places.items() if len(p) > 1}


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SIM.parent)))
def test_module_is_at_most_400_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path}: {lines} lines"


def test_functions_are_short_and_take_few_parameters() -> None:
    long, wide = [], []
    for path in _modules():
        for fn in _functions(path):
            where = f"{path.relative_to(SIM.parent)}:{fn.lineno} {fn.name}"
            if body_lines(fn) > MAX_FUNCTION_LINES:
                long.append(f"{where} ({body_lines(fn)} lines)")
            if parameter_count(fn) > MAX_PARAMETERS:
                wide.append(f"{where} ({parameter_count(fn)} parameters)")
    assert not long, "functions over 60 lines: " + "; ".join(long)
    assert not wide, "functions over 8 parameters: " + "; ".join(wide)


def test_no_block_is_copied_more_than_eight_times() -> None:
    too_common = {w: p for w, p in repeated_blocks(_modules()).items() if len(p) > MAX_BLOCK_COPIES}
    assert not too_common, "\n".join(f"{len(p)} copies: {p[:3]}" for p in too_common.values())


def test_the_measures_themselves_catch_a_slip() -> None:
    """The limits are not vacuous: a long, wide function and a copied block are reported."""
    source = "def f(a, b, c, d, e, f, g, h, i):\n" + "    x = 1\n" * 61
    fn = ast.parse(source).body[0]
    assert body_lines(fn) == 61 and parameter_count(fn) == 9
    method = ast.parse("class C:\n    def m(self, *a, **k):\n        '''doc'''\n        pass\n")
    m = method.body[0].body[0]
    assert parameter_count(m) == 2 and body_lines(m) == 1


def test_repeated_blocks_are_found(tmp_path: Path) -> None:
    block = "".join(f"value_{i} = compute({i})\n" for i in range(BLOCK_LINES))
    for n in range(3):
        (tmp_path / f"m{n}.py").write_text(f"# file {n}\n{block}")
    found = repeated_blocks(sorted(tmp_path.glob("*.py")))
    assert len(next(iter(found.values()))) == 3
