"""The one argument reader (_cuft.read_arguments, python/src/arguments.cpp),
which every launch (_cuft.launch, and the C call of kernel[grid, block]) uses: every
argument's signature entry, written out here independently, its problems,
and the warm path's packing of scalars and arrays of every type."""
import numpy as np
import pytest

import cuft
from cuft import _cuft
from cuft.signature import ArgumentError, parse_signature


pytestmark = pytest.mark.usefixtures("on_host")


def read(*args, constexprs=()):
    """The signature text of ``args`` as every launch reads it."""
    return _cuft.read_arguments(args, [i in constexprs for i in range(len(args))])[0]


BASE = np.zeros((4, 6, 8), np.float32)
ARRAYS = [
    (np.zeros(6, np.bool_), "array<bool,1,C>"), (np.zeros(6, np.int8), "array<i8,1,C>"),
    (np.zeros(6, np.int16), "array<i16,1,C>"), (np.zeros(6, np.int32), "array<i32,1,C>"),
    (np.zeros(6, np.int64), "array<i64,1,C>"), (np.zeros(6, np.uint8), "array<u8,1,C>"),
    (np.zeros(6, np.uint16), "array<u16,1,C>"), (np.zeros(6, np.uint32), "array<u32,1,C>"),
    (np.zeros(6, np.uint64), "array<u64,1,C>"), (np.zeros(6, np.float32), "array<f32,1,C>"),
    (np.zeros(6, np.float64), "array<f64,1,C>"), (np.zeros(6, np.intc), "array<i32,1,C>"),
    (np.zeros(6, np.longlong), "array<i64,1,C>"), (np.zeros(6, np.ulonglong), "array<u64,1,C>"),
    (BASE, "array<f32,3,C>"), (BASE[:, 0, :], "array<f32,2,strided>"),
    (np.zeros((2,) * 8), "array<f64,8,C>"), (np.zeros((2, 3, 4, 5)).T, "array<f64,4,F>"),
    (np.asfortranarray(BASE), "array<f32,3,F>"), (BASE[:, :, ::2], "array<f32,3,strided>"),
    (BASE[:1, :1, :], "array<f32,3,C>"),  # extent-1 axes do not matter
    (np.zeros((3, 0), np.float64), "array<f64,2,C>"),  # empty
    (np.zeros((5, 1), np.float64)[:, 0], "array<f64,1,C>"),
    (np.zeros((5, 2), np.float64)[:, 0], "array<f64,1,strided>"),
    (np.asfortranarray(np.zeros((3, 4)))[:, 1:3], "array<f64,2,F>"),
    (np.zeros(3).view(type("Sub", (np.ndarray,), {})), "array<f64,1,C>"),  # a subclass
    (np.frombuffer(b"\0" * 8, np.int32), "array<i32,1,C,readonly>"),
]
SCALARS = [
    (True, "bool"), (False, "bool"), (0, "i64"), (-1, "i64"), (2**63 - 1, "i64"), (-2**63, "i64"),
    (2**63, "u64"), (2**64 - 1, "u64"),
    (1.5, "f64"), (float("nan"), "f64"), (np.bool_(True), "bool"), (np.int8(3), "i8"),
    (np.int16(3), "i16"), (np.int32(3), "i32"), (np.int64(3), "i64"), (np.uint8(3), "u8"),
    (np.uint16(3), "u16"), (np.uint32(3), "u32"), (np.uint64(3), "u64"),
    (np.float32(3), "f32"), (np.float64(3), "f64"), (np.intc(3), "i32"),
]


@pytest.mark.parametrize("value, entry", ARRAYS + SCALARS, ids=repr)
def test_the_reader_gives_each_argument_its_entry(value, entry):
    assert read(value) == entry
    assert read(value, value) == f"{entry},{entry}"
    # What the reader writes, the grammar (SignatureText.h) reads back unchanged.
    assert parse_signature(read(value, value)) == f"{entry},{entry}"


def test_tuples_are_read_element_by_element():
    a = np.zeros(3, np.float32)
    value = (1, (a, np.int8(2)), (), (True,))
    entry = "(i64,(array<f32,1,C>,i8),(),(bool))"
    assert read(value) == entry
    assert parse_signature(read(value, value)) == f"{entry},{entry}"
    assert _cuft.tuple_shapes(entry) == ("(.,(.,.),(),(.))", ((None, (None, None), (), (None,)),))
    # A cell per element, as if passed one by one (the driver double's gallery
    # test compares the cells themselves with the cubin's parameters).
    assert len(_cuft.read_arguments(((1, (a, 2.5)), True), [False, False], "host")[1]) == \
        len(_cuft.read_arguments((1, a, 2.5, True), [False] * 4, "host")[1])


