"""Code generators made ahead (lib/Conversion/Common/TargetMachines.cpp): after
a compile a compile thread, once idle, makes the next compile's LLVM code
generator (a legacy pass manager, used once). What a compile emits through one
made ahead must be what a new one emits: a pass manager run a second time
emits nothing, and one made for a target machine since replaced would crash.
Each check runs in a fresh process, the disk cache off."""
import json

import numpy as np

from scriptutil import run_script
from test_code_options import ptxas

KERNELS = '''
import json, math, sys, time
import numpy as np
import cuft

@cuft.kernel
def axpy(a, x, y):
    i = cuft.grid(1)
    if i < x.size:
        y[i] = a * x[i] + y[i]

@cuft.kernel
def waves(x, y):
    i = cuft.grid(1)
    if i < x.size:
        y[i] = math.sin(x[i]) + math.exp(-x[i])

@cuft.kernel
def block_sum(x, out):
    buf = cuft.shared.array(64, cuft.float64)
    t = cuft.threadIdx.x
    i = cuft.grid(1)
    buf[t] = x[i] if i < x.size else 0.0
    cuft.syncthreads()
    s = cuft.blockDim.x // 2
    while s > 0:
        if t < s:
            buf[t] += buf[t + s]
        cuft.syncthreads()
        s //= 2
    if t == 0:
        cuft.atomic.add(out, 0, buf[0])

x = np.linspace(0.5, 1.5, 256)
def ptx(name):
    k = globals()[name]
    args = {"axpy": (2.0, x, x), "waves": (x, x), "block_sum": (x, x)}[name]
    return k.inspect(*args, stage="ptx")
'''


def fresh(body, **env):
    return json.loads(run_script(KERNELS + body, CUFT_CACHE="0", **env))


def test_ptx_through_a_generator_made_ahead_is_a_new_ones(tmp_path):
    names = ["axpy", "waves", "block_sum"]
    # Pauses between compiles: the compile thread is idle, and makes one.
    ahead = fresh('''
out = {}
for n in NAMES:
    out[n] = ptx(n)
    time.sleep(0.05)
print(json.dumps(out))
'''.replace("NAMES", repr(names * 2)))
    for name in names:
        alone = fresh(f"print(json.dumps(ptx({name!r})))")
        assert ahead[name] == alone, name
        ptxas(ahead[name], tmp_path)


ROUND = '''
@cuft.kernel
def axpy{r}(a, x, y):
    i = cuft.grid(1)
    if i < x.size:
        y[i] = a * x[i] + y[i] + {r}

@cuft.kernel
def waves{r}(x, y):
    i = cuft.grid(1)
    if i < x.size:
        y[i] = math.sin(x[i]) + math.exp(-x[i]) * {r}
'''


def test_host_code_through_generators_made_ahead_runs_right():
    # On the host target each compile is an object file, each after the first
    # emitted by a generator made while the thread was idle. Three rounds of
    # new kernels (new compiles), the block sum's shapes compiled anew too.
    rounds = "".join(ROUND.format(r=r) for r in range(3))
    result = fresh(rounds + '''
out = []
for r in range(3):
    y = np.zeros_like(x)
    globals()[f"axpy{r}"][4, 64](2.0, x, y)
    time.sleep(0.02)
    z = np.zeros_like(x)
    globals()[f"waves{r}"][4, 64](x, z)
    time.sleep(0.02)
    s = np.zeros(1)
    block_sum[256 // (16 << r), 16 << r](x, s)
    time.sleep(0.02)
    out.append([y.tolist(), z.tolist(), s.tolist()])
print(json.dumps(out))
''', CUFT_TARGET="host")
    x = np.linspace(0.5, 1.5, 256)
    for r, (y, z, s) in enumerate(result):
        np.testing.assert_allclose(y, 2.0 * x + r, rtol=1e-15)
        np.testing.assert_allclose(z, np.sin(x) + np.exp(-x) * r, rtol=1e-14)
        np.testing.assert_allclose(s, [x.sum()], rtol=1e-13)
