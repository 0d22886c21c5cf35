"""Declared signatures, numba's way: @cuft.jit("void(float32[::1], int32)"),
@cuft.func("float32(float32, int32)"): compiled when declared, launched with
arguments converted to the declared types."""
import numpy as np
import pytest

import cuft
from cuft import CompileError, KernelArgumentError

pytestmark = pytest.mark.usefixtures("on_host")


_tags = iter(range(1, 1 << 30))


def make_scale(signatures):
    """A kernel with a cache of its own (its captured tag), to count its compiles."""
    tag = next(_tags)

    @cuft.jit(signatures)
    def scale(x, out, k):
        i = cuft.grid(1)
        if i < x.size and tag > 0:
            out[i] = x[i] * k
    return scale


def test_a_declared_kernel_compiles_when_declared_and_converts_scalars():
    k = make_scale("void(float32[::1], float32[:], int32)")
    assert k.stats()["compiles"] == 1  # before any launch
    x, out = np.arange(4, dtype=np.float32), np.zeros(4, np.float32)
    k[1, 4](x, out, 2)          # a Python int: int32
    np.testing.assert_array_equal(out, 2 * x)
    k[1, 4](x, out, 3.7)        # a float where int32 is declared: truncated, as numba
    np.testing.assert_array_equal(out, 3 * x)
    k[1, 4](x, out[::-1], True)  # any layout where [:] is declared
    np.testing.assert_array_equal(out, x[::-1])
    assert k.stats()["compiles"] == 1  # nothing else compiled


def test_arrays_must_match_a_declaration():
    k = make_scale("void(float32[::1], float32[:], int32)")
    x = np.arange(4, dtype=np.float32)
    with pytest.raises(KernelArgumentError, match="no declared signature"):
        k[1, 4](x.astype(np.float64), np.zeros(4, np.float32), 2)
    with pytest.raises(KernelArgumentError, match="no declared signature"):
        k[1, 4](x[::2], np.zeros(2, np.float32), 2)  # [::1] declared: a strided view is not
    assert k.stats()["compiles"] == 1


def test_several_declarations_and_numba_names():
    k = make_scale(["void(f4[::1], f4[::1], i4)", "void(f8[::1], f8[::1], f8)"])
    assert k.stats()["compiles"] == 2
    x = np.arange(3.0)
    out = np.zeros(3)
    k[1, 3](x, out, 0.5)
    np.testing.assert_array_equal(out, x * 0.5)
    x32, out32 = x.astype(np.float32), np.zeros(3, np.float32)
    k[1, 3](x32, out32, np.int64(4))
    np.testing.assert_array_equal(out32, x32 * 4)
    assert k.stats()["compiles"] == 2


def test_type_objects_declare_too():
    k = make_scale(cuft.void(cuft.int64[:], cuft.int64[:], cuft.int64))
    x, out = np.arange(5), np.zeros(5, np.int64)
    k[1, 5](x, out, 3)
    np.testing.assert_array_equal(out, 3 * x)


@cuft.func("float32(float32, int32)")
def third(a, b):
    return a / b


@cuft.jit("void(float64[:], float64[:])")
def use_third(x, out):
    i = cuft.grid(1)
    if i < x.size:
        out[i] = third(x[i], 3)


def test_a_declared_device_function_casts_arguments_and_result():
    x, out = np.arange(4.0), np.zeros(4)
    use_third[1, 4](x, out)
    # computed in float32 as declared, then widened
    np.testing.assert_array_equal(out, (x.astype(np.float32) / np.float32(3)).astype(np.float64))


def test_declaration_errors():
    with pytest.raises(TypeError, match="a kernel returns nothing"):
        make_scale("float32(float32[:], float32[:], int32)")
    with pytest.raises(ValueError, match="bad signature 'void\\(float32\\[:\\], blob\\)'"):
        make_scale("void(float32[:], blob)")
    with pytest.raises(CompileError, match="has no shape"):  # compiled when declared
        make_scale("void(float32, float32[:], int32)")


@cuft.func("float32(float32)")
def one_declared(a, b=2):
    return a * b


def test_a_declared_device_function_needs_a_declaration_of_the_arity():
    def bad(x):
        x[0] = one_declared(x[0], 3)

    with pytest.raises(CompileError, match="no declared signature of 2 argument"):
        cuft.jit("void(float32[:])")(bad)


# -- several declarations: the one the arguments fit best, as numba chooses ----

def add(x, y):
    return x + y


