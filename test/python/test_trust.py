"""Issue 14's regressions: no silent wrong result, no crash. Each test failed on
the code before its fix (see docs/TypeSystem.md and docs/HostTarget.md for the
semantics they pin down). Frontend items are in test_frontend_trust.py."""
import os
import subprocess

import numpy as np
import pytest

import cuft
from gallery import python_int_semantics
from scriptutil import run_script
from semantics_fuzz import minimum_number, same_float
from sourceutil import line_of

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The in-tree package first, for the scripts run in a process of their own.
PYTHONPATH = os.pathsep.join([os.path.join(REPO, "python"), os.environ.get("PYTHONPATH", "")])
CUFT_OPT = os.path.join(os.environ.get("CUFT_BUILD_DIR", os.path.join(REPO, "build")),
                        "bin", "cuft-opt")


pytestmark = pytest.mark.usefixtures("on_host")


# -- 3. integer division and modulo by zero -------------------------------------------
divide_mod = python_int_semantics  # q = a // b, r = a % b per element


def test_integer_division_by_zero_is_zero_and_min_by_minus_one_wraps():
    for dtype in (np.int8, np.int32, np.int64, np.uint16, np.uint64):
        info = np.iinfo(dtype)
        a = np.array([7, info.min, info.max, 0, 5], dtype)
        b = np.array([0, -1 if info.min else 0, 0, 0, 2], dtype)
        q, r = np.full(5, 9, dtype), np.full(5, 9, dtype)
        divide_mod[1, 8](a, b, q, r)
        with np.errstate(all="ignore"):
            np.testing.assert_array_equal(q, np.floor_divide(a, b), err_msg=str(dtype))
            np.testing.assert_array_equal(r, np.remainder(a, b), err_msg=str(dtype))


def test_a_divisor_known_to_be_zero_gives_the_run_time_result():
    # Once, LLVM deleted the store when it could see the divisor was 0.
    @cuft.kernel
    def by_constant(out, d: cuft.constexpr):
        out[0] = 7 // d
        out[1] = -7 % d
        out[2] = 1 // d

    out = np.full(3, 9, np.int64)
    by_constant[1, 1](out, 0)
    assert list(out) == [0, 0, 0]


@cuft.kernel(boundscheck=True)
def checked_divide(a, b, q):
    i = cuft.grid(1)
    if i < a.shape[0]:
        q[i] = a[i] // b[i]


def test_checked_mode_raises_zero_division_error_at_the_line():
    a, b, q = np.arange(64, dtype=np.int32), np.ones(64, np.int32), np.zeros(64, np.int32)
    b[37] = 0
    with pytest.raises(ZeroDivisionError, match="division or modulo by zero") as info:
        checked_divide[2, 32](a, b, q)
    err = info.value
    assert isinstance(err, cuft.KernelZeroDivisionError) and isinstance(err, cuft.KernelError)
    assert (err.filename, err.lineno) == (__file__, line_of(checked_divide, "a[i] // b[i]")[0])
    assert err.block == (1, 0, 0) and err.thread == (5, 0, 0)
    assert "q[i] = a[i] // b[i]" in str(err)
    b[37] = 3
    checked_divide[2, 32](a, b, q)
    assert q[37] == 12


def test_checked_mode_follows_cuft_boundscheck(monkeypatch):
    a, b, q = np.arange(4, dtype=np.int64), np.zeros(4, np.int64), np.ones(4, np.int64)
    monkeypatch.setenv("CUFT_BOUNDSCHECK", "1")
    with pytest.raises(ZeroDivisionError):
        divide_mod[1, 4](a, b, q, q)
    monkeypatch.setenv("CUFT_BOUNDSCHECK", "0")
    divide_mod[1, 4](a, b, q, q)
    assert list(q) == [0, 0, 0, 0]


# -- 6. shifts ------------------------------------------------------------------------
@cuft.kernel
def shifts(a, s, left, right):
    i = cuft.grid(1)
    if i < a.shape[0]:
        left[i] = a[i] << s[i]
        right[i] = a[i] >> s[i]


def test_shifts_by_the_width_or_more_or_negative_follow_numpy():
    for dtype in (np.int8, np.int32, np.int64, np.uint8, np.uint32, np.uint64):
        bits = np.iinfo(dtype).bits
        counts = [0, 1, bits - 1, bits, bits + 1, 2 * bits + 3]
        if np.iinfo(dtype).min:
            counts += [-1, -bits]
        a = np.array([np.iinfo(dtype).min + 1 if np.iinfo(dtype).min else 200, 1, 3,
                      np.iinfo(dtype).max] * 2, dtype)[:len(counts)]
        a = np.resize(a, len(counts)).astype(dtype)
        s = np.array(counts, dtype)
        left, right = np.zeros_like(a), np.zeros_like(a)
        shifts[1, 16](a, s, left, right)
        np.testing.assert_array_equal(left, np.left_shift(a, s), err_msg=str(dtype))
        np.testing.assert_array_equal(right, np.right_shift(a, s), err_msg=str(dtype))