@pytest.mark.parametrize("value, entry", [
    (True, "bool=true"), (7, "i64=7"), (-2**63, "i64=-9223372036854775808"), (0.1, "f64=0.1"),
    (2**64 - 1, "u64=18446744073709551615"),
    (1e300, "f64=1e+300"), (2.0, "f64=2.0"), (float("inf"), "f64=inf"),
    (np.float32(0.1), "f32=0.10000000149011612"), (np.int16(-5), "i16=-5"),
    (np.uint64(2**64 - 1), "u64=18446744073709551615"), (np.bool_(True), "bool=true"),
], ids=repr)
def test_constexpr_entries_carry_their_value(value, entry):
    assert read(value, constexprs=(0,)) == entry
    assert parse_signature(entry) == entry


class DLPackOnly:
    def __init__(self, a):
        self.a = a

    def __dlpack__(self, **kw):
        return self.a.__dlpack__(**kw)

    def __dlpack_device__(self):
        return self.a.__dlpack_device__()


@pytest.mark.parametrize("value, message", [
    (np.zeros(3, ">f8"), "numpy array of dtype >f8 is not supported"),
    (np.zeros((1,) * 9), "numpy array has 9 dimensions; cuft kernels take arrays of 0 to 8"),
    (2**64, "integer 18446744073709551616 fits neither int64 nor uint64"),
    (-2**63 - 1, "integer -9223372036854775809 fits neither int64 nor uint64"),
    ("text", "cannot pass a str to a kernel"), (None, "cannot pass a NoneType to a kernel"),
    (np.zeros(3, "M8[s]"), "numpy array of dtype datetime64\\[s\\] is not supported"),
    (np.datetime64(1, "s"), "numpy scalar of dtype datetime64\\[s\\] is not supported"),
    (np.zeros(3, ">c8"), "numpy array of dtype >c8 is not supported"),
], ids=lambda v: type(v).__name__)
def test_the_reader_names_what_it_refuses(value, message):
    with pytest.raises(ArgumentError, match=message) as info:
        read(1.0, value)
    assert info.value.index == 1


def test_dlpack_arguments_are_read_on_the_host():
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    assert read(DLPackOnly(a), DLPackOnly(a.T)) == "array<f64,2,C>,array<f64,2,F>"
    sig, packed = _cuft.read_arguments((DLPackOnly(a),), [False], "host")
    assert sig == "array<f64,2,C>" and len(packed) == 3 + 2 * 2


@cuft.kernel
def add_scalar(x, out, s):
    i = cuft.grid(1)
    if i < x.shape[0]:
        out[i] = x[i] + s


@pytest.mark.parametrize("dt", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16,
                                np.uint32, np.uint64, np.float32, np.float64])
def test_warm_launches_pack_every_scalar_type(dt):
    x = np.arange(10).astype(dt)
    s = dt(np.iinfo(dt).max - 20) if np.issubdtype(dt, np.integer) else dt(0.25)
    for _ in range(3):  # the first launch is the slow path, the others the C++ one
        out = np.zeros(10, dt)
        add_scalar[1, 16](x, out, s)
        np.testing.assert_array_equal(out, x + s)
    d = add_scalar._launcher(add_scalar.frontend)
    assert len(d) >= 1


def test_the_warm_path_counts_hits_and_survives_unloads():
    @cuft.kernel
    def fill(out, v: cuft.constexpr):
        out[cuft.grid(1)] = v

    out = np.zeros(32, np.int64)
    fill[1, 32](out, 4)
    s0 = fill.stats()
    for _ in range(5):
        fill[1, 32](out, 4)
    s1 = fill.stats()
    assert s1["hits"] - s0["hits"] == 5 and s1["compiles"] == 1 and s1["loads"] == 1
    assert len(fill._launcher(fill.frontend)) == 1
    cuft.unload_modules()
    out[:] = 0
    fill[1, 32](out, 4)  # the warm path misses (unloaded), the slow path loads again
    assert (out == 4).all() and fill.stats()["loads"] == 2
    fill[1, 32](out, 4)
    assert fill.stats()["loads"] == 2