def test_a_kernel_launches_the_declaration_its_arguments_fit_best():
    # numba's ranking (numba-cuda's test_explicit_signatures_same_type_class):
    # a Python int and float fit (float64, float64) with safe conversions,
    # (float32, float32) only with unsafe ones, whatever the order declared.
    def add_kernel(r, x, y):
        r[0] = x + y

    for sigs in (["(float64[::1], float32, float32)", "(float64[::1], float64, float64)"],
                 ["(float64[::1], float64, float64)", "(float64[::1], float32, float32)"]):
        k = cuft.jit(sigs)(add_kernel)
        r = np.zeros(1)
        k[1, 1](r, np.float32(1), np.float32(2**-25))  # exact: float32
        assert r[0] == 1.0
        k[1, 1](r, 1, 2**-25)
        assert r[0] == 1.0000000298023224


def test_a_kernel_prefers_the_declared_layout_its_array_has():
    def copy(x, out):
        out[0] = x[0]

    k = cuft.jit(["void(float64[:], float64[:])", "void(float64[::1], float64[:])"])(copy)
    assert cuft._cuft.best_declared(list(k._declared), "array<f64,1,C>,array<f64,1,C>") == 1
    assert cuft._cuft.best_declared(list(k._declared), "array<f64,1,F>,array<f64,1,C>") == 0


@pytest.mark.parametrize("arg, fits", [
    ("i32", "f64"),   # int32 -> float64 safe, -> float32 unsafe
    ("i16", "f32"),   # both safe: the first declared
    ("u16", "f64"),   # uint16 -> float32 unsafe (numba's table)
    ("f32", "f32"),   # exact
    ("f64", "f64"),
    ("bool", "f32"),  # safe to either: the first
    ("i64", "f64"),   # int64 -> float64 counted safe by numba
])
def test_numbas_conversion_ranks_choose_the_declaration(arg, fits):
    declared = ["f32", "f64"]
    assert declared[cuft._cuft.best_declared(declared, arg, True)] == fits


@pytest.mark.parametrize("arg, fits", [
    ("i32", "i64"),    # a promotion beats a safe conversion (int32 -> float64)
    ("u32", "f64"),    # safe (the first of them) beats unsafe (-> int32, -> complex64)
    ("f32", "f64"),    # a promotion beats safe (-> complex64) and unsafe (-> int32)
    ("f64", "c128"),
])
def test_promotions_beat_safe_conversions_beat_unsafe_ones(arg, fits):
    declared = ["i32", "f64", "i64", "c64", "c128"]
    ranked = [d for d in declared if d != arg]  # never the exact one
    assert ranked[cuft._cuft.best_declared(ranked, arg, True)] == fits


def test_a_device_function_calls_the_declaration_its_arguments_fit_best():
    # numba-cuda's test_explicit_signatures_device: the float64 call of a
    # function declared (int64, int64) then (float64, float64) adds in float64
    # (cuft cast it to the first declaration of the arity: 1.5 + 2.5 == 3).
    add_device = cuft.jit(["(int64, int64)", "(float64, float64)"], device=True)(add)

    @cuft.jit
    def f(r, x, y):
        r[0] = add_device(x, y)

    r = np.zeros(1, np.int64)
    f[1, 1](r, 1, 2)
    assert r[0] == 3
    r = np.zeros(1)
    f[1, 1](r, 1.5, 2.5)
    assert r[0] == 4.0
    add32 = cuft.jit(["(float32, float32)", "(float64, float64)"], device=True)(add)

    @cuft.jit
    def g(r, x, y):
        r[0] = add32(x, y)

    g[1, 1](r, np.float32(1), np.float32(2**-25))
    assert r[0] == 1.0
    g[1, 1](r, 1, 2**-25)
    assert r[0] == 1.0000000298023224


def test_each_declaration_of_a_device_function_returns_its_own_result_type(tmp_path):
    from test_code_options import ptxas
    scaled = cuft.func(["float32(float32)", "int16(int64)"])(lambda x: x * 3.0000001)

    @cuft.jit
    def k(r, x):
        r[0] = scaled(x)

    r = np.zeros(1)
    k[1, 1](r, 1.0)  # float64 -> float32 (unsafe) beats -> int64 (unsafe too): the first
    assert r[0] == float(np.float32(3.0000001))
    k[1, 1](r, 7)    # int64: exact for the second, which returns int16
    assert r[0] == 21.0
    ptxas(k.inspect(r, 7, stage="ptx"), tmp_path)


def test_a_device_call_that_fits_no_declaration_is_a_located_error():
    two = cuft.func(["float32(float32, float32)", "int32(int32, int32)"])(add)

    def bad(x):
        x[0] = two(x, x[0])  # an array where a scalar is declared

    k = cuft.jit(bad)
    with pytest.raises(CompileError, match=r"has no declared signature for arguments "
                                           r"\(array<f32,1,C>,f32\)") as e:
        k[1, 1](np.zeros(1, np.float32))
    assert e.value.lineno is not None


