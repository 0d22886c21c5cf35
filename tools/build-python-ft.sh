#!/usr/bin/env bash
# Builds a free-threaded CPython 3.13 (./configure --disable-gil) from Debian
# trixie's python3.13 source package, once per machine, into a cache outside the
# checkout, and prints its interpreter's path.
#
#   tools/build-python-ft.sh        -> .../cpython-3.13t/bin/python3.13t
#
# Cache: $CUFT_CACHE_DIR (default ${XDG_CACHE_HOME:-~/.cache}/cuft). A finished
# build is marked by a stamp file; a half-finished one is rebuilt from scratch.
set -euo pipefail

cache=${CUFT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cuft}
prefix=$cache/cpython-3.13t
python=$prefix/bin/python3.13t
say() { printf '[python-ft] %s\n' "$*" >&2; }

if [ -f "$prefix/.cuft-complete" ] && [ -x "$python" ]; then
  echo "$python"
  exit 0
fi

sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
# A deb-src entry for trixie, reusing the URI of the machine's Debian entry.
sources=/etc/apt/sources.list.d/cuft-trixie-src.sources
if [ ! -f "$sources" ]; then
  uri=$(grep -h -m1 -E '^URIs:.*debian/?$' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}')
  [ -n "$uri" ] || uri=$(grep -h -m1 -oE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list 2>/dev/null | tr -d ' ')
  [ -n "$uri" ] || { say "no Debian source entry found to reuse"; exit 1; }
  say "adding deb-src for trixie from $uri"
  printf 'Types: deb-src\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$uri" | $sudo tee "$sources" >/dev/null
  $sudo apt-get update -qq
fi

"$(dirname "${BASH_SOURCE[0]}")/apt-ensure.sh" dpkg-dev build-essential libssl-dev \
  libffi-dev zlib1g-dev liblzma-dev libbz2-dev libsqlite3-dev libreadline-dev \
  libncurses-dev uuid-dev libgdbm-dev libexpat1-dev

work=$cache/cpython-3.13t-src
rm -rf "$work" "$prefix"
mkdir -p "$work"
say "fetching the python3.13 source package"
(cd "$work" && apt-get source -qq --download-only python3.13 >/dev/null 2>&1 || apt-get source --download-only python3.13 >&2)
orig=$(ls "$work"/python3.13_*.orig.tar.* | head -1)
mkdir -p "$work/src"
tar -xf "$orig" -C "$work/src" --strip-components=1
say "configuring and building (a few minutes)"
(cd "$work/src" && ./configure --disable-gil --prefix="$prefix" --with-ensurepip=install \
   >"$work/configure.log" 2>&1 && make -j"$(nproc)" >"$work/make.log" 2>&1 &&
   make install >"$work/install.log" 2>&1) || {
  say "build failed; logs under $work"; exit 1; }
"$python" -c 'import sys, ssl, ctypes, sqlite3, zlib, lzma; assert not sys._is_gil_enabled()' || {
  say "the built interpreter is not free-threaded or misses modules"; exit 1; }
touch "$prefix/.cuft-complete"
rm -rf "$work"
echo "$python"
