#!/usr/bin/env bash
# Sets up everything cuft needs on a fresh Debian 12 machine, then configures and
# builds. Idempotent: a second run with nothing changed takes a few seconds.
#
#   tools/setup.sh            install what is missing, configure, build
#
# Environment: CUFT_BUILD_DIR (default build), CUFT_JOBS (default: all cores).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${CUFT_BUILD_DIR:-$root/build}
llvm=/usr/lib/llvm-22
cuda=${CUDA_HOME:-/usr/local/cuda}
say() { printf '[setup] %s\n' "$*" >&2; }

# --- Debian packages ---------------------------------------------------------
"$root/tools/apt-ensure.sh" llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools lld-22 \
  cmake ninja-build ccache g++ python3 python3-venv python3-dev libgtest-dev googletest \
  libzstd-dev  # libzstd.a, linked into the self-contained libcuft.so of wheels
[ -x "$llvm/bin/mlir-opt" ] || { say "LLVM/MLIR 22 not found under $llvm"; exit 1; }

# --- CUDA toolkit (ptxas, libdevice) -------------------------------------------
if [ ! -f "$cuda/nvvm/libdevice/libdevice.10.bc" ]; then
  say "warning: no CUDA toolkit at $cuda (set CUDA_HOME): math functions need libdevice,"
  say "         and the ptxas checks of the test suite will be reported unsupported"
fi

# --- Python virtual environment ------------------------------------------------
venv=$root/.venv
req=$root/requirements-dev.txt
stamp=$venv/.cuft-requirements
if [ ! -x "$venv/bin/python" ]; then
  say "creating $venv"
  /usr/bin/python3 -m venv "$venv"
fi
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "installing Python packages from requirements-dev.txt"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
  echo "$want" > "$stamp"
fi

# --- the free-threaded interpreter (3.13t, built once per machine) and .venv-ft --
ftpython=$("$root/tools/build-python-ft.sh")
venvft=$root/.venv-ft
if [ ! -x "$venvft/bin/python" ]; then
  say "creating $venvft"
  "$ftpython" -m venv "$venvft"
fi
if [ "$(cat "$venvft/.cuft-requirements" 2>/dev/null)" != "$want" ]; then
  say "installing Python packages into .venv-ft"
  "$venvft/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
  echo "$want" > "$venvft/.cuft-requirements"
fi

# Both environments import the in-tree package (python/cuft, extension built in
# place below), so `.venv/bin/python -m cuft` works from anywhere.
for py in "$venv/bin/python" "$venvft/bin/python"; do
  site=$("$py" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
  [ "$(cat "$site/cuft-dev.pth" 2>/dev/null)" = "$root/python" ] || echo "$root/python" > "$site/cuft-dev.pth"
done

# --- configure and build -----------------------------------------------------------
# The extension is built for both interpreters; a changed list reconfigures.
pythons="$venv/bin/python;$venvft/bin/python"
if [ ! -f "$build/build.ninja" ] ||
   ! grep -qxF "CUFT_PYTHONS:STRING=$pythons" "$build/CMakeCache.txt"; then
  say "configuring $build"
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCUFT_CUDA_HOME="$cuda" -DCUFT_PYTHONS="$pythons" "${launcher[@]}" >/dev/null
fi
say "building"
# ccache hits across clones (CI's fresh ones): paths under the source tree are
# hashed relative to it.
export CCACHE_BASEDIR="$root"
ninja -C "$build" ${CUFT_JOBS:+-j "$CUFT_JOBS"} | grep -v '^\[' || true
test "${PIPESTATUS[0]}" = 0