def test_folded_shifts_agree_with_run_time_shifts():
    @cuft.kernel
    def folded(out, k: cuft.constexpr, m: cuft.constexpr):
        x = cuft.int64(-5)
        out[0] = x << k
        out[1] = x >> k
        out[2] = x >> m
        out[3] = cuft.int64(1) << m

    for k, m in [(64, -1), (70, 63), (3, 100)]:
        out, run = np.zeros(4, np.int64), np.zeros(4, np.int64)
        folded[1, 1](out, k, m)
        a = np.array([-5, -5, -5, 1], np.int64)
        shifts[1, 4](a, np.array([k, k, m, m], np.int64), run, np.zeros(4, np.int64))
        right = np.zeros(4, np.int64)
        shifts[1, 4](a, np.array([k, k, m, m], np.int64), np.zeros(4, np.int64), right)
        assert list(out) == [run[0], right[1], right[2], run[3]], (k, m)


# -- float floor division and modulo: the same folded as at run time ------------------
@cuft.kernel
def float_divmod(a, b, q, r):
    i = cuft.grid(1)
    if i < a.size:
        q[i] = a[i] // b[i]
        r[i] = a[i] % b[i]


@cuft.kernel
def float32_divmod_folded(q, r, a: cuft.constexpr, b: cuft.constexpr):
    q[0] = cuft.float32(a) // cuft.float32(b)
    r[0] = cuft.float32(a) % cuft.float32(b)


@cuft.kernel
def float64_divmod_folded(q, r, a: cuft.constexpr, b: cuft.constexpr):
    q[0] = cuft.float64(a) // cuft.float64(b)
    r[0] = cuft.float64(a) % cuft.float64(b)


@pytest.mark.parametrize("ftype", [np.float32, np.float64])
def test_folded_float_floor_division_and_modulo_round_each_step_in_the_type(ftype):
    # CPython's algorithm (NumPy's npy_divmod) takes several steps, each
    # rounded in the type at run time; folding computed float32 in double and
    # rounded once: 2.9f // 3.3333333e-08f folded to 87000000 where NumPy and
    # the run time give 87000008 (found by semantics_fuzz.py --folded).
    a = np.array([2.9, -7.5, 1.0, 5.0, -0.0, 1e30, 3.0], ftype)
    b = np.array([3.3333333e-08, 2.0, 0.1, -3.0, 2.0, 7.0, -0.0], ftype)
    q, r = np.zeros_like(a), np.zeros_like(a)
    float_divmod[1, 32](a, b, q, r)
    with np.errstate(divide="ignore", invalid="ignore"):
        assert same_floats(q, np.floor_divide(a, b)) and same_floats(r, np.remainder(a, b))
    folded = float32_divmod_folded if ftype == np.float32 else float64_divmod_folded
    for i in range(len(a)):
        fq, fr = np.zeros(1, ftype), np.zeros(1, ftype)
        folded[1, 1](fq, fr, float(a[i]), float(b[i]))
        assert same_floats([fq[0], fr[0]], [q[i], r[i]]), (a[i], b[i], fq[0], fr[0], q[i], r[i])
    assert "cuft.floordiv" not in folded.inspect(fq, fr, 2.9, 3.3333333e-08, stage="typed")


# -- float to integer conversions past the type's range -------------------------------
@cuft.kernel
def to_integers(x, i8, u8, i32, u32, i64, u64):
    i = cuft.grid(1)
    if i < x.size:
        i8[i] = cuft.int8(x[i])
        u8[i] = cuft.uint8(x[i])
        i32[i] = cuft.int32(x[i])
        u32[i] = cuft.uint32(x[i])
        i64[i] = x[i]  # an implicit conversion on store: the same rule
        u64[i] = cuft.uint64(x[i])


def saturated(x, dtype):
    """What PTX's cvt.rzi gives: toward zero, clamped to the type, NaN 0."""
    info = np.iinfo(dtype)
    t = np.trunc(np.nan_to_num(x, nan=0.0, posinf=np.inf, neginf=-np.inf))
    t = [float(v) for v in t]  # Python compares a float and an int exactly
    return [info.min if v < info.min else info.max if v > info.max else int(v) for v in t]


@pytest.mark.parametrize("ftype", [np.float32, np.float64, np.float16])
def test_float_to_integer_conversions_saturate_and_nan_gives_zero(ftype):
    x = np.array([1e10, -1e10, np.nan, np.inf, -np.inf, 3e9, -1.5, 300.0, 255.9, -128.7,
                  2.0**31, -2.0**31, 2.0**63, 2.0**64, 1e20, -1e20, 65504.0, 7.9], np.float64)
    with np.errstate(over="ignore"):
        x = x.astype(ftype)  # float16: the large ones become infinities
    types = (np.int8, np.uint8, np.int32, np.uint32, np.int64, np.uint64)
    outs = [np.full(x.size, 77, t) for t in types]
    to_integers[1, 32](x, *outs)
    for out, t in zip(outs, types):
        assert list(out) == saturated(x.astype(np.float64), t), (ftype, t)


def test_folded_float_to_integer_conversions_saturate_as_at_run_time():
    @cuft.kernel
    def folded(o32, o8):
        o32[0] = cuft.int32(1e10)
        o32[1] = cuft.int32(-1e10)
        o32[2] = cuft.int32(float("nan"))
        o32[3] = cuft.int32(-2.5)
        o8[0] = cuft.uint8(-1.5)
        o8[1] = cuft.uint8(300.0)

    o32, o8 = np.full(4, 77, np.int32), np.full(2, 77, np.uint8)
    folded[1, 1](o32, o8)
    assert list(o32) == [2**31 - 1, -2**31, 0, -2] and list(o8) == [0, 255]


