"""Kernel options that shape the code: max_registers, launch_bounds, lineinfo,
inline (device functions), cache; each in the PTX that ptxas checks, and
launch_bounds enforced on the host target as a GPU enforces it."""
import re
import subprocess

import numpy as np
import pytest

import cuft
from test_gallery import PTXAS


def scale(x):
    i = cuft.grid(1)
    if i < x.size:
        x[i] = x[i] * 2


def ptxas(ptx, tmp_path, *flags):
    if PTXAS is None:
        pytest.skip("ptxas is not installed")
    path = tmp_path / "k.ptx"
    path.write_text(ptx)
    run = subprocess.run([PTXAS, "-arch=sm_90", *flags, str(path), "-o", str(tmp_path / "k.cubin")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_max_registers_and_launch_bounds_are_ptx_directives(tmp_path):
    x = np.zeros(4)
    plain = cuft.kernel(scale).inspect(x, stage="ptx")
    k = cuft.kernel(scale, max_registers=40, launch_bounds=(128, 2))
    ptx = k.inspect(x, stage="ptx")
    assert ".maxnreg 40" in ptx and ".maxntid 128, 1, 1" in ptx and ".minnctapersm 2" in ptx
    assert ".maxnreg" not in plain and ".maxntid" not in plain  # options key the code
    ptxas(ptx, tmp_path)
    assert ".maxntid 64, 1, 1" in cuft.kernel(scale, launch_bounds=64).inspect(x, stage="ptx")


def test_a_block_past_launch_bounds_is_refused_on_the_host(on_host):
    k = cuft.kernel(scale, launch_bounds=128)
    x = np.ones(256)
    k[2, 128](x)
    np.testing.assert_array_equal(x, 2)
    with pytest.raises(ValueError, match=r"block \(256, 1, 1\) has 256 threads; this kernel "
                                         r"allows 128 at most"):
        k[1, 256](x)


@cuft.func(inline="never")
def twice_apart(v):
    return v * 2


@cuft.func(inline="always")
def twice_inline(v):
    return v * 2


def calls_apart(x):
    x[0] = twice_apart(x[0])


def calls_inline(x):
    x[0] = twice_inline(x[0])


@cuft.func
def twice_plain(v):
    return v * 2


def calls_plain(x):
    x[0] = twice_plain(x[0])


def test_inline_never_keeps_a_call_and_always_inlines(tmp_path):
    x = np.zeros(4)

    def calls(fn, opt_level):
        ptx = cuft.kernel(fn, opt_level=opt_level).inspect(x, stage="ptx")
        return re.findall(r"call\.uni .*(twice_\w+?)__", ptx), ptx

    found, apart = calls(calls_apart, 3)  # LLVM would inline it at -O3
    assert "twice_apart" in found
    ptxas(apart, tmp_path)
    assert "twice_plain" in calls(calls_plain, 0)[0]  # at -O0 a call stays a call,
    assert calls(calls_inline, 0)[0] == []            # unless it is inline="always"


def test_a_configured_decorator_keeps_its_options_for_every_function():
    never = cuft.func(inline="never")  # numba's pattern: one decorator, many functions

    @never
    def first(v):
        return v + 1

    @never
    def second(v):
        return v + 2
    assert first.inline == second.inline == "never"


def test_lineinfo_puts_this_files_lines_in_the_ptx(tmp_path):
    ptx = cuft.kernel(scale, lineinfo=True).inspect(np.zeros(4), stage="ptx")
    assert re.search(r'\.file\s+1 ".*test_code_options\.py"', ptx)
    line = scale.__code__.co_firstlineno + 3  # x[i] = x[i] * 2
    assert re.search(rf"\.loc\s+1 {line} ", ptx)
    ptxas(ptx, tmp_path, "-lineinfo")


def test_option_values_are_checked():
    for bad in [{"max_registers": 0}, {"max_registers": 300}, {"launch_bounds": (0,)},
                {"launch_bounds": (2048,)}, {"launch_bounds": (1, 2, 3, 4)},
                {"lineinfo": 1}, {"cache": "yes"}]:
        with pytest.raises(TypeError, match="bad value"):
            cuft.kernel(scale, **bad)
    cuft.kernel(scale, cache=True)  # numba's option: accepted
    with pytest.raises(TypeError, match="inline is 'always', 'never'"):
        cuft.func(inline="sometimes")(lambda v: v)


def test_fma_contraction_is_the_gpus_default_and_fma_false_turns_it_off(tmp_path, on_host):
    # As nvcc and numba: a * x + y is one fused multiply-add on the GPU,
    # rounded once; fma=False keeps a multiply and an add, each rounded (.rn:
    # ptxas may not fuse them either). The host computes as numpy either way.
    def axpy(a, x, y):
        i = cuft.grid(1)
        if i < x.size:
            y[i] = a * x[i] + y[i]

    x = np.linspace(0, 1, 64, dtype=np.float32)
    contracted = cuft.kernel(axpy).inspect(np.float32(3), x, x, stage="ptx")
    separate = cuft.kernel(axpy, fma=False).inspect(np.float32(3), x, x, stage="ptx")
    assert "fma.rn.f32" in contracted and "mul.rn.f32" not in contracted
    assert "fma.rn.f32" not in separate
    assert "mul.rn.f32" in separate and "add.rn.f32" in separate
    ptxas(contracted, tmp_path)
    ptxas(separate, tmp_path)
    for fma in (True, False):
        y = np.full(64, 0.1, np.float32)
        cuft.kernel(axpy, fma=fma)[1, 64](np.float32(3), x, y)
        np.testing.assert_array_equal(y, np.float32(3) * x + np.float32(0.1))
    with pytest.raises(TypeError, match="fma"):
        cuft.kernel(axpy, fma=1)


def test_each_option_reaches_the_code_when_compiles_reuse_their_pass_managers(tmp_path):
    # A compile thread keeps its pass managers with its MLIR context and reuses
    # them for the next compile of the same options: each option that builds
    # the pipeline must select its own. Round after round on the same thread,
    # a new kernel each time (no cache hit), every option still shows.
    import math

    def make(c):
        def k(x):
            i = cuft.grid(1)
            if i < x.size:
                x[i] = math.sqrt(x[i]) / x[i] * c + 1
        return k

    x = np.ones(4, np.float32)
    checks = [
        ({}, {}, lambda t: "sqrt.rn.f32" in t and "fma.rn.f32" in t and ".loc" not in t),
        ({"fastmath": True}, {}, lambda t: "sqrt.approx" in t and "div.approx" in t),
        ({"fma": False}, {}, lambda t: "fma.rn.f32" not in t and "mul.rn.f32" in t),
        ({"lineinfo": True}, {}, lambda t: re.search(r"\.loc\s+1 ", t) is not None),
        ({}, {"chip": "sm_80"}, lambda t: ".target sm_80" in t),
        ({}, {"stage": "llvm"}, lambda t: 'target triple = "nvptx64-nvidia-cuda"' in t),
    ]
    c = 3.0
    for _ in range(3):
        for options, inspect, check in checks:
            c += 1
            text = cuft.kernel(make(c), **options).inspect(x, **{"stage": "ptx", **inspect})
            assert check(text), (options, inspect, text)
    ptxas(cuft.kernel(make(c + 1)).inspect(x, stage="ptx"), tmp_path)


def test_host_options_reach_the_code_when_compiles_reuse_their_pass_managers(on_host):
    # Bounds checks on and off, alternating on one thread: each compile keeps
    # its own (an index past the end raises only where they are on).
    def make(c):
        def k(x, j):
            x[j] = c
        return k

    x = np.zeros(4)
    for round in range(3):
        for boundscheck in (True, False, True):
            k = cuft.kernel(make(float(round)), boundscheck=boundscheck)
            k[1, 1](x, 1)
            assert x[1] == round
            if boundscheck:
                with pytest.raises(IndexError):
                    k[1, 1](x, 4)


def test_atomics_are_relaxed_and_device_wide_as_cudas(tmp_path):
    # CUDA's atomicCAS (and the compare-and-swap loops of xor, inc, dec and
    # float min/max) is relaxed at device scope: no acquire-release fence at
    # system scope around each attempt.
    @cuft.kernel
    def updates(a, u, f):
        cuft.atomic.cas(a, 0, 1, 2)
        cuft.atomic.xor(a, 1, 3)
        cuft.atomic.inc(u, 0, 9)
        cuft.atomic.max(f, 0, 1.5)

    ptx = updates.inspect(np.zeros(4, np.int32), np.zeros(4, np.uint32), np.zeros(4, np.float32),
                          stage="ptx")
    cas = [line.split()[0] for line in ptx.splitlines() if ".cas." in line]
    assert cas and all(op.startswith("atom.relaxed.gpu.global.cas") for op in cas), cas
    assert "acq_rel" not in ptx and ".sys." not in ptx
    ptxas(ptx, tmp_path)
