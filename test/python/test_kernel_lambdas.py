"""``lambda`` in kernels and device functions, as numba inlines closures: bound
to a name (once) or called where written, inlined at each call with its
parameters bound to the arguments and every other name read as at the call.
A nested ``def f(x): return <expression>`` is the lambda it stands for."""
import math

import numpy as np
import pytest

import cuft
from sourceutil import line_of
from test_code_options import ptxas

pytestmark = pytest.mark.usefixtures("on_host")


@cuft.func
def apply_twice(v, w):
    inc = lambda t: t + w  # noqa: E731 (a lambda bound to a name is what is tested)
    return inc(inc(v))


@cuft.kernel
def with_lambdas(a, out, scale):
    i = cuft.grid(1)
    if i < a.size:
        x = 0.5  # a local named like a parameter of the lambdas below
        sq = lambda x: x * x  # noqa: E731
        lin = lambda x, y: x * scale + y  # noqa: E731 (reads the kernel's parameter)
        out[i] = lin(sq(a[i]), (lambda t: t + 1)(x)) + math.sqrt(sq(a[i])) \
            + apply_twice(a[i], 2.0)


def test_lambdas_are_inlined_with_their_parameters_bound():
    a = np.arange(7.0)
    out = np.zeros(7)
    with_lambdas[1, 8](a, out, 3.0)
    np.testing.assert_array_equal(out, a * a * 3 + 1.5 + a + a + 4)


def test_a_lambda_reads_names_as_they_are_when_it_is_called():
    @cuft.kernel
    def late(out):
        y = 1.0
        f = lambda: y * 10  # noqa: E731
        out[0] = f()
        y = 2.0
        out[1] = f()
        for k in range(3):
            g = lambda: k  # noqa: E731 (k: the loop's, at the call)
            out[2 + k] = g()

    out = np.zeros(5)
    late[1, 1](out)
    np.testing.assert_array_equal(out, [10, 20, 0, 1, 2])


def test_a_lambda_returning_a_tuple_unpacks():
    @cuft.kernel
    def pairs(a, out):
        i = cuft.grid(1)
        if i < a.size:
            split = lambda v: (v // 10, v % 10)  # noqa: E731
            hi, lo = split(a[i])
            out[i] = hi + 100 * lo

    a = np.array([7, 42, 95], np.int64)
    out = np.zeros(3, np.int64)
    pairs[1, 3](a, out)
    np.testing.assert_array_equal(out, a // 10 + 100 * (a % 10))


def test_a_nested_def_of_one_return_is_a_lambda():
    @cuft.kernel
    def nested(a, out):
        def g(x):
            """Twice x, plus a[1] (read at the call)."""
            return 2 * x + a[1]

        def h(x, y):
            return g(x) - y
        out[0] = h(a[0], 1.0)

    a = np.array([3.0, 10.0])
    out = np.zeros(1)
    nested[1, 1](a, out)
    assert out[0] == 2 * 3 + 10 - 1


def test_the_ptx_passes_ptxas(tmp_path):
    a = np.zeros(4)
    ptxas(with_lambdas.inspect(a, a, 1.0, stage="ptx"), tmp_path)


def _error_of(kernel, *args):
    with pytest.raises(cuft.CompileError) as info:
        kernel[1, 1](*args)
    return info.value


def test_what_a_lambda_cannot_do_is_a_located_error():
    @cuft.kernel
    def rebound(out):
        f = lambda v: v  # noqa: E731
        f = lambda v: -v  # noqa: E731
        out[0] = f(1.0)

    @cuft.kernel
    def as_value(out):
        f = lambda v: v  # noqa: E731
        out[0] = f

    @cuft.kernel
    def recursive(out):
        f = lambda n: f(n - 1)  # noqa: E731
        out[0] = f(3)

    @cuft.kernel
    def with_default(out):
        f = lambda v, w=2: v * w  # noqa: E731
        out[0] = f(1.0)

    @cuft.kernel
    def wrong_count(out):
        f = lambda v: v  # noqa: E731
        out[0] = f(1.0, 2.0)

    @cuft.kernel
    def read_before(out):
        f = lambda: later  # noqa: E731
        later = 1.0
        out[0] = f()

    @cuft.kernel
    def long_def(out):
        def g(x):
            y = x + 1
            return y
        out[0] = g(1.0)

    @cuft.kernel
    def defined_twice(out):
        def g(x):
            return x

        def g(x):  # noqa: F811 (what is tested)
            return -x
        out[0] = g(1.0)

    out = np.zeros(1)
    for kernel, words, where in (
            (long_def, "a nested function in a kernel must be one 'return <expression>'",
             "def g(x)"),
            (defined_twice, "'g' is a nested function: it cannot be defined or assigned again",
             "def g(x):  # noqa"),
            (rebound, "'f' holds a lambda: it must be assigned once", "lambda v: v"),
            (as_value, "a lambda can only be called or bound to a name", "out[0] = f"),
            (recursive, "a lambda cannot call itself", "f(n - 1)"),
            (with_default, "positional parameters only", "lambda v, w=2"),
            (wrong_count, "the lambda takes 1 argument (2 given)", "f(1.0, 2.0)"),
            (read_before, "'later' may be read before it is assigned", "later  #")):
        e = _error_of(kernel, out)
        assert words in e.message, (kernel, str(e))
        assert (e.filename, e.lineno) == (__file__, line_of(kernel, where)[0]), str(e)
