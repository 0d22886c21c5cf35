"""How to run each kernel of gallery.py, and what it must produce.

``RUNS[name]`` belongs to ``GALLERY[name]``: a launch configuration, a factory of
fresh launch arguments (seeded random data, several blocks wherever the kernel
allows) and a numpy reference. The references follow the kernels' typed
semantics (docs/TypeSystem.md): float32 stays float32 where the kernel computes
in float32, sums are added in the kernel's order wherever that order is fixed,
and ``//``/``%`` round like Python. Used by test_host_gallery.py.
"""

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

try:  # bfloat16 arrays (gallery.py's brain_float runs where ml_dtypes is installed)
    import ml_dtypes
except ImportError:
    ml_dtypes = None

f32, f64 = np.float32, np.float64

# The references repeat the kernels' float operations in their order, so most
# results are bit-exact on the host; the tolerances leave room for other libm
# implementations (exp, log, erf) and, in dot_product, for the order of atomics.
F32 = {"rtol": 1e-5, "atol": 1e-6}
F64 = {"rtol": 1e-12, "atol": 1e-12}


@dataclass(frozen=True)
class Run:
    """One launch of a gallery kernel and its expected outcome.

    ``make()`` returns fresh launch arguments. ``expected(*inputs)`` gets copies
    of them taken before the launch and returns ``{argument index: expected
    array}`` for the arrays the kernel writes; every other array argument must
    come back unchanged. Integer and bool arrays compare exactly, float arrays
    with ``rtol``/``atol`` (both 0: exactly; NaN equals NaN).
    """

    grid: object
    block: object
    make: Callable
    expected: Callable
    rtol: float = 0.0
    atol: float = 0.0
    shared_bytes: int = 0  # the launch's dynamic shared memory


def _rng(seed=0):
    return np.random.default_rng(seed)


