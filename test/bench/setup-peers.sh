#!/usr/bin/env bash
# Creates .venv-peers (git-ignored): the peers the benchmarks print beside cuft,
# never installed into .venv. Now: Triton (triton.compile with a GPUTarget makes
# a cubin without a GPU, through its disk cache: test/bench/disk_cache.py).
# Idempotent: a second run with nothing changed is quick.
#
#   test/bench/setup-peers.sh && .venv/bin/python test/bench/disk_cache.py
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
if ! "$venv/bin/python" -c "import triton, numpy" 2>/dev/null; then
  say "installing triton and numpy"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check triton numpy
fi
"$venv/bin/python" -c "import triton; print('triton', triton.__version__)"
