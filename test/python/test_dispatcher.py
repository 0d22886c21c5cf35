"""@cuft.kernel objects: signatures from arguments, specialization once per
signature (also when many threads race), inspect, stats, errors, options."""
import math
import os
import subprocess
import sys
import sysconfig

import numpy as np
import pytest

import cuft
from cuft.signature import parse_signature
from sourceutil import line_of
from threadutil import run_concurrently

HERE = os.path.dirname(os.path.abspath(__file__))
FREE_THREADED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def lineno_of(fn, needle):
    return line_of(fn, needle)[0]


@cuft.kernel
def saxpy(a, x, y):
    i = cuft.grid(1)
    if i < x.shape[0]:
        y[i] = a * x[i] + y[i]


_tags = iter(range(1, 1 << 30))


def new_saxpy():
    """A saxpy with a cache of its own: its captured ``tag`` differs from every
    other's, so is its generic IR (kernels with equal IR share specializations)."""
    tag = next(_tags)

    def saxpy_copy(a, x, y):
        i = cuft.grid(1)
        if i < x.shape[0] and tag > 0:
            y[i] = a * x[i] + y[i]
    return cuft.kernel(saxpy_copy)


# -- signatures --------------------------------------------------------------------
def test_signature_of_numpy_arrays_and_scalars():
    a = np.zeros((4, 6), np.float32)
    sig = lambda *args: saxpy.signature(*args)  # noqa: E731
    assert sig(1.0, a[0], a[1]) == "f64,array<f32,1,C>,array<f32,1,C>"
    assert sig(np.float32(1), a[:, 0], a[0, ::2]) == \
        "f32,array<f32,1,strided>,array<f32,1,strided>"
    assert sig(True, a, np.asfortranarray(a)) == "bool,array<f32,2,C>,array<f32,2,F>"
    assert sig(7, a[:, 1:3], a.T) == "i64,array<f32,2,strided>,array<f32,2,F>"
    assert sig(np.int8(1), np.zeros(3, np.uint16), np.zeros((2, 2, 2), np.bool_)) == \
        "i8,array<u16,1,C>,array<bool,3,C>"
    # Size-1 and empty dimensions do not make an array strided.
    assert sig(0, a[:1, :], np.zeros((0, 3))) == "i64,array<f32,2,C>,array<f64,2,C>"


class CudaArrayLike:
    """Exports the __cuda_array_interface__ (v3) of a numpy array's layout."""

    def __init__(self, a, strides=True):
        self.__cuda_array_interface__ = {
            "shape": a.shape, "typestr": a.dtype.str, "data": (0, False), "version": 3,
            "strides": a.strides if strides else None}


class DLPackOnly:
    """Exposes nothing but a numpy array's __dlpack__."""

    def __init__(self, a):
        self._a = a

    def __dlpack__(self, **kwargs):
        return self._a.__dlpack__(**kwargs)


def test_signature_of_cuda_array_interface_and_dlpack():
    a = np.zeros((4, 6), np.float64)
    assert saxpy.signature(1.0, CudaArrayLike(a), CudaArrayLike(a, strides=False)) == \
        "f64,array<f64,2,C>,array<f64,2,C>"
    assert saxpy.signature(1.0, CudaArrayLike(a.T), CudaArrayLike(a[:, ::2])) == \
        "f64,array<f64,2,F>,array<f64,2,strided>"
    assert saxpy.signature(1.0, DLPackOnly(a), DLPackOnly(a.T)) == \
        "f64,array<f64,2,C>,array<f64,2,F>"
    assert saxpy.signature(1.0, DLPackOnly(np.zeros(5, np.int32)), DLPackOnly(a[::2, 1:])) == \
        "f64,array<i32,1,C>,array<f64,2,strided>"


