#!/usr/bin/env bash
# Packs a self-contained cuft for the GPU machine (no MLIR, no LLVM there):
#
#   tools/pack-gpu.sh          build and pack .gpu-pack/cuft-gpu.tar.xz (git-ignored)
#
# then, with the device tool, from the repository root:
#
#   run(carry=[".gpu-pack"], command="tar xJf .gpu-pack/cuft-gpu.tar.xz -C /tmp && /tmp/cuft-pack/run.sh")
#
# What is in the pack:
#   python/cuft/   the package, libcuft.so with LLVM, MLIR and the C++ runtime
#                  linked in (it needs only glibc and the CUDA driver/toolkit
#                  libraries it dlopens), and the extension for Python 3.12 (the
#                  GPU machine's python3) and for the free-threaded 3.13t
#   ft/            the free-threaded CPython 3.13t built by tools/build-python-ft.sh,
#                  trimmed (no test suite, no static library), with numpy and
#                  pytest from .venv-ft
#   test/python, test/bench, and run.sh: the test suite on python3, then on
#                  ft/bin/python3.13t with PYTHON_GIL=0, then the benchmarks
#
# Needs: tools/setup.sh done (the FT interpreter and .venv-ft), and a Python
# 3.12 with headers for the 3.12 extension: CUFT_PACK_PYTHON, else pyenv's
# 3.12 (a venv with pybind11, numpy and pytest is made from it in
# .venv-pack312). Before compressing, the staged pack's CUDA tests run here
# against the driver double (build/lib/libcuft-fakecuda.so) on both
# interpreters, so the pack that travels has run its launch path once.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build-pack
out=$root/.gpu-pack
stage=$out/cuft-pack
say() { printf '[pack-gpu] %s\n' "$*" >&2; }

py312=${CUFT_PACK_PYTHON:-$(ls -d /root/.pyenv/versions/3.12.*/bin/python 2>/dev/null | tail -1)}
[ -x "$py312" ] || { say "no Python 3.12 (set CUFT_PACK_PYTHON)"; exit 1; }
venv312=$root/.venv-pack312
if [ ! -x "$venv312/bin/python" ]; then
  say "making $venv312 from $py312"
  "$py312" -m venv "$venv312"
  "$venv312/bin/python" -m pip install -q --disable-pip-version-check pybind11 numpy pytest
fi
"$root/tools/apt-ensure.sh" libzstd-dev  # libzstd.a, linked into libcuft.so
ftpython=$("$root/tools/build-python-ft.sh")
ftprefix=$(cd "$(dirname "$ftpython")/.." && pwd)
ftsite=$("$root/.venv-ft/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")

# --- the self-contained build -------------------------------------------------
say "building $build (LLVM and MLIR linked statically: the link takes minutes)"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCUFT_SELF_CONTAINED=ON -DCUFT_DEV_BUILD=OFF \
      -DCUFT_CUDA_HOME=/usr/local/cuda -DCUFT_EXTENSION_DIR="$build/extensions" \
      -DCUFT_PYTHONS="$venv312/bin/python;$root/.venv-ft/bin/python" >/dev/null
ninja -C "$build" | grep -v '^\[' || true
test "${PIPESTATUS[0]}" = 0
if ldd "$build/lib/libcuft.so" | grep -E 'libLLVM|libMLIR|libstdc\+\+'; then
  say "libcuft.so still needs the libraries above: not self-contained"; exit 1
fi

# --- the stage ----------------------------------------------------------------
say "staging $stage"
rm -rf "$stage" && mkdir -p "$stage/python" "$stage/test" "$stage/ft"
cp -r "$root/python/cuft" "$stage/python/"
rm -f "$stage"/python/cuft/_cuft*.so
find "$stage" -name __pycache__ -prune -exec rm -rf {} +
# libdevice, in case the GPU machine has no toolkit where cuft looks (run.sh).
mkdir -p "$stage/cuda/nvvm/libdevice"
cp /usr/local/cuda/nvvm/libdevice/libdevice.10.bc "$stage/cuda/nvvm/libdevice/"
# libcudadevrt, which kernels that sync their grid (cuft.cg) link.
mkdir -p "$stage/cuda/lib64"
cp /usr/local/cuda/lib64/libcudadevrt.a "$stage/cuda/lib64/"
cp "$build"/extensions/_cuft*.so "$build/lib/libcuft.so" "$stage/python/cuft/"
cp -r "$root/test/python" "$root/test/bench" "$stage/test/"
mkdir -p "$stage/docs" && cp -r "$root/docs/examples" "$stage/docs/"  # inputs of the tests
find "$stage/test" -name __pycache__ -prune -exec rm -rf {} +
# The interpreter, trimmed, and the packages the tests need.
(cd "$ftprefix" && tar cf - --exclude='__pycache__' --exclude='lib/python3.13t/test' \
   --exclude='lib/python3.13t/config-*' --exclude='lib/python3.13t/idlelib' \
   --exclude='lib/python3.13t/tkinter' --exclude='lib/python3.13t/turtledemo' \
   --exclude='lib/python3.13t/ensurepip' --exclude='lib/*.a' --exclude='lib/python3.13t/site-packages/*' \
   bin/python3.13t lib) | (cd "$stage/ft" && tar xf -)
