#!/usr/bin/env bash
# Builds cuft's wheels the way `pip install .` does (scikit-build-core), for
# .venv's CPython and for .venv-ft's free-threaded 3.13t, and proves each one
# self-contained: installed into a fresh virtual environment outside the source
# tree, none of its libraries needs LLVM, MLIR or libstdc++ (ldd), and a kernel
# compiles to PTX and runs on the host target in a process that cannot reach
# Debian's LLVM (its files hidden by a private mount namespace, where unshare
# can make one) and maps no LLVM or MLIR library. Prints each wheel's size.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
llvm=/usr/lib/llvm-22
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# ccache hits across clones: paths under the source tree are hashed relative to it.
export CCACHE_BASEDIR="$root"

cat > "$tmp/smoke.py" <<'PY'
import os, sys
import numpy as np
import cuft
from kern import saxpy
assert cuft.__file__.startswith(sys.argv[1]), cuft.__file__

x = np.arange(1000, dtype=np.float32)
y = np.ones(1000, np.float32)
ptx = saxpy.inspect(np.float32(2), x, y, stage="ptx")
assert ".visible .entry saxpy(" in ptx, ptx
cuft.set_target("host")
saxpy.forall(x.size)(np.float32(2), x, y)
assert np.array_equal(y, 2 * np.arange(1000, dtype=np.float32) + 1)
with open("/proc/self/maps") as f:
    mapped = sorted({line.split()[-1] for line in f if "libLLVM" in line or "libMLIR" in line})
assert not mapped, f"the process maps {mapped}"
hidden = not os.path.exists(sys.argv[2])
print(f"  {cuft.__file__}: PTX and a host launch right, no LLVM/MLIR library mapped"
      + (f", {sys.argv[2]} hidden" if hidden else ""))
PY
printf 'import cuft\n\n@cuft.kernel\ndef saxpy(a, x, y):\n    i = cuft.grid(1)\n    if i < x.shape[0]:\n        y[i] = a * x[i] + y[i]\n' > "$tmp/kern.py"

# Runs the smoke test with Debian's LLVM hidden: a private mount namespace where
# its directory and libraries are covered by empty ones.
hide_llvm() {
  local script
  script='for f in /usr/lib/*/libLLVM* /usr/lib/*/libMLIR*; do [ -e "$f" ] && mount --bind /dev/null "$f" 2>/dev/null; done; mount --bind "$0" '"$llvm"' || exit 1; shift; exec "$@"'
  mkdir -p "$tmp/empty"
  unshare --mount --propagation private bash -c "$script" "$tmp/empty" _ "$@"
}

status=0
for py in "$root/.venv/bin/python" "$root/.venv-ft/bin/python"; do
  start=$(date +%s)
  tag=$("$py" -c "import sys, sysconfig; print(sys.implementation.cache_tag + ('t' if sysconfig.get_config_var('Py_GIL_DISABLED') else ''))")
  dist=$tmp/dist-$tag
  "$py" -m pip wheel --no-build-isolation --no-deps -q -w "$dist" "$root"
  wheel=$(ls "$dist"/cuft-*.whl)
  # A fresh environment of the same interpreter, with numpy from PyPI.
  base=$("$py" -c "import sys; print(sys._base_executable)")
  venv=$tmp/venv-$tag
  "$base" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel" numpy
  site=$("$venv/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['platlib'])")
  if ldd "$site"/cuft/*.so | grep -E 'libLLVM|libMLIR|libstdc\+\+|not found'; then
    echo "wheel $tag: its libraries need the libraries above: not self-contained"; status=1
    continue
  fi
  echo "wheel $(basename "$wheel"): $(du -k "$wheel" | cut -f1) KiB ($(du -sk "$site/cuft" | cut -f1) KiB installed)"
  run=("$venv/bin/python" "$tmp/smoke.py" "$site" "$llvm/lib")
  if unshare --mount --propagation private true 2>/dev/null; then
    (cd "$tmp" && hide_llvm env -i PATH=/usr/bin:/bin HOME="$tmp" "${run[@]}") || status=1
  else
    echo "  (no mount namespace here: LLVM stays visible; the process maps none of it)"
    (cd "$tmp" && env -i PATH=/usr/bin:/bin HOME="$tmp" "${run[@]}") || status=1
  fi
  (cd "$tmp" && env -i PATH=/usr/bin:/bin HOME="$tmp" "$venv/bin/python" -m cuft inspect kern.py:saxpy \
     --sig "f32,f32[:],f32[:]" >/dev/null) || status=1
  echo "wheel $tag: built, installed and checked in $(( $(date +%s) - start )) s"
done
exit $status
