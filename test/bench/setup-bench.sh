#!/usr/bin/env bash
# Creates .venv-bench (git-ignored) for test/bench/host_vs_simulator.py: numpy,
# numba (whose CUDA simulator, NUMBA_ENABLE_CUDASIM=1, is the baseline) and the
# in-tree cuft package. Idempotent: a second run with nothing changed is quick.
#
#   test/bench/setup-bench.sh && .venv-bench/bin/python test/bench/host_vs_simulator.py
#
# cuft's extension module (python/cuft/_cuft.cpython-311-*.so) is built by
# tools/setup.sh for .venv's interpreter, so .venv-bench is made from that same
# interpreter (the one .venv/bin/python resolves to), not from whatever python3
# is first on PATH.
#
# numba: releases up to at least 0.68.1 still ship the built-in numba.cuda with
# its simulator; should a later one drop it, the numba-cuda package (the
# NVIDIA-maintained out-of-tree target, which provides numba.cuda too) is
# installed instead.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
venv=$root/.venv-bench
say() { printf '[setup-bench] %s\n' "$*" >&2; }

if [ -x "$root/.venv/bin/python" ]; then
  python=$(readlink -f "$root/.venv/bin/python")
else
  python=/usr/bin/python3
  say "warning: no .venv (run tools/setup.sh first: it builds cuft's extension); using $python"
fi

if [ -x "$venv/bin/python" ] && [ "$(readlink -f "$venv/bin/python")" != "$python" ]; then
  say "recreating $venv: it was made from $(readlink -f "$venv/bin/python"), not $python"
  rm -rf "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
  say "creating $venv from $python ($("$python" --version 2>&1))"
  "$python" -m venv "$venv"
fi

pip=("$venv/bin/python" -m pip install -q --disable-pip-version-check)
have_sim() {  # runs a one-thread kernel in the simulator
  NUMBA_ENABLE_CUDASIM=1 "$venv/bin/python" -c '
import numpy as np
from numba import cuda
@cuda.jit
def k(x):
    x[cuda.grid(1)] += 1
x = np.zeros(1)
k[1, 1](x)
assert x[0] == 1' >/dev/null 2>&1
}
if ! "$venv/bin/python" -c 'import numpy, numba' >/dev/null 2>&1; then
  say "installing numpy and numba"
  "${pip[@]}" numpy numba
fi
if ! have_sim; then
  say "numba $("$venv/bin/python" -c 'import numba; print(numba.__version__)') has no numba.cuda simulator: installing numba-cuda"
  "${pip[@]}" numba-cuda
  have_sim || { say "numba.cuda's simulator still does not import"; exit 1; }
fi

# The in-tree package, as tools/setup.sh does for .venv.
site=$("$venv/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
[ "$(cat "$site/cuft-dev.pth" 2>/dev/null)" = "$root/python" ] || echo "$root/python" > "$site/cuft-dev.pth"
if ! (cd / && "$venv/bin/python" -c 'import cuft' >/dev/null 2>&1); then
  say "warning: cuft does not import in $venv yet (is python/cuft/_cuft.cpython-*.so built? tools/setup.sh)"
fi
say "ready: $("$venv/bin/python" -c 'import numpy, numba; print(f"numpy {numpy.__version__}, numba {numba.__version__}")')"
