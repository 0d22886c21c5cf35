"""Float ``//`` is Python's (the floor of the exact quotient) at run time and in
constant folding, in every float width: ``1.0 // 0.1`` is 9.0, where
``floor(1.0 / 0.1)`` would be 10.0."""
import numpy as np
import pytest

import cuft


pytestmark = pytest.mark.usefixtures("on_host")


@cuft.kernel
def floordiv(a, b, out, folded):
    i = cuft.grid(1)
    if i < a.size:
        out[i] = a[i] // b[i]
    if i == 0:
        folded[0] = 1.0 // 0.1
        folded[1] = -1.0 // 0.1
        folded[2] = 0.7 // -0.1


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_float_floor_division_is_the_floor_of_the_exact_quotient(dtype):
    rng = np.random.default_rng(0)
    a = (rng.normal(size=4000) * 10).astype(dtype)
    b = rng.normal(size=4000).astype(dtype)
    a[:4], b[:4] = [1.0, -1.0, 0.7, 3.0], [0.1, 0.1, -0.1, 0.0]
    out, folded = np.zeros_like(a), np.zeros(3)
    floordiv[32, 128](a, b, out, folded)
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(out, np.floor_divide(a, b))
    assert out[0] == np.floor_divide(dtype(1.0), dtype(0.1))
    assert list(folded) == [1.0 // 0.1, -1.0 // 0.1, 0.7 // -0.1] == [9.0, -10.0, -7.0]
