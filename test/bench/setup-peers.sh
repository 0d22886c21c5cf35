#!/usr/bin/env bash
# Creates .venv-peers (git-ignored): the peers the benchmarks print beside cuft,
# never installed into .venv: Triton (triton.compile with a GPUTarget makes PTX
# and a cubin without a GPU) and numba-cuda (cuda.compile_ptx, with the CUDA
# toolkit's NVVM: 13.0 here, so ptxas takes its PTX; cuda-bindings pinned to
# 13.0 to match), numba-cuda-mlir (numba-cuda's MLIR-based successor; one venv
# holds both: it imports as numba_cuda_mlir and needs no numba; its
# cuda.compile_ptx works without a GPU once its private tools._cached_cc names
# the device's compute capability), and NVIDIA Warp (warp-lang; its "cpu"
# device is the host target's peer, beside numba's CPU njit(parallel=True)).
# Idempotent: a second run with nothing changed is quick.
#
#   test/bench/setup-peers.sh && .venv/bin/python test/bench/disk_cache.py
#   test/bench/setup-peers.sh && .venv/bin/python test/bench/compile_vs_peers.py
#   test/bench/setup-peers.sh && .venv/bin/python test/bench/host_vs_peers.py
#
# numba-cuda's disk cache (cuda.jit(cache=True)) saves a kernel only after
# binding it to a CUDA context: it needs a GPU, so it is not here.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
venv=$root/.venv-peers
say() { printf '[setup-peers] %s\n' "$*" >&2; }
python=/usr/bin/python3
[ -x "$root/.venv/bin/python" ] && python=$(readlink -f "$root/.venv/bin/python")
if [ ! -x "$venv/bin/python" ]; then
  say "creating $venv from $python"
  "$python" -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import triton, numpy, numba.cuda" 2>/dev/null; then
  say "installing triton, numba-cuda and numpy"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check triton numpy numba-cuda \
    "cuda-bindings==13.0.*"
fi
# numba-cuda's own tests (test/python/test_numba_ports.py runs them against
# cuft, ported by changing the import) import pytest, filecheck and (three
# modules, test_device_func among them) cffi.
if ! "$venv/bin/python" -c "import pytest, filecheck, cffi" 2>/dev/null; then
  say "installing pytest, filecheck and cffi (numba-cuda's tests)"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check pytest filecheck cffi
fi
if ! "$venv/bin/python" -c "import numba_cuda_mlir" 2>/dev/null; then
  say "installing numba-cuda-mlir"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check numba-cuda-mlir \
    "cuda-bindings==13.0.*"
fi
if ! "$venv/bin/python" -c "import warp" 2>/dev/null; then
  say "installing warp-lang"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check warp-lang
fi
"$venv/bin/python" -c "import triton, numba, numba_cuda, numba_cuda_mlir, warp
print('triton', triton.__version__, '/ numba', numba.__version__, '/ numba-cuda',
      numba_cuda.__version__, '/ numba-cuda-mlir', numba_cuda_mlir.__version__, '/ warp',
      warp.__version__)"
