"""debug=True: a failed assert or a raise is reported after the launch as the
Python exception it names, located at its line, naming block and thread; the
launch stops, later launches work. Without debug=True, asserts are compiled
out (numba-cuda's rule). The GPU side (the module's error record, written with
a compare-and-swap, then PTX `exit`) is checked through ptxas here."""
import os
import subprocess

import numpy as np
import pytest

import cuft
import debug_kernels as dk
from sourceutil import line_of
from test_gallery import PTXAS

pytestmark = pytest.mark.usefixtures("on_host")


def test_a_failed_assert_is_an_assertion_error_at_its_line():
    x, out = np.arange(300.0) % 100, np.zeros(300)
    dk.halve[3, 128](x, out)
    np.testing.assert_array_equal(out, x / 2)
    x[200] = -1
    with pytest.raises(AssertionError) as info:
        dk.halve[3, 128](x, out)
    e = info.value
    assert isinstance(e, cuft.KernelError) and isinstance(e, cuft.KernelAssertionError)
    assert e.args == ("negative input",)
    assert (e.lineno, e.block, e.thread) == (line_of(dk.halve, "assert")[0], (1, 0, 0),
                                             (72, 0, 0))
    assert "AssertionError: negative input" in str(e) and "assert x[i] >= 0" in str(e)


def test_a_raise_in_a_device_function_is_that_exception():
    x, out = np.arange(10.0), np.zeros(10)
    x[7] = 500
    with pytest.raises(ValueError) as info:
        dk.halve[1, 16](x, out)
    e = info.value
    assert e.args == ("too big", 100) and isinstance(e, cuft.KernelError)
    assert (e.lineno, e.thread) == (line_of(dk.checked_half, "raise")[0], (7, 0, 0))
    x[7] = 5  # the next launch runs
    dk.halve[1, 16](x, out)
    assert out[7] == 2.5


def test_assert_without_a_message_and_exception_classes():
    x = np.ones(2)
    with pytest.raises(AssertionError) as info:
        dk.bare_assert[1, 1](x)
    assert info.value.args == () and x[1] == 1.0  # the thread stopped at the assert
    x = -np.ones(1)
    with pytest.raises(dk.Custom):
        dk.custom[1, 1](x)


def test_without_debug_asserts_are_compiled_out_and_cuft_debug_turns_them_on(tmp_path):
    kernel = cuft.kernel(dk.undebugged_halve)
    x, out = np.array([1.0, -2.0]), np.zeros(2)
    kernel[1, 2](x, out)
    np.testing.assert_array_equal(out, [0.5, -1.0])
    script = tmp_path / "run.py"
    script.write_text(
        "import sys, numpy as np, cuft\n"
        f"sys.path.insert(0, {os.path.dirname(dk.__file__)!r})\n"
        "import debug_kernels as dk\n"
        "cuft.set_target('host')\n"
        "k = cuft.kernel(dk.undebugged_halve)\n"
        "try:\n"
        "    k[1, 2](np.array([1.0, -2.0]), np.zeros(2))\n"
        "except AssertionError as e:\n"
        "    print('raised', e.args)\n")
    env = {**os.environ, "CUFT_DEBUG": "1"}
    run = subprocess.run([os.sys.executable, str(script)], capture_output=True, text=True,
                         env=env)
    assert "raised ('negative input',)" in run.stdout, run.stdout + run.stderr


def test_raises_without_constant_arguments_are_refused_at_the_raise():
    def bad(x):
        if x[0] < 0:
            raise ValueError(x[0])

    with pytest.raises(cuft.CompileError, match="must be constants"):
        cuft.kernel(debug=True)(bad)[1, 1](np.zeros(1))


def test_the_gpu_error_record_passes_ptxas(tmp_path):
    ptx = dk.halve.inspect(np.zeros(4), np.zeros(4), stage="ptx")
    assert ".visible .global .align 8 .b8 __cuft_error[56]" in ptx
    assert "atom.relaxed.gpu.global.cas.b64" in ptx and "exit;" in ptx  # read after the kernel
    if PTXAS is None:
        pytest.skip("ptxas is not installed")
    (tmp_path / "k.ptx").write_text(ptx)
    run = subprocess.run([PTXAS, "-arch=sm_90", str(tmp_path / "k.ptx"), "-o",
                          str(tmp_path / "k.cubin")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
