"""Every kernel of gallery.py runs on the host target and matches its numpy
reference from gallery_runs.py."""
import numpy as np
import pytest

import cuft
from gallery import GALLERY
from gallery_runs import RUNS


pytestmark = pytest.mark.usefixtures("on_host")


def _copies(args):
    return [np.copy(a) if isinstance(a, np.ndarray) else a for a in args]


def _root(a):
    """The array that owns ``a``'s memory (``a`` itself unless it is a view)."""
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def _check_outside_view(view, root_before, what):
    """Nothing of the view's root array outside the view changed: put the view's
    values into the root's copy from before the launch, and compare whole roots."""
    root = _root(view)
    want = np.copy(root_before).reshape(-1, order="A")  # memory order, as root
    offset = (view.ctypes.data - root.ctypes.data) // view.itemsize
    np.lib.stride_tricks.as_strided(want[offset:], view.shape, view.strides)[...] = view
    np.testing.assert_array_equal(root.reshape(-1, order="A"), want,
                                  err_msg=f"{what}: written outside the view")


def test_every_gallery_kernel_has_a_run():
    missing, stale = sorted(set(GALLERY) - set(RUNS)), sorted(set(RUNS) - set(GALLERY))
    assert not missing and not stale, (f"gallery kernels without a run in gallery_runs.py: "
                                       f"{missing}; runs of no gallery kernel: {stale}")


@pytest.mark.parametrize("name", sorted(GALLERY))
def test_run_uses_the_gallery_signature(name):
    """The run's arguments have the types, ranks and layouts of the gallery's, so
    the host runs the specializations test_gallery.py compiles (constexpr values
    aside)."""
    kernel, make = GALLERY[name]
    gallery_args, args = make(), list(RUNS[name].make())
    for i in kernel.frontend.constexpr_args:
        args[i] = gallery_args[i]
    assert kernel.signature(*args) == kernel.signature(*gallery_args)


def _launch_on_the_host(kernel, run, args):
    kernel[run.grid, run.block, 0, run.shared_bytes](*args)


def _compare(got, want, run, what):
    """Integers and bools exactly, floats with the run's tolerance; an array of
    records field by field."""
    if got.dtype.names:
        for field in got.dtype.names:
            _compare(got[field], want[field], run, f"{what}, field '{field}'")
    elif got.dtype.kind in "biu" or run.rtol == run.atol == 0:
        np.testing.assert_array_equal(got, want, err_msg=what)
    else:
        np.testing.assert_allclose(got, want, rtol=run.rtol, atol=run.atol, err_msg=what)


def check_gallery_kernel(name, launch=_launch_on_the_host):
    """Runs gallery kernel ``name`` with ``launch(kernel, run, args)``, which
    leaves its results in the numpy ``args``, and checks them against numpy:
    written arrays match, the others and everything outside views unchanged."""
    kernel, run = GALLERY[name][0], RUNS[name]
    args = run.make()
    before = _copies(args)
    roots = {k: np.copy(_root(a)) for k, a in enumerate(args)
             if isinstance(a, np.ndarray) and _root(a) is not a}
    expected = run.expected(*_copies(args))
    launch(kernel, run, args)
    names = kernel.frontend.arg_names
    for k, got in enumerate(args):
        if not isinstance(got, np.ndarray):
            continue
        what = f"{name}: argument '{names[k]}'"
        assert k not in expected or np.shape(expected[k]) == got.shape, what
        if k not in expected:
            np.testing.assert_array_equal(got, before[k], err_msg=f"{what} must not change")
        else:
            _compare(got, expected[k], run, what)
        if k in roots:
            _check_outside_view(got, roots[k], what)


@pytest.mark.parametrize("name", sorted(GALLERY))
def test_gallery_kernel_matches_numpy(name):
    check_gallery_kernel(name)
