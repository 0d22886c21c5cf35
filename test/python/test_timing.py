"""CUFT_TIMING=1: each compile prints the wall time of its stages to stderr
(cuft/Conversion/Timing.h; docs/Architecture.md has the format)."""

import re

import pytest

from scriptutil import run_script

SCRIPT = r"""
import os
os.dup2(1, 2)  # the compiler writes its lines to stderr: here, into stdout
import numpy as np
import cuft

@cuft.kernel
def saxpy(a, x, y):
    i = cuft.grid(1)
    if i < x.size:
        y[i] = a * x[i] + y[i]

x, y = np.ones(64, np.float32), np.zeros(64, np.float32)
saxpy.inspect(np.float32(2), x, y, stage="ptx", chip="sm_90")
cuft.set_target("host")
saxpy[1, 64](np.float32(2), x, y)
assert (y == 2).all()
"""

LINE = re.compile(r"cuft-timing: (\S+) (\w+)\(([^)]*)\) ([0-9.]+) ms(?:: (.*))?$")


def stages_of(text):
    """'a 1.0, b 2.0 (c 0.5), d 0.1' -> {'a': (1.0, {}), 'b': (2.0, {'c': ...}), ...}"""
    tokens = re.findall(r"\(|\)|,|[^\s,()]+", text)
    pos = 0

    def level():
        nonlocal pos
        out = {}
        while pos < len(tokens) and tokens[pos] != ")":
            if tokens[pos] == ",":
                pos += 1
                continue
            name, ms = tokens[pos], float(tokens[pos + 1])
            pos += 2
            inner = {}
            if pos < len(tokens) and tokens[pos] == "(":
                pos += 1
                inner = level()
                assert tokens[pos] == ")"
                pos += 1
            out[name] = (ms, inner)
        return out

    return level()


def lines_of(out):
    found = {}
    for line in out.splitlines():
        m = LINE.match(line)
        if m:
            what, kernel, signature, total, stages = m.groups()
            found[what] = (kernel, signature, float(total), stages_of(stages or ""))
    return found


def test_each_compile_prints_its_stages():
    found = lines_of(run_script(SCRIPT, CUFT_TIMING="1", CUFT_CACHE="0"))
    assert set(found) == {"frontend", "ptx", "host"}, found
    assert found["frontend"][0] == "saxpy" and found["frontend"][2] > 0
    for target in ("ptx", "host"):
        kernel, signature, total, stages = found[target]
        assert (kernel, signature) == ("saxpy", "f32,array<f32,1,C>,array<f32,1,C>")
        for stage in ("parse", "specialize", "convert-cuft-to-gpu"):
            assert stages[stage][0] > 0, (target, stage, stages)
        # Stages run one after another, inside the compile's time; those run
        # inside a pass, inside its time.
        assert sum(ms for ms, _ in stages.values()) <= total
        for ms, inner in stages.values():
            assert sum(t for t, _ in inner.values()) <= ms + 1e-3
    serialize = found["ptx"][3]["serialize-ptx"][1]
    assert {"llvm-translate", "llvm-optimize", "llvm-codegen"} <= set(serialize)
    host = found["host"][3]
    assert "convert-gpu-to-host" in host
    assert {"llvm-translate", "llvm-optimize", "llvm-codegen"} <= set(host)


@pytest.mark.parametrize("value", [None, "0"])
def test_nothing_is_printed_without_it(value):
    env = {} if value is None else {"CUFT_TIMING": value}
    out = run_script(SCRIPT, drop=("CUFT_TIMING",), CUFT_CACHE="0", **env)
    assert "cuft-timing" not in out
