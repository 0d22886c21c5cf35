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
    # A namedtuple is a tuple whose field names its signature carries: another
    # specialization, as other element types are.
    Pair = namedtuple("Pair", "a b")
    k[1, 8](Pair(2.0, 0.0), (x, x), out)
    np.testing.assert_array_equal(out, 2.0 * x)
    k[1, 8]((np.float32(1), 2), (x, x), out)
    np.testing.assert_array_equal(out, 3.0 * x)
    assert k.stats()["compiles"] == 3

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
    ptx = k.specialize_ptx("(f64,f64),(array<f64,1,C>,array<f64,1,C>),array<f64,1,C>")
    assert ".entry axpby(" in ptx
    assert k.inspect(signature="(f32, f32), (f32[::1], f32[::1]), f32[::1]",
                     stage="typed").count("!cuft.array<f32, 1, C>") >= 3


Point = namedtuple("Point", "x y")
Box = namedtuple("Box", ["lo", "hi"])


@cuft.func
def box_area(b):
    return (b.hi.x - b.lo.x) * (b.hi.y - b.lo.y)


@cuft.kernel
def named_fields(out, p, b):
    out[0] = p.x + 10 * p.y
    out[1] = p[1]  # still a tuple: indexed, unpacked, held
    q = p
    out[2] = q.y
    out[3] = box_area(b)  # device functions take them whole
    x, y = p
    out[4] = x * y
    out[5] = b.hi.y


def test_namedtuple_fields_are_read_by_name_as_in_numba(tmp_path):
    from test_code_options import ptxas
    out = np.zeros(6)
    p, b = Point(1.5, 2), Box(Point(0, 0), Point(2.0, 3.0))
    for _ in range(2):  # the warm launch too
        named_fields[1, 1](out, p, b)
        assert list(out) == [21.5, 2.0, 2.0, 6.0, 3.0, 3.0]
    sig = named_fields.signature(out, p, b)
    assert sig == "array<f64,1,C>,(x:f64,y:i64),(lo:(x:i64,y:i64),hi:(x:f64,y:f64))"
    assert named_fields.stats()["compiles"] == 1
    ptxas(named_fields.specialize_ptx(sig), tmp_path)
    # The same names in a signature written by hand, spaces and numpy names too.
    assert "cuft.kernel @named_fields" in named_fields.inspect(
        signature="float64[::1], (x: f64, y: int64), (lo:(x:i64,y:i64), hi:(x:f64,y:f64))",
        stage="typed")

    @cuft.kernel
    def missing(out, p):
        out[0] = p.z

    with pytest.raises(CompileError, match=r"has no attribute 'z' \(its fields: x, y\)") as info:
        missing[1, 1](out, p)
    assert info.value.lineno == line_of(missing, "p.z")[0]
    with pytest.raises(CompileError, match="unsupported attribute 'x'"):
        missing_x = cuft.kernel(named_fields.py_func)
        missing_x[1, 1](out, (1.5, 2), (Point(0, 0), Point(2.0, 3.0)))  # a plain tuple has no .x