site=$stage/ft/lib/python3.13t/site-packages
mkdir -p "$site"
for p in numpy numpy.libs _pytest pytest pluggy iniconfig packaging pygments py.py; do
  [ -e "$ftsite/$p" ] && cp -r "$ftsite/$p" "$site/"
done
rm -rf "$site/numpy/_core/tests" "$site/numpy/tests" "$site"/numpy/*/tests
find "$stage/ft" -name __pycache__ -prune -exec rm -rf {} +
cat > "$stage/run.sh" <<'EOF'
#!/usr/bin/env bash
# Runs cuft's tests and benchmarks on the GPU machine (see tools/pack-gpu.sh).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export PYTHONPATH=$here/python PYTHONUNBUFFERED=1
# Everything also goes to $OUT/cuft-run.log (the device tool returns only the tail).
[ -n "${OUT:-}" ] && exec > >(tee -a "$OUT/cuft-run.log") 2>&1
# The toolkit: libdevice for compiling, nvJitLink and NVRTC for linking.
if [ ! -e "${CUDA_HOME:-/usr/local/cuda}/nvvm/libdevice/libdevice.10.bc" ]; then
  export CUDA_HOME=$here/cuda
  for d in /usr/local/cuda-13* /usr/local/cuda-*; do
    [ -e "$d/nvvm/libdevice/libdevice.10.bc" ] && { export CUDA_HOME=$d; break; }
  done
fi
echo "CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}"
if [ ! -e "${CUDA_HOME:-/usr/local/cuda}/lib64/libcudadevrt.a" ]; then
  export CUFT_CUDADEVRT=$here/cuda/lib64/libcudadevrt.a
  echo "CUFT_CUDADEVRT=$CUFT_CUDADEVRT"
fi
for lib in nvjitlink:CUFT_NVJITLINK:libnvJitLink.so.13 cuda_nvrtc:CUFT_NVRTC:libnvrtc.so.13; do
  IFS=: read -r pkg var so <<<"$lib"
  [ -e "${CUDA_HOME:-/usr/local/cuda}/lib64/${so%.13}" ] && continue
  found=$(python3 -c "import nvidia.$pkg as m, glob, os; print((glob.glob(os.path.join(list(m.__path__)[0], 'lib', '$so')) + [''])[0])" 2>/dev/null)
  [ -n "$found" ] && export "$var=$found" && echo "$var=$found"
done
status=0
nvidia-smi -L || true
python3 -c "import cuft, json; print(json.dumps(cuft.cuda_status()))" || status=1
python3 -m pytest -q -p no:cacheprovider "$here/test/python" "$@" || status=1
PYTHON_GIL=0 "$here/ft/bin/python3.13t" -m pytest -q -p no:cacheprovider "$here/test/python" "$@" || status=1
PYTHON_GIL=0 "$here/ft/bin/python3.13t" "$here/test/bench/cache_scaling.py" --threads 1,2,8,64 || status=1
PYTHON_GIL=0 "$here/ft/bin/python3.13t" "$here/test/bench/python_scaling.py" || status=1
python3 "$here/test/bench/launch_overhead.py" || status=1
PYTHON_GIL=0 "$here/ft/bin/python3.13t" "$here/test/bench/launch_overhead.py" || status=1
exit $status
EOF
chmod +x "$stage/run.sh"

# --- preflight: the staged pack, as the GPU machine will run it, against the
# driver double (both interpreters): what can fail without a GPU fails here.
fake=$root/build/lib/libcuft-fakecuda.so
if [ -e "$fake" ]; then
  say "preflight: the pack's CUDA path against the driver double (3.12, then 3.13t)"
  for py in "$venv312/bin/python" "$stage/ft/bin/python3.13t"; do
    (cd "$stage" && PYTHONDONTWRITEBYTECODE=1 PYTHON_GIL=0 CUFT_FAKECUDA=$fake \
       PYTHONPATH=$stage/python "$py" -m pytest -q -p no:cacheprovider \
       test/python/test_cuda_fake.py | tail -1) || { say "preflight failed with $py"; exit 1; }
  done
else
  say "no driver double at $fake (build the main tree first): preflight skipped"
fi

say "compressing"
tar cJf "$out/cuft-gpu.tar.xz" -C "$out" cuft-pack
size=$(stat -c %s "$out/cuft-gpu.tar.xz")
say "$out/cuft-gpu.tar.xz: $((size / 1024 / 1024)) MiB (the device tool carries 64 MiB at most)"
[ "$size" -lt $((60 * 1024 * 1024)) ] || { say "too large to carry"; exit 1; }
