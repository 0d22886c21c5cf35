"""The Python frontend: each construct becomes generic IR that cuft-opt specializes
(for a signature) and lowers to PTX. Kernels are defined at module level so that
their source, and the locations in the IR, point into this file."""

import math
import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from sourceutil import line_of

import cuft
import cuft as cu
from threadutil import run_concurrently
from cuft import CompileError, grid as G, threadIdx as TID
from cuft.frontend import generate

REPO = Path(__file__).resolve().parents[2]
CUFT_OPT = os.environ.get("CUFT_OPT", str(REPO / "build" / "bin" / "cuft-opt"))
THIS = Path(__file__).name

pytestmark = pytest.mark.skipif(not Path(CUFT_OPT).exists(), reason=f"no cuft-opt at {CUFT_OPT}")

F32 = "array<f32,1,C>"
I32 = "array<i32,1,C>"
I64 = "array<i64,1,C>"
F64 = "array<f64,1,C>"


def opt(ir, *args):
    return subprocess.run([CUFT_OPT, "-", *args], input=ir, capture_output=True, text=True)


def compile_ir(ir, sig):
    """Specialize generic IR for `sig`, check it lowers to PTX, return the typed IR."""
    typed = opt(ir, f"--cuft-specialize=sig={sig}")
    assert typed.returncode == 0, f"cuft-specialize failed:\n{typed.stderr}\n{ir}"
    ptx = opt(ir, f"--cuft-specialize=sig={sig}", "--cuft-to-ptx")
    assert ptx.returncode == 0, f"cuft-to-ptx failed:\n{ptx.stderr}\n{typed.stdout}"
    assert ".entry" in ptx.stdout
    return typed.stdout


def typed(fn, sig):
    return compile_ir(generate(fn).ir, sig)


def has(text, pattern, count=None):
    found = re.findall(pattern, text)
    if count is None:
        assert found, f"no match for {pattern!r} in:\n{text}"
    else:
        assert len(found) == count, f"{len(found)} matches for {pattern!r}, expected {count}:\n{text}"


# ---------------------------------------------------------------------------
# Kernels

@cuft.kernel
def saxpy(a, x, y):
    i = cuft.grid(1)
    if i < x.shape[0]:
        y[i] = a * x[i] + y[i]


def test_saxpy():
    r = generate(saxpy)
    assert r.name == "saxpy" and r.arg_names == ("a", "x", "y") and r.constexpr_args == ()
    assert r.filename == __file__ and r.firstlineno == line_of(saxpy, "@cuft.kernel")[0]
    out = compile_ir(r.ir, f"f32,{F32},{F32}")
    has(out, r"cuft\.mul %\S+, %\S+ : \(f32, f32\) -> f32")
    has(out, r"cuft\.add %\S+, %\S+ : \(f32, f32\) -> f32")
    has(out, r"cuft\.store %\S+, %\S+\[%\S+\] : f32, !cuft.array<f32, 1, C>\[i64\]")


def test_every_op_has_a_location_in_this_file():
    ir = generate(saxpy).ir
    for line in ir.splitlines():
        s = line.strip()
        if s in ("module {", "}", "} else {", "} do {") or s.endswith("{"):
            continue
        assert f'loc("{__file__}":' in s, s
    # Arguments carry their location too.
    assert re.search(r'%a: !cuft.unknown loc\("[^"]*":\d+:\d+\)', ir)
    # a * x[i] starts at the column of `a`.
    lineno, col = line_of(saxpy, "a * x[i]")
    assert re.search(rf'cuft\.mul .* loc\("{re.escape(__file__)}":{lineno}:{col}\)', ir)


def arith(x, y, out, f):
    i = cuft.grid(1)
    a = x[i]
    b = y[i]
    out[0] = a + b
    out[1] = a - b
    out[2] = a * b
    out[3] = a // b
    out[4] = a % b
    out[5] = a ** 2
    out[6] = a & b
    out[7] = a | b
    out[8] = a ^ b
    out[9] = a << 1
    out[10] = a >> 1
    out[11] = -a + +b
    out[12] = ~a
    out[13] = not a
    f[0] = a / b


