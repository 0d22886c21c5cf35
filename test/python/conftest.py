"""Puts the in-tree package (python/cuft, with its extension built by
tools/setup.sh) first on sys.path."""
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "python"))


import pytest  # noqa: E402  (after the path set-up above)


@pytest.fixture
def on_host():
    """Runs a test with cuft's target set to the host, then puts it back.
    A module uses it for every test with
    ``pytestmark = pytest.mark.usefixtures("on_host")``."""
    import cuft
    previous = cuft.set_target("host")
    yield
    cuft.set_target(previous)
