"""Block draws give exactly the numbers of scalar draws (so results stay bit-identical)."""

from __future__ import annotations

import math
import pickle
import struct

import numpy as np
import pytest
from pydantic import TypeAdapter

from sim.model.blocks import BLOCK, BlockStream, UniformBlocks, Variate, sample_variate
from sim.scenario.distributions import Distribution

validate_distribution = TypeAdapter(Distribution).validate_python

DISTS = [
    {"kind": "exponential", "mean": 0.75},
    {"kind": "lognormal", "mean": 90.0, "cv": 0.8},
    {"kind": "lognormal", "mean": 5.0, "cv": 1.28429},
    {"kind": "gamma", "mean": 3.0, "cv": 0.5},
    {"kind": "gamma", "mean": 3.0, "cv": 2.0},  # shape below 1: another rejection path
    {"kind": "uniform", "low": 8.0, "high": 20.0},
    {"kind": "fixed", "value": 4.0},
]


def _gen(seed: int = 7) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(seed))


@pytest.mark.parametrize("spec", DISTS, ids=lambda d: d["kind"])
def test_blocked_draws_equal_scalar_draws(spec):
    dist = validate_distribution(spec)
    n = 3 * BLOCK + 17  # crosses block boundaries
    scalar_rng = _gen()
    scalar = [dist.sample(scalar_rng) for _ in range(n)]
    stream = BlockStream(_gen())
    blocked = [sample_variate(Variate(dist), stream) for _ in range(n)]
    assert blocked == scalar  # exact, not approximate
    # and the generator ends where scalar draws leave it
    assert stream.sync().random() == scalar_rng.random()


def test_interleaved_kinds_stay_identical_and_fall_back_to_scalar():
    """Several distributions of different kinds drawn in turn from one stream."""
    dists = [validate_distribution(d) for d in DISTS]
    order = [0, 0, 1, 1, 1, 3, 5, 1, 0, 6, 4, 2] * 60
    scalar_rng = _gen(3)
    scalar = [dists[i].sample(scalar_rng) for i in order]
    stream = BlockStream(_gen(3))
    blocked = [sample_variate(Variate(dists[i]), stream) for i in order]
    assert blocked == scalar
    assert not stream.blocked  # too many switches: scalar draws from then on
    assert stream.sync().random() == scalar_rng.random()


def test_switching_kind_rewinds_the_generator():
    dists = [validate_distribution(d) for d in DISTS[:2]]
    order = [0] * 10 + [1] * 500 + [0] * 3
    scalar_rng = _gen(11)
    scalar = [dists[i].sample(scalar_rng) for i in order]
    stream = BlockStream(_gen(11))
    assert [sample_variate(Variate(dists[i]), stream) for i in order] == scalar
    assert stream.blocked


def test_uniform_blocks_equal_repeated_small_draws():
    a, b = _gen(5), UniformBlocks(_gen(5), per_block=4)
    for _ in range(50):
        assert b.take(3) == a.random(3).tolist()


def test_lognormal_parameters_computed_once_give_the_formulas_draws():
    """A lognormal's log-mean and log-sd are computed once per distribution: each draw is
    still exp(log(mean) - s²/2 + s·z) with s² = log(1 + cv²), to the bit, and what is
    kept is no part of equality, of a dump or of a pickled copy."""
    spec = {"kind": "lognormal", "mean": 90.0, "cv": 0.8}
    dist = validate_distribution(spec)
    sigma2 = math.log1p(0.8**2)
    for z in (-3.1, 0.0, 0.7, 2.5):
        assert dist.from_standard(z) == math.exp(
            math.log(90.0) - sigma2 / 2 + math.sqrt(sigma2) * z
        )
    twin = validate_distribution(spec)
    assert dist == twin and dist.model_dump() == twin.model_dump()
    copy = pickle.loads(pickle.dumps(dist))
    assert copy == twin and copy.from_standard(0.7) == dist.from_standard(0.7)


def _formula(spec: dict, z: float) -> float:
    """Each kind's draw from its standard variate, written out from its definition."""
    if spec["kind"] == "exponential":
        return spec["mean"] * z
    if spec["kind"] == "lognormal":
        sigma2 = math.log1p(spec["cv"] ** 2)
        return math.exp((math.log(spec["mean"]) - sigma2 / 2) + math.sqrt(sigma2) * z)
    if spec["kind"] == "gamma":
        return (spec["mean"] / (1.0 / spec["cv"] ** 2)) * z
    if spec["kind"] == "uniform":
        return spec["low"] + (spec["high"] - spec["low"]) * z
    return spec["value"]


@pytest.mark.parametrize("spec", DISTS, ids=lambda d: d["kind"])
def test_the_model_maps_standard_variates_as_the_scenario_does_to_the_bit(spec):
    """The model's compiled ``Variate`` and the distribution's own ``from_standard`` give
    the formula's bits for every z (both from the one ``standard_map``)."""
    dist = validate_distribution(spec)
    variate = Variate(dist)
    zs = [0.0, -0.0, 1.0, -2.5, 3.7e-9, 7.25, *_gen(2).standard_normal(200).tolist()]
    for z in zs:
        expected = struct.pack("<d", _formula(spec, z))
        assert struct.pack("<d", dist.from_standard(z)) == expected, z
        assert struct.pack("<d", variate.from_standard(z)) == expected, z
