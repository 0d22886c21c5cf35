#!/usr/bin/env bash
# Builds cuft's wheel the way `pip install .` does (scikit-build-core, for .venv's
# interpreter), installs it outside the source tree and compiles a kernel with
# the installed package: the in-tree python/ directory is not on the path.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
py="$root/.venv/bin/python"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# ccache hits across clones: paths under the source tree are hashed relative to it.
export CCACHE_BASEDIR="$root"
start=$(date +%s)
"$py" -m pip wheel --no-build-isolation --no-deps -q -w "$tmp/dist" "$root"
"$py" -m pip install --no-deps -q --target "$tmp/site" "$tmp"/dist/cuft-*.whl
cat > "$tmp/smoke.py" <<'PY'
import os, numpy as np, cuft
assert cuft.__file__.startswith(os.environ["PYTHONPATH"]), cuft.__file__

@cuft.kernel
def saxpy(a, x, y):
    i = cuft.grid(1)
    if i < x.shape[0]:
        y[i] = a * x[i] + y[i]

x = np.zeros(16, np.float32)
ptx = saxpy.inspect(np.float32(2), x, x, stage="ptx")
assert ".visible .entry saxpy(" in ptx, ptx
print(f"wheel: {cuft.__file__} compiles saxpy to PTX")
PY
(cd "$tmp" && PYTHONPATH="$tmp/site" "$py" smoke.py &&
 PYTHONPATH="$tmp/site" "$py" -m cuft inspect smoke.py:saxpy --sig "f32,f32[:],f32[:]" >/dev/null)
echo "wheel: built, installed and checked in $(( $(date +%s) - start )) s"
