"""A differential fuzz of scalar semantics on the host target against a model
of docs/TypeSystem.md (semantics_fuzz.py): a few seeds of each kind of tree,
each one kernel of 24 to 40 expressions run on 10 sets of inputs, and a few
with the inputs compiled in as constants (constant folding computes them).
More seeds: ``python test/python/semantics_fuzz.py KIND FIRST LAST [--folded]``."""
import pytest

from semantics_fuzz import KINDS, check

pytestmark = pytest.mark.usefixtures("on_host")


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_random_expressions_match_the_documented_semantics(kind, seed):
    mismatches = check(kind, seed)
    assert not mismatches, "\n".join(mismatches[:10])


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_folded_expressions_match_the_documented_semantics(kind, seed):
    # The same trees over constexpr inputs: what CuftFolds.cpp, arith's folders
    # and LLVM's constant folding compute must be what the kernel computes.
    mismatches = check(kind, seed, runs=4, folded=True)
    assert not mismatches, "\n".join(mismatches[:10])