def test_saturating_conversions_pass_ptxas(tmp_path):
    from test_code_options import ptxas
    for ftype in (np.float32, np.float64, np.float16):
        x = np.zeros(4, ftype)
        outs = [np.zeros(4, t) for t in (np.int8, np.uint8, np.int32, np.uint32, np.int64,
                                          np.uint64)]
        ptx = to_integers.inspect(x, *outs, stage="ptx", chip="sm_90")
        assert "cvt.rzi" in ptx
        ptxas(ptx, tmp_path)


# -- min and max of floats: one rule at run time, in folding and on the GPU ----------
@cuft.kernel
def extremes(a, out):
    x = a[0]
    y = a[1]
    out[0] = min(x, y)
    out[1] = min(y, x)
    out[2] = max(x, y)
    out[3] = max(y, x)
    out[4] = np.fmin(x, y)
    out[5] = np.fmax(y, x)


@cuft.kernel
def folded_extremes(out):
    out[0] = min(0.0, -0.0)
    out[1] = min(-0.0, 0.0)
    out[2] = max(-0.0, 0.0)
    out[3] = max(0.0, -0.0)
    out[4] = min(float("nan"), -0.0)
    out[5] = max(2.0, float("nan"))


def same_floats(got, want):
    return all(same_float(float(g), float(w)) for g, w in zip(got, want))


@pytest.mark.parametrize("ftype", [np.float64, np.float32, np.float16])
def test_float_min_and_max_skip_nan_and_put_negative_zero_below_positive(ftype):
    # Whatever the operands' order: min(0.0, -0.0) and min(-0.0, 0.0) are both -0.0
    # (the lowering gave the second operand, folding the first).
    cases = [(0.0, -0.0), (-0.0, 0.0), (np.nan, 1.0), (1.0, np.nan), (np.nan, -0.0),
             (2.0, -3.0), (-np.inf, np.nan), (0.0, 0.0), (-0.0, -0.0)]
    for x, y in cases:
        a = np.array([x, y], ftype)
        out = np.full(6, 7.0, ftype)
        extremes[1, 1](a, out)
        x, y = float(a[0]), float(a[1])  # as stored in ftype
        want = [minimum_number(x, y, False), minimum_number(y, x, False),
                minimum_number(x, y, True), minimum_number(y, x, True),
                minimum_number(x, y, False), minimum_number(y, x, True)]
        assert same_floats(out, want), (ftype, x, y, out)
    out = np.full(6, 7.0)
    folded_extremes[1, 1](out)
    assert same_floats(out, [-0.0, -0.0, 0.0, 0.0, -0.0, 2.0])


@cuft.kernel
def extremes_of_converted(n, d, out):
    i = cuft.grid(1)
    if i < out.shape[0]:
        q = 0 / d  # NaN where d is 0
        out[i, 0] = min(float(n + i), q)
        out[i, 1] = max(q, float(n + i))
        out[i, 2] = min(q, float(n))


def test_float_min_and_max_skip_a_nan_beside_a_converted_integer():
    # LLVM 22's X86 code for llvm.minimumnum gave the NaN where the other operand
    # is known not to be one (an integer converted): the host expands it
    # (MinimumNum.cpp). 64 threads: the thread loop's vector code too.
    out = np.zeros((64, 3))
    extremes_of_converted[1, 64](5, 0, out)
    i = np.arange(64.0)
    assert (out[:, 0] == 5 + i).all() and (out[:, 1] == 5 + i).all() and (out[:, 2] == 5).all()
    extremes_of_converted[1, 64](-5, 2, out)
    assert (out[:, 0] == np.minimum(-5 + i, 0.0)).all()
    assert (out[:, 1] == np.maximum(-5 + i, 0.0)).all() and (out[:, 2] == -5).all()


def test_float_min_and_max_are_the_gpus_min_and_max_instructions(tmp_path):
    from test_code_options import ptxas
    for ftype, suffix in ((np.float64, "f64"), (np.float32, "f32")):
        a, out = np.zeros(2, ftype), np.zeros(6, ftype)
        ptx = extremes.inspect(a, out, stage="ptx", chip="sm_90")
        assert f"min.{suffix}" in ptx and f"max.{suffix}" in ptx and "selp" not in ptx
        ptxas(ptx, tmp_path)


@cuft.kernel
def absolute(x, out):
    i = cuft.grid(1)
    if i < x.size:
        out[i] = abs(x[i])


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64])
def test_abs_of_every_integer_width_compiles_for_the_gpu_and_wraps_at_min(dtype, tmp_path):
    from test_code_options import ptxas
    info = np.iinfo(dtype)
    x = np.array([0, 1, -1, 5, -7, info.max, info.min], dtype)
    out = np.zeros_like(x)
    absolute[1, 8](x, out)
    assert list(out) == [0, 1, 1, 5, 7, info.max, info.min]  # NumPy's abs(MIN) is MIN
    ptxas(absolute.inspect(x, out, stage="ptx", chip="sm_90"), tmp_path)