def test_errors_from_the_warm_path():
    @cuft.kernel(boundscheck=True)
    def overrun(x):
        x[cuft.grid(1)] = 1

    x = np.zeros(8)
    overrun[1, 8](x)
    with pytest.raises(cuft.KernelIndexError, match="index 8 is out of bounds"):
        overrun[1, 9](x)  # same signature: the C++ path, which raises like the slow one
    with pytest.raises(ValueError, match=r"block \(2048, 1, 1\) is out of range"):
        overrun[1, 2048](x)


def test_keyword_arguments_take_the_slow_path():
    x = np.arange(4.0)
    out = np.zeros(4)
    add_scalar[1, 4](x, out=out, s=1.0)
    np.testing.assert_array_equal(out, x + 1)


class CudaLike:
    """An object with __cuda_array_interface__ (as CuPy and PyTorch have): the
    signature is read from it; nothing here dereferences the pointer."""

    def __init__(self, shape, typestr, strides=None):
        self.__cuda_array_interface__ = {"shape": shape, "typestr": typestr, "strides": strides,
                                         "data": (0x1000, False), "version": 3}

    def __repr__(self):
        # Test ids name it by its interface, the same in every process (pytest-xdist
        # requires each worker to collect the same ids; an address differs).
        i = self.__cuda_array_interface__
        return f"CudaLike({i['shape']}, {i['typestr']!r}, {i['strides']})"


@pytest.mark.parametrize("value, entry", [
    (CudaLike((8,), "<f4"), "array<f32,1,C>"), (CudaLike((4, 6), "<f8"), "array<f64,2,C>"),
    (CudaLike((4, 6), "|u1", (6, 1)), "array<u8,2,C>"),
    (CudaLike((4, 6), "<i4", (4, 16)), "array<i32,2,F>"),
    (CudaLike((4, 6), "<i4", (48, 4)), "array<i32,2,strided>"),
    (CudaLike((4, 6), "<i2", (24, 4)), "array<i16,2,strided>"),
    (CudaLike((3, 0), "<f4", (0, 4)), "array<f32,2,C>"),
    (CudaLike((2, 3, 4), "<f8", (8, 16, 48)), "array<f64,3,F>"),
    (CudaLike((5, 1), "<i8", (8, 8)), "array<i64,2,C>"), (CudaLike((2,) * 5, "<f4"),
                                                          "array<f32,5,C>"), (CudaLike((2,), "|b1"), "array<bool,1,C>"),
], ids=lambda v: repr(v.__cuda_array_interface__["shape"]) + v.__cuda_array_interface__["typestr"]
    if isinstance(v, CudaLike) else v)
def test_the_reader_reads_cuda_array_interfaces(value, entry):
    assert read(value) == entry


@pytest.mark.parametrize("value, message", [
    (CudaLike((8,), ">f4"), "typestr '>f4'"), (CudaLike((8,), "<f3"), "typestr '<f3'"),
    (CudaLike((8,), "<c32"), "typestr '<c32'"), (CudaLike((8,), "<c1x"), "typestr '<c1x'"),
    (CudaLike((1,) * 9, "<f4"), "has 9 dimensions")], ids=repr)
def test_the_reader_refuses_cuda_arrays_kernels_cannot_take(value, message):
    with pytest.raises(ArgumentError, match=message):
        read(value)


class Buffer:
    """Stands in for the device allocation under a DeviceArray: nothing here
    dereferences the pointer, and no driver is needed to read signatures."""
    ptr, context = 0x10000, 0


def device_array(shape, dtype, strides=None):
    return cuft.DeviceArray(shape, dtype, strides=strides, buffer=Buffer())


@pytest.mark.parametrize("args", [
    ("<f4", (8,), None), ("<f8", (4, 6), None), ("|u1", (4, 6), (6, 1)), ("<i4", (4, 6), (4, 16)),
    ("<i2", (4, 6), (24, 4)), ("<f4", (3, 0), None), ("<f8", (2, 3, 4), (8, 16, 48)),
    ("|b1", (2,), None), ("<i8", (5, 1), (8, 8)),
], ids=repr)
def test_device_arrays_read_like_their_interface(args):
    # DeviceArrays are read from their `_launch` tuple, not the interface
    # dict: it must give the same signature.
    typestr, shape, strides = args
    a = device_array(shape, typestr, strides)
    assert read(a) == read(CudaLike(shape, typestr, strides if strides else None))


def test_device_arrays_kernels_cannot_take_are_refused():
    with pytest.raises(ArgumentError, match="typestr '<M8\\[s\\]'"):
        read(device_array((8,), "M8[s]"))