def test_constexpr_values_are_part_of_the_signature():
    from gallery import block_sum
    x = np.zeros(100, np.float32)
    assert block_sum.signature(x, x, 128) == "array<f32,1,C>,array<f32,1,C>,i64=128"
    assert block_sum.signature(x, x, np.int32(64)) == "array<f32,1,C>,array<f32,1,C>,i32=64"
    assert block_sum.signature(x, x, 0.5).endswith("f64=0.5")
    assert block_sum.signature(x, x, False).endswith("bool=false")


def test_numba_style_signatures():
    assert parse_signature("f32, f32[:], float64[:, ::1], i64[::1, :], int=4") == \
        "f32,array<f32,1,strided>,array<f64,2,C>,array<i64,2,F>,i64=4"
    assert parse_signature("array<f32,1,C>, bool=true") == "array<f32,1,C>,bool=true"
    assert parse_signature("array< float32 , 2 , A , readonly >, uint8, b1") == \
        "array<f32,2,strided,readonly>,u8,bool"
    assert parse_signature("") == ""
    assert parse_signature("f32[:,:,:,::1]") == "array<f32,4,C>"
    # A namedtuple's field names stay; typing ignores them.
    assert parse_signature("(x: float32, y: (lo: i64, hi: f32[::1])), u64") == \
        "(x:f32,y:(lo:i64,hi:array<f32,1,C>)),u64"
    for bad in ("f8x", "f32[:,:,:,:,:,:,:,:,:]", "f32[::2]", "f32[::1, ::1]", "array<f32,9,C>",
                "array<f32,1,X>", "array<f80,1,C>", "f32[:", "array<f32,1>"):
        with pytest.raises(ValueError):
            parse_signature(bad)


# -- argument errors ---------------------------------------------------------------
def check_points_at(err, fn, needle, col=None):
    assert err.filename == __file__
    assert err.lineno == lineno_of(fn, needle)
    text = str(err)
    assert f"{__file__}:{err.lineno}" in text and needle in text and "^" in text
    if col is not None:
        assert err.col == col


def test_wrong_argument_count_is_a_type_error_at_the_def():
    x = np.zeros(4, np.float32)
    with pytest.raises(TypeError) as info:
        saxpy.inspect(1.0, x)
    assert "takes 3 argument(s) (a, x, y) but 2 were given" in str(info.value)
    check_points_at(info.value, saxpy, "def saxpy", col=1)
    with pytest.raises(cuft.KernelArgumentError):
        saxpy.inspect(1.0, x, x, x)
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        saxpy.inspect(1.0, x, z=x)


def test_unsupported_argument_types_point_at_the_parameter():
    x = np.zeros(4, np.float32)
    cases = [
        ((1.0, x, "text"), "argument 'y' of saxpy(): cannot pass a str", "y"),
        ((1.0, x, np.zeros(4, "M8[s]")), "dtype datetime64[s] is not supported", "y"),
        ((1.0, np.zeros(4, "m8[s]"), x), "dtype timedelta64[s] is not supported", "x"),
        ((1.0, np.zeros((1,) * 9, np.float32), x), "has 9 dimensions", "x"),
        ((2 ** 70, x, x), "fits neither int64 nor uint64", "a"),
        ((1.0, x, np.zeros(4, ">f4")), "native byte order", "y"),
    ]
    line = lineno_of(saxpy, "def saxpy")
    for args, message, param in cases:
        with pytest.raises(TypeError) as info:
            saxpy.inspect(*args)
        err = info.value
        assert message in str(err), str(err)
        assert (err.lineno, err.col) == (line, 11 + 3 * "axy".index(param))


def test_keyword_arguments_bind_by_name():
    x = np.zeros(4, np.float32)
    assert saxpy.signature(1.0, y=x, x=x[::2]) == saxpy.signature(1.0, x[::2], x)


# -- compile errors --------------------------------------------------------------------
@cuft.func
def first(v):
    return v[0]


@cuft.kernel
def calls_bad_func(a, out):
    out[0] = first(a)


@cuft.kernel
def uses_undefined(out):
    out[0] = not_defined_anywhere  # noqa: F821


