"""A differential fuzz of scalar semantics on the host target against a model
of docs/TypeSystem.md (semantics_fuzz.py): a few seeds of each kind of tree,
each one kernel of 24 to 40 expressions run on 10 sets of inputs. More seeds:
``python test/python/semantics_fuzz.py KIND FIRST LAST``."""
import pytest

from semantics_fuzz import KINDS, check

pytestmark = pytest.mark.usefixtures("on_host")


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_random_expressions_match_the_documented_semantics(kind, seed):
    mismatches = check(kind, seed)
    assert not mismatches, "\n".join(mismatches[:10])
