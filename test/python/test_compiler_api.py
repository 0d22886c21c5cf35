"""The C++ compile API through the extension module cuft._cuft.

Runs on both interpreters (tools/dev test): the machine's CPython and the
free-threaded 3.13t with PYTHON_GIL=0.
"""
import os
import sys
import sysconfig

import pytest

from cuft import _cuft
from threadutil import run_concurrently

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAXPY = open(os.path.join(REPO, "docs", "examples", "saxpy.mlir")).read()
SIG = "f32,array<f32,1,C>,array<f32,1,C>"


def test_ptx():
    ok, ptx, diags = _cuft.compile(SAXPY, SIG, "ptx")
    assert ok and diags == []
    assert ".target sm_90" in ptx
    assert ".visible .entry saxpy(" in ptx
    assert "st.global.b32" in ptx


def test_stages():
    ok, generic, _ = _cuft.compile(SAXPY, SIG, "generic")
    assert ok and "!cuft.unknown" in generic
    ok, typed, _ = _cuft.compile(SAXPY, SIG, "typed")
    assert ok and "cuft.mul %arg0" in typed and "(f32, f32) -> f32" in typed
    assert "!cuft.unknown" not in typed
    ok, llvm, _ = _cuft.compile(SAXPY, SIG, "llvm")
    assert ok and "define ptx_kernel void @saxpy(" in llvm
    ok, ptx, _ = _cuft.compile(SAXPY, SIG, "ptx", chip="sm_80", opt_level=2)
    assert ok and ".target sm_80" in ptx


def test_errors_are_data_with_locations():
    ok, text, diags = _cuft.compile(SAXPY, "f32,array<f32,1,C>", "ptx")
    assert not ok and text == ""
    assert diags == [("error", "<cuft generic IR>", 11, 1,
                      "the signature has 2 entries but kernel 'saxpy' takes 3 argument(s)")]
    ok, _, diags = _cuft.compile("cuft.kernel @k(", SIG, "ptx")
    assert not ok and diags[0][0] == "error" and diags[0][2] == 1
    with pytest.raises(ValueError, match="unknown stage"):
        _cuft.compile(SAXPY, SIG, "sass")


def test_type_error_points_at_the_user_line():
    ir = '''
cuft.kernel @k(%x: !cuft.unknown) {
  %c0 = cuft.constant 0 : i64 loc("user.py":3:5)
  %c = cuft.constant 1.5 : f64 loc("user.py":4:9)
  %v = cuft.load %x[%c0] : !cuft.unknown[i64] -> !cuft.unknown loc("user.py":4:5)
  %r = cuft.bitand %v, %c : (!cuft.unknown, f64) -> !cuft.unknown loc("user.py":4:7)
  cuft.return
}
'''
    ok, _, diags = _cuft.compile(ir, "array<i32,1,C>", "typed")
    assert not ok
    severity, file, line, col, message = diags[0]
    assert (severity, file, line, col) == ("error", "user.py", 4, 7)
    assert "unsupported operand types for &" in message


def test_concurrent_compiles_agree():
    """16 threads compile at once (truly in parallel on the free-threaded build)."""
    expected = _cuft.compile(SAXPY, "f64,array<f64,1,C>,array<f64,1,C>", "ptx")[1]
    sig = "f64,array<f64,1,C>,array<f64,1,C>"
    per_thread = run_concurrently(16, lambda: [_cuft.compile(SAXPY, sig, "ptx") for _ in range(4)])
    results = [r for rs in per_thread for r in rs]
    assert len(results) == 64
    assert all(ok and text == expected for ok, text, _ in results)


def test_reused_contexts_keep_compiles_apart():
    """Compiles reuse MLIR contexts (a pool, each context dropped after 64
    compiles): 150 compiles alternating a failure and a success, past two
    context lifetimes, each get their own diagnostics and the same PTX, on
    several threads at once too."""
    expected = _cuft.compile(SAXPY, SIG, "ptx")[1]
    bad = "f32,array<f32,1,C>"

    def alternate(n):
        out = []
        for i in range(n):
            if i % 2:
                out.append(_cuft.compile(SAXPY, SIG, "ptx"))
            else:
                out.append(_cuft.compile(SAXPY, bad, "typed"))
        return out

    for results in [alternate(150)] + run_concurrently(4, lambda: alternate(40)):
        for i, (ok, text, diags) in enumerate(results):
            if i % 2:
                assert ok and text == expected and diags == []
            else:
                assert not ok and len(diags) == 1 and "2 entries" in diags[0][4]


@pytest.mark.skipif(not sysconfig.get_config_var("Py_GIL_DISABLED"),
                    reason="needs a free-threaded interpreter")
def test_import_keeps_the_gil_disabled():
    if os.environ.get("PYTHON_GIL") != "0":
        pytest.skip("run with PYTHON_GIL=0")
    assert not sys._is_gil_enabled()
