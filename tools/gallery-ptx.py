#!/usr/bin/env python3
"""The gallery's PTX, to compare what a compiler change does to it.

    .venv/bin/python tools/gallery-ptx.py dump DIR
        writes each gallery kernel's PTX (sm_90, the kernel's test launch's
        signature; the disk cache off) to DIR/<kernel>.ptx and prints the
        compile time of them all;
    .venv/bin/python tools/gallery-ptx.py compare OLD NEW
        counts the kernels whose PTX is the same to the byte and, for each
        that differs, its PTX instructions, and with ptxas (-O3) its SASS
        instructions and registers, old -> new.

A change of the lowering dumps before and after (a build of each, or
LD_LIBRARY_PATH pointing at the older library) and compares: the gallery
(test/python/gallery.py, 77 kernels) covers every construct the test suite
runs on a GPU. SASS needs cuobjdump or nvdisasm (where inspect(stage="sass")
finds them: $CUDA_HOME/bin, /usr/local/cuda/bin, PATH); without either, PTX
instructions and registers only.
"""
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def dump(out):
    os.environ["CUFT_CACHE"] = "0"
    sys.path.insert(0, os.path.join(HERE, "..", "test", "python"))
    from gallery import GALLERY
    from gallery_runs import RUNS

    os.makedirs(out, exist_ok=True)
    total, count = 0.0, 0
    for name, (kernel, _) in GALLERY.items():
        if name not in RUNS:
            continue
        args = RUNS[name].make()
        began = time.perf_counter()
        ptx = kernel.inspect(*args, stage="ptx", chip="sm_90")
        total += time.perf_counter() - began
        with open(os.path.join(out, name + ".ptx"), "w") as f:
            f.write(ptx)
        count += 1
    print(f"{count} kernels to PTX in {total:.3f} s")


def _instructions(ptx):
    return sum(1 for line in ptx.splitlines()
               if line.startswith("\t") and not line.startswith("\t//"))


def _sass(path):
    """(SASS instructions or None, registers) of a PTX file, with ptxas -O3;
    the tools found as cuft finds them (cuft.link)."""
    from cuft.link import _tool, sass

    with tempfile.TemporaryDirectory() as tmp:
        cubin = os.path.join(tmp, "k.cubin")
        run = subprocess.run([_tool("ptxas"), "-arch=sm_90", "-O3", "-v", path, "-o", cubin],
                             capture_output=True, text=True, check=True)
        registers = sum(int(n) for n in re.findall(r"Used (\d+) registers", run.stderr))
        if not (_tool("cuobjdump") or _tool("nvdisasm")):
            return None, registers
        with open(cubin, "rb") as f:
            text = sass(f.read())
        count = sum(1 for line in text.splitlines()
                    if re.match(r"\s+/\*[0-9a-f]{4}\*/", line) and "NOP" not in line)
        return count, registers


def compare(old, new):
    same, differ = 0, []
    for name in sorted(os.listdir(old)):
        a, b = os.path.join(old, name), os.path.join(new, name)
        if not os.path.exists(b):
            print(f"{name}: not in {new}")
            continue
        x, y = open(a).read(), open(b).read()
        if x == y:
            same += 1
            continue
        (sa, ra), (sb, rb) = _sass(a), _sass(b)
        differ.append((sa, sb, ra, rb))
        sass = f"sass {sa:5} -> {sb:5}  " if sa is not None else ""
        print(f"{name:40} ptx {_instructions(x):5} -> {_instructions(y):5}  {sass}"
              f"registers {ra:3} -> {rb:3}")
    line = f"{same} the same, {len(differ)} differ"
    if differ and all(d[0] is not None for d in differ):
        line += (f": SASS {sum(d[0] for d in differ)} -> {sum(d[1] for d in differ)}, "
                 f"registers {sum(d[2] for d in differ)} -> {sum(d[3] for d in differ)}")
    print(line)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "dump":
        dump(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
