"""cuft.declare_device without the toolkit: declarations, calls in generic and
typed IR, the errors, and the host target refusing GPU code at the call."""
import numpy as np
import pytest

import cuft
from sourceutil import line_of

scale = cuft.declare_device("ext_scale", "f64(f64, i32)")


@cuft.kernel
def uses_scale(x):
    i = cuft.grid(1)
    if i < x.shape[0]:
        x[i] = scale(x[i], 3)


def test_declaration_and_typed_call():
    x = np.zeros(4)
    assert "cuft.func private @ext_scale(f64, i32) -> f64" in uses_scale.inspect(x, stage="generic")
    typed = uses_scale.inspect(x, stage="typed")
    assert "cuft.call @ext_scale(" in typed and ": (f64, i32) -> f64" in typed


def test_the_host_target_refuses_gpu_code_at_the_call():
    previous = cuft.set_target("host")
    try:
        with pytest.raises(cuft.CompileError, match="cannot call external device function "
                                                    "'ext_scale'") as e:
            uses_scale[1, 4](np.zeros(4))
    finally:
        cuft.set_target(previous)
    assert (e.value.filename, e.value.lineno) == (__file__, line_of(uses_scale, "scale(x[i], 3)")[0])


@pytest.mark.parametrize("name, signature, match", [
    ("1bad", "f32(f32)", "not a valid symbol name"),
    ("f", "f32 f32", "written 'result\\(arg, ...\\)'"),
    ("f", "f32(bool)", "unsupported type 'bool'"),
    ("f", "array(f32)", "unsupported type 'array'"),
])
def test_bad_declarations(name, signature, match):
    with pytest.raises(ValueError, match=match):
        cuft.declare_device(name, signature)


def test_call_errors_point_at_the_call():
    @cuft.kernel
    def wrong_arity(x):
        x[0] = scale(x[0])
    with pytest.raises(cuft.CompileError, match="takes 2 positional argument") as e:
        wrong_arity.inspect(np.zeros(1), stage="generic")
    assert e.value.lineno == line_of(wrong_arity, "scale(x[0])")[0]

    other = cuft.declare_device("ext_scale", "f32(f32, i32)")

    @cuft.kernel
    def disagree(x):
        x[0] = scale(x[0], 1) + other(x[0], 1)
    with pytest.raises(cuft.CompileError, match="disagree: 'f64\\(f64, i32\\)' and "):
        disagree.inspect(np.zeros(1), stage="generic")
    with pytest.raises(TypeError, match="can only be called from a @cuft.kernel"):
        scale(1.0, 2)


def test_void_external_in_a_device_function():
    log = cuft.declare_device("ext_log", "void(i64)")

    @cuft.func
    def helper(i):
        log(i)
        return i

    @cuft.kernel
    def k(x):
        x[0] = helper(cuft.grid(1))
    ptx = k.inspect(np.zeros(1, np.int64), stage="ptx")
    assert ".extern .func ext_log" in ptx