def test_a_float_literal_a_join_makes_zero_is_a_compile_error_where_tested(tmp_path):
    # Python's `and` returns 1e-50 as it is (true); in the chain's float32 it
    # is 0.0, whose truth is false: `or` took y[0]. Now refused at the literal.
    @cuft.kernel
    def vanishing(x, y, out):
        out[0] = (x[0] and 1e-50) or y[0]

    x, y, out = (np.array([v], np.float32) for v in (1.0, 5.0, 0.0))
    with pytest.raises(cuft.CompileError, match=r"this value is 0 in 'f32', the type of "
                                                r"the 'and'") as info:
        vanishing[1, 1](x, y, out)
    assert (info.value.lineno, info.value.col) == line_of(vanishing, "1e-50")

    @cuft.kernel
    def half(h, out):
        if h[0] or 1e-8:  # below float16's smallest subnormal
            out[0] = 1

    with pytest.raises(cuft.CompileError, match=r"0 in 'f16', the type of the 'or'"):
        half[1, 1](np.zeros(1, np.float16), np.zeros(1, np.float16))

    # Through a variable and a conditional expression alike.
    @cuft.kernel
    def through_a_variable(x, out):
        t = x[0] and 1e-50
        if t:
            out[0] = 1

    @cuft.kernel
    def assigned(x, out):
        t = 1e-50
        if out[0] > 0:
            t = x[0]
        out[0] = 1 if t else 0

    @cuft.kernel
    def conditional(x, out):
        if (1e-50 if out[0] > 0 else x[0]):
            out[0] = 1

    @cuft.kernel
    def constexpr_eps(x, out, eps: cuft.constexpr):
        t = eps  # a constexpr is weak too, and known
        if out[0] > 0:
            t = x[0]
        if t:
            out[0] = 1

    with pytest.raises(cuft.CompileError, match="this value is 0 in 'f32', the type of "
                                                "variable 't'") as info:
        constexpr_eps[1, 1](x, out, 1e-50)
    assert info.value.lineno == line_of(constexpr_eps, "t = eps")[0]

    for k, what in ((through_a_variable, "the 'and'"), (assigned, "variable 't'"),
                    (conditional, "the conditional expression")):
        with pytest.raises(cuft.CompileError, match=f"this value is 0 in 'f32', the type of "
                                                    f"{what}") as info:
            k[1, 1](x, out)
        assert info.value.lineno == line_of(k, "1e-50")[0]

    # What the message asks for gives Python's value; a literal float32
    # holds (a subnormal too) and a float64 chain compile as before, and so
    # does a chain whose value is stored, not tested (Python's, converted).
    @cuft.kernel
    def kept(x, y, d, h, out):
        out[0] = (x[0] and np.float64(1e-50)) or y[0]
        out[1] = (x[0] and 1e-40) or y[0]
        out[2] = (d[0] and 1e-300) or y[0]
        out[3] = h[0] or 1e-8

    out, h = np.ones(4), np.zeros(1, np.float16)
    kept[1, 1](x, y, np.ones(1), h, out)
    assert list(out) == [1e-50, float(np.float32(1e-40)), 1e-300, float(np.float16(1e-8))]
    from test_code_options import ptxas
    ptxas(kept.inspect(x, y, np.ones(1), h, out, stage="ptx", chip="sm_90"), tmp_path)


# -- 9. constant arithmetic that overflows, shared memory per kernel -------------------
def test_literal_arithmetic_that_overflows_is_a_compile_error():
    @cuft.kernel
    def big(out):
        out[0] = 2**70

    with pytest.raises(cuft.CompileError, match=r"result of \*\* on integer literals does not "
                                                r"fit in 64 bits") as info:
        big[1, 1](np.zeros(1, np.int64))
    assert info.value.lineno == line_of(big, "2**70")[0]

    @cuft.kernel
    def nested(out):
        out[0] = (1 << 40) * (1 << 30)

    with pytest.raises(cuft.CompileError, match=r"result of \* on integer literals"):
        nested[1, 1](np.zeros(1, np.int64))

    @cuft.kernel
    def fine(out, x):
        out[0] = 2**62 + (2**62 - 1)  # the largest int64, exactly
        out[1] = x << 64  # not literals: NumPy's rule, 0

    out = np.zeros(2, np.int64)
    fine[1, 1](out, np.int64(1))
    assert list(out) == [2**63 - 1, 0]


MASK64 = 0xFFFFFFFFFFFFFFFF  # a module-level Python int from 2**63 up


@cuft.kernel
def hashes(data, out):
    # FNV-1a and splitmix64: numba-cuda kernels whose constants are 2**63 or more
    h = 0xcbf29ce484222325
    for i in range(data.size):
        h = (h ^ data[i]) * 0x100000001b3
    out[0] = h
    z = cuft.uint64(data.size) + 0x9E3779B97F4A7C15
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
    z = (z ^ (z >> 27)) * 0x94D049BB133111EB
    out[1] = z ^ (z >> 31)
    out[2] = 1 << 63
    out[3] = MASK64 // 3
    out[4] = (h & MASK64) >> 60
    out[5] = 0x8000000000000000 - 1  # back in int64's range: an i64