def test_arithmetic_and_bitwise():
    out = typed(arith, f"{I32},{I32},{I32},{F64}")
    for op in ["add", "sub", "mul", "floordiv", "mod", "pow", "bitand", "bitor", "bitxor",
               "shl", "shr"]:
        has(out, rf"cuft\.{op} %\S+, %\S+ : \(i32, i32\) -> i32")
    has(out, r"cuft\.truediv %\S+, %\S+ : \(f64, f64\) -> f64")
    has(out, r"cuft\.neg %\S+ : \(i32\) -> i32")
    has(out, r"cuft\.invert %\S+ : \(i32\) -> i32")
    has(out, r"cuft\.not %\S+ : \(i1\) -> i1")


def floats(x, out):
    i = cuft.grid(1)
    out[i] = x[i] * 2.0 + 1 - 0.5e-3


def test_weak_literals_take_the_array_type():
    out = typed(floats, f"{F32},{F32}")
    has(out, r"cuft\.mul %\S+, %\S+ : \(f32, f32\) -> f32")
    assert "e-04 : f32" in out or "5.000000e-04" in out


def chain(x, out):
    out[0] = x[0] < x[1] <= x[2]
    out[1] = 0 < x[3] < x[4] < 10


def test_comparison_chain_evaluates_middle_once():
    ir = generate(chain).ir
    # x[0], x[1], x[2]: three loads for the first chain; x[1] is loaded once.
    first = ir.split("cuft.store")[0]
    has(first, r"cuft\.load", count=3)
    has(first, r'cuft\.short_circuit "comparison"', count=1)
    has(first, r"cuft\.exit_if", count=1)
    out = compile_ir(ir, f"{F32},array<i1,1,C>")
    has(out, r"cuft\.cmp\s+le, %\S+, %\S+ : \(f32, f32\) -> i1")


def boolops(x, out):
    i = cuft.grid(1)
    out[0] = x[i] > 0 and x[i] < 5
    out[1] = x[i] or 7
    out[2] = x[i] and x[i + 1] and x[i + 2]
    out[3] = x[i] if i > 2 else -1
    if x[0] > 1 or x[1] > 1:
        out[4] = 1


def test_and_or_and_conditional_expressions_short_circuit():
    ir = generate(boolops).ir
    assert 'cuft.var "$ifexp"' in ir and "$and" not in ir and "$or" not in ir
    has(ir, r'cuft\.short_circuit "and"', count=2)
    has(ir, r'cuft\.short_circuit "or"', count=2)
    # `x[i] or 7` evaluates 7 only after the chain did not end at a true x[i].
    has(ir, r"cuft\.exit_if (%\S+), \1 if true : [^\n]*\n%\S+ = cuft\.constant 7[^\n]*\n"
            r"cuft\.exit %\S+ : i64")
    out = compile_ir(ir, f"{I32},{I32}")
    has(out, r'cuft\.short_circuit "or" : i32')


def branches(x, out):
    i = cuft.grid(1)
    if x[i] > 10:
        out[i] = 3
    elif x[i] > 5:
        out[i] = 2
    elif x[i] > 0:
        out[i] = 1
    else:
        out[i] = 0


def test_if_elif_else():
    ir = generate(branches).ir
    has(ir, r"cuft\.if", count=3)
    has(ir, r"\} else \{", count=3)
    typed_ir = compile_ir(ir, f"{F32},{I32}")
    has(typed_ir, r"cuft\.if %\S+ : i1")


def loops(x, n, out):
    acc = 0
    for i in range(n):
        acc += x[i]
    for i in range(2, n):
        acc -= x[i]
    for i in range(n - 1, -1, -1):
        if x[i] < 0:
            continue
        if x[i] > 100:
            break
        acc += 1
    k = 0
    while k < n:
        k += 1
        if k == 3:
            continue
        if k > 50:
            break
    out[0] = acc + k


def test_for_range_while_break_continue():
    ir = generate(loops).ir
    has(ir, r"cuft\.for", count=3)
    has(ir, r"cuft\.while", count=1)
    has(ir, r"cuft\.break", count=2)
    has(ir, r"cuft\.continue", count=2)
    # range(n - 1, -1, -1): the negative step is a literal.
    has(ir, r"cuft\.constant -1 : i64")
    out = compile_ir(ir, f"{F32},i64,{F32}")
    has(out, r"cuft\.for %\S+ = %\S+ to %\S+ step %\S+ : i64")
    # The loop variable is a Python variable: the induction variable is stored into it.
    has(ir, r"cuft\.for (%\d+) = .*\{\ncuft\.var_store \1, %i\.var")


