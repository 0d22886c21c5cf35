"""numba-cuda's cache-hinted loads and stores (cuft.ldca ... cuft.stwt): PTX's
ld.global.<op> and st.global.<op> on the GPU, the element read or written as
any access on the host."""
import numpy as np
import pytest

import cuft
from cuft import CompileError
from sourceutil import line_of
from test_code_options import ptxas

pytestmark = pytest.mark.usefixtures("on_host")

LOADS = {"ca": cuft.ldca, "cg": cuft.ldcg, "cs": cuft.ldcs, "lu": cuft.ldlu, "cv": cuft.ldcv}
STORES = {"cg": cuft.stcg, "cs": cuft.stcs, "wb": cuft.stwb, "wt": cuft.stwt}
TYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
         np.float16, np.float32, np.float64]


def loader(operator):
    @cuft.kernel
    def load(r, x, y):
        for i in range(len(r)):
            r[i] = operator(x, i)
        for i in range(y.shape[0]):
            for j in range(y.shape[1]):
                y[i, j] = operator(x, i) + operator(y, (i, j))
    return load


def storer(operator):
    @cuft.kernel
    def store(r, x, y):
        for i in range(len(r)):
            operator(r, i, x[i])
        for i in range(y.shape[0]):
            for j in range(y.shape[1]):
                operator(y, (i, j), i - j)  # converted to the element type, as a[i] = v
    return store


@pytest.mark.parametrize("op", sorted(LOADS))
def test_cache_hinted_loads_read_the_element_and_are_ptxs_cache_operators(op, tmp_path):
    load = loader(LOADS[op])
    for ty in TYPES:
        x = np.arange(5).astype(ty)
        r, y = np.zeros_like(x), np.ones((3, 2), ty)
        load[1, 1](r, x, y)
        np.testing.assert_array_equal(r, x)
        np.testing.assert_array_equal(y, (np.arange(3)[:, None] + np.ones((3, 2))).astype(ty))
        ptx = load.inspect(r, x, y, stage="ptx", chip="sm_90")
        assert f"ld.global.{op}.b{x.dtype.itemsize * 8} " in ptx
        if ty in (np.int8, np.float16, np.int64):
            ptxas(ptx, tmp_path)


@pytest.mark.parametrize("op", sorted(STORES))
def test_cache_hinted_stores_write_the_element_and_are_ptxs_cache_operators(op, tmp_path):
    store = storer(STORES[op])
    for ty in TYPES:
        x = np.arange(5).astype(ty)
        r, y = np.zeros_like(x), np.zeros((3, 2), ty)
        store[1, 1](r, x, y)
        np.testing.assert_array_equal(r, x)
        want = np.array([[i - j for j in range(2)] for i in range(3)])
        np.testing.assert_array_equal(y, want.astype(ty))
        ptx = store.inspect(r, x, y, stage="ptx", chip="sm_90")
        assert f"st.global.{op}.b{x.dtype.itemsize * 8} " in ptx
        if ty in (np.uint8, np.float32, np.float64):
            ptxas(ptx, tmp_path)


def test_a_cache_hinted_access_needs_a_global_array_of_numbers_and_every_index():
    @cuft.kernel
    def shared(out):
        s = cuft.shared.array(4, cuft.float32)
        s[0] = 1.0
        out[0] = cuft.ldcg(s, 0)

    with pytest.raises(CompileError, match=r"a cache-hinted load \(ldcg\) is of an element of "
                                           r"a global array") as info:
        shared[1, 1](np.zeros(1, np.float32))
    assert info.value.lineno == line_of(shared, "cuft.ldcg(s, 0)")[0]

    @cuft.kernel
    def partial(x, out):
        cuft.stcs(out, 0, cuft.ldca(x, 0)[0])

    with pytest.raises(CompileError, match=r"with 1 index"):
        partial[1, 1](np.zeros((2, 2)), np.zeros(1))

    @cuft.kernel
    def flags(x, out):
        out[0] = cuft.ldca(x, 0)

    with pytest.raises(CompileError, match="'array<bool,1,C>' with 1 index"):
        flags[1, 1](np.zeros(2, np.bool_), np.zeros(1))