def test_integer_literals_from_2_63_up_are_uint64_as_in_numba(tmp_path):
    from test_code_options import ptxas
    data = np.arange(1, 12, dtype=np.uint8)
    out = np.zeros(6, np.uint64)
    hashes[1, 1](data, out)
    m = (1 << 64) - 1
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ int(b)) * 0x100000001b3) & m
    z = (data.size + 0x9E3779B97F4A7C15) & m
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & m
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & m
    assert [int(v) for v in out] == [h, z ^ (z >> 31), 1 << 63, m // 3, h >> 60, 2**63 - 1]
    ptxas(hashes.inspect(data, out, stage="ptx", chip="sm_90"), tmp_path)

    @cuft.kernel
    def signed(x, out):
        out[0] = x[0] + 0x8000000000000000  # int64 with uint64: float64, as NumPy and numba

    f = np.zeros(1)
    signed[1, 1](np.array([5]), f)
    assert f[0] == 5.0 + 2.0**63

    @cuft.kernel
    def mixed(out):
        out[0] = 0xFFFFFFFFFFFFFFFF % -3

    with pytest.raises(cuft.CompileError, match=r"% of these integer literals needs both "
                                                r"int64 and uint64") as info:
        mixed[1, 1](np.zeros(1, np.int64))
    assert info.value.lineno == line_of(mixed, "% -3")[0]

    @cuft.kernel
    def compare(out, n):
        h = 0xFFFFFFFFFFFFFFFF
        for _ in range(n):
            h -= 1
        out[0] = 0xFFFFFFFFFFFFFFFF > -1  # by value, as Python: not in wrapped uint64
        out[1] = h > -1
        out[2] = h == -1

    flags = np.zeros(3, np.bool_)
    compare[1, 1](flags, 2)
    assert list(flags) == [True, True, False]

    @cuft.kernel
    def past(out):
        out[0] = 0x10000000000000000

    with pytest.raises(cuft.CompileError, match="integer 18446744073709551616 does not fit"):
        past[1, 1](np.zeros(1, np.uint64))

    @cuft.kernel
    def given(out, v):
        out[0] = v >> 1  # a uint64 argument: a logical shift

    u = np.zeros(1, np.uint64)
    given[1, 1](u, 2**64 - 1)  # a Python int from 2**63 up is a uint64 argument (numba's typeof)
    assert int(u[0]) == 2**63 - 1
    assert given.signature(u, 2**63).endswith("u64")
    with pytest.raises(cuft.KernelArgumentError, match="fits neither int64 nor uint64"):
        given[1, 1](u, 2**64)


def test_static_shared_memory_is_limited_per_kernel_not_per_array():
    @cuft.func
    def helper(out):
        t = cuft.shared.array(4097, cuft.float32)  # 16 KiB and 4 bytes
        t[0] = 1.0
        out[1] = t[0]

    @cuft.kernel
    def two_arrays(out):
        a = cuft.shared.array(4096, cuft.float64)  # 32 KiB
        a[0] = 1.0
        out[0] = a[0]
        helper(out)

    with pytest.raises(cuft.CompileError, match="kernel 'two_arrays' allocates at least 49156 "
                                                "bytes of static shared memory") as info:
        two_arrays[1, 1](np.zeros(2))
    assert info.value.lineno == line_of(helper, "cuft.shared.array")[0]


# -- 12. cuft-opt on inputs without kernels ---------------------------------------------
@pytest.mark.skipif(not os.path.exists(CUFT_OPT), reason="cuft-opt is not built")
@pytest.mark.parametrize("text", ["", "module {}\n"])
def test_cuft_opt_reports_a_signature_for_a_module_without_kernels(text, tmp_path):
    path = tmp_path / "empty.mlir"
    path.write_text(text)
    run = subprocess.run([CUFT_OPT, str(path), "--cuft-specialize=sig=array<f32,1,C>,i64"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1, run.stderr
    assert "the module has no kernel for the signature" in run.stderr
    assert "Stack dump" not in run.stderr


# -- 1. local arrays larger than a thread's stack ---------------------------------------
@cuft.kernel
def big_locals(out, n: cuft.constexpr):
    buf = cuft.local.array(n, cuft.float64)
    t = cuft.threadIdx.x
    for k in range(16):  # only a prefix: the rest of the frame is never touched
        buf[k] = t * 100 + k
    cuft.syncthreads()  # threads run as fibers, with stacks side by side
    s = 0.0
    for k in range(16):
        s += buf[k]
    out[t] = s


def test_local_arrays_larger_than_the_default_stack_get_a_stack_that_holds_them():
    # 300 and 500 KiB per thread, past the 256 KiB default: the stack of this
    # kernel's threads grows. Before, the frame skipped the guard page and the
    # threads wrote into each other's stacks.
    for kib in (300, 500):
        out = np.zeros(64)
        big_locals[1, 64](out, kib * 1024 // 8)
        np.testing.assert_array_equal(out, [t * 1600 + 120 for t in range(64)], err_msg=kib)
    out = np.zeros(64)
    big_locals[1, 64](out, 16)  # and back to a small kernel on the same workers
    assert out[63] == 63 * 1600 + 120


def test_local_arrays_beyond_a_gpu_threads_limit_are_a_compile_error():
    @cuft.kernel
    def too_big(out):
        a = cuft.local.array(40000, cuft.float64)
        b = cuft.local.array(40000, cuft.float64)
        a[0] = 1.0
        b[0] = 2.0
        out[0] = a[0] + b[0]

    with pytest.raises(cuft.CompileError, match="kernel 'too_big' allocates at least 640000 bytes "
                                                "of local arrays per thread") as info:
        too_big[1, 1](np.zeros(1))
    assert info.value.lineno == line_of(too_big, "b = cuft.local.array")[0]


def test_host_frames_are_probed_page_by_page():
    text = big_locals.inspect(np.zeros(4), 16, stage="host-llvm")
    assert '"probe-stack"="inline-asm"' in text


# -- 10, 12. deeply nested IR -----------------------------------------------------------
@pytest.mark.skipif(not os.path.exists(CUFT_OPT), reason="cuft-opt is not built")
def test_cuft_opt_takes_deeply_nested_regions(tmp_path):
    # 10,000 nested cuft.if crashed the parser on the main thread's stack; it
    # runs on a thread with a large stack now, as cuft's own compiles do.
    depth = 10000
    text = ("cuft.kernel @k(%c: !cuft.unknown) {\n" + "cuft.if %c : !cuft.unknown {\n" * depth
            + "cuft.yield\n" + "}\n" * depth + "cuft.return\n}\n")
    path = tmp_path / "deep.mlir"
    path.write_text(text)
    run = subprocess.run([CUFT_OPT, str(path), "-o", os.devnull],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]


# -- 2. read-only arrays ------------------------------------------------------------------
@cuft.func
def store_one(a, i):
    a[i] = 1.0


@cuft.kernel
def writes_through_a_device_function(src, dst):
    i = cuft.grid(1)
    if i < dst.shape[0]:
        store_one(dst, i)
        dst[i] += src[i]


@cuft.kernel
def adds_atomically(counter, x):
    cuft.atomic.add(counter, 0, x[0])


def _read_only_arrays():
    a = np.ones(4)
    a.setflags(write=False)
    return {"setflags(write=False)": a,
            "np.frombuffer(bytes)": np.frombuffer(np.ones(4).tobytes()),
            "np.broadcast_to": np.broadcast_to(np.ones(1), (4,))}


@pytest.mark.parametrize("what", sorted(_read_only_arrays()))
def test_a_kernel_may_not_write_a_read_only_array(what):
    ro = _read_only_arrays()[what]
    before = np.array(ro)
    for _ in range(2):  # the slow path, then the warm one
        with pytest.raises(cuft.KernelArgumentError,
                           match="read-only array passed as argument #1 of kernel "
                                 "'writes_through_a_device_function'") as info:
            writes_through_a_device_function[1, 4](np.ones(4), ro)
        assert isinstance(info.value, TypeError)
        assert info.value.lineno == line_of(writes_through_a_device_function, "def ")[0]
        assert "the kernel writes to it here" in str(info.value)
        np.testing.assert_array_equal(ro, before)
    # As the source (only read) it is fine, and a writeable destination works too.
    dst = np.zeros(4)
    writes_through_a_device_function[1, 4](ro, dst)
    np.testing.assert_array_equal(dst, before + 1)


def test_atomics_on_a_read_only_array_are_refused_and_reads_are_not():
    counter = np.zeros(1, np.float64)
    counter.setflags(write=False)
    with pytest.raises(cuft.KernelArgumentError, match="argument #0"):
        adds_atomically[1, 1](counter, np.ones(1))
    x = np.ones(1)
    x.setflags(write=False)
    counter = np.zeros(1)
    adds_atomically[1, 3](counter, x)
    assert counter[0] == 3.0


# -- 13. Ctrl-C, and a trap in a huge grid ------------------------------------------------
INTERRUPT = r"""
import os, signal, sys, threading, time
# Python's own SIGINT handler, whatever this process inherited: a shell starts
# background jobs (and so CI steps, sometimes) with SIGINT ignored.
signal.signal(signal.SIGINT, signal.default_int_handler)
import numpy as np, cuft
cuft.set_target("host")

@cuft.kernel
def spin(x):
    i = 0
    while x[0] >= 0:  # forever: nobody writes x[0]
        i += 1
    x[1] = i

@cuft.kernel
def no_loop(x):
    x[cuft.grid(1) % 2] += 0.0

spin[1, 1](np.array([-1.0, 0]))  # compiled and loaded before the clock starts
no_loop[1, 1](np.zeros(2))

def interrupt_after(seconds):
    def send():
        time.sleep(seconds)
        os.kill(os.getpid(), signal.SIGINT)
    threading.Thread(target=send).start()

for launch in (lambda: spin[4, 64](np.zeros(2)),          # loops in every thread
               lambda: no_loop[2**31 - 1, 1024](np.zeros(2))):  # ~2**41 threads, no loop
    interrupt_after(0.3)
    start = time.monotonic()
    try:
        launch()
    except KeyboardInterrupt:
        print(f"{time.monotonic() - start - 0.3:.3f}")
    else:
        sys.exit("the launch ended without KeyboardInterrupt")
spin[1, 1](np.array([-1.0, 0]))  # later launches work
print("ok")
"""


def test_ctrl_c_interrupts_a_running_host_launch():
    out = run_script(INTERRUPT, timeout=120, PYTHONPATH=PYTHONPATH)
    *delays, ok = out.split()
    assert ok == "ok" and len(delays) == 2
    assert all(float(d) < 2.0 for d in delays), delays  # seconds from SIGINT to the exception


def test_a_launch_on_another_thread_is_not_interrupted_by_the_main_threads_ctrl_c():
    import signal
    import threading
    import time

    @cuft.kernel
    def count(x, n):
        i = 0
        while i < n:  # a loop with polls
            i += 1
        x[0] = i

    x = np.zeros(1, np.int64)
    count[1, 1](x, 10)
    done = []
    worker = threading.Thread(target=lambda: (count[1, 1](x, 300_000_000), done.append(1)))
    previous = signal.signal(signal.SIGINT, lambda *a: None)  # Python ignores this one
    try:
        worker.start()
        time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGINT)
        worker.join(60)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert done == [1] and x[0] == 300_000_000


def test_a_trap_in_block_0_of_a_huge_grid_is_reported_at_once():
    import time

    @cuft.kernel
    def first_block_traps(x, far, spin):
        b = cuft.blockIdx.x
        if b == 0:
            acc = 0.0  # first some milliseconds: every worker has taken blocks
            for k in range(spin):
                acc += x[(k + cuft.threadIdx.x) % 4]
            x[far + int(acc) % 2] = 1.0
        else:  # work in every other block, which the trap must cut short
            acc = 0.0
            for k in range(spin % 64 + 32):
                acc += x[(k + b) % 4]
            x[b % 2] = acc

    first_block_traps[1, 1](np.zeros(4), 0, 0)
    start = time.monotonic()
    with pytest.raises(cuft.KernelError, match="invalid memory access"):
        first_block_traps[2**31 - 1, 64](np.zeros(4), 1 << 40, 100_000)
    # It took minutes when every block was taken in turn; a worker's take
    # (HostLaunch.cpp's sharesOf) bounds what runs after the trap.
    assert time.monotonic() - start < 10


# -- 14. spin-waits ------------------------------------------------------------------------
@cuft.kernel
def handoff(flag, out):
    t = cuft.threadIdx.x
    if t == 0:
        while cuft.atomic.add(flag, 0, 0) == 0:  # waits for the last thread of the block
            pass
        out[0] = 1
    elif t == cuft.blockDim.x - 1:
        cuft.atomic.exch(flag, 0, 1)
        out[1] = 1


@cuft.kernel
def fenced_handoff(flag, data, out):
    t = cuft.threadIdx.x
    if t == 0:
        while flag[0] == 0:
            cuft.threadfence_block()
        out[0] = data[0]
    elif t == 31:
        data[0] = 42
        cuft.threadfence_block()
        flag[0] = 1


def test_a_thread_spinning_on_a_flag_another_thread_sets_makes_progress():
    # Threads without barriers ran one after another: thread 0 spun forever.
    for block in (2, 64, 1024):
        flag, out = np.zeros(1, np.int32), np.zeros(2, np.int32)
        handoff[1, block](flag, out)
        assert list(out) == [1, 1] and flag[0] == 1
    flag, data, out = np.zeros(1, np.int32), np.zeros(1, np.int32), np.zeros(1, np.int32)
    fenced_handoff[1, 32](flag, data, out)
    assert out[0] == 42


def test_spin_waits_run_as_fibers_and_plain_loops_do_not():
    @cuft.kernel
    def plain(x):
        s = 0.0
        for k in range(x.shape[0]):
            s += x[k]
        x[0] = s

    assert handoff.inspect(np.zeros(1, np.int32), np.zeros(2, np.int32),
                           stage="host-llvm").count("__cuft_host_yield") >= 1
    text = plain.inspect(np.zeros(4), stage="host-llvm")
    assert "call void @__cuft_host_yield" not in text and "@__cuft_host_interrupt" in text


COMPILE_INTERRUPT = """
import os, signal, sys, threading, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # as in INTERRUPT
import numpy as np, cuft
cuft.set_target("host")

@cuft.kernel
def big(x):
""" + "".join(f"    x[{i % 7}] = x[{(i * 3) % 7}] * 1.0001 + {i}.5\n"
              for i in range(4000))  # a second or more of LLVM at -O3


def test_ctrl_c_interrupts_a_wait_for_a_compile_which_still_finishes_and_is_cached():
    body = COMPILE_INTERRUPT + r"""
before = cuft.cache_info()["compiles"]
def send():
    time.sleep(0.1)
    os.kill(os.getpid(), signal.SIGINT)
threading.Thread(target=send).start()
start = time.monotonic()
try:
    big[1, 1](np.zeros(8))
except KeyboardInterrupt:
    print(f"{time.monotonic() - start - 0.1:.3f}")
else:
    sys.exit("the compile ended before the interrupt: make the kernel bigger")
big[1, 1](np.zeros(8))  # waits for the compile that went on
print(cuft.cache_info()["compiles"] - before)
"""
    delay, compiles = run_script(body, PYTHONPATH=PYTHONPATH).split()
    assert float(delay) < 1.0 and compiles == "1", (delay, compiles)


# -- 19. argument and launch messages ------------------------------------------------------
@cuft.kernel
def fill(x):
    i = cuft.grid(1)
    if i < x.shape[0]:
        x[i] = i


class RaisingInterface:
    @property
    def __cuda_array_interface__(self):
        raise RuntimeError("the device went away")


class GarbageInterface:
    __cuda_array_interface__ = ["not", "a", "dict"]


class GarbageDLPack:
    def __dlpack__(self, **kwargs):
        return 42

    def __dlpack_device__(self):
        return (1, 0)


@pytest.mark.parametrize("bad, message", [
    (RaisingInterface(), "__cuda_array_interface__ of a RaisingInterface raised RuntimeError: "
                         "the device went away"),
    (GarbageInterface(), "__cuda_array_interface__ must be a dict"),
    (GarbageDLPack(), r"__dlpack__\(\) of a GarbageDLPack returned 42, not a DLPack capsule"),
])
def test_bad_array_protocols_are_located_argument_errors(bad, message):
    with pytest.raises(cuft.KernelArgumentError, match=message) as info:
        fill[1, 4](bad)
    assert info.value.lineno == line_of(fill, "def fill")[0]
    assert "incompatible function arguments" not in str(info.value)


def test_launch_configurations_name_the_kernel_and_take_numpy_integers():
    x = np.zeros(64)
    fill[np.int64(2), np.int32(32)](x)
    fill[(np.uint8(2),), (np.int16(32), 1)](x)
    assert list(x) == list(range(64))
    for config, error in [((0, 32), ValueError), ((1, 2.0), TypeError), ((1, True), TypeError),
                          ((1, 32, None, -1), ValueError)]:
        with pytest.raises(error, match="cannot launch kernel 'fill'"):
            fill[config](x)
    with pytest.raises(ValueError, match="cannot launch kernel 'fill'"):
        fill[1, 2048](x)  # past a block's 1024 threads


# -- 17. traps name their line ----------------------------------------------------------
@cuft.kernel
def gather_twice(x, d):
    i = cuft.grid(1)
    if i < x.shape[0]:
        v = d[i] * 2
        x[i] = d[v]


def test_a_trap_names_the_line_of_the_faulting_access():
    d = np.arange(64)
    d[5] = 1 << 40
    with pytest.raises(cuft.KernelError, match="invalid memory access") as info:
        gather_twice[1, 64](np.zeros(64, np.int64), d)
    err = info.value
    assert (err.filename, err.lineno) == (__file__, line_of(gather_twice, "x[i] = d[v]")[0])
    assert "x[i] = d[v]" in str(err)


# -- 8. 64-bit thread indices ---------------------------------------------------------------
@cuft.kernel
def past_2_31(out):
    i = cuft.blockIdx.x * cuft.blockDim.x + cuft.threadIdx.x  # as numba-cuda users write it
    if i >= out[1]:
        cuft.atomic.max(out, 0, i)


def test_the_global_index_of_a_grid_past_2_31_threads_does_not_wrap():
    n = 2**31 + 5  # 2**21 + 1 blocks of 1024 threads: about 2 s on two cores
    grid = (n + 1023) // 1024
    out = np.array([-1, n - 1], np.int64)
    past_2_31[grid, 1024](out)
    assert out[0] == grid * 1024 - 1  # in i32 it wrapped to a negative index


# -- array dimensions below 2**48 ---------------------------------------------------------
@cuft.kernel
def first(x, out):
    out[0] = x[0]


def test_an_array_dimension_of_2_48_or_more_is_refused_at_launch():
    # Kernels assume every array dimension below 2**48 (the lowering tells LLVM,
    # so index arithmetic on sizes cannot wrap); only a broadcast view reaches it.
    out = np.zeros(1)
    first[1, 1](np.broadcast_to(np.float64(7), (2**48 - 1,)), out)
    assert out[0] == 7
    with pytest.raises(cuft.KernelArgumentError, match=r"array shape \(281474976710656,\) has a "
                                                       r"dimension of 2\*\*48") as info:
        first[1, 1](np.broadcast_to(np.float64(7), (2**48,)), out)
    assert info.value.lineno == line_of(first, "def first")[0]
    with pytest.raises(cuft.KernelArgumentError, match="dimension of 2"):
        first[1, 1](np.broadcast_to(np.float64(7), (2, 2**50))[0], out)


@cuft.kernel
def tiles(a, out):
    tx = cuft.threadIdx.x
    for t in range((a.shape[0] + 15) // 16):
        out[t * 16 + tx] = a[t * 16 + tx] * 2


def test_indices_from_sizes_need_no_negative_index_select():
    # `t * 16 + tx` with t below (n + 15) // 16 is never negative once n is below
    # 2**48: the `index < 0` test of negative-index wrapping folds away, on both
    # targets (the host's vector loads were gathers before).
    a = np.arange(64, dtype=np.float32)
    out = np.zeros(64, np.float32)
    tiles[1, 16](a, out)
    np.testing.assert_array_equal(out, a * 2)
    for stage in ("host-llvm", "llvm"):
        ir = tiles.inspect(a, out, stage=stage)
        assert " slt " not in ir and "icmp sgt" not in ir, stage