def tuples(a, out):
    i, j = cuft.grid(2)
    n, m = a.shape
    p, q = i, j
    p, q = q, p
    if p < n and q < m:
        out[p, q] = a[p, q] + a.ndim
    w, h = cu.gridsize(2)
    u = v = 0
    out[0, 0] = w + h + u + v + a.shape[1]


def test_tuple_unpacking_and_2d_arrays():
    ir = generate(tuples).ir
    has(ir, r"%\d+:2 = cuft\.grid 2 : i64, i64")
    has(ir, r"cuft\.dim %a, 0 : ")
    has(ir, r"cuft\.dim %a, 1 : ", count=2)
    out = compile_ir(ir, "array<f32,2,C>,array<f32,2,C>")
    has(out, r"cuft\.load %\S+\[%\S+, %\S+\] : !cuft\.array<f32, 2, C>\[i64, i64\] -> f32")


def cube(a):
    i, j, k = cuft.grid(3)
    if i < a.shape[0] and j < a.shape[1] and k < a.shape[2]:
        a[i, j, k] = a[(i, j, k)] * 2


def test_3d_arrays():
    out = typed(cube, "array<f64,3,C>")
    has(out, r"cuft\.store %\S+, %\S+\[%\S+, %\S+, %\S+\] : f64, !cuft\.array<f64, 3, C>")


SCALE = 3
OFFSET = 0.25
ENABLED = True


def constants(x):
    i = cuft.grid(1)
    if ENABLED:
        x[i] = x[i] * SCALE + OFFSET + math.pi - math.e + (math.inf if i < 0 else 0.0)
    if x[i] != x[i]:
        x[i] = math.nan


def test_module_constants_become_literals():
    ir = generate(constants).ir
    has(ir, r"cuft\.constant 3 : i64")
    has(ir, r"cuft\.constant 0\.25 : f64")
    # `if ENABLED:` is decided when the code is generated: its arm, unconditionally
    assert "cuft.constant true" not in ir and ir.count("cuft.if") == 2
    has(ir, r"cuft\.constant 3\.141592653589793 : f64")
    has(ir, r"cuft\.constant 0x7FF0000000000000 : f64")
    has(ir, r"cuft\.constant 0x7FF8000000000000 : f64")
    typed_ir = compile_ir(ir, F32)
    has(typed_ir, r"cuft\.mul %\S+, %\S+ : \(f32, f32\) -> f32")


DISABLED = False


@cuft.kernel
def pruned(x):
    if DISABLED:
        x[0] = x  # would not type (an array into an element): never compiled
    elif not ENABLED:
        x[0] = x
    else:
        x[0] = SCALE


def test_an_if_known_when_generated_compiles_only_the_arm_taken(on_host):
    # as numba prunes a branch on a global or a literal
    x = np.zeros(2)
    pruned[1, 1](x)
    assert x[0] == SCALE
    assert "cuft.if" not in generate(pruned).ir


@cuft.kernel
def block_sum(x, out, BLOCK: cuft.constexpr):
    buf = cuft.shared.array(BLOCK, cuft.float32)
    tid = cuft.threadIdx.x
    i = cuft.grid(1)
    buf[tid] = x[i] if i < x.shape[0] else 0.0
    cuft.syncthreads()
    s = BLOCK // 2
    while s > 0:
        if tid < s:
            buf[tid] += buf[tid + s]
        cuft.syncthreads()
        s //= 2
    if tid == 0:
        cuft.atomic.add(out, 0, buf[0])


def test_constexpr_and_shared_memory():
    r = generate(block_sum)
    assert r.constexpr_args == (2,)
    assert "%BLOCK: !cuft.unknown {cuft.constexpr}" in r.ir
    out = compile_ir(r.ir, f"{F32},{F32},i64=256")
    has(out, r"cuft\.alloc_shared f32 shape \[256\] -> !cuft\.array<f32, 1, C, shared>")
    has(out, r"cuft\.atomic\s+add")


