"""numba-cuda's CUDA vector types (cuft.float32x4, cuft.float4, ...): made from
numbers and other vectors, read by .x/.y/.z/.w, held in variables, passed to
and returned from device functions, on the host and through ptxas."""
import numpy as np
import pytest

import cuft
from sourceutil import line_of
from test_code_options import ptxas

pytestmark = pytest.mark.usefixtures("on_host")


@cuft.func
def swapped(v):
    return cuft.float32x2(v.y, v.x)


@cuft.jit
def vectors(out, k):
    one = cuft.float32(1.0)
    f1 = cuft.float1(one)
    f2 = cuft.float2(f1, k)  # an int converted to float32
    f4 = cuft.float4(f2, swapped(f2))  # components of vectors, in order
    s = cuft.short3(-1, 70000, 2.9)  # int16: wraps and truncates as a cast does
    j = 0
    for v in (f2, swapped(f2)):  # a name bound to vectors of 2 here...
        out[j] = v.x
        out[j + 1] = v.y
        j += 2
    for v in (f4, cuft.float32x4(9, f2, 8)):  # ...and of 4 here
        out[j] = v.x + v.y + v.z + v.w
        j += 1
    for v in out[:2]:  # ...and a float in an array's loop
        out[j] += v
    w = f2
    if k > 2:
        w = swapped(f2)
    out[j + 1] = w.x
    out[j + 2] = s.x + s.y + s.z
    d = cuft.double2(cuft.uint3(1, 2, 3).z, 0.5)
    out[j + 3] = d.x * d.y


def test_vectors_are_made_read_held_passed_and_returned(tmp_path):
    out = np.zeros(10, np.float32)
    vectors[1, 1](out, 3)
    s = np.int16(-1) + np.int16(70000 - 65536) + np.int16(2)
    assert out.tolist() == [1, 3, 3, 1, 8, 9 + 1 + 3 + 8, 1 + 3, 3, s, 1.5]
    ptxas(vectors.inspect(out, 3, stage="ptx", chip="sm_90"), tmp_path)


def test_vector_names_and_their_c_aliases_are_one_object():
    assert cuft.float32x4 is cuft.float4 and cuft.int16x2 is cuft.short2
    assert cuft.float64x3 is cuft.double3 and cuft.uint8x1 is cuft.uchar1
    assert cuft.int64x2 is cuft.longlong2 and repr(cuft.int32x4) == "cuft.int32x4"


@cuft.jit
def too_few(out):
    out[0] = cuft.float32x3(1, 2).x


@cuft.jit
def no_such_component(out):
    v = cuft.int2(1, 2)
    out[0] = v.z


@pytest.mark.parametrize("kernel, needle, message", [
    (too_few, "cuft.float32x3(1, 2)", "float32x3() takes 3 components, got 2"),
    (no_such_component, "v.z", "int32x2 has no attribute 'z' (its fields: x, y)"),
])
def test_a_vector_of_the_wrong_size_is_refused_where_it_is_written(kernel, needle, message):
    with pytest.raises(cuft.CompileError, match=message.replace("(", r"\(").replace(")", r"\)")) \
            as e:
        kernel[1, 1](np.zeros(1))
    assert "test_vector_types.py:%d:%d:" % line_of(kernel, needle) in str(e.value)