@cuft.kernel
def bad_syntax(out):
    with open("x"):
        out[0] = 1


@cuft.kernel
def bad_shared_shape(out, n: cuft.constexpr):
    s = cuft.shared.array(n, cuft.float32)
    out[0] = s[0]


def test_type_error_from_cpp_points_at_the_device_function_and_the_call():
    with pytest.raises(cuft.CompileError) as info:
        calls_bad_func.inspect(1.5, np.zeros(1))
    err = info.value
    check_points_at(err, first, "return v[0]", col=12)
    assert "cannot index a value of type 'f64'" in err.message
    assert err.notes and err.notes[0][1] == lineno_of(calls_bad_func, "first(a)")
    assert "note: in the call of 'first' from here" in str(err)


def test_frontend_errors_are_compile_errors_with_caret():
    with pytest.raises(cuft.CompileError) as info:
        uses_undefined.inspect(np.zeros(1))
    check_points_at(info.value, uses_undefined, "not_defined_anywhere", col=14)
    assert "name 'not_defined_anywhere' is not defined" in str(info.value)
    with pytest.raises(cuft.CompileError) as info:
        bad_syntax.inspect(np.zeros(1))
    check_points_at(info.value, bad_syntax, 'with open("x")', col=5)
    assert "'with' is not supported" in str(info.value)


def test_constexpr_type_error_and_retry_with_a_good_value():
    out = np.zeros(1, np.float32)
    with pytest.raises(cuft.CompileError) as info:
        bad_shared_shape.inspect(out, 2.5)
    check_points_at(info.value, bad_shared_shape, "cuft.shared.array(n", col=9)
    assert "array shapes must be integers" in str(info.value)
    assert ".entry bad_shared_shape(" in bad_shared_shape.inspect(out, 4)


def test_calling_kernels_and_device_functions_from_python_is_refused():
    with pytest.raises(TypeError, match=r"saxpy\[grid, block\]"):
        saxpy(1.0, np.zeros(1), np.zeros(1))
    with pytest.raises(TypeError, match="can only be called from a @cuft.kernel"):
        first(np.zeros(1))


# -- options ----------------------------------------------------------------------
def test_kernel_options():
    @cuft.kernel(fastmath=True)
    def fast(x):
        x[0] = math.sin(x[0]) / x[1]

    @cuft.kernel
    def precise(x):
        x[0] = math.sin(x[0]) / x[1]

    x = np.zeros(2, np.float32)
    fast_ptx, precise_ptx = fast.inspect(x), precise.inspect(x)
    assert "sin.approx" in fast_ptx and "div.approx" in fast_ptx
    assert "sin.approx" not in precise_ptx and "div.rn.f32" in precise_ptx
    assert fast.options == {"fastmath": True, "opt_level": 3, "boundscheck": None, "debug": None,
                            "max_registers": None, "launch_bounds": None, "fma": True, "lineinfo": False,
                            "cache": None, "link": ()}
    with pytest.raises(TypeError, match="unknown option 'fast_math'"):
        cuft.kernel(fast_math=True)(precise.py_func)
    with pytest.raises(TypeError, match="bad value 7 for option 'opt_level'"):
        cuft.kernel(opt_level=7)(precise.py_func)
    with pytest.raises(TypeError, match="unknown option"):
        cuft.func(fastmath=True)(precise.py_func)