def tiles(a, T: cu.constexpr):
    t = cu.shared.array((T, T), dtype=cu.float64)
    l = cu.local.array(T * 2, cu.int32)
    l[0] = 1
    t[0, 1] = l[0]
    a[0] = t[0, 1] + t.shape[1]


TILE = (4, 8)


def global_shape(a):
    t = cuft.shared.array(TILE, cuft.int64)
    t[1, 2] = 3
    a[0] = t[1, 2] + len(TILE)


def test_shared_array_shape_from_a_global_tuple():
    out = typed(global_shape, I64)
    has(out, r"cuft\.alloc_shared i64 shape \[4, 8\]")


def test_shared_and_local_arrays_with_tuple_shapes():
    out = typed(tiles, f"{F64},i64=8")
    has(out, r"cuft\.alloc_shared f64 shape \[8, 8\]")
    has(out, r"cuft\.alloc_local i32 shape \[16\]")


def indexing(out):
    out[0] = cuft.threadIdx.x + cuft.threadIdx.y + cuft.threadIdx.z
    out[1] = cuft.blockIdx.x + cuft.blockIdx.y + cuft.blockIdx.z
    out[2] = cuft.blockDim.x + cuft.blockDim.y + cuft.blockDim.z
    out[3] = cuft.gridDim.x + cuft.gridDim.y + cuft.gridDim.z
    out[4] = cuft.laneid + cuft.warpsize
    out[5] = cuft.gridsize(1) + G(1) + TID.x
    cuft.syncthreads()
    cuft.threadfence()
    cuft.threadfence_block()
    cuft.threadfence_system()


def test_thread_indexing_and_synchronization():
    ir = generate(indexing).ir
    for op in ["thread_idx", "block_idx", "block_dim", "grid_dim"]:
        for d in "xyz":
            has(ir, rf"cuft\.{op} {d} : i64")
    has(ir, r"cuft\.lane_id : i32")
    has(ir, r"cuft\.warp_size : i32")
    has(ir, r"cuft\.gridsize 1 : i64")
    has(ir, r"cuft\.threadfence device")
    has(ir, r"cuft\.threadfence block")
    has(ir, r"cuft\.threadfence system")
    compile_ir(ir, I32)


def atomics(a, m, out):
    out[0] = cuft.atomic.add(a, 0, 1)
    out[1] = cuft.atomic.sub(a, 1, 1)
    out[2] = cuft.atomic.min(a, 2, 5)
    out[3] = cuft.atomic.max(a, 3, 5)
    out[4] = cuft.atomic.exch(a, 4, 9)
    out[5] = cuft.atomic.cas(a, 5, 0, 1)
    out[6] = cuft.atomic.add(m, (0, 1), 2)
    out[7] = cuft.atomic.cas(m, (1, 0), 0, 3)


def test_atomics():
    out = typed(atomics, f"{I32},array<i32,2,C>,{I32}")
    for kind in ["add", "sub", "min", "max", "exch"]:
        has(out, rf"cuft\.atomic\s+{kind} %\S+\[%\S+\], %\S+ : !cuft\.array<i32, 1, C>\[i64\], i32 -> i32")
    has(out, r"cuft\.atomic_cas %\S+\[%\S+\], %\S+, %\S+ : !cuft\.array<i32, 1, C>\[i64\], i32, i32 -> i32")
    has(out, r"cuft\.atomic\s+add %\S+\[%\S+, %\S+\], %\S+ : !cuft\.array<i32, 2, C>\[i64, i64\]")


def casts(x, out):
    out[0] = cuft.float32(x[0]) + cuft.float64(x[1])
    out[1] = cuft.int8(x[0]) + cuft.int16(x[0]) + cuft.int32(x[0]) + cuft.int64(x[0])
    out[2] = cuft.uint8(x[0]) + cuft.uint16(x[0]) + cuft.uint32(x[0]) + cuft.uint64(x[0])
    out[3] = cuft.bool_(x[0])
    out[4] = int(x[1]) + float(x[2]) + bool(x[3]) + float("inf")


def test_casts():
    ir = generate(casts).ir
    for t in ["f32", "f64", "i8", "i16", "i32", "i64", "ui8", "ui16", "ui32", "ui64", "i1"]:
        has(ir, rf"cuft\.cast %\S+ : !cuft\.unknown to {t} ")
    compile_ir(ir, f"{F32},{F64}")