def test_an_integer_converted_to_a_declared_type_wraps_as_numbas_launch():
    # numba-cuda's test_clz_i4_1s: 0xFFFFFFFF passed for an int32 is -1 (C's
    # cast); numpy's own conversion refuses it
    @cuft.jit(["void(int64[:], int32)", "void(int64[:], uint8)"])
    def put(out, c):
        out[0] = c

    out = np.zeros(1, np.int64)
    put[1, 1](out, 0xFFFFFFFF)
    assert out[0] == -1
    put[1, 1](out, 2**40 + 5)
    assert out[0] == 5
    put[1, 1](out, np.uint64(2**63))  # an unsafe conversion to either: the first
    assert out[0] == 0
    put[1, 1](out, 3.7)               # a float truncates
    assert out[0] == 3


def test_a_declared_device_function_takes_a_bool_literal_as_its_declaration_says():
    # a bool literal is otherwise bound in the callee (not passed): a declared
    # function's signature counts it
    scaled = cuft.func("float64(float64, boolean)")(lambda x, twice: x * 2 if twice else x)

    @cuft.jit
    def k(out):
        out[0] = scaled(1.5, True)
        out[1] = scaled(1.5, False)

    out = np.zeros(2)
    k[1, 1](out)
    assert out.tolist() == [3.0, 1.5]


def test_specialize_makes_a_kernel_for_the_arguments_types_as_numba():
    # numba-cuda's Dispatcher.specialize(*args): a kernel compiled now for
    # those types only, the same one for the same types.
    k = make_scale(None)
    assert not k.specialized and k.specializations == {}
    x, out = np.arange(4, dtype=np.float32), np.zeros(4, np.float32)
    s = k.specialize(x, out, 2)
    assert s.specialized and s.stats()["compiles"] == 1  # before any launch
    assert k.specialize(np.ones(9, np.float32), out, 5) is s
    assert len(k.specializations) == 1
    s[1, 4](x, out, 3)
    np.testing.assert_array_equal(out, 3 * x)
    s[1, 4](x, out, 2.9)  # converted to its int64, as a declared kernel converts
    np.testing.assert_array_equal(out, 2 * x)
    with pytest.raises(KernelArgumentError, match="no declared signature"):
        s[1, 4](x.astype(np.float64), out, 2)
    # Types as a declared signature takes them, and another layout: others.
    t = k.specialize(cuft.float32[::1], cuft.float32[:], cuft.int32)
    assert t is not s and len(k.specializations) == 2
    t[1, 4](x, out[::-1], 4)
    np.testing.assert_array_equal(out[::-1], 4 * x)
    assert k.stats()["compiles"] == 0  # the kernel itself compiled nothing


def test_a_specialized_kernel_cannot_be_specialized_again():
    declared = make_scale("void(float32[::1], float32[:], int32)")
    assert declared.specialized
    x = np.zeros(2, np.float32)
    with pytest.raises(RuntimeError, match="already specialized"):
        declared.specialize(x, x, 1)
    s = make_scale(None).specialize(x, x, 1)
    with pytest.raises(RuntimeError, match="already specialized"):
        s.specialize(x, x, 1)


def test_specialize_refuses_an_argument_cuft_cannot_pass_located():
    k = make_scale(None)
    with pytest.raises(KernelArgumentError, match="argument 'out'") as e:
        k.specialize(np.zeros(2, np.float32), "text", 1)
    assert e.value.filename == __file__
    with pytest.raises(KernelArgumentError, match=r"takes 3 argument\(s\) \(x, out, k\) but 4"):
        k.specialize(np.zeros(2, np.float32), np.zeros(2, np.float32), 1, "more")


def test_a_writable_array_fits_where_a_read_only_one_is_declared_as_in_numba():
    @cuft.jit
    def first(x, out):
        out[0] = x[0]

    ro = np.arange(1.0, 4.0)
    ro.setflags(write=False)
    s = first.specialize(ro, np.zeros(1))
    out = np.zeros(1)
    s[1, 1](ro, out)
    s[1, 1](np.full(3, 7.0), out)  # numba's safe conversion of a mutable array
    assert out[0] == 7.0 and s.stats()["compiles"] == 1
    # Not the other way round: a read-only array where a writable one is
    # declared, as numba refuses it.
    writable = first.specialize(np.ones(3), np.zeros(1))
    with pytest.raises(KernelArgumentError, match="no declared signature"):
        writable[1, 1](ro, out)


def test_threads_specializing_at_once_share_one_kernel_and_one_compile():
    from threadutil import run_concurrently
    k = make_scale(None)
    x, out = np.arange(8, dtype=np.float32), np.zeros(8, np.float32)
    before = cuft.cache_info()["compiles"]
    kernels = run_concurrently(16, lambda: k.specialize(x, out, 3))
    assert all(s is kernels[0] for s in kernels) and len(k.specializations) == 1
    assert cuft.cache_info()["compiles"] - before == 1  # the process's cache: once
    kernels[0][1, 8](x, out, 3)
    np.testing.assert_array_equal(out, 3 * x)
