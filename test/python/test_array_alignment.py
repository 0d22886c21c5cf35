"""`alignment=` of shared and local arrays (numba-cuda 0.30's option): PTX's
.align on the GPU, the same offsets in the host target's block memory."""
import re

import numpy as np
import pytest

import cuft
from cuft import CompileError
from sourceutil import line_of
from test_code_options import ptxas

pytestmark = pytest.mark.usefixtures("on_host")


@cuft.kernel
def aligned(out, n):
    wide = cuft.shared.array(4, cuft.float64, alignment=256)
    tag = cuft.shared.array(1, cuft.int8)
    loc = cuft.local.array(8, cuft.int32, alignment=64)
    dyn = cuft.shared.array(0, cuft.float32, alignment=512)
    i = cuft.threadIdx.x
    if i == 0:
        tag[0] = n
    if i < 4:
        wide[i] = i * 2.0
    dyn[i] = i
    for j in range(8):
        loc[j] = j * n
    cuft.syncthreads()
    out[i] = wide[i % 4] + tag[0] + loc[(i + n) % 8] + dyn[(i + 1) % cuft.blockDim.x]


def test_aligned_arrays_give_the_same_results(tmp_path):
    out = np.zeros(8)
    aligned[1, 8, 0, 8 * 4](out, 3)
    i = np.arange(8)
    np.testing.assert_array_equal(out, (i % 4) * 2.0 + 3 + ((i + 3) % 8) * 3 + (i + 1) % 8)


def test_the_gpu_declares_the_alignments(tmp_path):
    ptx = aligned.inspect(np.zeros(8), 3, stage="ptx")
    # (LLVM may move a kernel's shared arrays into the kernel: indented.)
    assert re.search(r"^\s*\.shared \.align 256 \.b8 __cuft_shared\S*\[32\];", ptx, re.M)
    assert re.search(r"^\s*\.shared \.align 16 \.u8 __cuft_shared\S*;", ptx, re.M)
    assert ".extern .shared .align 512 .b8 __cuft_dynamic_shared[];" in ptx
    assert re.search(r"\.local \.align 64 \.b8", ptx)
    ptxas(ptx, tmp_path)


def test_the_host_lays_out_block_memory_as_asked():
    # The one-byte array comes first in the block's memory; the aligned one
    # starts at 256, the dynamic memory at 512.
    llvm = aligned.inspect(np.zeros(8), 3, stage="host-llvm")
    assert re.search(r"getelementptr[^\n]* i64 256\b", llvm)
    assert re.search(r"getelementptr[^\n]* i64 512\b", llvm)
    # The local array: on the thread's stack, or (a kernel split at its
    # barriers) in its block's frame, each thread's copy aligned as asked.
    assert re.search(r"alloca (\[8 x i32\]|i8, i64 %\w+), align 64", llvm)


def test_a_dynamic_array_aligned_further_leaves_less_dynamic_memory():
    # Static bytes [0, 33), dynamic memory from 512: 227 KiB in all.
    out = np.zeros(8)
    aligned[1, 8, 0, 227 * 1024 - 512](out, 3)
    with pytest.raises(ValueError, match="bytes of dynamic shared memory: this kernel can have"):
        aligned[1, 8, 0, 227 * 1024 - 511](out, 3)


@pytest.mark.parametrize("alignment", [3, 4, 0, -8, 8192])
def test_bad_alignments_are_located_errors(alignment):
    def k(out):
        a = cuft.shared.array(4, cuft.float32, alignment=alignment)
        out[0] = a[0]

    with pytest.raises(CompileError, match="power of 2, a multiple of 8 and at most 4096") as info:
        cuft.kernel(k)[1, 1](np.zeros(1, np.float32))
    assert info.value.lineno == line_of(k, "alignment=alignment")[0]


def test_alignment_must_be_a_constant():
    def k(out, n):
        a = cuft.local.array(4, cuft.float32, alignment=n)
        out[0] = a[0]

    with pytest.raises(CompileError, match="alignment must be a constant integer"):
        cuft.kernel(k)[1, 1](np.zeros(1, np.float32), 16)
