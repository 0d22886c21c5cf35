"""Math from libdevice, optimized once per process (serialize-ptx's library
copies, lib/Conversion/GPUToNVPTX/Libraries.cpp): a kernel's PTX must not
depend on which kernels the process compiled before it, nor on how many
threads were making the copies at once. Each check runs in a fresh process,
the disk cache off, so the copies are made there."""
import json
import re

import pytest

from scriptutil import run_script
from test_code_options import ptxas

KERNELS = '''
import json, math, sys
import numpy as np
import cuft

@cuft.kernel
def only_sin(x, y):
    i = cuft.grid(1)
    if i < x.size:
        y[i] = math.sin(x[i])

@cuft.kernel
def only_cos(x, y):
    i = cuft.grid(1)
    if i < x.size:
        y[i] = math.cos(x[i])

@cuft.kernel
def sin_and_cos(x, y):
    # sin(t) twice is one call: one inlined sin, and with cos one reduction.
    i = cuft.grid(1)
    if i < x.size:
        t = x[i]
        y[i] = math.sin(t) ** 2 + math.cos(t) ** 2 + math.sin(t)

@cuft.kernel
def powers(x, y):
    i = cuft.grid(1)
    if i < x.size:
        y[i] = math.pow(x[i], 1.5) + math.exp(x[i]) + math.log(x[i]) + math.tanh(x[i])

@cuft.kernel
def in_a_loop(x, y):
    i = cuft.grid(1)
    if i < x.size:
        acc = 0.0
        for k in range(x.size):
            acc += math.exp(x[k] - x[i]) + math.sin(x[k])
        y[i] = acc

@cuft.kernel
def single(x, y):
    i = cuft.grid(1)
    if i < x.size:
        y[i] = math.atan2(math.erf(x[i]), math.cbrt(x[i])) + math.sin(x[i])

NAMES = ["only_sin", "only_cos", "sin_and_cos", "powers", "in_a_loop", "single"]
f64 = np.zeros(8)
f32 = np.zeros(8, np.float32)

def ptx(name, a):
    return globals()[name].inspect(a, a, stage="ptx")
'''


def fresh(body):
    return json.loads(run_script(KERNELS + body, CUFT_CACHE="0"))


def test_a_kernels_ptx_does_not_depend_on_what_was_compiled_before(tmp_path):
    # Alone, every copy comes from one module; after the other kernels, from
    # modules made at different times, each with its own noinline helpers and
    # tables, which the link makes one again.
    first = fresh("print(json.dumps({n: ptx(n, f64) for n in NAMES}))")
    last = fresh("print(json.dumps({n: ptx(n, f64) for n in reversed(NAMES)}))")
    for name in first:
        alone = fresh(f"print(json.dumps({{'{name}': ptx('{name}', f64)}}))")
        assert first[name] == alone[name] == last[name], name
    both = first["sin_and_cos"]
    assert len(re.findall(r"\.global .*__cudart_i2opi_d\[", both)) == 1
    assert len(re.findall(r"\.local .*__local_depot", both)) <= 1
    for text in first.values():
        ptxas(text, tmp_path)


def test_threads_making_copies_at_once_make_the_same_code():
    serial = fresh("print(json.dumps([ptx(n, a) for a in (f64, f32) for n in NAMES]))")
    parallel = fresh('''
sys.path.insert(0, %r)
from threadutil import run_concurrently
import itertools
jobs = [(n, a) for a in (f64, f32) for n in NAMES]
counter = itertools.count()
def work():
    k = next(counter)
    return k, ptx(*jobs[k])
print(json.dumps([text for k, text in sorted(run_concurrently(len(jobs), work))]))
''' % __import__("os").path.dirname(__file__))
    assert serial == parallel


@pytest.mark.parametrize("opt_level", [0, 1])
def test_other_levels_link_the_library_as_they_need(opt_level, tmp_path):
    text = fresh(f'''
k = cuft.kernel(sin_and_cos.py_func, opt_level={opt_level})
print(json.dumps(k.inspect(f64, f64, stage="ptx")))
''')
    assert "__nv_" not in text
    ptxas(text, tmp_path)


def test_math_reached_from_a_loop_is_not_copied_into_every_iteration():
    # sin reached through a device function called in a loop: linked before
    # -O3, which sees how big it is and keeps the loop (linked after, the
    # unroller took each call for one instruction and made eight copies).
    text = fresh('''
@cuft.func
def wave(v):
    return math.sin(v) * math.exp(-v)

@cuft.kernel
def through_func(x, y):
    i = cuft.grid(1)
    if i < x.size:
        acc = 0.0
        for k in range(8):
            acc += wave(x[i] + k)
        y[i] = acc

print(json.dumps(through_func.inspect(f64, f64, stage="ptx")))
''')
    two_over_pi = "0d3FE45F306DC9C883"  # sin's argument reduction, once a copy
    assert 0 < text.count(two_over_pi) < 8
