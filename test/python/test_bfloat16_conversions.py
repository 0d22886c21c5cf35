"""Conversions to bfloat16 on the host, bit for bit as ml_dtypes (numpy's
bfloat16) rounds them, on every CPU: where the CPU has no bfloat16 instruction
(x86 without AVX512-BF16) LLVM calls __truncsfbf2, which cuft's host runtime
provides (libgcc has it only from GCC 13); each conversion's PTX passes ptxas."""
import numpy as np
import pytest

import cuft
from test_code_options import ptxas

ml_dtypes = pytest.importorskip("ml_dtypes")
bf16 = ml_dtypes.bfloat16

pytestmark = pytest.mark.usefixtures("on_host")


@cuft.kernel
def to_bf16(x, out):
    i = cuft.grid(1)
    if i < x.size:
        out[i] = cuft.bfloat16(x[i])


def floats32():
    rng = np.random.default_rng(7)
    bits = rng.integers(0, 2**32, 20000, dtype=np.uint64).astype(np.uint32)
    # Ties to even and odd, both signs, denormals, the largest values, inf, NaN.
    special = np.array([0x3f808000, 0x3f818000, 0xbf808000, 0x00008000, 0x00018000,
                        0x7f7fffff, 0x7f7f8000, 0x7f800000, 0xff800000, 0x7fc00000,
                        0x00000001, 0x80000001, 0], np.uint32)
    return np.concatenate([bits, special]).view(np.float32)


@pytest.mark.parametrize("x", [
    np.arange(-128, 128, dtype=np.int8),
    np.arange(0, 256, dtype=np.uint8),
    np.arange(-32768, 32768, 7, dtype=np.int16),
    np.arange(-2**31, 2**31 - 2**20, 2**20 + 3, dtype=np.int64),
    floats32(),
], ids=["int8", "uint8", "int16", "int64", "float32"])
def test_conversions_to_bfloat16_round_as_ml_dtypes(x, tmp_path):
    out = np.zeros(x.size, bf16)
    to_bf16.forall(x.size)(x, out)
    with np.errstate(invalid="ignore"):  # numpy warns of the NaNs it converts
        want = x.astype(np.float32).astype(bf16)
    got, want = out.view(np.uint16), want.view(np.uint16)
    nan = np.isnan(want.view(bf16).astype(np.float32))
    # Every NaN stays a NaN (payloads are the hardware's); every other value
    # to the bit.
    assert np.isnan(out[nan].astype(np.float32)).all()
    np.testing.assert_array_equal(got[~nan], want[~nan])
    ptxas(to_bf16.inspect(x, out, stage="ptx"), tmp_path)