MATHFN = math.sqrt


def unary_math(x, out):
    i = cuft.grid(1)
    out[i] = MATHFN(x[i])


def binary_math(x, out):
    i = cuft.grid(1)
    out[i] = MATHFN(x[i], 2.0)


UNARY_MATH = [n for n in ["sqrt", "cbrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p",
                          "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh",
                          "asinh", "acosh", "atanh", "fabs", "floor", "ceil", "trunc", "erf",
                          "erfc", "lgamma", "gamma"] if hasattr(math, n)]


@pytest.mark.parametrize("name", UNARY_MATH + ["atan2", "pow", "hypot", "copysign", "fmod"])
def test_math_functions(name, monkeypatch):
    monkeypatch.setitem(unary_math.__globals__, "MATHFN", getattr(math, name))
    kernel = binary_math if name in ("atan2", "pow", "hypot", "copysign", "fmod") else unary_math
    ir = generate(kernel).ir
    has(ir, rf"cuft\.math {name}\(")
    out = compile_ir(ir, f"{F32},{F32}")
    if name in ("floor", "ceil", "trunc"):
        has(out, rf"cuft\.math\s+{name}\(%\S+\) : \(f32\) -> f32")
    else:
        has(out, rf"cuft\.math\s+{name}\(%\S+(, %\S+)?\) : \(f32(, f32)?\) -> f32")


def minmax(x, out):
    out[0] = min(x[0], x[1], x[2])
    out[1] = max(x[0], 1.5)
    out[2] = abs(x[3])
    out[3] = math.isnan(x[0]) + math.isinf(x[1])
    out[4] = len(x) + len(x.shape) + len((1, 2))


def test_min_max_abs_fold_left():
    ir = generate(minmax).ir
    has(ir, r"cuft\.min", count=2)
    has(ir, r"cuft\.max", count=2)  # max(...) and isinf's max(|re|, |im|)
    out = compile_ir(ir, f"{F32},{F32}")
    has(out, r"cuft\.min %\S+, %\S+ : \(f32, f32\) -> f32", count=2)
    has(out, r"cuft\.abs %\S+ : \(f32\) -> f32")


@cuft.func
def clamp(v, lo, hi):
    return min(max(v, lo), hi)


@cuft.func
def scaled_clamp(v, scale=2.0, lo=0.0, hi=1.0):
    return clamp(v * scale, lo, hi)


@cuft.func
def put(a, i, v):
    a[i] = v


@cuft.func
def sign(v):
    if v > 0:
        return 1
    elif v < 0:
        return -1
    else:
        return 0


def calls(x, out):
    i = cuft.grid(1)
    out[i] = clamp(x[i], 0.0, 1.0) + scaled_clamp(x[i], hi=4.0) + sign(x[i])
    put(out, 0, clamp(x[0], lo=-1.0, hi=1.0))


def test_device_function_calls():
    r = generate(calls)
    assert r.callees == ("clamp", "scaled_clamp", "sign", "put")
    has(r.ir, r"cuft\.func @clamp\(", count=1)
    put_line = next(l for l in r.ir.splitlines() if l.startswith("cuft.func @put("))
    assert "->" not in put_line  # returns nothing
    has(r.ir, r"cuft\.func @sign\(.*\) -> !cuft\.unknown \{")
    has(r.ir, r"cuft\.call @put\(.*\) -> \(\)")
    out = compile_ir(r.ir, f"{F32},{F32}")
    has(out, r"cuft\.func @clamp__f32")
    has(out, r"cuft\.call @sign__f32")


def test_device_function_as_entry_point():
    r = generate(sign, is_kernel=False)
    assert r.ir.count("cuft.func @sign(") == 1 and "cuft.kernel" not in r.ir
    assert opt(r.ir).returncode == 0


def params(n, out):
    n = n * 2
    out[0] = n


def test_assigned_parameter_becomes_a_variable():
    ir = generate(params).ir
    has(ir, r'%n\.var = cuft\.var "n"')
    has(ir, r"cuft\.var_store %n, %n\.var")
    compile_ir(ir, f"i32,{I32}")


def unreachable(x):
    for i in range(4):
        if x[i] > 0:
            break
            x[i] = 1  # unreachable
        x[i] = 2
    return
    x[0] = 3