def test_float16_is_read_from_every_producer():
    a = np.zeros(4, np.float16)
    assert read(np.float16(1), a, CudaLike((8,), "<f2")) == "f16,array<f16,1,C>,array<f16,1,C>"
    assert read(device_array((8,), np.float16), DLPackOnly(a)) == \
        "array<f16,1,C>,array<f16,1,C>"


def test_bfloat16_is_read_from_ml_dtypes_arrays_and_scalars():
    # numpy registers ml_dtypes' bfloat16 at run time (a user dtype number,
    # typestr '<V2'): the reader matches it by name, then by its number.
    ml_dtypes = pytest.importorskip("ml_dtypes")
    a = np.zeros((2, 3), ml_dtypes.bfloat16)
    for _ in range(2):  # the second read finds the remembered number
        assert read(ml_dtypes.bfloat16(1), a, a.T) == "bf16,array<bf16,2,C>,array<bf16,2,F>"
    assert read(device_array((8,), ml_dtypes.bfloat16)) == "array<bf16,1,C>"
    with pytest.raises(ArgumentError, match="typestr '<V2'"):  # a V2 says nothing
        read(CudaLike((8,), "<V2"))


def test_0d_arrays_are_read_from_every_producer():
    a = np.zeros((), np.float32)
    assert read(a, CudaLike((), "<f8"), DLPackOnly(a)) == \
        "array<f32,0,C>,array<f64,0,C>,array<f32,0,C>"
    assert read(device_array((), np.int32)) == "array<i32,0,C>"


def test_arrays_of_records_are_read_with_their_fields_offsets_and_size():
    aligned = np.dtype([("x", np.float32), ("v", np.int16, (2, 3)), ("w", np.float64)], align=True)
    packed = np.dtype([("a", np.int8), ("b", np.float64)])
    assert read(np.zeros(4, aligned), np.zeros((2, 2), packed)) == (
        "array<rec<24;x=f32@0;v=i16[2x3]@4;w=f64@16>,1,C>,array<rec<9;a=i8@0;b=f64@1>,2,C>")
    assert read(device_array((4,), aligned)) == "array<rec<24;x=f32@0;v=i16[2x3]@4;w=f64@16>,1,C>"
    nested = np.dtype([("inner", aligned), ("t", np.int8)], align=True)
    assert read(np.zeros(2, nested)) == (
        "array<rec<32;inner=rec<24;x=f32@0;v=i16[2x3]@4;w=f64@16>@0;t=i8@24>,1,C>")
    assert read(np.zeros(2, nested)[1]) == (  # a record of an array: by reference
        "array<rec<32;inner=rec<24;x=f32@0;v=i16[2x3]@4;w=f64@16>@0;t=i8@24>,0,C>")
    with pytest.raises(ArgumentError, match="record field 'inner' is an array of records"):
        read(np.zeros(2, np.dtype([("inner", aligned, (2,))])))
    with pytest.raises(ArgumentError, match="record field name 'a b' is not an identifier"):
        read(np.zeros(2, np.dtype([("a b", np.int32)])))
    with pytest.raises(ArgumentError, match="record field 'x' has dtype >f4"):
        read(np.zeros(2, np.dtype([("x", ">f4")])))


def test_complex_numbers_are_read_as_c64_and_c128():
    # Python complex as numba: complex128; numpy's scalars and arrays by dtype,
    # from every producer (numpy, __cuda_array_interface__ typestr '<c8'/'<c16',
    # DLPack's complex code).
    assert read(1j, np.complex64(1), np.complex128(2)) == "c128,c64,c128"
    a = np.zeros((3, 4), np.complex64)
    assert read(a, a.astype(np.complex128).T) == "array<c64,2,C>,array<c128,2,F>"
    assert read(CudaLike((8,), "<c8"), CudaLike((8,), "<c16")) == \
        "array<c64,1,C>,array<c128,1,C>"
    assert read(device_array((8,), np.complex128)) == "array<c128,1,C>"
    if hasattr(np, "from_dlpack"):
        assert read(DLPackOnly(a)) == "array<c64,2,C>"
    with pytest.raises(ArgumentError, match="constexpr argument must be a bool, int or float"):
        read(1j, constexprs=(0,))


def test_gpu_memory_on_the_host_target_takes_the_slow_path_and_its_error():
    with pytest.raises(cuft.KernelArgumentError, match="GPU memory"):
        add_scalar[1, 8](CudaLike((8,), "<f8"), CudaLike((8,), "<f8"), 1.0)


