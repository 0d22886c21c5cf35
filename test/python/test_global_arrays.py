"""Module-level numpy arrays read in kernels: compiled in as constant data,
as numba-cuda freezes them."""
import math
import re

import numpy as np
import pytest

import cuft
from cuft import CompileError
from sourceutil import line_of

pytestmark = pytest.mark.usefixtures("on_host")

TABLE = np.array([1.0, 2.0, 4.0])
ZERO_D = np.array(3, dtype=np.int16)


@cuft.kernel
def read_table(out):
    i = cuft.grid(1)
    if i < TABLE.size:
        out[i] = TABLE[i] * ZERO_D


def test_a_global_array_is_read_and_a_rebound_one_recompiles():
    global TABLE
    out = np.zeros(3)
    read_table[1, 4](out)
    np.testing.assert_array_equal(out, [3, 6, 12])
    saved = TABLE
    try:
        TABLE = np.array([5.0, 6.0, 7.0])  # a new array: compiled in anew
        read_table[1, 4](out)
        np.testing.assert_array_equal(out, [15, 18, 21])
    finally:
        TABLE = saved


def test_a_global_array_is_frozen_when_compiled():
    # As numba: the values compiled in are the values then.
    out = np.zeros(3)
    read_table[1, 4](out)
    TABLE[0] = 100.0
    try:
        read_table[1, 4](out)
        assert out[0] == 3.0
    finally:
        TABLE[0] = 1.0


@cuft.func
def poke(a):
    a[0] = 1.0


def writes_global(out):
    poke(TABLE)


def test_writing_a_global_array_is_refused():
    with pytest.raises(CompileError, match="writes a global array") as info:
        cuft.kernel(writes_global)[1, 1](np.zeros(1))
    assert info.value.lineno == line_of(writes_global, "poke(TABLE)")[0]  # the call that writes


def test_bad_global_arrays():
    objects = np.array([object()])

    def uses_objects(out):
        out[0] = objects[0]

    with pytest.raises(CompileError, match="dtype object cannot be used"):
        cuft.kernel(uses_objects)[1, 1](np.zeros(1))

    def not_an_array(out):
        out[0] = cuft.const.array_like(3)[0]

    with pytest.raises(CompileError, match="takes a global numpy array"):
        cuft.kernel(not_an_array)[1, 1](np.zeros(1))


SMALL = np.arange(16, dtype=np.float32)
LARGE = np.arange(20000, dtype=np.float64)  # 160,000 bytes: over the 64 KiB bank


@cuft.kernel
def reads_both(out):
    i = cuft.grid(1)
    if i < out.size:
        out[i] = cuft.const.array_like(SMALL)[i % 16] + LARGE[i] + math.sin(out[i])


def test_constant_data_is_placed_in_the_constant_bank_while_it_fits(tmp_path):
    # numba's const.array_like: PTX .const, read through the constant cache;
    # what the 64 KiB bank cannot hold stays read-only global data.
    out = np.zeros(64)
    ptx = reads_both.inspect(out, stage="ptx")
    spaces = {int(size): space for space, size in
              re.findall(r"^\.(const|global) \.align \d+ \.b8 __cuft_const\w*\[(\d+)\]", ptx, re.M)}
    assert spaces == {SMALL.nbytes: "const", LARGE.nbytes: "global"}
    assert "ld.const" in ptx
    from test_code_options import ptxas
    ptxas(ptx, tmp_path)
    reads_both[1, 64](out)
    np.testing.assert_array_equal(out, SMALL[np.arange(64) % 16] + LARGE[:64])