def test_unreachable_code_is_dropped():
    ir = generate(unreachable).ir
    has(ir, r"cuft\.store", count=1)
    compile_ir(ir, F32)


def nested_kernel_source():
    def inner(x, out):
        """A docstring is ignored."""
        i: int = cuft.grid(1)
        out[i] = x[i] + 1
    return inner


def test_indented_function_keeps_file_columns():
    fn = nested_kernel_source()
    ir = generate(fn).ir
    lineno, col = line_of(fn, "x[i] + 1")
    assert f'loc("{__file__}":{lineno}:{col})' in ir
    compile_ir(ir, f"{F32},{F32}")


def test_generate_is_thread_safe():
    expected = generate(calls).ir
    per_thread = run_concurrently(8, lambda: [generate(calls).ir for _ in range(20)])
    results = [r for rs in per_thread for r in rs]
    assert len(results) == 160 and all(r == expected for r in results)


# ---------------------------------------------------------------------------
# Errors reported by the frontend, at the user's line and column.

def err_lambda(x):
    f = lambda v=1: v  # noqa: E731 (a default: not supported)
    x[0] = f(1)


def err_try(x):
    try:
        x[0] = 1
    except Exception:
        pass


def err_with(x):
    with open("f"):
        pass


def err_list(x):
    x[0] = [1, 2][0]


def err_unknown_call(x):
    x[0] = input(1)


def err_print_value(x):
    x[0] = print(1)


def err_print_file(x):
    print(x[0], file=None)


def err_unknown_attr(x):
    x[0] = cuft.nosuchthing


def err_undefined(x):
    x[0] = undefined_name  # noqa: F821


def err_for_else(x):
    for i in range(3):
        x[i] = 1
    else:
        x[0] = 2


def err_return_value(x):
    return x[0]


def err_slice(x):
    x[1:3] = (x[0], x[1])


def err_tuple_var(x):
    x[0] = cuft.grid(2)


def err_tuple_reshaped(x):
    t = (x[0], x[1])
    if x[2] > 0:
        t = (x[0], x[1], x[2])


def err_tuple_then_value(x):
    t = (x[0], x[1])
    t = x[2]


def err_zip_range_zero_step(x):
    for a, b in zip(x, range(0, 3, 0)):
        x[0] = a


def err_two_ellipses(x):
    x[..., 0, ...] = 1


def err_enumerate_range(x):
    for i, v in enumerate(range(0, 3, 0.5)):
        x[i] = v


def err_is(x):
    x[0] = x[1] is x[2]


def err_grid(x):
    x[0] = cuft.grid(4)


@cuft.func
def half_return(v):
    if v > 0:
        return v


def err_missing_return(x):
    x[0] = half_return(x[0])


def err_void_value(x):
    x[0] = put(x, 0, 1)


GLOBAL_LIST = [1, 2]


def err_global_list(x):
    x[0] = GLOBAL_LIST[0]


def err_method(x):
    x[0] = x.sum()


def err_pow_modulus(x):
    x[0] = pow(x[1], 2, 7)


def err_numpy_sign(x):
    x[0] = np.cumsum(x[1])


def err_tuple_order(x):
    x[0] = (x[0], x[1]) < x[2]


def err_in_array(x):
    x[0] = x[1] in x


