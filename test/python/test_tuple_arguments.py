"""Tuples as kernel arguments: read, keyed and packed by the one argument
reader (a tuple's elements are passed one after the other), with the kernel's
code generated once per shape of its tuples."""
from collections import namedtuple

import numpy as np
import pytest

import cuft
from cuft import KernelArgumentError, CompileError
from sourceutil import line_of
from threadutil import run_concurrently

pytestmark = pytest.mark.usefixtures("on_host")


_tags = iter(range(1, 1 << 30))


def new_axpby():
    """An axpby with a cache of its own (its captured ``tag`` differs from
    every other's, so does its IR), for counting its compiles."""
    tag = next(_tags)

    @cuft.kernel
    def axpby(coeffs, arrays, out):
        i = cuft.grid(1)
        a, b = coeffs
        x, y = arrays
        if i < out.size and tag > 0:
            out[i] = a * x[i] + b * y[i]
    return axpby


def test_tuples_of_scalars_and_arrays_are_arguments():
    k = new_axpby()
    x, y, out = np.arange(8.0), np.ones(8, np.float32), np.zeros(8)
    k[1, 8]((2.0, 3), (x, y), out)
    np.testing.assert_array_equal(out, 2.0 * x + 3 * y)
    assert k.signature((2.0, 3), (x, y), out) == \
        "(f64,i64),(array<f64,1,C>,array<f32,1,C>),array<f64,1,C>"
    # The generic IR takes each element as a parameter of its own.
    generic = k.inspect((2.0, 3), (x, y), out, stage="generic")
    assert "%coeffs.0: " in generic and "%arrays.1: " in generic


def test_warm_launches_of_tuples_hit_and_each_shape_has_its_code():
    k = new_axpby()
    x, out = np.arange(8.0), np.zeros(8)
    for _ in range(3):
        k[1, 8]((1.0, 1.0), (x, x), out)
    assert k.stats() == {"compiles": 1, "hits": 2, "waits": 0, "loads": 1}
    # A namedtuple is a tuple; other element types are another specialization.
    Pair = namedtuple("Pair", "a b")
    k[1, 8](Pair(2.0, 0.0), (x, x), out)
    np.testing.assert_array_equal(out, 2.0 * x)
    k[1, 8]((np.float32(1), 2), (x, x), out)
    np.testing.assert_array_equal(out, 3.0 * x)
    assert k.stats()["compiles"] == 2

    @cuft.kernel
    def count(t, out):
        out[0] = len(t) + t[0]

    # Shapes alternating: each its own code, each launch right.
    for n in [1, 2, 3, 1, 3, 2, 1]:
        count[1, 1](tuple(range(10, 10 + n)), out)
        assert out[0] == n + 10
    assert count.stats()["compiles"] == 3


def test_a_bad_tuple_element_points_at_the_parameter():
    k = new_axpby()
    x, out = np.arange(8.0), np.zeros(8)
    with pytest.raises(KernelArgumentError) as info:
        k[1, 8]((1.0, "two"), (x, x), out)
    assert "argument 'coeffs'" in str(info.value)
    assert "element 1 of the tuple: cannot pass a str" in str(info.value)
    with pytest.raises(KernelArgumentError, match="element 0 of the tuple: element 1 "):
        k[1, 8](((1.0, [2]), 1.0), (x, x), out)


def test_a_kernel_that_unpacks_a_parameter_refuses_a_value_there():
    k = new_axpby()
    x, out = np.arange(8.0), np.zeros(8)
    with pytest.raises(CompileError) as info:
        k[1, 8](1.0, (x, x), out)
    assert "cannot unpack a value that is not a tuple" in str(info.value)
    assert info.value.lineno == line_of(new_axpby, "a, b = coeffs")[0]
    k[1, 8]((1.0, 1.0), (x, x), out)  # the tuples it was written for still work
    np.testing.assert_array_equal(out, 2 * x)


def test_tuples_of_other_shapes_with_the_same_values_have_their_own_code():
    # ((a, b), (c,)) and ((a,), (b, c)) pass the same three f64 values.
    @cuft.kernel
    def ends(p, q, out):
        out[0] = len(p) * 100 + p[-1] * 10 + q[0]

    out = np.zeros(1)
    for _ in range(2):
        ends[1, 1]((1.0, 2.0), (3.0,), out)
        assert out[0] == 223
        ends[1, 1]((1.0,), (2.0, 3.0), out)
        assert out[0] == 112
    assert ends.stats()["compiles"] == 2


def test_32_threads_launching_two_shapes_compile_each_once():
    k = new_axpby()
    x = np.arange(64.0)

    def work():
        outs = []
        for n in range(20):
            out = np.zeros(64)
            if n % 2:
                k[1, 64]((2.0, 1.0), (x, x), out)
                outs.append(np.array_equal(out, 3 * x))
            else:
                k[1, 64]((np.float32(2), 1), (x, x), out)
                outs.append(np.array_equal(out, 3 * x))
        return all(outs)

    assert all(run_concurrently(32, work))
    s = k.stats()
    assert s["compiles"] == 2 and s["hits"] + s["waits"] == 32 * 20 - 2


def test_specialize_takes_a_signature_with_tuples():
    k = new_axpby()
    ptx = k.specialize("(f64,f64),(array<f64,1,C>,array<f64,1,C>),array<f64,1,C>")
    assert ".entry axpby(" in ptx
    assert k.inspect(signature="(f32, f32), (f32[::1], f32[::1]), f32[::1]",
                     stage="typed").count("!cuft.array<f32, 1, C>") >= 3
