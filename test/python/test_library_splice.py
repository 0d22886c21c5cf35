"""Library functions (libdevice's) spliced into a kernel's PTX at their calls
(lib/Conversion/GPUToNVPTX/PtxSplice.cpp): each function's PTX made once per
process and put in place of each call, rather than linked, inlined and given
to the code generator again in every compile; linked where that gives
better code (a call whose arguments are all constants folds; two calls of
one value whose functions share a helper share its call; a call in a loop,
whose size the unroller must see). Each kernel's PTX through ptxas, and its
results on the host against numpy."""
import cmath
import math
import re

import numpy as np
import pytest

import cuft
from test_code_options import ptxas

pytestmark = pytest.mark.usefixtures("on_host")  # launches run on the host

MARK = re.compile(r"// cuft: (__nv_\w+), spliced")


def spliced(ptx):
    return MARK.findall(ptx)


def linked_everything(ptx):
    """No call left to a library function, none spliced: linked and inlined."""
    return not spliced(ptx) and "__nv_" not in ptx


@cuft.kernel
def math10(x, y):
    i = cuft.grid(1)
    if i < x.size:
        v = x[i]
        y[i] = (math.sin(v) + math.cos(v) + math.exp(v) + math.log(v) + math.sqrt(v)
                + math.tanh(v) + math.atan(v) + math.erf(v) + math.pow(v, 1.5)
                + math.floor(v))


def test_a_kernel_of_ten_math_calls_gets_each_function_s_ptx_at_its_call(tmp_path):
    x = np.linspace(0.5, 4, 64).astype(np.float32)
    ptx = math10.inspect(x, x, stage="ptx", chip="sm_90")
    assert sorted(spliced(ptx)) == sorted(
        ["__nv_sinf", "__nv_cosf", "__nv_expf", "__nv_logf", "__nv_fsqrt_rn", "__nv_tanhf",
         "__nv_atanf", "__nv_erff", "__nv_powf", "__nv_floorf"])
    # No call and no declaration is left; sin's and cos's Payne-Hanek table
    # is defined once (renamed by its contents), and one local depot serves
    # both reductions.
    assert "call.uni" not in ptx and ".extern" not in ptx
    assert len(re.findall(r"^\.global .* __cudart_i2opi_f_[0-9a-f]{8}\[", ptx, re.M)) == 1
    assert ptx.count(".local .align") == 1
    ptxas(ptx, tmp_path)
    y = np.zeros_like(x)
    math10[1, 64](x, y)
    v = x.astype(np.float64)
    expected = (np.sin(v) + np.cos(v) + np.exp(v) + np.log(v) + np.sqrt(v) + np.tanh(v)
                + np.arctan(v) + np.array([math.erf(t) for t in v]) + v ** 1.5 + np.floor(v))
    np.testing.assert_allclose(y, expected.astype(np.float32), rtol=2e-6)


def _every_function(x, n, y):
    # Each function on a value of its own: no two calls share an argument.
    i = cuft.grid(1)
    if i < x.size:
        a, b, c = x[i], x[i] + 1, x[i] + 2
        y[i] = (math.exp(a) + math.log(b) + math.sin(c) + math.cos(a + 3) + math.tan(a + 4)
                + math.asin(a / 8) + math.acos(a / 9) + math.atan(a + 5) + math.sinh(a + 6)
                + math.cosh(a + 7) + math.tanh(a + 8) + math.asinh(a + 9) + math.acosh(b + 10)
                + math.atanh(a / 10) + math.expm1(a + 11) + math.log1p(a + 12)
                + math.log2(a + 13) + math.log10(a + 14) + math.erf(a + 15)
                + math.erfc(a + 16) + math.lgamma(a + 17) + math.gamma(a / 4 + 1)
                + math.atan2(a + 18, b + 19) + math.hypot(a + 20, b + 21)
                + math.pow(a + 22, b / 4 + 23) + math.fmod(a + 24, b + 25)
                + math.copysign(a + 26, b - 27) + math.ldexp(a + 28, n[i])
                + math.trunc(a + 29) + math.ceil(a + 30) + math.floor(a + 31)
                + math.fabs(a - 32) + math.sqrt(a + 33))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_every_math_function_is_spliced_and_assembles(dtype, tmp_path):
    k = cuft.kernel(_every_function)
    x = np.linspace(0.1, 0.7, 64).astype(dtype)
    n = np.arange(64, dtype=np.int32) % 5
    ptx = k.inspect(x, n, x, stage="ptx", chip="sm_90")
    names = spliced(ptx)
    assert len(names) >= 30, names
    assert not re.search(r"\.extern \.func .*__nv_", ptx)  # every call spliced
    assert not re.search(r"call\.uni .*__nv_", ptx)
    ptxas(ptx, tmp_path)
    y = np.zeros_like(x)
    k[1, 64](x, n, y)
    assert np.all(np.isfinite(y))