ERROR_CASES = [
    (err_tuple_order, "(x[0], x[1]) <", "'<' between a tuple and a value is not supported"),
    (err_in_array, "x[1] in", "'in' in a kernel needs a tuple on its right"),
    (err_pow_modulus, "7)", "pow() with a modulus is not supported"),
    (err_numpy_sign, "np.cumsum", "cannot call 'cumsum'"),
    (err_lambda, "lambda v", "a lambda in a kernel takes positional parameters only"),
    (err_try, "try:", "'try' is not supported"),
    (err_with, "with open", "'with' is not supported"),
    (err_list, "[1, 2]", "a list literal is not supported"),
    (err_unknown_call, "input(1)", "cannot call 'input'"),
    (err_print_value, "print(1)", "this expression has no value"),
    (err_print_file, "file=None", "print() in a kernel takes sep= and end= only"),
    (err_unknown_attr, "cuft.nosuchthing", "has no attribute 'nosuchthing'"),
    (err_undefined, "undefined_name", "name 'undefined_name' is not defined"),
    (err_for_else, "x[0] = 2", "'for ... else' is not supported"),
    (err_return_value, "return x[0]", "a kernel cannot return a value"),
    (err_slice, "(x[0], x[1])", "a tuple cannot be used here"),
    (err_tuple_var, "cuft.grid(2)", "a tuple cannot be used here"),
    (err_tuple_reshaped, "(x[0], x[1], x[2])", "'t' holds a tuple of 2; cannot assign a tuple of 3"),
    (err_tuple_then_value, "x[2]", "cannot assign a value to it"),
    (err_zip_range_zero_step, "0))", "range() arg 3 must not be zero"),
    (err_enumerate_range, "0.5)", "range() needs an integer step"),
    (err_two_ellipses, "...] = 1", "an index can only have a single ellipsis ('...')"),
    (err_is, "x[1] is", "comparison 'is' is not supported"),
    (err_grid, "4)", "takes 1, 2 or 3 dimensions"),
    (err_void_value, "put(x", "has no value"),
    (err_method, "x.sum", "only device functions"),
    (err_global_list, "GLOBAL_LIST", "cannot be used in a kernel"),
]


@pytest.mark.parametrize("fn,needle,message", ERROR_CASES, ids=[c[0].__name__ for c in ERROR_CASES])
def test_frontend_errors_point_at_the_source(fn, needle, message):
    with pytest.raises(CompileError) as info:
        generate(fn)
    e = info.value
    lineno, col = line_of(fn, needle)
    assert message in e.message
    assert (e.filename, e.lineno, e.col) == (__file__, lineno, col)
    text = str(e).splitlines()
    assert text[0] == f"{__file__}:{lineno}:{col}: error: {e.message}"
    assert needle in text[1]
    assert text[2] == " " * (col - 1) + "^"


def test_missing_return_in_device_function():
    with pytest.raises(CompileError) as info:
        generate(err_missing_return)
    assert "can reach its end without a return" in str(info.value)
    assert info.value.lineno == line_of(half_return, "def half_return")[0]


@cuft.func
def pair_or_value(v):
    if v > 0:
        return v, v
    return v


def err_return_shapes(x):
    x[0] = pair_or_value(x[1])


def test_device_function_returns_one_shape():
    with pytest.raises(CompileError) as info:
        generate(err_return_shapes)
    assert "returns a value here and a tuple of 2 elsewhere" in str(info.value)
    assert info.value.lineno == line_of(pair_or_value, "return v\n")[0]


@cuft.func
def first_of(t):
    return t[0]


def tuple_shapes_clone(x):
    x[0] = first_of((x[1], x[2])) + first_of((x[1], (x[2], x[3]))) + first_of(x[4])


def test_a_device_function_per_shape_of_its_tuple_arguments():
    # Each shape of arguments is a function of its own: a tuple's elements
    # are its parameters.
    ir = generate(tuple_shapes_clone).ir
    has(ir, r"cuft.func @first_of\(%t.0: [^,]*, %t.1: ", 1)
    has(ir, r"cuft.func @first_of_2\(%t.0: [^,]*, %t.1.0: [^,]*, %t.1.1: ", 1)
    has(ir, r"cuft.func @first_of_3\(%t: ", 1)


@cuft.func
def raises_inside(v):
    if v < 0:
        raise ValueError("negative")
    return v


def err_raise_in_device_function(x):
    x[0] = raises_inside(x[0])


def test_raise_in_a_device_function_is_refused_at_the_raise():
    with pytest.raises(CompileError) as info:
        generate(err_raise_in_device_function)
    assert "'raise' in a device function needs debug=True" in str(info.value)
    assert info.value.lineno == line_of(raises_inside, "raise ValueError")[0]


def test_compile_error_str_without_location():
    assert str(CompileError("boom")) == "error: boom"


def type_error(x, out):
    i = cuft.grid(1)
    out[i] = x[i] & 1.5


def test_type_error_reported_at_user_line():
    ir = generate(type_error).ir
    r = opt(ir, f"--cuft-specialize=sig={I32},{I32}")
    assert r.returncode != 0
    lineno, col = line_of(type_error, "x[i] & 1.5")
    assert f"{THIS}:{lineno}:{col}: error:" in r.stderr, r.stderr