def test_launch_configuration_is_checked(on_host):
    x = np.zeros(4, np.float32)
    for config, error in [((1,), TypeError), ((0, 32), ValueError), (((1, 2, 3, 4), 1), TypeError),
                          ((1, 1.5), TypeError), ((1, 1, None, -1), ValueError)]:
        with pytest.raises(error):
            saxpy[config]
    launch = saxpy[(2, 3), (32, 4, 1), None, 256]
    assert (launch.grid, launch.block, launch.shared_bytes) == ((2, 3, 1), (32, 4, 1), 256)
    with pytest.raises(TypeError, match="takes 3 argument"):  # arguments checked first
        launch(1.0, x)
    with pytest.raises(ValueError, match="CUDA allows 1024 at most"):
        saxpy[1, (64, 32)](1.0, x, x)
    previous = cuft.set_target("cuda")
    try:
        # Without a driver, CudaError says so; with one, numpy arrays are refused.
        if cuft.cuda_status()["available"]:
            expected, match = cuft.KernelArgumentError, "cuft.to_device"
        else:
            expected, match = cuft.CudaError, "cannot launch 'saxpy' on the cuda target: "
        with pytest.raises(expected, match=match):
            launch(1.0, x, x)
    finally:
        cuft.set_target(previous)


def test_stream_and_shared_bytes_are_launch_keywords_unless_the_kernel_has_such_a_parameter(on_host):
    x, y = np.ones(4, np.float32), np.zeros(4, np.float32)
    saxpy[1, 4](np.float32(2), x, y, stream=None, shared_bytes=128)  # the launch's
    assert list(y) == [2, 2, 2, 2]
    saxpy.configure(1, 4, stream=None, shared_bytes=64)(np.float32(1), x, y)
    assert list(y) == [3, 3, 3, 3]
    launch = saxpy.configure((2, 3), 32, shared_bytes=256)
    assert (launch.grid, launch.block, launch.stream, launch.shared_bytes) == \
        ((2, 3, 1), (32, 1, 1), None, 256)
    with pytest.raises(ValueError, match="shared_bytes must be a non-negative int"):
        saxpy[1, 4](np.float32(1), x, y, shared_bytes=-1)
    with pytest.raises(TypeError, match="got shared_bytes twice"):
        saxpy[1, 4, None, 16](np.float32(1), x, y, shared_bytes=32)
    with pytest.raises(TypeError, match="got two streams"):
        saxpy[1, 4, 0](np.float32(1), x, y, stream=0)

    @cuft.kernel
    def scaled(x, stream, shared_bytes):  # parameters take their own names
        i = cuft.grid(1)
        if i < x.shape[0]:
            x[i] = stream * x[i] + shared_bytes
    z = np.ones(4, np.float32)
    scaled[1, 4](z, shared_bytes=np.float32(1), stream=np.float32(3))
    assert list(z) == [4, 4, 4, 4]
    with pytest.raises(cuft.KernelArgumentError, match="unexpected keyword argument 'strem'"):
        scaled[1, 4](z, np.float32(1), np.float32(1), strem=None)


CHECKED = 3


def test_identity_checks_are_read_before_they_are_compared_with_the_values_compiled_in():
    global CHECKED

    @cuft.kernel
    def scaled(x):
        x[0] = CHECKED
    fe = scaled.frontend
    try:
        checks = fe.matching_identity_checks(scaled.py_func)
        assert checks is not None and any(c[3] is CHECKED for c in checks)
        CHECKED = 4  # rebound to another value: this IR's checks must not follow it
        assert fe.matching_identity_checks(scaled.py_func) is None
        CHECKED = int("3")  # an equal value: the checks follow the new object
        checks = fe.matching_identity_checks(scaled.py_func)
        assert checks is not None and any(c[3] is CHECKED for c in checks)
    finally:
        CHECKED = 3


# -- inspect and the cache ----------------------------------------------------------
def test_inspect_stages():
    k = new_saxpy()
    x = np.zeros(8, np.float32)
    generic = k.inspect(np.float32(2), x, x, stage="generic")
    assert "!cuft.unknown" in generic and f'loc("{__file__}"' in generic
    typed = k.inspect(np.float32(2), x, x, stage="typed")
    assert "(f32, f32) -> f32" in typed and "!cuft.unknown" not in typed
    llvm = k.inspect(np.float32(2), x, x, stage="llvm")
    assert "define ptx_kernel void @saxpy_copy(" in llvm
    ptx = k.inspect(np.float32(2), x, x, stage="ptx")
    assert ".visible .entry saxpy_copy(" in ptx and "fma.rn.f32" in ptx  # contracted, as nvcc does
    assert k.inspect(signature="f32, f32[::1], f32[::1]") == ptx
    with pytest.raises(ValueError, match="unknown stage"):
        k.inspect(np.float32(2), x, x, stage="sasm")