def test_the_raw_launch_call_checks_its_arguments():
    x = np.zeros(8)
    add_scalar[1, 8](x, x, 1.0)
    launcher = add_scalar._launcher(add_scalar.frontend)
    ok = (add_scalar, "host", 0, 0, 0, (1, 1, 1), (8, 1, 1), 0, (x, x, 2.0))
    _cuft.launch(launcher, *ok)
    assert (x == 3).all()  # x[i] + 2 into x, after x[i] + 1 into x
    for bad in [ok[:-1], ok[:5] + ((1, 1),) + ok[6:], ok[:6] + ([8, 1, 1],) + ok[7:],
                ok[:8] + ([x, x, 1.0],)]:
        with pytest.raises(TypeError, match="launch"):
            _cuft.launch(launcher, *bad)
    with pytest.raises(ValueError, match="shared_bytes"):
        _cuft.launch(launcher, *ok[:7], -1, ok[8])
    with pytest.raises(TypeError):
        _cuft.launch("not a launcher", *ok)
    with pytest.raises(ArgumentError, match="cannot pass a str"):
        _cuft.launch(launcher, *ok[:8], (x, x, "two"))


def test_launches_with_more_parameters_than_the_inline_buffer(tmp_path):
    # 90 scalars and two rank-3 arrays: 108 cells, past the 72 a launch packs
    # without allocating. Every value is distinct and weighted by position,
    # so a cell out of place changes the result.
    n = 90
    names = ", ".join(f"s{i}" for i in range(n))
    body = " + ".join(f"s{i} * {i + 1}" for i in range(n))
    path = tmp_path / "many_params.py"
    path.write_text(f"import cuft\n\ndef many(out, {names}, cube):\n"
                    f"    out[0, 0, 0] = {body} + cube[1, 2, 3]\n")
    import importlib.util
    spec = importlib.util.spec_from_file_location("many_params", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    many = cuft.kernel(mod.many)
    values = [np.int64(1000 + 7 * i) for i in range(n)]
    cube = np.zeros((2, 3, 4), np.int64)
    cube[1, 2, 3] = 5
    want = sum((1000 + 7 * i) * (i + 1) for i in range(n)) + 5
    for _ in range(3):  # the slow path, then the warm one
        out = np.zeros((1, 1, 1), np.int64)
        many[1, 1](out, *values, cube)
        assert out[0, 0, 0] == want
    assert many.stats()["hits"] >= 1


def test_the_c_host_path_follows_boundscheck_rebinding_and_raises_kernel_errors(monkeypatch):
    monkeypatch.delenv("CUFT_BOUNDSCHECK", raising=False)
    limit = 4

    @cuft.kernel
    def fill(x, n):
        i = cuft.grid(1)
        if i < n:
            x[i] = limit

    x = np.zeros(4, np.float32)
    fill[1, 8](x, 4)
    fill[1, 8](x, 4)
    assert fill._warm is not None and list(x) == [4] * 4
    hits, compiles = fill.stats()["hits"], fill.stats()["compiles"]
    for _ in range(3):
        fill[1, 8](x, 4)
    assert fill.stats()["hits"] == hits + 3 and fill.stats()["compiles"] == compiles

    # CUFT_BOUNDSCHECK is read per launch: the warm state of the kernel without
    # checks must not serve an out-of-range launch once it is set.
    monkeypatch.setenv("CUFT_BOUNDSCHECK", "1")
    for _ in range(2):  # cold, then warm
        with pytest.raises(cuft.KernelIndexError):
            fill[1, 8](x, 8)
    monkeypatch.setenv("CUFT_BOUNDSCHECK", "0")
    fill[1, 8](x, 4)

    # A trap raised from the C path is the slow path's KernelError.
    @cuft.kernel
    def divide(x, d):
        i = cuft.grid(1)
        if i < x.shape[0]:
            x[i * d] = 7
    y = np.zeros(2, np.int64)
    divide[1, 2](y, 1)
    divide[1, 2](y, 1)
    assert divide._warm is not None
    for _ in range(2):
        with pytest.raises(cuft.KernelError, match="divide"):
            divide[1, 2](y, 1 << 40)
    divide[1, 2](y, 1)
    assert list(y) == [7, 7]

    # A rebound global is compiled in at the next launch, warm or not.
    limit = 9  # noqa: F841  (a closure cell the kernel reads)
    fill[1, 8](x, 4)
    assert list(x) == [9] * 4
