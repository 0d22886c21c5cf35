#!/usr/bin/env python3
"""numba-cuda's own cudapy tests against cuft, ported as a user ports: each
module with `from numba import cuda` changed to `import cuft as cuda`, nothing
else; run on cuft's host target with numba's simulator settings (what needs a
GPU skips), one process per module. Prints a line per module (tests run,
skipped, failed, errors) and the commonest causes of errors and failures:
what to work on next for numba-cuda programs to port. Needs .venv-peers
(test/bench/setup-peers.sh: numba-cuda, pytest, filecheck).
test/python/test_numba_ports.py keeps the modules that pass whole passing.

    .venv/bin/python tools/numba-cuda-suite.py [module ...] [--timeout 300]
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.join(ROOT, ".venv-peers", "bin", "python")


def port(text):
    """The one change a user makes."""
    return re.sub(r"^from numba import cuda(, (.*))?$",
                  lambda m: "import cuft as cuda" + (f"\nfrom numba import {m[2]}" if m[2] else ""),
                  text, flags=re.M)


def port_tests(source, work):
    """numba-cuda's cudapy test files of folder ``source``, ported (port) into
    the package ``work``/tests; the names of the test modules the change
    touched."""
    tests = os.path.join(work, "tests")
    os.makedirs(tests, exist_ok=True)
    open(os.path.join(tests, "__init__.py"), "w").close()
    ported = []
    for name in sorted(os.listdir(source)):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(source, name)) as f:
            text = f.read()
        new = port(text)
        with open(os.path.join(tests, name), "w") as f:
            f.write(new)
        if name.startswith("test_") and new != text:
            ported.append(name[:-3])
    return ported


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="test modules (default: every ported one)")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per module")
    args = parser.parse_args()
    if not os.access(PEERS, os.X_OK):
        sys.exit("no .venv-peers: run test/bench/setup-peers.sh")
    source = subprocess.run([PEERS, "-c", "import numba.cuda.tests.cudapy as t, os; "
                             "print(os.path.dirname(t.__file__))"], capture_output=True,
                            text=True, check=True).stdout.strip()
    work = tempfile.mkdtemp(prefix="cuft-numba-suite.")
    ported = port_tests(source, work)
    modules = args.modules or ported
    env = dict(os.environ, CUFT_TARGET="host", CUFT_CACHE="0", NUMBA_ENABLE_CUDASIM="1",
               PYTHONPATH=os.pathsep.join([os.path.join(ROOT, "python"), work]))
    causes = collections.Counter()
    totals = collections.Counter()
    print(f"{'module':40} {'ran':>5} {'skip':>5} {'fail':>5} {'error':>5}")
    for m in modules:
        try:
            run = subprocess.run([PEERS, "-m", "unittest", f"tests.{m}"], capture_output=True,
                                 text=True, env=env, cwd=work, timeout=args.timeout)
            out = run.stderr
        except subprocess.TimeoutExpired:
            print(f"{m:40} timed out after {args.timeout} s")
            continue
        ran = int((re.search(r"Ran (\d+) test", out) or [0, 0])[1])
        # "expected failures=N" (numba's @expectedFailure tests) are not failures.
        counts = {k: int((re.search(rf"(?<!expected ){k}=(\d+)", out) or [0, 0])[1])
                  for k in ("skipped", "failures", "errors")}
        note = ""
        if run.returncode and not ran:  # the module did not load, or unittest's own error
            last = [line for line in out.splitlines() if line.strip()]
            note = f"  ({last[-1][:90]})" if last else ""
        elif not ran:
            note = "  (no TestCase: pytest functions, which need numba-cuda's conftest)"
        print(f"{m:40} {ran:5} {counts['skipped']:5} {counts['failures']:5} "
              f"{counts['errors']:5}{note}")
        totals.update(ran=ran, **counts)
        if counts["failures"] or counts["errors"] or run.returncode:
            for line in out.splitlines():
                if re.match(r"^[A-Za-z_.]*(Error|Exception|Warning)\b", line):
                    cause = re.sub(r"\S+\.py:\d+(:\d+)?", "FILE", line)
                    causes[cause[:160]] += 1
    print(f"\n{'all':40} {totals['ran']:5} {totals['skipped']:5} {totals['failures']:5} "
          f"{totals['errors']:5}")
    print("\ncommonest causes:")
    for cause, n in causes.most_common(25):
        print(f"{n:5}  {cause}")


if __name__ == "__main__":
    main()