def test_one_compile_per_signature_then_hits():
    k = new_saxpy()
    x32, x64 = np.zeros(8, np.float32), np.zeros(8)
    for _ in range(3):
        k.inspect(np.float32(2), x32, x32)
    k.inspect(2.0, x64, x64)
    k.inspect(2.0, x64, x64[::2])
    assert k.stats() == {"compiles": 3, "hits": 2, "waits": 0, "loads": 0}


def test_32_threads_racing_a_new_kernel_compile_it_once():
    k = new_saxpy()
    x = np.zeros(8, np.float32)
    results = run_concurrently(32, lambda: k.inspect(np.float32(2), x, x))
    assert len(set(results)) == 1 and ".entry saxpy_copy(" in results[0]
    s = k.stats()
    assert s["compiles"] == 1 and s["hits"] + s["waits"] == 31
    if FREE_THREADED:
        assert not sys._is_gil_enabled()


def test_8_signatures_raced_by_32_threads_compile_8_times():
    k = new_saxpy()
    dtypes = [np.float32, np.float64, np.int32, np.int64, np.uint8, np.int16, np.uint32, np.int8]
    arrays = [np.zeros(4, d) for d in dtypes]
    results = run_concurrently(32, lambda: [k.inspect(1, a, a) for a in arrays])
    assert all(r == results[0] for r in results)
    assert k.stats()["compiles"] == 8


def test_a_failing_compile_raced_by_16_threads_fails_for_all_then_retries():
    @cuft.kernel
    def index_scalar(a, out):
        out[0] = a[0]

    out = np.zeros(1)

    def attempt():
        try:
            index_scalar.inspect(1.0, out)
        except cuft.CompileError as e:
            return e
        return None

    errors = run_concurrently(16, attempt)
    assert all(isinstance(e, cuft.CompileError) for e in errors)
    assert len({id(e) for e in errors}) == 16  # each thread raised its own object
    assert {(e.lineno, e.message) for e in errors} == \
        {(lineno_of(index_scalar, "out[0] = a[0]"), "cannot index a value of type 'f64'")}
    compiles = index_scalar.stats()["compiles"]
    assert 1 <= compiles <= 16
    # The failure was not cached: a good signature works, and the bad one compiles again.
    assert ".entry index_scalar(" in index_scalar.inspect(out, out)
    assert attempt() is not None
    assert index_scalar.stats()["compiles"] == compiles + 2


# -- frontend identity ------------------------------------------------------------
SCALE = 2.0


@cuft.kernel
def scaled(out):
    out[0] = SCALE


def test_a_rebound_global_is_compiled_in_anew():
    global SCALE
    out = np.zeros(1)
    assert "cuft.constant 2.0" in scaled.inspect(out, stage="generic")
    fe = scaled.frontend
    try:
        SCALE = 3.0
        assert "cuft.constant 3.0" in scaled.inspect(out, stage="generic")
        assert "3.000000e+00" in scaled.inspect(out, stage="typed")
        assert scaled.frontend is not fe
    finally:
        SCALE = 2.0
    assert "cuft.constant 2.0" in scaled.inspect(out, stage="generic")


def make_scaler(factor):
    @cuft.kernel
    def scale(x):
        x[0] *= factor
    return scale


def test_kernels_from_one_factory_share_generic_ir_per_captured_value():
    a, b, c = make_scaler(2.0), make_scaler(2.0), make_scaler(5.0)
    assert a is not b and a.frontend is b.frontend
    assert c.frontend is not a.frontend
    x = np.zeros(1)
    assert a.inspect(x) == b.inspect(x) != c.inspect(x)
    # Same generic IR and signature: b reuses a's specialization.
    assert b.stats()["compiles"] == 0 and b.stats()["hits"] == 1


