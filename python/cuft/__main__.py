"""``python -m cuft``: compile a kernel from the command line, and see or clear
the disk cache.

    python -m cuft inspect FILE.py:KERNEL --sig "f32, f32[::1], f32[::1]" --stage ptx
    python -m cuft cache info|list|clear

FILE.py is run as a module named ``__cuft_inspect__`` (so its ``if __name__ ==
"__main__":`` block does not run), then KERNEL, a ``@cuft.kernel`` in it, is
compiled for the signature and printed at the stage. Signature entries are
numba-style types (``f32``, ``int64``, ``f64[:, ::1]`` for a C-contiguous 2-D
array, ``f32[:]`` for any 1-D array) or cuft's ``array<f32,1,C>``; a
``cuft.constexpr`` parameter takes ``type=value`` (``i64=128``).
"""

import argparse
import importlib.util
import os
import sys

from . import CompileError, Kernel
from .dispatcher import STAGES


def _load_kernel(target):
    path, sep, name = target.rpartition(":")
    if not sep or not path or not name:
        raise SystemExit(f"cuft inspect: expected FILE.py:KERNEL, got {target!r}")
    if not os.path.isfile(path):
        raise SystemExit(f"cuft inspect: no such file: {path}")
    spec = importlib.util.spec_from_file_location("__cuft_inspect__", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    spec.loader.exec_module(module)
    kernel = getattr(module, name, None)
    if not isinstance(kernel, Kernel):
        found = sorted(k for k, v in vars(module).items() if isinstance(v, Kernel))
        raise SystemExit(f"cuft inspect: {path} has no @cuft.kernel named {name!r} "
                         f"(kernels there: {', '.join(found) or 'none'})")
    return kernel


def _entries(directory):
    """(path, bytes, last use) of each entry of the disk cache, oldest first."""
    out = []
    for name in os.listdir(directory):
        if name.endswith(".cuft"):
            path = os.path.join(directory, name)
            try:
                st = os.stat(path)
            except OSError:  # deleted meanwhile (a sweep, another clear)
                continue
            out.append((path, st.st_size, st.st_mtime))
    return sorted(out, key=lambda e: e[2])


def _cache(action):
    import time
    from . import cache_info
    disk = cache_info()["disk"]
    directory = disk["directory"]
    if directory is None:
        print(f"the disk cache is {disk['status']}")
        return 0 if action == "info" else 1
    entries = _entries(directory)
    if action == "info":
        total = sum(size for _, size, _ in entries)
        print(f"directory: {directory}\nstatus: {disk['status']}\nentries: {len(entries)}\n"
              f"bytes: {total}\nlimit: {disk['limit_bytes']}")
    elif action == "list":
        now = time.time()
        for path, size, used in entries:
            print(f"{os.path.basename(path)}  {size:>10} bytes  used {now - used:,.0f} s ago")
    else:
        removed = 0
        for path, _, _ in entries:
            try:
                os.unlink(path)
                removed += 1
            except FileNotFoundError:
                pass
        print(f"removed {removed} entries from {directory}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m cuft", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("inspect", help="print a kernel's IR or PTX for a signature")
    p.add_argument("target", metavar="FILE.py:KERNEL")
    p.add_argument("--sig", required=True, help='argument types, e.g. "f32, f32[::1], i64=4"')
    p.add_argument("--stage", choices=STAGES, default="ptx")
    p.add_argument("-o", "--output", help="write to this file instead of stdout")
    c = sub.add_parser("cache", help="the disk cache (CUFT_CACHE_DIR): info, list or clear")
    c.add_argument("action", choices=("info", "list", "clear"))
    args = parser.parse_args(argv)
    if args.command == "cache":
        return _cache(args.action)

    kernel = _load_kernel(args.target)
    try:
        text = kernel.inspect(signature=args.sig, stage=args.stage)
    except CompileError as e:
        print(e, file=sys.stderr)
        return 1
    except ValueError as e:
        print(f"cuft inspect: {e}", file=sys.stderr)
        return 2
    except RuntimeError as e:  # sass without the toolkit's disassembler
        print(f"cuft inspect: {e}", file=sys.stderr)
        return 1
    if isinstance(text, bytes):  # a cubin
        if not args.output:
            print("cuft inspect: --stage cubin writes binary: give -o FILE", file=sys.stderr)
            return 2
        with open(args.output, "wb") as f:
            f.write(text)
    elif args.output:
        with open(args.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