def _cover(extents, block):
    """The grid of ``block``-sized blocks that covers ``extents`` (x first)."""
    if isinstance(block, int):
        return -(-extents // block)
    return tuple(-(-e // b) for e, b in zip(extents, block))


def _per_element(n, block, make, expected, **tol):
    """A 1-D kernel with one thread per element of ``n``; the last block is partial
    unless ``block`` divides ``n``."""
    return Run(_cover(n, block), block, make, expected, **tol)


def _ints(low, high, shape, dtype=np.int32, seed=0):
    return _rng(seed).integers(low, high, shape, dtype=dtype)


def _normal(shape, dtype=f32, seed=0):
    return _rng(seed).normal(size=shape).astype(dtype)


N = 1000  # elements of the 1-D runs: 8 blocks of 128, the last one partial


def _complex(shape, dtype=np.complex64, seed=0):
    rng = _rng(seed)
    return (rng.normal(size=shape) + 1j * rng.normal(size=shape)).astype(dtype)


def _complex_arith_args():
    a, b = _complex(N), _complex(N, seed=1)
    a[:5] = b[:5]  # some equal pairs
    a[5] = 0  # a zero: its truth
    b[6] = 3j  # a real part of 0: a NaN from z / w.real
    return (a, b, np.complex64(2 + 1j), 0.5 - 0.25j, np.zeros((N, 6), np.complex64),
            np.zeros((N, 4), np.bool_))


def _complex_arith(a, b, scale, shift, out, flags):
    c64 = np.complex64
    z, w = a, b
    out = np.stack([z * w + scale * np.conj(z),
                    (z / w - c64(shift)).astype(c64),
                    (np.abs(z) + 1j * z.imag + z.real * c64(1j)).astype(c64),
                    z * z * z + c64(1) / (w * w),
                    (z * np.exp(2j * np.pi * 0.25)).astype(c64),
                    z * (np.conj(w) + z.real)], axis=1)
    with np.errstate(all="ignore"):
        flags = np.stack([z == w, z != np.conj(z), (z - z) != 0, np.isnan(z / w.real)], axis=1)
    return {4: out, 5: flags}


def _slice_assign(rows, src, flags, n):
    for r in range(rows.shape[0]):
        row = rows[r]
        row[:] = -1
        row[1:n] = r
        row[::-4] = src[r, :3]  # numpy's casting: float64 to int32 truncates
        rows[r, n:n + 2] = src[r, 1:3]
        flags[r, ::2] = src[r, :2]
        flags[r, 1::2] = False
        rows[r, 7:] = src[r, 2:]
    return {0: rows, 2: flags}


def _records_args():
    from gallery import PACKED, PARTICLE
    rng = _rng()
    p = np.zeros(N, PARTICLE)
    p["pos"] = rng.normal(size=(N, 3))
    p["mass"] = rng.uniform(1, 2, N)
    p["id"] = np.arange(N)
    p["q"] = _complex(N)
    q = np.zeros(N, PACKED)
    q["tag"] = rng.integers(-60, 60, N)
    q["value"] = rng.normal(size=N)
    q["count"] = rng.integers(0, 1000, N)
    return p, q, np.zeros(N)


def _records(p, q, out):
    pos = p["pos"].astype(f32)
    r = pos[:, 0] * pos[:, 0] + pos[:, 1] * pos[:, 1] + pos[:, 2] * pos[:, 2]  # float32
    out = r * p["mass"] + p["id"] + np.abs(p["q"]).astype(f64) + q["value"] * q["count"]
    p["pos"][:, 2] = -p["pos"][:, 2]
    p["mass"] += 1
    p["alive"] = p["id"] % 2 == 0
    p["q"] = np.conj(p["q"])
    q["tag"] = (q["tag"] * 2).astype(np.int8)
    q["value"] = r
    return {0: p, 1: q, 2: out}


def _record_scalars_args():
    p, q, _ = _records_args()
    p["alive"][3] = True
    return _normal(N, f64), p[3], q[7], np.zeros(N)


def _record_scalars(x, p, q, out):
    pos = p["pos"]  # float32: the energy's sum stays float32, as in the kernel
    energy = p["mass"] * (pos[0] * pos[0] + pos[1] * pos[1] + pos[2] * pos[2])
    v = x * q["value"] + q["tag"] + energy + (p["q"].imag if p["alive"] else 0)
    return {3: v + pos[-1] * q["count"] + p["id"]}


def _nested_records_args():
    from gallery import BODY, VEC2
    rng = _rng()
    b = np.zeros(N, BODY)
    for name in ("pos", "vel"):
        b[name]["x"], b[name]["y"] = rng.normal(size=N), rng.normal(size=N)
    b["mass"] = rng.uniform(1, 2, N)
    b["tag"] = rng.integers(-5, 5, N)
    origin = np.zeros(1, BODY)[0]
    origin["vel"] = (0.25, -0.5)
    return b, np.zeros(N, VEC2), np.zeros(N, BODY), origin, 0.5


def _nested_records(b, positions, copies, origin, dt):
    pos, vel = b["pos"], b["vel"]
    pos["x"] += vel["x"] * f32(dt)  # float32 fields, a weak float: float32
    pos["y"] = (pos["y"] + vel["y"] * f32(dt) * b["mass"]).astype(f32)  # float64 mass
    b["vel"][b["tag"] < 0] = origin["vel"]
    return {0: b, 1: pos.copy(), 2: b.copy()}


def _zip_mixed(x, out, step):
    for i, row in enumerate(x):
        acc = sum(w * v for w, v in zip((0.5, -1.0, 2.0, 0.25), row[i % 5:]))
        acc += sum((k + 1) * row[j] for k, j in enumerate(range(i % 3, row.size, step)))
        out[i] = acc
    return {1: out}


def _new_axes(m, v, out):
    out = m[:, ::-1].copy()
    i = np.arange(m.shape[0])
    out[:, 0] = v[i % v.size] + m[:, 1] + (m.shape[1] - 1) + m[:, 1]
    return {2: out}


def _more_atomics_args():
    x = _normal(N)
    x[::7] = np.nan
    bits = np.array([0, -1, 0x5A5A], np.int64)
    extremes = np.array([np.nan, 10.0], f32)  # a NaN stored is replaced too
    return x, _ints(0, 1 << 20, N, np.int64), bits, np.zeros((1, 2), np.uint32), extremes


def _more_atomics(x, keys, bits, counters, extremes):
    bits[0] |= np.bitwise_or.reduce(np.int64(1) << (np.arange(N) % 64))
    bits[1] &= np.bitwise_and.reduce(~(np.int64(1) << (keys % 64)))
    bits[2] ^= np.bitwise_xor.reduce(keys)
    counters[0] = [N % 7, (-N) % 10]  # N incs wrapping at 6; N decs from 0 wrapping at 9
    extremes[:] = [np.nanmax(x), min(np.nanmin(x), 10.0)]
    return {2: bits, 3: counters, 4: extremes}


def _bit_intrinsics_args():
    u32 = _ints(0, 1 << 32, N, np.uint64).astype(np.uint32)
    i64 = _ints(-(1 << 63), (1 << 63) - 1, N, np.int64, seed=1) >> _ints(0, 63, N, np.int64)
    u8 = _ints(0, 256, N, np.uint8)
    u32[:4], i64[:4], u8[:2] = [0, 1, 1 << 31, (1 << 32) - 1], [0, -1, 1, -(1 << 63)], [0, 255]
    return u32, i64, u8, _normal(N), np.zeros((N, 9), np.int64), np.zeros((N, 3), f32)


def _bit_intrinsics(u32, i64, u8, x, bits, floats):
    def popc(v):
        return bin(v).count("1")

    def clz(v, w):
        return w - v.bit_length()

    def brev(v, w):
        return int(format(v, f"0{w}b")[::-1], 2)

    def ffs(v):
        return (v & -v).bit_length()

    for i in range(N):
        a, b, c = int(u32[i]), int(i64[i]) & ((1 << 64) - 1), int(u8[i])
        bits[i] = [popc(a), clz(a, 32), brev(a, 32), ffs(a), popc(b), clz(b, 64), ffs(b),
                   clz(c, 8) + popc(c) * 100, brev(c, 8)]
    wide = x.astype(f64)
    floats[:, 0] = wide * wide - 1  # exact product: one rounding, to float32 below
    floats[:, 1] = np.cbrt(x)
    floats[:, 2] = np.where(x > 0, x, -2 * x)
    return {4: bits, 5: floats}


def _warp_collectives(x, sums, scans, votes, block_counts):
    threads = _cover(N, 128) * 128
    v = np.zeros(threads)
    v[:N] = x
    warps = v.reshape(-1, 32)
    down = np.concatenate([warps[:, 1:], warps[:, -1:]], axis=1).astype(f32)  # lane 31: own
    sums[:] = np.repeat(warps.sum(axis=1), 32)[:N]
    scans[:] = (np.cumsum(warps, axis=1) + down).reshape(-1)[:N]
    bits = (warps > 0).astype(np.int64) << np.arange(32)
    ballot = bits.sum(axis=1)
    below = np.cumsum(warps > 0, axis=1) - (warps > 0)
    votes[:, 0] = np.repeat(ballot, 32)[:N]
    votes[:, 1] = np.repeat((warps > -2).all(axis=1) * 1 + (warps > 2).any(axis=1) * 2 + 4,
                            32)[:N]
    votes[:, 2] = below.reshape(-1)[:N]
    votes[:, 3] = np.repeat(np.arange(0, threads, 32), 32)[:N]
    positive = np.repeat(ballot, 32)  # match_any of v > 0: the lanes of the same sign
    votes[:, 4] = np.where(v > 0, positive, positive ^ 0xFFFFFFFF)[:N]
    votes[:, 5] = -1  # all lanes equal (lane // 64 is 0): the mask, an int32 -1, * 2 + True
    block_counts[:] = np.repeat((v.reshape(-1, 128) > 0).sum(axis=1), 128)[:N]
    return {1: sums, 2: scans, 3: votes, 4: block_counts}


def _grid_sync_rows(M, partial, total):
    cols = M.shape[1]
    col = np.arange(cols)
    for row in range(1, M.shape[0]):
        M[row] = M[row - 1, cols - col - 1] * 2 + col % 3
    partial[:] = M[-1].reshape(-1, 64).sum(axis=1)
    total[0] = M[-1].sum()
    return {0: M, 1: partial, 2: total}


def _dynamic_shared(x, out):
    v = np.zeros(_cover(N, 128) * 128)
    v[:N] = x
    blocks = v.reshape(-1, 128)
    reversed_ = blocks[:, ::-1] + blocks.sum(axis=1, keepdims=True)
    out[:, 0] = reversed_.reshape(-1)[:N]
    out[:, 1] = (v == 0)[:N]
    return {1: out}


def _brain_float_args():
    bf = ml_dtypes.bfloat16
    x, y = _normal(N).astype(bf), _normal(N, seed=1).astype(bf)
    y[:2] = [0, x[2]]
    return (x, y, _ints(-100, 100, N, np.int8), bf(0.375), np.zeros((N, 4), bf),
            np.zeros(N, f32))


def _brain_float(x, y, k8, scale, out, wide):
    # ml_dtypes computes each bfloat16 operation in float32 and rounds once, as
    # the kernel does.
    bf = ml_dtypes.bfloat16
    a, b = x, y
    with np.errstate(all="ignore"):
        out = np.stack([a * b + scale, a / b - a // b + a % b,
                        np.sqrt(np.abs(a)) + np.exp(b) - np.fmax(a, b),
                        -a + k8.astype(bf) + (np.arange(N) * 0.1).astype(f32).astype(bf)],
                       axis=1)
        wide = a.astype(f32) + f32(0.5) + (a < b)
    return {4: out, 5: wide}


def _half_precision_args():
    x, y = _normal(N, np.float16), _normal(N, np.float16, seed=1)
    y[:3] = [0, x[3], np.inf]  # a zero divisor, an equal pair, an infinity
    return (x, y, _ints(-100, 100, N, np.int8), _ints(-3000, 3000, N, np.int16),
            np.float16(0.375), np.zeros((N, 6), np.float16), np.zeros(N, f32),
            np.zeros(N, np.int32))


def _half_precision(x, y, k8, k16, scale, out, wide, flags):
    # NumPy computes float16 ufuncs in float32 and rounds each result, as the
    # kernel does; hfma rounds the exact a * b + c once.
    h = np.float16
    a, b = x, y
    with np.errstate(all="ignore"):
        out = np.stack([a * b + scale, a / b - a // b + a % b,
                        np.sqrt(np.abs(a)) + np.exp(b) - np.sin(a),
                        (a.astype(f64) * b + scale).astype(h),
                        np.fmax(a, b) + h(1) / b + np.floor(a), a + k8], axis=1)
        flags = (a < b) + 2 * (a == b) + 4 * np.isfinite(a / b)
    return {5: out, 6: a + k16, 7: flags.astype(np.int32)}


def _complex_shared_reverse(x, out):
    roots = np.exp(2j * np.pi * np.arange(4) / 4).astype(np.complex64)
    y = np.zeros(_cover(N, 128) * 128, np.complex128)
    y[:N] = x * roots[np.arange(N) % 4]
    out = y.reshape(-1, 128)[:, ::-1].reshape(-1)[:N]
    return {1: out}


def _cmath_args():
    # Away from the branch cuts, where the formulas of libraries differ by a sign.
    z = _complex(N, np.complex128) * 0.7 + (0.1 + 0.2j)
    z[0] = 0.3  # a real number: acos, asin, atanh of it are real
    return z, np.zeros((N, 8), np.complex128), np.zeros((N, 4))


def _cmath_functions(z, out, polar):
    import cmath
    v = z
    with np.errstate(all="ignore"):
        out = np.stack([np.sqrt(v) + np.exp(v),
                        np.log(v) + np.log10(v) + np.log(v) / np.log(2.0),
                        np.sin(v) + np.cos(v) + np.tan(v),
                        np.arcsin(v) + np.arccos(v) + np.arctan(v),
                        np.sinh(v) + np.cosh(v) + np.tanh(v),
                        np.arcsinh(v) + np.arccosh(v) + np.arctanh(v),
                        np.sqrt(v) * np.exp(v) / np.arctan(v),
                        np.sqrt((v.real - 0.5).astype(complex)) + np.array(
                            [cmath.rect(1.5, t) for t in v.imag])], axis=1)
        big = v * 1e308
        polar = np.stack([np.abs(v), np.angle(v), 2 * np.angle(v),
                          np.isinf(big) + 2.0 * np.isfinite(v)], axis=1)
    return {1: out, 2: polar}



def _int_edges_args():
    rng = _rng()
    a = rng.integers(-2**62, 2**62, N, dtype=np.int64)
    b = rng.integers(-3, 4, N, dtype=np.int64)  # about one divisor in seven is 0
    s = rng.integers(-3, 70, N, dtype=np.int64)  # negative and >= 64 counts too
    a[:4], b[:4], s[:4] = [-2**63, -2**63, 7, -7], [-1, 0, 0, 0], [64, 63, 1, 65]
    return (a, b, s, *(np.full(N, 99, np.int64) for _ in range(4)))


def _int_edges(a, b, s, q, r, left, right):
    with np.errstate(all="ignore"):  # NumPy warns, and gives these results
        return {3: np.floor_divide(a, b), 4: np.remainder(a, b), 5: np.left_shift(a, s),
                6: np.right_shift(a, s)}


def _bool_bytes_args():
    raw = _rng().integers(0, 256, N, dtype=np.uint8)  # bytes other than 0 and 1
    raw[:3] = [0, 1, 2]
    # Read-only, owning no numpy root: the kernel only reads it.
    return np.frombuffer(raw.tobytes(), np.bool_), np.full(N, 7, np.int32)


# -- references that are not one numpy expression ---------------------------------
def _with_interior(border, interior):
    out = border.copy()
    out[1:-1, 1:-1] = interior
    return out


def _stencil_5pt(a, out):
    inner = f32(0.25) * (a[:-2, 1:-1] + a[2:, 1:-1] + a[1:-1, :-2] + a[1:-1, 2:])
    return {1: _with_interior(out, inner)}


def _jacobi_step(a, anew, err):
    inner = 0.25 * (a[1:-1, 2:] + a[1:-1, :-2] + a[:-2, 1:-1] + a[2:, 1:-1])
    return {1: _with_interior(anew, inner), 2: np.maximum(err, np.abs(inner - a[1:-1, 1:-1]).max())}


def _blur_3d(a, out):
    """Mean over the in-bounds 3x3 neighbourhood in axes 0 and 1, summed in the
    kernel's (di, dj) order in float32 (a missing neighbour adds 0.0: the same)."""
    n0, n1, _ = a.shape
    padded = np.zeros((n0 + 2, n1 + 2, a.shape[2]), f32)
    padded[1:-1, 1:-1] = a
    acc = np.zeros(a.shape, f32)
    for di in range(3):
        for dj in range(3):
            acc += padded[di:di + n0, dj:dj + n1]

    def inside(n):  # in-bounds neighbours along one axis
        c = np.full(n, 3)
        c[0] -= 1
        c[-1] -= 1
        return c
    count = inside(n0)[:, None, None] * inside(n1)[None, :, None]
    return {1: acc / count.astype(f32)}


def _block_sum(x, out, block):
    """The kernel's tree reduction of each block's slice, in float32."""
    nblocks = len(out)
    buf = np.zeros(nblocks * block, f32)
    buf[:len(x)] = x
    buf = buf.reshape(nblocks, block)
    s = block // 2
    while s > 0:
        buf[:, :s] += buf[:, s:2 * s]
        s //= 2
    return {1: buf[:, 0].copy()}


def _prefix_sum_block(x, out, block):
    """Inclusive scan of each block's slice."""
    nblocks = _cover(len(x), block)
    padded = np.zeros(nblocks * block, np.int32)
    padded[:len(x)] = x
    return {1: np.cumsum(padded.reshape(nblocks, block), axis=1, dtype=np.int32).ravel()[:len(x)]}


def _row_softmax(x, out):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    total = np.zeros(len(x), f32)
    for j in range(x.shape[1]):  # the kernel's order
        total += e[:, j]
    return {1: e / total[:, None]}


def _histogram(data, bins, lo, hi):
    nbins = len(bins)
    b = ((data.astype(f64) - lo) / (hi - lo) * nbins).astype(np.int64)  # int(): toward zero
    return {1: bins + np.bincount(np.clip(b, 0, nbins - 1), minlength=nbins).astype(np.int32)}


WARP_VOTE_BLOCK, WARP_VOTE_GRID = 80, 2  # 80 threads: two full warps and a partial one


def _warp_vote(out):
    """Lane 0 of every warp adds 32 to out[0]; thread i stores its lane into out[i + 1]."""
    want = out.copy()
    warps = WARP_VOTE_GRID * _cover(WARP_VOTE_BLOCK, 32)
    want[0] += 32 * warps
    i = np.arange(min(len(out) - 1, WARP_VOTE_GRID * WARP_VOTE_BLOCK))
    want[i + 1] = (i % WARP_VOTE_BLOCK) % 32
    return {0: want}


def _mandelbrot(image, min_x, max_x, min_y, max_y, iters):
    """The escape counts, with the kernel's float64 operations in its order."""
    h, w = image.shape
    x, y = np.meshgrid(np.arange(w, dtype=f64), np.arange(h, dtype=f64))
    real = min_x + x * (max_x - min_x) / w
    imag = min_y + y * (max_y - min_y) / h
    zr, zi = np.zeros((h, w)), np.zeros((h, w))
    count = np.zeros((h, w), np.int64)
    active = np.ones((h, w), bool)
    for _ in range(iters):
        active &= zr * zr + zi * zi < 4.0
        zr, zi = (np.where(active, zr * zr - zi * zi + real, zr),
                  np.where(active, 2.0 * zr * zi + imag, zi))
        count += active
    return {0: count.astype(np.uint8)}


_erf = np.vectorize(math.erf)


def _cnd(d):
    return 0.5 * (1.0 + _erf(d / math.sqrt(2.0)))


def _black_scholes(call, put, s, k, t, rate, vol):
    sqrt_t = np.sqrt(t)
    d1 = (np.log(s / k) + (rate + 0.5 * vol * vol) * t) / (vol * sqrt_t)
    d2 = d1 - vol * sqrt_t
    exp_rt = np.exp(-rate * t)
    return {0: s * _cnd(d1) - k * exp_rt * _cnd(d2),
            1: k * exp_rt * (1.0 - _cnd(d2)) - s * (1.0 - _cnd(d1))}


def _nbody_accel(pos, acc, eps):
    """Pairwise accelerations in float32, summed over j in the kernel's order."""
    ax, ay = np.zeros(len(pos), f32), np.zeros(len(pos), f32)
    for j in range(len(pos)):
        dx = pos[j, 0] - pos[:, 0]
        dy = pos[j, 1] - pos[:, 1]
        r2 = dx * dx + dy * dy + eps
        inv = f32(1) / (r2 * np.sqrt(r2))
        ax += dx * inv
        ay += dy * inv
    return {1: np.stack([ax, ay], axis=1)}


def _trig_table(out):
    """The kernel's expression, evaluated by Python's math for each i."""
    n = len(out)

    def value(i):
        t = 2 * math.pi * i / n
        return (math.sin(t) ** 2 + math.cos(t) ** 2 + math.tanh(t)
                - math.atan2(math.sin(t), math.cos(t)) + math.floor(t) - math.ceil(t)
                + math.fabs(-t) + math.pow(t, 0.5) + math.exp(-t))
    return {0: np.array([value(i) for i in range(n)])}


def _power(x, out, p):
    with np.errstate(invalid="ignore"):  # inf * 0
        acc = x * 0 + 1
    for _ in range(p):
        acc = acc * x
    return {1: acc}


def _collatz(start, steps):
    def count(n):
        c = 0
        while n != 1:
            n = n // 2 if n % 2 == 0 else 3 * n + 1
            c += 1
            if c >= 1000:
                break
        return c
    return {1: np.array([count(int(n)) for n in start], np.int64)}


def _first_multiple(x, k, out):
    return {2: np.array([next((j for j, v in enumerate(x) if v > 0 and v % k == 0), -1)])}


def _bit_mix(x, out):
    v = x.copy()
    v ^= v << 13
    v ^= v >> 7
    v ^= v << 17
    return {1: (v | 1) & ~np.uint64(2)}


# -- argument factories -------------------------------------------------------------
def _mask_positive_args():
    x = _normal(N)
    x[:8] = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-45, -1e-45, np.finfo(f32).max]
    return x, _rng().random(N) < 0.5


def _jacobi_args():
    """A spike: the largest change is a decrease, so err needs abs()."""
    a = _normal((18, 23), f64)
    a[5, 7] = 10.0
    return a, _normal((18, 23), f64, seed=1), np.zeros(1)


def _histogram_args():
    rng = _rng()
    data = rng.uniform(-1.5, 2.5, 2000).astype(f32)
    data[:3] = [-1.0, 2.0, 0.5]  # lo, hi (clamped into the last bin), a bin's edge
    return data, rng.integers(0, 5, 10, dtype=np.int32), -1.0, 2.0


def _python_int_args():
    rng = _rng()
    a = rng.integers(-1000, 1000, N, dtype=np.int32)
    b = rng.integers(1, 20, N, dtype=np.int32) * rng.choice(np.array([-1, 1], np.int32), N)
    a[:2], b[:2] = [-2**31, 2**31 - 1], [7, -2]
    return a, b, rng.integers(-9, 9, N, dtype=np.int32), rng.integers(-9, 9, N, dtype=np.int32)


def _first_multiple_args():
    """The first positive multiple of 7 at 37, after negative ones and zeros."""
    x = _rng().integers(1, 60, 200)
    x[:50] += x[:50] % 7 == 0
    x[[10, 20, 30, 37]] = [-21, 0, -7, 35]
    return x, 7, np.full(1, 123, np.int64)


def _collatz_args():
    start = _rng().integers(1, 100_000, 300)
    start[:5] = [1, 27, 0, -7, 97]  # 0 and -7 never reach 1: capped at 1000 steps
    return start, np.full(300, -1, np.int64)


def _casts_args():
    x = _rng().uniform(-50, 50, N)
    x[:4] = [-0.95, 0.95, -1.5, 2.0]  # truncation toward zero
    return x, np.full(N, 99, np.int32), np.full(N, 99, f32)


def _numpy_in_kernels_args():
    x = _rng(5).uniform(-20, 20, N)
    x[:6] = [0.5, -0.5, 1.5, 2.5, -3.75, 1e9]  # round() takes halves to even
    return x, _ints(-50, 50, N, np.int64), np.zeros((N, 6)), np.zeros((N, 4), np.int64)


def _numpy_in_kernels(x, n, out, iout):
    out, iout = np.zeros_like(out), np.zeros_like(iout)
    for i, (v, k) in enumerate(zip(x.tolist(), n.tolist())):
        out[i] = [math.sin(v) + math.atan2(v, 2.0) + abs(-v) + v ** 2, float(f32(v)) * 2.0,
                  math.degrees(v) + math.radians(v), math.remainder(v, 0.75)
                  + math.nextafter(v, 10.0), v + v * 3.0 + -v,
                  1.0 + math.floor(v) + math.trunc(-v) * 10]
        q, r = divmod(k, 3)
        iout[i] = [round(v * 3.0), q * 10 + r + math.floor(v) * 1000, k + k ** 2,
                   (k < 2) + k % -7]
    return {2: out, 3: iout}


def _iterate_sequences(x, y, out):
    n = min(len(x), len(y))
    return {2: np.array([x.sum(), (np.arange(len(y)) * y).sum(), (x[:n] * y[:n]).sum(),
                         sum(i * (x[i] - y[i]) for i in range(min(3, n))), 20.0, 31.0])}


def _tuple_values(a, out):
    rows, cols = a.shape
    want = np.zeros_like(out)
    for x in range(rows):
        for y in range(cols):
            total = a[x, y] + 2.0 + a[min(x + 1, rows - 1), y]
            want[x, y] = total + 200 + x * 1000 + (y if x > 0 else x) * 10000
    return {1: want}


def _tuple_arguments(coeffs, arrays, out):
    (scale, (shift, (w0, w1))), (x, y) = coeffs, arrays
    want = np.zeros_like(out)
    # Arguments are strong: f32 + f64 is f64, and so on.
    want[:, 0] = (f64(0) + x + y) * f64(scale) + shift
    want[:, 1] = x.astype(f64) * f64(w0) + y * f64(w1)
    want[:, 2] = 2 + 2
    return {2: want}


def _tuple_loop_exits(x, out):
    want = np.zeros_like(out)
    for i, row in enumerate(x):
        total = 0.0
        for v in row[:4]:
            if v < 0:
                continue
            if v > 1:
                break
            total += v
        last = -1.0
        for v in row[:3]:
            last = v
            if v > 0.5:
                break
        want[i] = [total, last]
    return {1: want}


def _reverse_chunks(x, out):
    want = out.copy()
    n = x.size // 4 * 4
    want[:n] = x[:n].reshape(-1, 4)[:, ::-1].reshape(-1)
    return {1: want}


def _recursion(x, out):
    def fib(n):
        return n if n < 2 else fib(n - 1) + fib(n - 2)

    def range_sum(lo, hi):
        if hi - lo == 1:
            return x[lo]
        mid = (lo + hi) // 2
        return range_sum(lo, mid) + range_sum(mid, hi)

    want = np.zeros_like(out)
    for i in range(out.shape[0]):
        want[i] = [fib(i % 12), range_sum(0, i % x.size + 1), (i % 9) % 2 == 0]
    return {1: want}


def _lookup_tables(x, out):
    from gallery import MASK, PRIMES, WEIGHTS
    want = np.zeros_like(out)
    n = x.size
    for i in range(n):
        left, right = x[max(i - 1, 0)], x[min(i + 1, n - 1)]
        for r in range(2):
            w = WEIGHTS[r]
            want[i, r] = w[0] * left + w[1] * x[i] + w[2] * right  # in f32
        k = i % PRIMES.size
        want[i, 2] = PRIMES[k] * MASK[k]
    return {1: want}


# Zeros, a subnormal, the smallest double, infinities, NaN, values near powers
# of two (where log2 rounds), with exponents past both ends of C's int.
_FLOAT_PARTS = [0.0, -0.0, 1.5, -2.0, 3.75, 1e-310, 5e-324, math.inf, -math.inf, math.nan,
                1e300, 0.1, 8.0, 1023.9999999, 2.0**-1022, 2.0**53 - 1, -0.75]
_FLOAT_EXPS = [0, 1, 2, -3, 2000, 1100, 1074, 3, -5, 1, -2000, 2**40, -2**40, 10, -1, -60, 7]


def _float_parts_args():
    n = 200
    x = _normal(n, f64) * 10.0 ** _rng(3).integers(-300, 300, n)
    x[:len(_FLOAT_PARTS)] = _FLOAT_PARTS
    exps = _rng(4).integers(-1100, 1100, n)
    exps[:len(_FLOAT_EXPS)] = _FLOAT_EXPS
    return x, exps, np.zeros((n, 10))


def _float_parts(x, exps, out):
    want = np.zeros_like(out)
    with np.errstate(all="ignore"):
        for i, (v, e) in enumerate(zip(x, exps)):
            e32 = int(min(max(e, -2**31), 2**31 - 1))  # C's int: saturated
            v32 = f32(v)
            want[i] = [*math.modf(v), *math.frexp(v), np.ldexp(v, e32), np.sign(v),
                       np.minimum(v, 1.0), np.maximum(v, 1.0), np.fmin(v, 1.0),
                       np.ldexp(v32, 3) + np.frexp(v32)[1]]
    return {2: want}


def _ping_pong_smooth(a, b, steps):
    a, b = a.copy(), b.copy()
    src, dst = a, b
    for _ in range(steps):
        dst[1:-1] = (src[:-2] + src[1:-1] + src[2:]) / f32(3)
        dst[0], dst[-1] = src[0], src[-1]
        src, dst = dst, src
    return {0: a, 1: b}


def _iterate_rows(a, out, lo, hi):
    want = out.copy()
    for i in range(out.shape[0]):
        for r, row in enumerate(a):
            want[i, r] = sum(row)
        for k, v in enumerate(range(hi, lo, -3)):
            want[i, 3 + k] += v * (i + 1)
        for v, w in zip(range(2, 10, 4), a[i % 3]):
            want[i, 8 + v // 4] = w * v
    return {1: want}


def _array_views(a, out, lo, step):
    want = np.zeros_like(out)
    for i in range(a.shape[0]):
        total = f32(0)
        for x in a[i, 1:]:
            total += x  # in f32: the device function's 0.0 is weak
        want[i, 0] = total
        tail = a[i, lo::step]
        want[i, 1] = tail.size
        want[i, 2] = tail[0] if tail.size else -1.0
        want[i, 3] = a[::-1][i, -1] + a[:, 0][i] * 10
    return {1: want}


def _tuple_calls(x, y, out):
    want = np.zeros_like(out)
    for i, (a, b) in enumerate(zip(x, y)):
        whole = math.floor(a)
        frac = a - whole
        lo, hi = (b, a) if b < a else (a, b)
        want[i, 0] = whole + frac * 10
        want[i, 1] = (lo * b + hi * 2.0) + (lo * lo * 0.5 + hi * hi * 0.25)
        m, n = (1.0, a) if 1.0 < a else (a, 1.0)
        want[i, 2] = b + 10 * 1.0 + 100 * m + 1000 * n
        want[i, 3] = ((a, b) < (b, a)) + 2 + 4 + 8
        want[i, 4] = (i % 5 in (1, 3)) + 2 * (i % 4 not in (0, 2))
        want[i, 5] = ((whole, frac) > (1.0, 0.5)) + 0
    return {2: want}


def _popcount_args():
    x = _rng().integers(0, 2**32, N, dtype=np.uint32)
    x[:4] = [0, 1, 0x80000000, 0xFFFFFFFF]  # the top bit set: >> must be logical
    return x, np.full(N, 99, np.uint32)


def _blend_args():
    """t outside [0, 1] is clamped; a NaN t clamps to 0 (min/max skip NaN)."""
    t = _rng(2).uniform(-0.5, 1.5, N).astype(f32)
    t[0] = np.nan
    return (_rng().uniform(0.5, 2, N).astype(f32), _rng(1).uniform(0.5, 2, N).astype(f32), t,
            np.full(N, -1, f32))


def _strided_args():
    """A strided view with an offset: (25, 31)[1::2, ::3] -> (12, 11)."""
    return _normal((25, 31), f64)[1::2, ::3], -1.5


RUNS = {
    # -- elementwise --
    "saxpy": _per_element(N, 128, lambda: (f32(1.75), _normal(N), _normal(N, seed=1)),
                          lambda a, x, y: {2: a * x + y}, **F32),
    "vector_add": _per_element(N, 128, lambda: (_ints(-10**6, 10**6, N),
                                                _ints(-10**6, 10**6, N, seed=1),
                                                np.full(N, -7, np.int32)),
                               lambda a, b, out: {2: a + b}),
    # 128 threads for 1000 elements: each runs the loop 7 or 8 times
    "grid_stride_scale": Run(2, 64, lambda: (_normal(N, f64), 3.7),
                             lambda x, factor: {0: x * factor}, **F64),
    # one thread copies everything; the other 63 must not write
    "reverse_copy": Run(2, 32, lambda: (_normal(100), np.full(100, -1, f32)),
                        lambda src, dst: {1: src[::-1]}),
    # x runs along the width: 37 columns, 20 rows
    "invert_image": Run(_cover((37, 20), (16, 8)), (16, 8),
                        lambda: (_ints(0, 256, (20, 37), np.uint8),), lambda img: {0: 255 - img}),
    "mask_positive": _per_element(N, 128, _mask_positive_args,
                                  lambda x, mask: {1: (x > 0) & (x < np.inf)}),
    # -- stencils: i (x) runs along axis 0; the borders of out stay as they were --
    "stencil_5pt": Run(_cover((20, 27), (8, 8)), (8, 8),
                       lambda: (_normal((20, 27)), _normal((20, 27), seed=1)), _stencil_5pt, **F32),
    "jacobi_step": Run(_cover((18, 23), (8, 4)), (8, 4),
                       _jacobi_args, _jacobi_step, **F64),
    "blur_3d": Run(_cover((5, 6, 7), (4, 4, 2)), (4, 4, 2),
                   lambda: (_normal((5, 6, 7)), np.full((5, 6, 7), -1, f32)), _blur_3d, **F32),
    # -- reductions and scans: the block is the kernel's BLOCK / TPB --
    "block_sum": Run(8, 128, lambda: (_normal(N), np.full(8, -1, f32), 128), _block_sum, **F32),
    # the three blocks' atomic adds come in any order
    "dot_product": Run(3, 128, lambda: (_normal(N, f64), _normal(N, f64, seed=1), np.full(1, 0.25)),
                       lambda a, b, result: {2: result + np.dot(a, b)}, rtol=1e-10, atol=1e-12),
    "prefix_sum_block": Run(_cover(250, 64), 64,
                            lambda: (_ints(-100, 100, 250), np.full(250, -999, np.int32), 64),
                            _prefix_sum_block),
    "row_softmax": _per_element(37, 16, lambda: (3 * _normal((37, 10)), np.full((37, 10), -1, f32)),
                                _row_softmax, **F32),
    # -- atomics: integer atomics commute, so these results are deterministic --
    "histogram": _per_element(2000, 128, _histogram_args, _histogram),
    "min_max": _per_element(N, 128, lambda: (_ints(-10**6, 10**6, N),
                                             np.array([2**31 - 1, -2**31], np.int32)),
                            lambda x, result: {1: np.array([x.min(), x.max()])}),
    "cas_counter": _per_element(N, 128, lambda: (_rng().choice(np.array([0, 0, 1, 7], np.int32), N),
                                                 np.full(1, 3, np.int32)),
                                lambda flags, counter: {0: np.where(flags == 0, 1, flags),
                                                        1: counter + np.sum(flags == 0)}),
    "warp_vote": Run(WARP_VOTE_GRID, WARP_VOTE_BLOCK, lambda: (np.full(150, 5, np.int32),),
                     _warp_vote),
    # -- matrices --
    "matmul_naive": Run(_cover((9, 11), (8, 4)), (8, 4),
                        lambda: (_normal((9, 5), f64), _normal((5, 11), f64, seed=1),
                                 np.full((9, 11), -1.0)),
                        lambda a, b, c: {2: a @ b}, **F64),
    # positive data: no cancellation, so float32 accumulation is good to a few ulps
    "matmul_tiled": Run(_cover((24, 40), (16, 16)), (16, 16),
                        lambda: (_rng().random((40, 36), f32), _rng(1).random((36, 24), f32),
                                 np.full((40, 24), -1, f32), 16),
                        lambda a, b, c, tile: {2: (a.astype(f64) @ b.astype(f64)).astype(f32)},
                        **F32),
    "transpose_tiled": Run(_cover((56, 40), (16, 16)), (16, 16),
                           lambda: (_normal((40, 56)), np.full((56, 40), -1, f32), 16),
                           lambda src, dst, tile: {1: src.T}),
    "fortran_scale": Run(_cover((13, 10), (4, 8)), (4, 8),
                         lambda: (np.asfortranarray(_normal((13, 10), f64)), 2.5),
                         lambda a, s: {0: a * s}, **F64),
    # the test also checks that the view's base is untouched outside the view
    "strided_scale": Run(_cover((12, 11), (4, 8)), (4, 8), _strided_args,
                         lambda a, s: {0: a * s}, **F64),
    # -- math-heavy --
    "mandelbrot": Run(_cover((36, 24), (8, 8)), (8, 8),
                      lambda: (_ints(0, 256, (24, 36), np.uint8), -2.0, 1.0, -1.25, 1.25, 60),
                      _mandelbrot),
    "black_scholes": _per_element(200, 64, lambda: (np.full(200, -1.0), np.full(200, -1.0),
                                                    _rng().uniform(5, 50, 200),
                                                    _rng(1).uniform(5, 50, 200),
                                                    _rng(2).uniform(0.1, 3, 200), 0.02, 0.3),
                                  _black_scholes, **F64),
    "nbody_accel": _per_element(100, 32, lambda: (_rng().random((100, 2), f32),
                                                  np.full((100, 2), -1, f32), f32(1e-2)),
                                _nbody_accel, **F32),
    "trig_table": _per_element(200, 64, lambda: (np.full(200, -1.0),), _trig_table, **F64),
    # -- device functions and constexpr --
    "blend": _per_element(N, 128, _blend_args,
                          lambda a, b, t, out: {3: a + (b - a) * np.fmin(np.fmax(t, 0), 1)}, **F32),
    # inf and nan: x * 0 must not fold to 0
    "power_unrolled": _per_element(N, 128, lambda: (np.r_[np.inf, np.nan,
                                                          _rng().uniform(-2, 2, N - 2)],
                                                    np.full(N, -1.0), 5),
                                   _power, **F64),
    "flag_select": _per_element(N, 128, lambda: (np.r_[np.nan, _normal(N - 1)].astype(f32),
                                                 np.full(N, -1, f32), True),
                                lambda x, out, negate: {1: -x}),
    # -- control flow and integers --
    "collatz_steps": _per_element(300, 64, _collatz_args, _collatz),
    "popcount": _per_element(N, 128, _popcount_args,
                             lambda x, out: {1: np.bitwise_count(x).astype(np.uint32)}),
    "python_int_semantics": _per_element(N, 128, _python_int_args,
                                         lambda a, b, q, r: {2: a // b, 3: a % b}),
    "first_multiple": Run(2, 32, _first_multiple_args, _first_multiple),
    "local_sort": _per_element(50, 16, lambda: (np.round(3 * _normal((50, 7))), 7),
                               lambda data, width: {0: np.sort(data, axis=1)}),
    "dtype_casts": _per_element(N, 128, lambda: (np.zeros(N, np.int16), np.zeros(1, np.uint8)),
                                lambda a, b: {0: (np.arange(N) * 1 + 2).astype(np.int16)}),
    "array_metadata": Run(1, 1, lambda: (np.zeros((7, 9), f32)[::2, ::3], np.zeros(6, np.bool_),
                                          np.zeros(4, np.int64)),
                          # the view's strides (the reference gets copies): 2 rows of 9
                          # float32, 3 columns
                          lambda a, flags, out: {2: np.array(
                              [2 * 9 * 4, 3 * 4, 1 + 10 + 400, a.size + 2000 + 20000])}),
    "print_values": Run(1, 8, lambda: (_normal(5), np.arange(5), np.zeros(5, f32)),
                        lambda x, n, out: {2: x}),
    "scale_4d": Run((2, 3), (8, 8), lambda: (_normal((11, 20, 3, 4), f64), np.zeros((11, 20, 3, 4))),
                    lambda a, out: {1: a * 2 + 4}, **F64),
    "iterate_sequences": Run(1, 1, lambda: (_normal(37, f64), _normal(23, f64, seed=1),
                                             np.zeros(6)), _iterate_sequences, **F64),
    "tuple_values": Run((4, 5), (8, 8), lambda: (_normal((30, 37), f64), np.zeros((30, 37))),
                        _tuple_values, **F64),
    "tuple_arguments": Run(_cover(N, 128), 128,
                           lambda: ((f32(2), (3, (0.5, f32(0.25)))),
                                    (_normal(N), _normal(N, f64, seed=1)), np.zeros((N, 3))),
                           _tuple_arguments, **F64),
    "tuple_loop_exits": Run(_cover(300, 128), 128,
                            lambda: (_normal((300, 4), f64), np.zeros((300, 2))),
                            _tuple_loop_exits, **F64),
    "checked_sqrt": _per_element(N, 128, lambda: (_normal(N, f64), np.full(N, -1.0)),
                                 lambda x, out: {1: np.where(x < 0, -1.0,
                                                             np.sqrt(np.abs(x)))}),
    "asserted_double": _per_element(N, 128, lambda: (_normal(N, f64),),
                                    lambda x: {0: x * 2}),
    "reverse_chunks": Run(2, 128, lambda: (_ints(-30000, 30000, 1002, np.int16),
                                           np.zeros(1002, np.int16)), _reverse_chunks),
    "recursion": Run(2, 64, lambda: (_normal(37, f64), np.zeros((100, 3))), _recursion),
    "lookup_tables": Run(_cover(N, 128), 128, lambda: (_normal(N), np.zeros((N, 3), f32)),
                         _lookup_tables, **F32),
    "float_parts": Run(2, 128, _float_parts_args, _float_parts),
    "complex_arith": _per_element(N, 128, _complex_arith_args, _complex_arith, **F32),
    "zero_d_arrays": _per_element(N, 128, lambda: (_normal(N, f64), np.zeros(()),
                                                   np.full((), -np.inf), np.full((), 2.5),
                                                   np.zeros((), np.int32)),
                                  lambda x, total, biggest, scale, meta: {
                                      1: np.sum(x * 2.5), 2: np.max(x * 2.5),
                                      4: np.full((), 100, np.int32)}, **F64),
    "slice_assign": Run(_cover(300, 128), 128,
                        lambda: (np.zeros((300, 10), np.int32), np.round(_normal((300, 3), f64) * 5),
                                 np.zeros((300, 4), np.bool_), 5), _slice_assign),
    "records": _per_element(N, 128, lambda: _records_args(), lambda *a: _records(*a), **F32),
    # Quarters and eighths: every partial sum is exact in float16, in any order.
    "record_scalars": _per_element(N, 128, _record_scalars_args, _record_scalars, **F32),
    "nested_records": _per_element(N, 128, _nested_records_args, _nested_records, **F32),
    # Row i from element i % 5 holds 1 to 6 values: the 4 weights outlast it, or not.
    "zip_mixed": _per_element(N, 128, lambda: (_normal((N, 6), f64), np.zeros(N), 3),
                              _zip_mixed, **F64),
    "new_axes": _per_element(N, 128, lambda: (_normal((N, 5), f64), _normal(7, f64),
                                              np.zeros((N, 5))), _new_axes, **F64),
    "more_atomics": _per_element(N, 128, _more_atomics_args, _more_atomics),
    "bit_intrinsics": _per_element(N, 128, _bit_intrinsics_args, _bit_intrinsics, **F32),
    "warp_collectives": _per_element(N, 128, lambda: (_normal(N, f64), np.zeros(N), np.zeros(N),
                                                      np.zeros((N, 6), np.int64),
                                                      np.zeros(N, np.int32)),
                                     _warp_collectives, **F64),
    # 8 blocks of 64 threads at once (the host holds 32 per SM), 16 grid syncs.
    "grid_sync_rows": Run(8, 64, lambda: (_ints(-9, 9, (17, 8 * 64)).astype(np.int64),
                                          np.zeros(8, np.int64), np.zeros(1, np.int64)),
                          _grid_sync_rows),
    # Integers summed as floats: exact in any order.
    "dynamic_shared": Run(_cover(N, 128), 128,
                          lambda: (_ints(-1000, 1000, N).astype(f64), np.zeros((N, 2))),
                          _dynamic_shared, shared_bytes=128 * 8),
    "half_atomics": _per_element(N, 128, lambda: (np.full(N, 0.25, np.float16),
                                                  np.zeros(8, np.float16)),
                                 lambda x, bins: {1: np.array([125 * 0.25 - N * 0.125] +
                                                              [125 * 0.25] * 7, np.float16)}),
    "half_precision": _per_element(N, 128, _half_precision_args, _half_precision),
    "complex_shared_reverse": Run(_cover(N, 128), 128,
                                  lambda: (_complex(N, np.complex128), np.zeros(N, np.complex128)),
                                  _complex_shared_reverse),
    "cmath_functions": _per_element(N, 128, _cmath_args, _cmath_functions, **F64),
    "ping_pong_smooth": Run(1, 128, lambda: (_normal(128), np.zeros(128, f32), 7),
                            _ping_pong_smooth, **F32),
    "iterate_rows": Run(2, 64, lambda: (_normal((3, 4), f64), np.zeros((100, 10)), -2, 9),
                        _iterate_rows, **F64),
    "array_views": Run(_cover(300, 128), 128,
                       lambda: (_normal((300, 9)), np.zeros((300, 4)), -7, 3), _array_views,
                       **F32),
    "tuple_calls": Run(_cover(N, 128), 128,
                       lambda: (np.round(_normal(N, f64) * 2, 1),
                                np.round(_normal(N, f64, seed=1) * 2, 1), np.zeros((N, 6))),
                       _tuple_calls, **F64),
    "numpy_in_kernels": _per_element(N, 128, _numpy_in_kernels_args, _numpy_in_kernels,
                                     **F64),
    "casts": _per_element(N, 128, _casts_args,
                          lambda x, out_i, out_f: {1: (x * 10.0).astype(np.int32),
                                                   2: (x.astype(np.int64) + 1).astype(f32)}),
    "bit_mix": _per_element(N, 128, lambda: (_ints(0, 2**64, N, np.uint64),
                                             np.full(N, 99, np.uint64)),
                            _bit_mix),
    # -- semantics defined where Python raises or LLVM is undefined --
    "int_edges": _per_element(N, 128, _int_edges_args, _int_edges),
    "reverse_negative_index": _per_element(N, 128, lambda: (_normal(N), np.zeros(N, f32)),
                                           lambda x, out: {1: x[::-1]}),
    "bool_bytes": _per_element(N, 128, _bool_bytes_args,
                               lambda flags, out: {1: (flags.view(np.uint8) != 0)
                                                   .astype(np.int32)}),
    "wide_thread_index": Run(1, 1024, lambda: (np.zeros(1024, np.int64), 3_000_000),
                             lambda out, scale: {0: 1024 * 3_000_000 + np.arange(1024)}),
}
if ml_dtypes is not None:
    RUNS["brain_float"] = _per_element(N, 128, _brain_float_args, _brain_float, **F32)
