"""Kernels and device functions compiled from strings (exec of a template, as
numba-cuda's own tests and libraries that generate kernels do): cuft keeps
the text Python compiles from a string (an audit hook, python/src/sources.cpp)
and takes, for each function, the text that compiles to its code exactly.
Kernels run on the host target; their PTX goes through ptxas."""

import __future__
import threading

import numpy as np
import pytest
from test_code_options import ptxas

import cuft
from cuft import CompileError, _cuft

pytestmark = pytest.mark.usefixtures("on_host")

TEMPLATE = """
def k(a, b, out):
    i = cuft.grid(1)
    if i < a.size:
        out[i] = a[i] {op} b
"""

OPS = {"+": np.add, "*": np.multiply, "-": np.subtract, "/": np.divide}


def exec_template(text, name="k", filename="<string>", flags=0, **names):
    namespace = {"cuft": cuft, **names}
    exec(compile(text, filename, "exec", flags=flags, dont_inherit=True), namespace)
    return namespace[name]


def test_kernels_of_one_template_each_compile_their_own_text(tmp_path):
    # Every text defines k at the same line, with the same constants and
    # names: only the bytecode tells them apart. All are compiled before any
    # is decorated, so the newest text is not each one's.
    functions = {op: exec_template(TEMPLATE.format(op=op)) for op in OPS}
    kernels = {op: cuft.kernel(f) for op, f in functions.items()}
    a, out = np.arange(1.0, 65.0), np.zeros(64)
    for op, k in kernels.items():
        k[2, 32](a, 3.0, out)
        np.testing.assert_array_equal(out, OPS[op](a, 3.0))
    ptxas(kernels["*"].inspect(a, 3.0, out, stage="ptx"), tmp_path)


def test_decorators_and_device_functions_in_the_text():
    text = """
@cuft.func
def twice(x):
    return 2 * x

@cuft.kernel
def k(a, out):
    i = cuft.grid(1)
    if i < a.size:
        out[i] = twice(a[i]) + 1
"""
    k = exec_template(text)
    a, out = np.arange(40.0), np.zeros(40)
    k[2, 32](a, out)
    np.testing.assert_array_equal(out, 2 * a + 1)


def test_a_named_text_with_future_flags():
    # compile() with a file name of one's own, and exec's inherited future
    # imports (annotations): the text is compiled again with the code's flags.
    text = "def k(a: 'array', out) -> None:\n    out[0] = a[0] + a[1]\n"
    k = cuft.kernel(exec_template(text, filename="<template 7>",
                                  flags=__future__.annotations.compiler_flag))
    out = np.zeros(1)
    k[1, 1](np.array([2.0, 5.0]), out)
    assert out[0] == 7.0


def test_an_error_in_a_generated_kernel_is_located_in_its_text():
    k = cuft.kernel(exec_template("\n\ndef k(a):\n    a[0] = 1\n    a[1] = missing + 1\n"))
    with pytest.raises(CompileError) as info:
        k[1, 1](np.zeros(2))
    e = info.value
    assert (e.filename, e.lineno) == ("<string>", 5)
    assert "name 'missing' is not defined" in str(e) and "a[1] = missing + 1" in str(e)


def test_a_text_compiled_before_is_not_taken_for_an_edited_one():
    # The same name at the same line, the text recompiled with one change
    # after the function was made: the function keeps its own text.
    old = exec_template("def k(out):\n    out[0] = 1\n")
    exec_template("def k(out):\n    out[0] = 2\n")
    out = np.zeros(1)
    cuft.kernel(old)[1, 1](out)
    assert out[0] == 1


def test_threads_generating_kernels_at_once():
    # The store is shared by every thread (a mutex; free-threaded too): each
    # thread makes kernels from texts of its own and gets its own results.
    errors, barrier = [], threading.Barrier(8)

    def work(t):
        try:
            barrier.wait()
            for j in range(6):
                c = 100 * t + j
                text = f"def k(a, out):\n    i = cuft.grid(1)\n    out[i] = a[i] * {c}\n"
                k = cuft.kernel(exec_template(text))
                a, out = np.arange(32.0), np.zeros(32)
                k[1, 32](a, out)
                np.testing.assert_array_equal(out, a * c)
        except Exception as e:  # reported below, with its thread
            errors.append((t, e))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors


def test_the_kept_texts_are_bounded_by_their_bytes():
    # 16 MiB: texts beyond it push the oldest out. A comment compiles at once.
    early = exec_template("def k(out):\n    out[0] = 3\n")
    for i in range(5):
        exec(compile(f"# {i}" + "x" * (4 << 20), "<filler>", "exec"))
    ever, held, size = _cuft.compiled_texts_kept()
    assert size <= 16 << 20 and held < ever
    with pytest.raises(CompileError, match="cannot read the source of 'k'"):
        cuft.kernel(early)[1, 1](np.zeros(1))
    late = cuft.kernel(exec_template("def k(out):\n    out[0] = 4\n"))
    out = np.zeros(1)
    late[1, 1](out)
    assert out[0] == 4
