"""cuft.libdevice: numba-cuda's libdevice integer functions, with the GPU's
results (wrap-around arithmetic of libdevice's argument types), on the host
target against Python's exact integers, and through ptxas."""
import numpy as np
import pytest

import cuft
from cuft import libdevice

pytestmark = pytest.mark.usefixtures("on_host")

rng = np.random.default_rng(7)
EDGES32 = [0, 1, -1, 2**31 - 1, -2**31, 2**23 - 1, -2**23, 2**24, 0x7FFFFF, 12345, -54321]
EDGES64 = [0, 1, -1, 2**63 - 1, -2**63, 2**32, 2**32 - 1, -2**32, 3**39, -(5**27)]


def pairs(edges, dtype):
    info = np.iinfo(dtype)
    grid = np.array(edges, dtype=np.int64).astype(dtype)  # negative edges wrap for unsigned
    drawn = [rng.integers(info.min, info.max, 200, endpoint=True, dtype=dtype) for _ in "ab"]
    return (np.concatenate([np.repeat(grid, grid.size), drawn[0]]),
            np.concatenate([np.tile(grid, grid.size), drawn[1]]))


def wrap(v, bits, signed):
    v &= (1 << bits) - 1
    return v - (1 << bits) if signed and v >> (bits - 1) else v


def sext24(v):
    return wrap(int(v), 24, True)


@cuft.kernel
def binary(fn_id, a, b, out):
    i = cuft.grid(1)
    if i < out.size:
        x = a[i]
        y = b[i]
        if fn_id == 0:
            out[i] = libdevice.mulhi(x, y)
        elif fn_id == 1:
            out[i] = libdevice.umulhi(x, y)
        elif fn_id == 2:
            out[i] = libdevice.mul64hi(x, y)
        elif fn_id == 3:
            out[i] = libdevice.umul64hi(x, y)
        elif fn_id == 4:
            out[i] = libdevice.mul24(x, y)
        elif fn_id == 5:
            out[i] = libdevice.umul24(x, y)
        elif fn_id == 6:
            out[i] = libdevice.hadd(x, y)
        elif fn_id == 7:
            out[i] = libdevice.rhadd(x, y)
        elif fn_id == 8:
            out[i] = libdevice.uhadd(x, y)
        elif fn_id == 9:
            out[i] = libdevice.urhadd(x, y)
        elif fn_id == 10:
            out[i] = libdevice.sad(x, y, 7)
        else:
            out[i] = libdevice.usad(x, y, 7)


CASES = [  # id, argument dtype, result dtype, exact reference
    (0, np.int32, np.int32, lambda x, y: (x * y) >> 32),
    (1, np.uint32, np.uint32, lambda x, y: (x * y) >> 32),
    (2, np.int64, np.int64, lambda x, y: (x * y) >> 64),
    (3, np.uint64, np.uint64, lambda x, y: (x * y) >> 64),
    (4, np.int32, np.int32, lambda x, y: wrap(sext24(x) * sext24(y), 32, True)),
    (5, np.uint32, np.uint32, lambda x, y: wrap((x & 0xFFFFFF) * (y & 0xFFFFFF), 32, False)),
    (6, np.int32, np.int32, lambda x, y: (x + y) >> 1),
    (7, np.int32, np.int32, lambda x, y: (x + y + 1) >> 1),
    (8, np.uint32, np.uint32, lambda x, y: (x + y) >> 1),
    (9, np.uint32, np.uint32, lambda x, y: (x + y + 1) >> 1),
    (10, np.int32, np.uint32, lambda x, y: wrap(abs(x - y) + 7, 32, False)),
    (11, np.uint32, np.uint32, lambda x, y: wrap(abs(x - y) + 7, 32, False)),
]


@pytest.mark.parametrize("fn_id,dtype,result,reference", CASES, ids=[c[0] for c in CASES])
def test_integer_functions_match_exact_arithmetic(fn_id, dtype, result, reference):
    bits = np.iinfo(dtype).bits
    a, b = pairs(EDGES64 if bits == 64 else EDGES32, dtype)
    out = np.zeros(a.size, result)
    binary[(a.size + 127) // 128, 128](fn_id, a, b, out)
    expected = [wrap(reference(int(x), int(y)), np.iinfo(result).bits,
                     np.issubdtype(result, np.signedinteger)) for x, y in zip(a, b)]
    np.testing.assert_array_equal(out, np.array(expected, dtype=result))


def test_arguments_convert_to_the_signature_as_numba():
    # mulhi(int32, int32): an int64 argument is truncated first.
    out = np.zeros(1, np.int64)

    @cuft.kernel
    def k(out):
        out[0] = libdevice.mulhi(2**32 + 3, 2**31 - 1)

    k[1, 1](out)
    assert out[0] == (3 * (2**31 - 1)) >> 32


def test_ptx_passes_ptxas(tmp_path):
    from test_code_options import ptxas
    for dtype in (np.int32, np.uint64):
        a = np.zeros(4, dtype)
        ptxas(binary.inspect(0, a, a, np.zeros(4, dtype), stage="ptx"), tmp_path)
