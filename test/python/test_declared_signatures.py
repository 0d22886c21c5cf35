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