# -- the command line and the GIL --------------------------------------------------
def run_cli(*args):
    env = dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(os.path.dirname(HERE)), "python"))
    return subprocess.run([sys.executable, "-m", "cuft", *args], capture_output=True, text=True,
                          env=env)


def test_cli_inspect_prints_ptx_and_typed_ir():
    gallery = os.path.join(HERE, "gallery.py")
    run = run_cli("inspect", f"{gallery}:saxpy", "--sig", "f32, f32[::1], f32[::1]")
    assert run.returncode == 0, run.stderr
    assert ".visible .entry saxpy(" in run.stdout
    run = run_cli("inspect", f"{gallery}:block_sum", "--sig", "f32[::1], f32[::1], i64=64",
                  "--stage", "typed")
    assert run.returncode == 0, run.stderr
    assert "shape [64]" in run.stdout


def test_cli_reports_errors(tmp_path):
    src = tmp_path / "broken.py"
    src.write_text("import cuft\n\n@cuft.kernel\ndef k(x):\n    x[0] = x[0][1]\n")
    run = run_cli("inspect", f"{src}:k", "--sig", "f32[:]")
    assert run.returncode == 1
    assert f"{src}:5:12: error: cannot index a value of type 'f32'" in run.stderr
    assert "    x[0] = x[0][1]\n           ^" in run.stderr
    assert "Traceback" not in run.stderr
    run = run_cli("inspect", f"{src}:nope", "--sig", "f32[:]")
    assert run.returncode != 0 and "no @cuft.kernel named 'nope'" in run.stderr
    run = run_cli("inspect", f"{src}:k", "--sig", "f80[:]")
    assert run.returncode == 2 and "unknown element type 'f80'" in run.stderr


@pytest.mark.skipif(not FREE_THREADED, reason="needs a free-threaded interpreter")
def test_import_cuft_keeps_the_gil_disabled_without_pythongil():
    # No PYTHON_GIL in the environment: CPython would re-enable the GIL (with a
    # warning) if cuft or anything it imports were not declared free-threading safe.
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_GIL"}
    env["PYTHONPATH"] = os.path.join(os.path.dirname(os.path.dirname(HERE)), "python")
    code = "import sys, cuft, numpy\nprint(sys._is_gil_enabled())"
    run = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True,
                         text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"


def test_import_cuft_leaves_what_only_some_calls_need_unimported():
    # `import cuft` beyond numpy's own was ~50 ms, of which subprocess,
    # tempfile-backed helpers and hashlib (for "sass" and unpickled links)
    # were 5 ms: they are imported where used. Skipped where numpy itself
    # imports them.
    env = dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(os.path.dirname(HERE)),
                                                   "python"))
    code = ("import sys, numpy\nlazy = {'subprocess', 'hashlib'}\nbefore = lazy & set(sys.modules)"
            "\nimport cuft\nprint(sorted((lazy - before) & set(sys.modules)), '|', sorted(before))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    imported, already = (part.strip() for part in run.stdout.split("|"))
    if already != "[]":
        pytest.skip(f"numpy imports {already}")
    assert imported == "[]"


def test_cuft_random_and_libdevice_are_attributes_imported_at_first_use():
    # numba-cuda's programs write cuda.random.create_xoroshiro128p_states(...)
    # and cuda.libdevice.sinf without importing the submodules themselves
    env = dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(os.path.dirname(HERE)),
                                                   "python"))
    code = ("import sys, cuft\nbefore = [m for m in ('cuft.random', 'cuft.libdevice') "
            "if m in sys.modules]\nprint(before, cuft.random.create_xoroshiro128p_states.__name__,"
            " cuft.libdevice.sinf.__name__)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["[]", "create_xoroshiro128p_states", "sinf"]
