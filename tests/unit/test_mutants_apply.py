"""The mutation check (``python -m tests.mutation.mutants``) stays meaningful: every mutant's
line is still in the model exactly once, so a refactor of ``sim/model/`` cannot quietly turn
a mutant into a no-op."""

from __future__ import annotations

import pytest

from tests.mutation.mutants import MUTANTS, ROOT


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_each_mutant_applies_to_exactly_one_place(mutant):
    source = (ROOT / "sim" / "model" / mutant.file).read_text()
    assert source.count(mutant.before) == 1, f"{mutant.name}: update its line in mutants.py"
    assert mutant.after != mutant.before
