"""Puts the in-tree package (python/cuft, with its extension built by
tools/setup.sh) first on sys.path."""
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "python"))
# Every test compiles what it measures (timings, Ctrl-C during a compile): the
# disk cache stays off, in this process and the ones it starts, unless a test
# turns it on (test_disk_cache.py gives its processes a directory of their own).
os.environ.setdefault("CUFT_CACHE", "0")
# Every compile verifies its IR after each pass, as cuft-opt does (users' compiles
# verify it once, where it reaches LLVM): a pass that breaks the IR fails here.
os.environ.setdefault("CUFT_VERIFY_PASSES", "1")


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
