"""Random and mutated scenario documents: the loader returns a Scenario or raises the tool's
own InputError, nothing else; and the work-size estimate of what it accepts is decided
(accepted or an InputError) without any other exception."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import InputError
from sim.experiment.work_size import check_work_size
from sim.scenario import Scenario, load_scenario

SMALL = Path(__file__).resolve().parents[1] / "data" / "small.yaml"
BASE = yaml.safe_load(SMALL.read_text())

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1e-300, 1e308, -1e308, 10**8, "", "inf", ".nan", "1e999"]),
    st.text(max_size=12),
    st.dates(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path of a nested document (mappings and lists)."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += paths(v, (*prefix, i))
    return out


def mutate(doc: Any, path: tuple, how: str, value: Any) -> None:
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if how == "drop" and isinstance(parent, dict):
        del parent[last]
    elif how == "nest":
        parent[last] = {"nested": parent[last]}
    else:
        parent[last] = value


def load_text(text: str) -> Scenario | None:
    """Load ``text`` as a scenario file; ``None`` when refused with an InputError."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            scenario = load_scenario(path)
        except InputError:
            return None
    assert isinstance(scenario, Scenario)
    with contextlib.suppress(InputError):  # refusing is fine; any other exception is not
        check_work_size(scenario)
    return scenario


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_documents_load_or_raise_input_error(data: st.DataObject):
    doc = yaml.safe_load(SMALL.read_text())
    all_paths = paths(doc)
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        path = data.draw(st.sampled_from(all_paths), label="path")
        how = data.draw(st.sampled_from(["replace", "drop", "nest"]), label="how")
        value = data.draw(values, label="value")
        try:
            mutate(doc, path, how, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this path
        all_paths = paths(doc)
        if not all_paths:
            break
    text = yaml.safe_dump(doc, allow_unicode=True)
    load_text(text)


@settings(max_examples=80, deadline=None)
@given(doc=st.dictionaries(st.sampled_from(sorted(BASE)), values, max_size=6))
def test_random_documents_load_or_raise_input_error(doc: dict[str, Any]):
    load_text(yaml.safe_dump(doc, allow_unicode=True))


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=200))
def test_random_text_loads_or_raises_input_error(text: str):
    assert load_text(text) is None or text.strip()


def test_the_unmutated_document_loads():
    scenario = load_text(yaml.safe_dump(BASE))
    assert scenario is not None and scenario.name == "small"


@pytest.mark.parametrize("value", [True, float("nan"), float("inf"), -float("inf")])
def test_a_rate_that_is_not_a_real_number_is_refused(value: Any):
    doc = yaml.safe_load(SMALL.read_text())
    doc["categories"]["online"]["referrals_per_year"] = value
    assert load_text(yaml.safe_dump(doc)) is None