@cuft.func
def turn(z, turns):
    return z * cmath.exp(2j * math.pi * turns)


@cuft.kernel
def constant_argument(z, out):
    i = cuft.grid(1)
    if i < z.size:
        out[i] = turn(z[i], 0.25)


@cuft.kernel
def sin_and_cos_of_one_value(x, y):
    i = cuft.grid(1)
    if i < x.size:
        y[i] = math.sin(x[i]) * math.cos(x[i])


@cuft.kernel
def call_in_a_loop(x, y):
    acc = 0.0
    for k in range(x.size):
        acc += math.exp(x[k])
    y[0] = acc


def test_calls_linked_where_that_gives_better_code(tmp_path):
    # exp(2j*pi/4): its arguments are constants, and linked it folds away.
    z = (np.arange(8) + 1j).astype(np.complex128)
    ptx = constant_argument.inspect(z, z, stage="ptx", chip="sm_90")
    assert linked_everything(ptx) and "__nv_exp" not in ptx
    ptxas(ptx, tmp_path)
    # double sin and cos of one value: both call the slow path's helper;
    # linked and inlined, LLVM shares what they compute alike.
    x = np.linspace(0, 1, 8)
    ptx = sin_and_cos_of_one_value.inspect(x, x, stage="ptx", chip="sm_90")
    assert not spliced(ptx) and "__internal_trig_reduction_slowpathd" in ptx
    ptxas(ptx, tmp_path)
    # float32's have no slow-path call: spliced.
    xf = x.astype(np.float32)
    ptx = sin_and_cos_of_one_value.inspect(xf, xf, stage="ptx", chip="sm_90")
    assert sorted(spliced(ptx)) == ["__nv_cosf", "__nv_sinf"]
    ptxas(ptx, tmp_path)
    # A call in a loop: linked before optimizing, for the unroller.
    ptx = call_in_a_loop.inspect(x, x, stage="ptx", chip="sm_90")
    assert linked_everything(ptx)
    ptxas(ptx, tmp_path)
    out = np.zeros(8, np.complex128)
    constant_argument[1, 8](z, out)
    np.testing.assert_allclose(out, z * 1j, atol=1e-15)
    y = np.zeros(8)
    sin_and_cos_of_one_value[1, 8](x, y)
    np.testing.assert_allclose(y, np.sin(x) * np.cos(x), rtol=1e-15)


def test_the_llvm_stage_still_shows_the_functions_inlined():
    # inspect(stage="llvm") is the module linked and inlined (what the
    # bitcode serializer gives); only the PTX splices.
    x = np.ones(4, np.float32)
    llvm = math10.inspect(x, x, stage="llvm", chip="sm_90")
    assert not re.search(r"call .*@__nv_", llvm) and "define ptx_kernel" in llvm


def test_a_second_kernel_reuses_the_functions_ptx_and_gets_the_same_text():
    # The functions' PTX is made once per process; the spliced text does not
    # depend on what was compiled before (names come from contents).
    x = np.ones(4, np.float32)
    first = math10.inspect(x, x, stage="ptx", chip="sm_90")
    again = cuft.kernel(_math10_copy).inspect(x, x, stage="ptx", chip="sm_90")
    strip = lambda p: re.sub(r"_math10_copy|math10", "K", p)  # noqa: E731
    assert strip(first) == strip(again)


def _math10_copy(x, y):
    i = cuft.grid(1)
    if i < x.size:
        v = x[i]
        y[i] = (math.sin(v) + math.cos(v) + math.exp(v) + math.log(v) + math.sqrt(v)
                + math.tanh(v) + math.atan(v) + math.erf(v) + math.pow(v, 1.5)
                + math.floor(v))
