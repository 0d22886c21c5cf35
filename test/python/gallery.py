"""Kernels in the style of numba-cuda's examples, with example arguments.

Each entry of ``GALLERY`` is (kernel, a function returning example arguments).
test_gallery.py compiles each to PTX and checks it with ptxas; the host and CUDA
targets will run the same kernels against numpy references.
"""

import cmath
import math
import operator

import numpy as np

import cuft

try:  # bfloat16 arrays come from ml_dtypes (requirements-dev.txt)
    import ml_dtypes
except ImportError:
    ml_dtypes = None

TPB = 128  # a module-level constant, compiled in as a literal


# -- elementwise ----------------------------------------------------------------
@cuft.kernel
def saxpy(a, x, y):
    i = cuft.grid(1)
    if i < x.shape[0]:
        y[i] = a * x[i] + y[i]


@cuft.kernel
def vector_add(a, b, out):
    i = cuft.threadIdx.x + cuft.blockIdx.x * cuft.blockDim.x
    if i < len(out):
        out[i] = a[i] + b[i]


@cuft.kernel
def grid_stride_scale(x, factor):
    start = cuft.grid(1)
    stride = cuft.gridsize(1)
    for i in range(start, x.shape[0], stride):
        x[i] *= factor


@cuft.kernel
def reverse_copy(src, dst):
    i = cuft.grid(1)
    if i == 0:
        n = src.shape[0]
        for j in range(n - 1, -1, -1):
            dst[n - 1 - j] = src[j]


@cuft.kernel
def invert_image(img):
    x, y = cuft.grid(2)
    h, w = img.shape
    if x < w and y < h:
        img[y, x] = 255 - img[y, x]


@cuft.kernel
def mask_positive(x, mask):
    i = cuft.grid(1)
    if i < x.shape[0]:
        mask[i] = x[i] > 0 and x[i] < math.inf


# -- stencils -----------------------------------------------------------------------
@cuft.kernel
def stencil_5pt(a, out):
    i, j = cuft.grid(2)
    n, m = a.shape
    if 0 < i < n - 1 and 0 < j < m - 1:
        out[i, j] = 0.25 * (a[i - 1, j] + a[i + 1, j] + a[i, j - 1] + a[i, j + 1])


@cuft.kernel
def jacobi_step(a, anew, err):
    j, i = cuft.grid(2)
    n, m = a.shape
    if j >= 1 and j < n - 1 and i >= 1 and i < m - 1:
        anew[j, i] = 0.25 * (a[j, i + 1] + a[j, i - 1] + a[j - 1, i] + a[j + 1, i])
        cuft.atomic.max(err, 0, abs(anew[j, i] - a[j, i]))


@cuft.kernel
def blur_3d(a, out):
    i, j, k = cuft.grid(3)
    if i < a.shape[0] and j < a.shape[1] and k < a.shape[2]:
        acc = 0.0
        count = 0
        for di in range(-1, 2):
            for dj in range(-1, 2):
                ii = i + di
                jj = j + dj
                if ii < 0 or jj < 0 or ii >= a.shape[0] or jj >= a.shape[1]:
                    continue
                acc += a[ii, jj, k]
                count += 1
        out[i, j, k] = acc / count


# -- reductions and scans with shared memory ------------------------------------
@cuft.kernel
def block_sum(x, out, BLOCK: cuft.constexpr):
    buf = cuft.shared.array(BLOCK, cuft.float32)
    tid = cuft.threadIdx.x
    i = cuft.grid(1)
    buf[tid] = x[i] if i < x.shape[0] else 0.0
    cuft.syncthreads()
    s = BLOCK // 2
    while s > 0:
        if tid < s:
            buf[tid] += buf[tid + s]
        cuft.syncthreads()
        s //= 2
    if tid == 0:
        out[cuft.blockIdx.x] = buf[0]


@cuft.kernel
def dot_product(a, b, result):
    cache = cuft.shared.array(TPB, cuft.float64)
    tid = cuft.threadIdx.x
    acc = 0.0
    for i in range(cuft.grid(1), a.shape[0], cuft.gridsize(1)):
        acc += a[i] * b[i]
    cache[tid] = acc
    cuft.syncthreads()
    half = TPB // 2
    while half >= 1:
        if tid < half:
            cache[tid] += cache[tid + half]
        cuft.syncthreads()
        half //= 2
    if tid == 0:
        cuft.atomic.add(result, 0, cache[0])


@cuft.kernel
def prefix_sum_block(x, out, BLOCK: cuft.constexpr):
    """Hillis-Steele inclusive scan of each block's slice."""
    temp = cuft.shared.array(BLOCK, cuft.int32)
    tid = cuft.threadIdx.x
    i = cuft.grid(1)
    temp[tid] = x[i] if i < x.shape[0] else 0
    cuft.syncthreads()
    offset = 1
    while offset < BLOCK:
        v = temp[tid - offset] if tid >= offset else 0
        cuft.syncthreads()
        temp[tid] += v
        cuft.syncthreads()
        offset *= 2
    if i < x.shape[0]:
        out[i] = temp[tid]


@cuft.kernel
def row_softmax(x, out):
    row = cuft.grid(1)
    if row < x.shape[0]:
        m = -math.inf
        for j in range(x.shape[1]):
            m = max(m, x[row, j])
        total = 0.0
        for j in range(x.shape[1]):
            e = math.exp(x[row, j] - m)
            out[row, j] = e
            total += e
        for j in range(x.shape[1]):
            out[row, j] /= total


# -- atomics -----------------------------------------------------------------------
@cuft.kernel
def histogram(data, bins, lo, hi):
    i = cuft.grid(1)
    if i < data.shape[0]:
        nbins = bins.shape[0]
        b = int((data[i] - lo) / (hi - lo) * nbins)
        b = min(max(b, 0), nbins - 1)
        cuft.atomic.add(bins, b, 1)


@cuft.kernel
def min_max(x, result):
    i = cuft.grid(1)
    if i < x.shape[0]:
        cuft.atomic.min(result, 0, x[i])
        cuft.atomic.max(result, 1, x[i])


@cuft.kernel
def cas_counter(flags, counter):
    i = cuft.grid(1)
    if i < flags.shape[0]:
        if cuft.atomic.cas(flags, i, 0, 1) == 0:
            cuft.atomic.add(counter, 0, 1)
        cuft.threadfence()


@cuft.kernel
def warp_vote(out):
    i = cuft.grid(1)
    if cuft.laneid == 0:
        cuft.atomic.add(out, 0, cuft.warpsize)
    cuft.threadfence_block()
    if i < out.shape[0] - 1:
        cuft.atomic.exch(out, i + 1, cuft.laneid)


# -- matrices ----------------------------------------------------------------------
@cuft.kernel
def matmul_naive(a, b, c):
    i, j = cuft.grid(2)
    if i < c.shape[0] and j < c.shape[1]:
        acc = 0.0
        for k in range(a.shape[1]):
            acc += a[i, k] * b[k, j]
        c[i, j] = acc


@cuft.kernel
def matmul_tiled(a, b, c, TILE: cuft.constexpr):
    sa = cuft.shared.array((TILE, TILE), cuft.float32)
    sb = cuft.shared.array((TILE, TILE), cuft.float32)
    tx = cuft.threadIdx.x
    ty = cuft.threadIdx.y
    row = cuft.blockIdx.y * TILE + ty
    col = cuft.blockIdx.x * TILE + tx
    acc = cuft.float32(0)
    for t in range((a.shape[1] + TILE - 1) // TILE):
        k = t * TILE
        sa[ty, tx] = a[row, k + tx] if row < a.shape[0] and k + tx < a.shape[1] else 0
        sb[ty, tx] = b[k + ty, col] if k + ty < b.shape[0] and col < b.shape[1] else 0
        cuft.syncthreads()
        for kk in range(TILE):
            acc += sa[ty, kk] * sb[kk, tx]
        cuft.syncthreads()
    if row < c.shape[0] and col < c.shape[1]:
        c[row, col] = acc


@cuft.kernel
def transpose_tiled(src, dst, TILE: cuft.constexpr):
    tile = cuft.shared.array((TILE, TILE + 1), cuft.float32)  # +1: no bank conflicts
    x = cuft.blockIdx.x * TILE + cuft.threadIdx.x
    y = cuft.blockIdx.y * TILE + cuft.threadIdx.y
    if y < src.shape[0] and x < src.shape[1]:
        tile[cuft.threadIdx.y, cuft.threadIdx.x] = src[y, x]
    cuft.syncthreads()
    x = cuft.blockIdx.y * TILE + cuft.threadIdx.x
    y = cuft.blockIdx.x * TILE + cuft.threadIdx.y
    if y < dst.shape[0] and x < dst.shape[1]:
        dst[y, x] = tile[cuft.threadIdx.x, cuft.threadIdx.y]


@cuft.kernel
def fortran_scale(a, s):
    i, j = cuft.grid(2)
    if i < a.shape[0] and j < a.shape[1]:
        a[i, j] = a[i, j] * s


# -- math-heavy --------------------------------------------------------------------
@cuft.kernel
def mandelbrot(image, min_x, max_x, min_y, max_y, iters):
    x, y = cuft.grid(2)
    height, width = image.shape
    if x < width and y < height:
        real = min_x + x * (max_x - min_x) / width
        imag = min_y + y * (max_y - min_y) / height
        zr = 0.0
        zi = 0.0
        count = 0
        while count < iters and zr * zr + zi * zi < 4.0:
            zr, zi = zr * zr - zi * zi + real, 2.0 * zr * zi + imag
            count += 1
        image[y, x] = count


@cuft.func
def cnd(d):
    return 0.5 * (1.0 + math.erf(d / math.sqrt(2.0)))


@cuft.kernel
def black_scholes(call, put, price, strike, t, rate, vol):
    i = cuft.grid(1)
    if i < price.shape[0]:
        s = price[i]
        k = strike[i]
        sqrt_t = math.sqrt(t[i])
        d1 = (math.log(s / k) + (rate + 0.5 * vol * vol) * t[i]) / (vol * sqrt_t)
        d2 = d1 - vol * sqrt_t
        exp_rt = math.exp(-rate * t[i])
        call[i] = s * cnd(d1) - k * exp_rt * cnd(d2)
        put[i] = k * exp_rt * (1.0 - cnd(d2)) - s * (1.0 - cnd(d1))


@cuft.kernel
def nbody_accel(pos, acc, eps):
    i = cuft.grid(1)
    n = pos.shape[0]
    if i < n:
        ax = cuft.float32(0)
        ay = cuft.float32(0)
        for j in range(n):
            dx = pos[j, 0] - pos[i, 0]
            dy = pos[j, 1] - pos[i, 1]
            r2 = dx * dx + dy * dy + eps
            inv = 1 / (r2 * math.sqrt(r2))
            ax += dx * inv
            ay += dy * inv
        acc[i, 0] = ax
        acc[i, 1] = ay


@cuft.kernel
def trig_table(out):
    i = cuft.grid(1)
    if i < out.shape[0]:
        t = 2 * math.pi * i / out.shape[0]
        out[i] = (math.sin(t) ** 2 + math.cos(t) ** 2 + math.tanh(t) - math.atan2(math.sin(t), math.cos(t))
                  + math.floor(t) - math.ceil(t) + math.fabs(-t) + math.pow(t, 0.5) + math.exp(-t))


# -- device functions and constexpr ----------------------------------------------
@cuft.func
def clamp(v, lo, hi):
    return min(max(v, lo), hi)


@cuft.func
def lerp(a, b, t):
    return a + (b - a) * clamp(t, 0.0, 1.0)


@cuft.kernel
def blend(a, b, t, out):
    i = cuft.grid(1)
    if i < out.shape[0]:
        out[i] = lerp(a[i], b[i], t[i])


@cuft.kernel
def power_unrolled(x, out, P: cuft.constexpr):
    i = cuft.grid(1)
    if i < x.shape[0]:
        acc = x[i] * 0 + 1
        for _ in range(P):
            acc *= x[i]
        out[i] = acc


@cuft.kernel
def flag_select(x, out, NEGATE: cuft.constexpr):
    i = cuft.grid(1)
    if i < x.shape[0]:
        out[i] = -x[i] if NEGATE else x[i]


# -- control flow and integers ----------------------------------------------------
@cuft.kernel
def collatz_steps(start, steps):
    i = cuft.grid(1)
    if i < start.shape[0]:
        n = start[i]
        count = 0
        while n != 1:
            if n % 2 == 0:
                n //= 2
            else:
                n = 3 * n + 1
            count += 1
            if count >= 1000:
                break
        steps[i] = count


@cuft.kernel
def popcount(x, out):
    i = cuft.grid(1)
    if i < x.shape[0]:
        v = x[i]
        c = 0
        while v:
            c += v & 1
            v >>= 1
        out[i] = c


@cuft.kernel
def python_int_semantics(a, b, q, r):
    i = cuft.grid(1)
    if i < a.shape[0]:
        q[i] = a[i] // b[i]
        r[i] = a[i] % b[i]


@cuft.kernel
def first_multiple(x, k, out):
    i = cuft.grid(1)
    if i == 0:
        out[0] = -1
        for j in range(x.shape[0]):
            if x[j] <= 0:
                continue
            if x[j] % k == 0:
                out[0] = j
                break


@cuft.kernel
def local_sort(data, WIDTH: cuft.constexpr):
    row = cuft.grid(1)
    if row < data.shape[0]:
        buf = cuft.local.array(WIDTH, cuft.float32)
        for j in range(WIDTH):
            buf[j] = data[row, j]
        for a in range(WIDTH):
            for b in range(WIDTH - 1 - a):
                if buf[b] > buf[b + 1]:
                    buf[b], buf[b + 1] = buf[b + 1], buf[b]
        for j in range(WIDTH):
            data[row, j] = buf[j]


@cuft.kernel
def casts(x, out_i, out_f):
    i = cuft.grid(1)
    if i < x.shape[0]:
        out_i[i] = cuft.int32(x[i] * 10.0)
        out_f[i] = cuft.float32(cuft.int64(x[i]) + 1)


@cuft.kernel
def bit_mix(x, out):
    i = cuft.grid(1)
    if i < x.shape[0]:
        v = x[i]
        v ^= v << 13
        v ^= v >> 7
        v ^= v << 17
        out[i] = (v | 1) & ~cuft.uint64(2)


@cuft.kernel
def int_edges(a, b, s, q, r, left, right):
    # What Python raises on and LLVM leaves undefined, defined as NumPy does:
    # x // 0 == x % 0 == 0, MIN // -1 == MIN, shifts past the width.
    i = cuft.grid(1)
    if i < a.shape[0]:
        q[i] = a[i] // b[i]
        r[i] = a[i] % b[i]
        left[i] = a[i] << s[i]
        right[i] = a[i] >> s[i]


@cuft.kernel
def reverse_negative_index(x, out):
    i = cuft.grid(1)
    if i < x.shape[0]:
        out[i] = x[-1 - i]


@cuft.kernel
def bool_bytes(flags, out):
    i = cuft.grid(1)
    if i < flags.shape[0]:
        out[i] = 1 if flags[i] else 0


@cuft.kernel
def wide_thread_index(out, scale):
    # blockDim.x * scale + threadIdx.x passes 2**31: the indices are 64-bit.
    out[cuft.threadIdx.x] = cuft.blockDim.x * scale + cuft.threadIdx.x


@cuft.kernel
def numpy_in_kernels(x, n, out, iout):
    # numba-cuda kernels' other spellings of arithmetic: numpy's scalar
    # functions and types, the operator module, round/divmod/pow, a.size.
    i = cuft.grid(1)
    if i < x.size:
        v = x[i]
        out[i, 0] = np.sin(v) + np.arctan2(v, 2.0) + np.abs(-v) + np.power(v, 2)
        out[i, 1] = np.float32(v) * np.float64(2)
        out[i, 2] = math.degrees(v) + np.deg2rad(v)
        out[i, 3] = math.remainder(v, 0.75) + math.nextafter(v, 10.0)
        out[i, 4] = operator.add(v, operator.mul(v, 3.0)) + operator.neg(v)
        out[i, 5] = (1.0 if math.isfinite(v) else 0.0) + np.floor(v) + np.trunc(-v) * 10
        q, r = divmod(n[i], 3)
        iout[i, 0] = round(v * 3.0)
        iout[i, 1] = q * 10 + r + math.floor(v) * 1000
        iout[i, 2] = round(n[i]) + pow(n[i], 2)
        iout[i, 3] = operator.lt(n[i], 2) + np.remainder(n[i], -7)


@cuft.func
def clamp_index(v, n):
    return min(max(v, 0), n - 1)


@cuft.kernel
def tuple_values(a, out):
    # Tuples held in names, indexed, measured, unpacked, nested, rebound and
    # iterated, as numba-cuda kernels write them.
    gid = cuft.grid(2)
    rows, cols = a.shape
    t = (rows, (gid[0], gid[1]))
    x, y = gid
    if x < rows and y < cols:
        total = 0.0
        for v in (a[x, y], 2.0, a[clamp_index(x + 1, rows), y]):
            total += v
        pair = (x, y)
        if x > 0:
            pair = (y, x)
        out[x, y] = total + len(gid) * 100 + t[1][0] * 1000 + pair[0] * 10000


@cuft.func
def split_number(v):
    whole = math.floor(v)
    return whole, v - whole


@cuft.func
def ordered(a, b):
    if b < a:
        return b, a
    return a, b


@cuft.func
def dot2(p, q, weights=(1.0, 1.0)):
    return p[0] * q[0] * weights[0] + p[1] * q[1] * weights[1]


@cuft.func
def rotate(t):
    a, (b, c) = t
    return (b, c), ordered(a, c)


@cuft.kernel
def tuple_calls(x, y, out):
    # Tuples passed to and returned from device functions (nested, defaults),
    # compared as Python compares them, and tested with 'in'.
    i = cuft.grid(1)
    if i < x.size:
        whole, frac = split_number(x[i])
        lo, hi = ordered(x[i], y[i])
        p = (lo, hi)
        out[i, 0] = whole + frac * 10
        out[i, 1] = dot2(p, (y[i], 2.0)) + dot2(p, p, (0.5, 0.25))
        (b, c), (m, n) = rotate((x[i], (y[i], 1.0)))
        out[i, 2] = b + 10 * c + 100 * m + 1000 * n
        out[i, 3] = ((x[i], y[i]) < (y[i], x[i])) + 2 * ((whole, 1) <= (whole, 1)) \
            + 4 * (split_number(x[i]) == (whole, frac)) + 8 * ((1, 2) != (1, 2, 3))
        out[i, 4] = (i % 5 in (1, 3)) + 2 * ((i % 4, 0) not in ((0, 0), (2, 0)))
        out[i, 5] = ((whole, frac) > (1.0, 0.5)) + 2 * ((whole,) >= (whole, frac))


@cuft.func
def weighted_at(arrays, i, weights):
    x, y = arrays
    return x[i] * weights[0] + y[i] * weights[1]


@cuft.kernel
def tuple_arguments(coeffs, arrays, out):
    # Tuples of scalars and of arrays as kernel arguments (nested, unpacked,
    # indexed, iterated, passed on to a device function).
    i = cuft.grid(1)
    scale, (shift, weights) = coeffs
    if i < out.shape[0]:
        total = 0.0
        for a in arrays:
            total += a[i]
        out[i, 0] = total * scale + shift
        out[i, 1] = weighted_at(arrays, i, weights)
        out[i, 2] = len(arrays) + len(coeffs[1][1])


@cuft.func
def view_total(v):
    s = 0.0
    for x in v:
        s += x
    return s


@cuft.kernel
def array_views(a, out, lo, step):
    # Slices as views: rows, columns, reversed, with bounds and steps known
    # when compiled or at run time, passed to a device function.
    i = cuft.grid(1)
    if i < a.shape[0]:
        row = a[i]
        out[i, 0] = view_total(row[1:])
        tail = a[i, lo::step]
        out[i, 1] = tail.size
        out[i, 2] = tail[0] if tail.size > 0 else -1.0
        out[i, 3] = a[::-1][i, -1] + a[:, 0][i] * 10


@cuft.kernel
def iterate_rows(a, out, lo, hi):
    # for over a 2-d array's rows (views), enumerate and zip of range().
    i = cuft.grid(1)
    if i < out.shape[0]:
        r = 0
        for row in a:
            t = 0.0
            for x in row:
                t += x
            out[i, r] = t
            r += 1
        for k, v in enumerate(range(hi, lo, -3)):
            out[i, 3 + k] += v * (i + 1)
        for v, w in zip(range(2, 10, 4), a[i % 3]):
            out[i, 8 + v // 4] = w * v


@cuft.kernel
def ping_pong_smooth(a, b, steps):
    # Two buffers swapped after each step (array variables assigned again and
    # again); one block, a barrier between steps.
    i = cuft.grid(1)
    src, dst = a, b
    for _ in range(steps):
        if 0 < i < src.size - 1:
            dst[i] = (src[i - 1] + src[i] + src[i + 1]) / 3
        elif i < src.size:
            dst[i] = src[i]
        cuft.syncthreads()
        src, dst = dst, src


@cuft.kernel
def float_parts(x, exps, out):
    # math.modf and math.frexp (tuples), math.ldexp, and numpy's sign,
    # minimum/maximum (NaN-propagating), fmin, ldexp and frexp on scalars.
    i = cuft.grid(1)
    if i < x.size:
        frac, whole = math.modf(x[i])
        mant, expo = math.frexp(x[i])
        out[i, 0] = frac
        out[i, 1] = whole
        out[i, 2] = mant
        out[i, 3] = expo
        out[i, 4] = math.ldexp(x[i], exps[i])
        out[i, 5] = np.sign(x[i])
        out[i, 6] = np.minimum(x[i], 1.0)
        out[i, 7] = np.maximum(x[i], 1.0)
        out[i, 8] = np.fmin(x[i], 1.0)
        out[i, 9] = np.ldexp(np.float32(x[i]), 3) + np.frexp(np.float32(x[i]))[1]


@cuft.func
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


@cuft.func
def range_sum(a, lo, hi):
    # Divide and conquer: the sum of a[lo:hi], split in halves.
    if hi - lo == 1:
        return a[lo]
    mid = (lo + hi) // 2
    return range_sum(a, lo, mid) + range_sum(a, mid, hi)


@cuft.func
def is_even(n):
    if n == 0:
        return True
    return is_odd(n - 1)


@cuft.func
def is_odd(n):
    if n == 0:
        return False
    return is_even(n - 1)


@cuft.kernel
def recursion(x, out):
    # Recursive device functions: direct (fib, range_sum) and mutual
    # (is_even, is_odd), result types inferred from their base cases.
    i = cuft.grid(1)
    if i < out.shape[0]:
        out[i, 0] = fib(i % 12)
        out[i, 1] = range_sum(x, 0, i % x.size + 1)
        out[i, 2] = is_even(i % 9)


@cuft.kernel
def reverse_chunks(x, out):
    # Scratch arrays of the arguments' dtype (dtype=x.dtype), numba style.
    i = cuft.grid(1)
    tmp = cuft.local.array(4, x.dtype)
    if (i + 1) * 4 <= x.size:
        for k in range(4):
            tmp[k] = x[i * 4 + k]
        for k in range(4):
            out[i * 4 + k] = tmp[3 - k]


@cuft.kernel
def checked_sqrt(x, out):
    # raise in a kernel: without debug=True the raising thread stops there
    # (numba-cuda's behaviour), leaving its element as it was.
    i = cuft.grid(1)
    if i < x.size:
        if x[i] < 0:
            raise ValueError("negative input")
        out[i] = math.sqrt(x[i])


@cuft.kernel
def asserted_double(x):
    # assert is compiled out, as numba-cuda compiles it out without debug=True:
    # its test is not evaluated (the second would fail to compile).
    i = cuft.grid(1)
    assert i < x.size, "in range"
    assert undefined_in_kernels  # noqa: F821
    if i < x.size:
        x[i] *= 2


@cuft.kernel
def tuple_loop_exits(x, out):
    # break and continue in loops over tuples (unrolled), the loop variable
    # keeping the item a break left it at.
    i = cuft.grid(1)
    if i < x.shape[0]:
        total = 0.0
        for v in (x[i, 0], x[i, 1], x[i, 2], x[i, 3]):
            if v < 0:
                continue
            if v > 1:
                break
            total += v
        out[i, 0] = total
        last = -1.0
        for j, v in enumerate((x[i, 0], x[i, 1], x[i, 2])):
            last = v
            if v > 0.5:
                break
        out[i, 1] = last


# Module-level arrays a kernel reads: compiled in as constant data.
WEIGHTS = np.array([[0.25, 0.5, 0.25], [-1.0, 0.0, 1.0]], dtype=np.float32)
PRIMES = np.array([2, 3, 5, 7, 11, 13, 17, 19], dtype=np.int64)
MASK = np.array([True, False, True, True, False, False, True, False])


@cuft.kernel
def lookup_tables(x, out):
    # Global numpy arrays read in a kernel (as numba freezes them), and
    # cuft.const.array_like; their shapes too.
    i = cuft.grid(1)
    n = x.size
    if i < n:
        w = cuft.const.array_like(WEIGHTS)
        left, right = x[max(i - 1, 0)], x[min(i + 1, n - 1)]
        for r in range(WEIGHTS.shape[0]):
            out[i, r] = w[r, 0] * left + w[r, 1] * x[i] + w[r, 2] * right
        k = i % PRIMES.size
        out[i, 2] = PRIMES[k] * MASK[k]


@cuft.kernel
def iterate_sequences(x, y, out):
    # for over arrays, enumerate, zip, and their nesting; a break in a zip.
    total = 0.0
    for v in x:
        total += v
    out[0] = total
    acc = 0.0
    for i, v in enumerate(y):
        acc += i * v
    out[1] = acc
    dot = 0.0
    for a, b in zip(x, y):
        dot += a * b
    out[2] = dot
    w = 0.0
    for i, (a, b) in enumerate(zip(x, y)):
        if i == 3:
            break
        w += i * (a - b)
    out[3] = w
    for k, t in enumerate((2.0, 3.0)):
        out[4 + k] = t * 10 + k


@cuft.kernel
def scale_4d(a, out):
    # Arrays of more than 3 dimensions (up to 8), C, F or strided.
    i, j = cuft.grid(2)
    if i < a.shape[0] and j < a.shape[1]:
        for k in range(a.shape[2]):
            for m in range(a.shape[3]):
                out[i, j, k, m] = a[i, j, k, m] * 2 + a.ndim


@cuft.kernel
def print_values(x, n, out):
    # print in a kernel: vprintf on the GPU, one printf per line on the host.
    i = cuft.grid(1)
    if i < x.size:
        print("thread", i, "x =", x[i], "n% =", n[i], (i, x[i] > 0), end=";\n")
        out[i] = x[i]


@cuft.kernel
def array_metadata(a, flags, out):
    # NumPy's array attributes: strides in bytes, itemsize, size, ndim.
    s0, s1 = a.strides
    out[0] = s0
    out[1] = s1
    out[2] = flags.strides[0] + flags.itemsize * 10 + a.itemsize * 100
    out[3] = a.size + len(a.strides) * 1000 + a.ndim * 10000


@cuft.kernel
def dtype_casts(a, b):
    # a.dtype.type(x) and a.dtype(x): casts to an array's element type.
    i = cuft.grid(1)
    if i < a.size:
        a[i] = a.dtype.type(i) * a.dtype.type(1.75) + b.dtype(2.9)


# -- complex numbers --------------------------------------------------------------
@cuft.func
def complex_turn(z, turns):
    # A complex argument and result through a device function.
    return z * cmath.exp(2j * math.pi * turns)


@cuft.kernel
def complex_arith(a, b, scale, shift, out, flags):
    # complex64 arrays and scalars (a numpy complex64 and a Python complex),
    # the literal 1j meeting float32 (complex64), conjugates, parts, moduli,
    # integer powers, division, and the truth and equality of complex values.
    i = cuft.grid(1)
    if i < a.size:
        z, w = a[i], b[i]
        out[i, 0] = z * w + scale * z.conjugate()
        out[i, 1] = z / w - shift
        out[i, 2] = complex(abs(z), z.imag) + z.real * 1j
        out[i, 3] = z ** 3 + w ** -2
        out[i, 4] = complex_turn(z, 0.25)
        acc = cuft.local.array(2, cuft.complex64)
        acc[0] = z
        acc[1] = np.conj(w) + np.real(z)
        out[i, 5] = acc[0] * acc[1]
        flags[i, 0] = z == w
        flags[i, 1] = z != z.conjugate()
        flags[i, 2] = bool(z - z)
        flags[i, 3] = cmath.isnan(z / w.real)


@cuft.kernel
def cmath_functions(z, out, polar):
    # Every cmath function cuft computes, on complex128 (numpy's spellings
    # for a few), and cmath of a float argument.
    i = cuft.grid(1)
    if i < z.size:
        v = z[i]
        out[i, 0] = cmath.sqrt(v) + cmath.exp(v)
        out[i, 1] = cmath.log(v) + cmath.log10(v) + cmath.log(v, 2.0)
        out[i, 2] = cmath.sin(v) + cmath.cos(v) + cmath.tan(v)
        out[i, 3] = cmath.asin(v) + cmath.acos(v) + cmath.atan(v)
        out[i, 4] = cmath.sinh(v) + cmath.cosh(v) + cmath.tanh(v)
        out[i, 5] = cmath.asinh(v) + cmath.acosh(v) + cmath.atanh(v)
        out[i, 6] = np.sqrt(v) * np.exp(v) / np.arctan(v)
        out[i, 7] = cmath.sqrt(v.real - 0.5) + cmath.rect(1.5, v.imag)
        r, phi = cmath.polar(v)
        polar[i, 0] = r
        polar[i, 1] = phi
        polar[i, 2] = cmath.phase(v) + np.angle(v)
        polar[i, 3] = cmath.isinf(v * 1e308) + 2 * cmath.isfinite(v)


# -- float16 ----------------------------------------------------------------------
@cuft.kernel
def half_precision(x, y, k8, k16, scale, out, wide, flags):
    # float16 arrays and a float16 scalar: arithmetic rounded to half each
    # operation (native f16 instructions on the GPU), math functions computed in
    # float32 and rounded, cuft.fp16's functions (hfma rounds once), NumPy's
    # promotion (int8 keeps float16, int16 makes float32), a float16 shared array.
    t = cuft.threadIdx.x
    i = cuft.grid(1)
    s = cuft.shared.array(128, cuft.float16)
    s[t] = x[i] if i < x.size else 0
    cuft.syncthreads()
    if i < x.size:
        a, b = s[t], y[i]
        out[i, 0] = a * b + scale
        out[i, 1] = a / b - a // b + a % b
        out[i, 2] = math.sqrt(abs(a)) + math.exp(b) - math.sin(a)
        out[i, 3] = cuft.fp16.hfma(a, b, scale)
        out[i, 4] = cuft.fp16.hmax(a, b) + cuft.fp16.hrcp(b) + cuft.fp16.hfloor(a)
        out[i, 5] = a + k8[i]
        wide[i] = a + k16[i]  # float32
        flags[i] = cuft.fp16.hlt(a, b) + 2 * (a == b) + 4 * math.isfinite(a / b)


@cuft.kernel
def brain_float(x, y, k8, scale, out, wide):
    # bfloat16 (ml_dtypes' numpy arrays): each operation computed in float32
    # and rounded once, conversions through float32 (as ml_dtypes converts),
    # int8 keeps bfloat16, float16 with bfloat16 gives float32.
    i = cuft.grid(1)
    if i < x.size:
        a, b = x[i], y[i]
        out[i, 0] = a * b + scale
        out[i, 1] = a / b - a // b + a % b
        out[i, 2] = math.sqrt(abs(a)) + math.exp(b) - max(a, b)
        out[i, 3] = -a + k8[i] + cuft.bfloat16(i * 0.1)
        wide[i] = a + cuft.float16(0.5) + (a < b)


@cuft.kernel
def zero_d_arrays(x, total, biggest, scale, meta):
    # 0-d arrays (numpy's np.zeros(())): a[()] reads and writes the element,
    # atomics take () as their index; size 1, ndim 0, shape ().
    i = cuft.grid(1)
    if i < x.size:
        v = x[i] * scale[()]
        cuft.atomic.add(total, (), v)
        cuft.atomic.max(biggest, (), v)
    if i == 0:
        meta[()] = scale.size * 100 + scale.ndim * 10 + len(scale.shape)


@cuft.kernel
def slice_assign(rows, src, flags, n):
    # Assignment to slices: a scalar to every element of the view, or an
    # array of the view's shape (elements converted: float to int, to bool),
    # broadcast as NumPy broadcasts.
    r = cuft.grid(1)
    if r < rows.shape[0]:
        row = rows[r]
        row[:] = -1
        row[1:n] = r
        row[::-4] = src[r, :3]
        rows[r, n:n + 2] = src[r, 1:3]
        flags[r, ::2] = src[r, :2]
        flags[r, 1::2] = False
        rows[r, 7:] = src[r, 2:]  # one element, broadcast along the slice


PARTICLE = np.dtype([("pos", np.float32, (3,)), ("mass", np.float64), ("id", np.int32),
                     ("alive", np.bool_), ("q", np.complex64)], align=True)
PACKED = np.dtype([("tag", np.int8), ("value", np.float64), ("count", np.uint16)])


@cuft.kernel
def records(particles, packed, out):
    # Arrays of records (numpy structured dtypes), aligned and packed: fields
    # read and written as p.x and p['x'], subarray fields by element; a
    # record from a[i] refers to the element (writes reach the array).
    i = cuft.grid(1)
    if i < particles.size:
        p = particles[i]
        r = p.pos[0] * p.pos[0] + p.pos[1] * p.pos[1] + p.pos[-1] * p.pos[-1]
        out[i] = r * p.mass + p['id'] + abs(p.q) + packed[i].value * packed[i]['count']
        p.pos[2] = -p.pos[2]
        p.mass += 1
        p.alive = p.id % 2 == 0
        p.q = p.q.conjugate()
        packed[i].tag = packed[i].tag * 2
        packed[i]['value'] = r


@cuft.func
def particle_energy(p):
    return p.mass * (p.pos[0] * p.pos[0] + p.pos[1] * p.pos[1] + p.pos[2] * p.pos[2])


@cuft.kernel
def record_scalars(x, center, settings, out):
    # Record scalars (a[i] of a structured array: numpy.void) are passed by
    # value, aligned or packed: every thread reads the copy, fields and
    # subarray fields, and passes it to a device function.
    i = cuft.grid(1)
    if i < x.size:
        v = x[i] * settings.value + settings['tag'] + particle_energy(center)
        if center.alive:
            v += center.q.imag
        out[i] = v + center.pos[-1] * settings.count + center.id


VEC2 = np.dtype([("x", np.float32), ("y", np.float32)])
BODY = np.dtype([("pos", VEC2), ("vel", VEC2), ("mass", np.float64), ("tag", np.int16)],
                align=True)


@cuft.kernel
def nested_records(bodies, positions, copies, origin, dt):
    # Nested records: b.pos.x reads and writes through both levels (b.pos is
    # the nested record itself); assigning a record to an array element or to
    # a record field copies the whole item.
    i = cuft.grid(1)
    if i < bodies.size:
        b = bodies[i]
        b.pos.x += b.vel.x * dt
        b.pos['y'] += b.vel.y * dt * b.mass
        positions[i] = b.pos
        if b.tag < 0:
            b.vel = origin.vel
        copies[i] = b


@cuft.kernel
def zip_mixed(x, out, step):
    # zip of a tuple with an array (unrolled over the tuple, stopping at the
    # array's end as zip does), and range() with a step known at run time
    # inside enumerate.
    i = cuft.grid(1)
    if i < out.size:
        row = x[i]
        acc = 0.0
        for w, v in zip((0.5, -1.0, 2.0, 0.25), row[i % 5:]):
            acc += w * v
        for k, j in enumerate(range(i % 3, row.size, step)):
            acc += (k + 1) * row[j]
        out[i] = acc


@cuft.kernel
def new_axes(m, v, out):
    # None (np.newaxis) and ... in an index, read as NumPy reads them: a new
    # dimension of extent 1, and the dimensions the other items leave whole.
    i = cuft.grid(1)
    if i < m.shape[0]:
        row = m[i, ...]
        col = v[:, np.newaxis]
        t = m[None, i, 1:]
        out[i, ...] = row[::-1]
        out[i, ..., 0] = col[i % v.size, 0] + t[0, 0] + t.shape[1] * t.shape[0] + m[..., 1][i]


@cuft.kernel
def more_atomics(x, keys, bits, counters, extremes):
    # and_/or_/xor, CUDA's wrap-around inc and dec, nanmin/nanmax (a NaN is
    # ignored), with 1-d and tuple indices: results any thread order gives.
    i = cuft.grid(1)
    if i < x.size:
        k = keys[i]
        cuft.atomic.or_(bits, 0, np.int64(1) << (i % 64))
        cuft.atomic.and_(bits, 1, ~(np.int64(1) << (k % 64)))
        cuft.atomic.xor(bits, 2, k)
        cuft.atomic.inc(counters, (0, 0), np.uint32(6))
        cuft.atomic.dec(counters, (0, 1), np.uint32(9))
        cuft.atomic.nanmax(extremes, 0, x[i])
        cuft.atomic.nanmin(extremes, 1, x[i])


@cuft.kernel
def bit_intrinsics(u32, i64, u8, x, bits, floats):
    # numba-cuda's popc, clz, brev and ffs on 8-, 32- and 64-bit integers, and
    # fma (one rounding), cbrt and selp on floats.
    i = cuft.grid(1)
    if i < x.size:
        a, b, c = u32[i], i64[i], u8[i]
        bits[i, 0] = cuft.popc(a)
        bits[i, 1] = cuft.clz(a)
        bits[i, 2] = cuft.brev(a)
        bits[i, 3] = cuft.ffs(a)
        bits[i, 4] = cuft.popc(b)
        bits[i, 5] = cuft.clz(b)
        bits[i, 6] = cuft.ffs(b)
        bits[i, 7] = cuft.clz(c) + cuft.int64(cuft.popc(c)) * 100  # uint8 would wrap
        bits[i, 8] = cuft.brev(c)
        floats[i, 0] = cuft.fma(x[i], x[i], np.float32(-1))
        floats[i, 1] = cuft.cbrt(x[i])
        floats[i, 2] = cuft.selp(x[i] > 0, x[i], -2 * x[i])


@cuft.kernel
def warp_collectives(x, sums, scans, votes, block_counts):
    # Warp shuffles and votes the way kernels use them: a butterfly all-reduce
    # (shfl_xor, float64: two 32-bit shuffles on the GPU), an inclusive scan
    # (shfl_up), a broadcast (shfl_sync), ballot/all/any/eq, match_any/all,
    # lanemask_lt, and syncthreads_count. Every thread takes part: the warps
    # are full.
    i = cuft.grid(1)
    lane = cuft.laneid
    v = x[i] if i < x.size else 0.0
    s = v
    m = 16
    while m > 0:
        s += cuft.shfl_xor_sync(0xFFFFFFFF, s, m)
        m //= 2
    t = v
    d = 1
    while d < 32:
        u = cuft.shfl_up_sync(0xFFFFFFFF, t, d)
        if lane >= d:
            t += u
        d *= 2
    first = cuft.shfl_sync(0xFFFFFFFF, i, 0)
    down = cuft.shfl_down_sync(0xFFFFFFFF, np.float32(v), 1)
    positive = cuft.ballot_sync(0xFFFFFFFF, v > 0)
    every = cuft.all_sync(0xFFFFFFFF, v > -2)
    some = cuft.any_sync(0xFFFFFFFF, v > 2)
    same = cuft.eq_sync(0xFFFFFFFF, lane < 40)
    below = cuft.popc(positive & cuft.lanemask_lt())
    count = cuft.syncthreads_count(v > 0)
    same_sign = cuft.match_any_sync(0xFFFFFFFF, cuft.int32(v > 0))
    all_mask, all_same = cuft.match_all_sync(0xFFFFFFFF, lane // 64)
    if i < x.size:
        sums[i] = s
        scans[i] = t + down
        votes[i, 0] = positive
        votes[i, 1] = every * 1 + some * 2 + same * 4
        votes[i, 2] = below
        votes[i, 3] = first
        votes[i, 4] = cuft.uint32(same_sign)
        votes[i, 5] = all_mask * 2 + all_same
        block_counts[i] = count


@cuft.kernel
def dynamic_shared(x, out):
    # Dynamic shared memory (cuft.shared.array(0, dtype), sized by the
    # launch's shared_bytes): every such array starts at the same address, so
    # float64 values and their int64 bits are two views of one buffer; a
    # static array sits beside it.
    vals = cuft.shared.array(0, cuft.float64)
    bits = cuft.shared.array(0, cuft.int64)
    total = cuft.shared.array(1, cuft.float64)
    t = cuft.threadIdx.x
    i = cuft.grid(1)
    vals[t] = x[i] if i < x.size else 0.0
    if t == 0:
        total[0] = 0.0
    cuft.syncthreads()
    cuft.atomic.add(total, 0, vals[t])
    cuft.syncthreads()
    if i < x.size:
        out[i, 0] = vals[vals.size - 1 - t] + total[0]
        out[i, 1] = bits[t] == 0


@cuft.kernel
def half_atomics(x, bins):
    # Atomic add and sub on float16 (CUDA's atomicAdd(__half); native on sm_70+).
    i = cuft.grid(1)
    if i < x.size:
        cuft.atomic.add(bins, i % bins.size, x[i])
        cuft.atomic.sub(bins, 0, cuft.float16(0.125))


@cuft.kernel
def grid_sync_rows(M, partial, total):
    # Grid-wide sync (cuft.cg, launched cooperatively): rows written one after
    # another by the whole grid, each from the previous row as the opposite
    # thread (in another block) wrote it; then a two-phase sum of the last row.
    col = cuft.grid(1)
    g = cuft.cg.this_grid()
    for row in range(1, M.shape[0]):
        M[row, col] = M[row - 1, M.shape[1] - col - 1] * 2 + col % 3
        g.sync()
    s = cuft.shared.array(64, cuft.int64)
    s[cuft.threadIdx.x] = M[M.shape[0] - 1, col]
    cuft.syncthreads()
    if cuft.threadIdx.x == 0:
        acc = 0
        for k in range(cuft.blockDim.x):
            acc += s[k]
        partial[cuft.blockIdx.x] = acc
    g.sync()
    if col == 0:
        acc = 0
        for b in range(cuft.gridDim.x):
            acc += partial[b]
        total[0] = acc


ROOTS_OF_UNITY = np.exp(2j * np.pi * np.arange(4) / 4).astype(np.complex64)


@cuft.kernel
def complex_shared_reverse(x, out):
    # A complex128 shared array, a complex64 global table (constant data).
    t = cuft.threadIdx.x
    i = cuft.grid(1)
    s = cuft.shared.array(128, cuft.complex128)
    s[t] = x[i] * ROOTS_OF_UNITY[i % 4] if i < x.size else 0
    cuft.syncthreads()
    j = cuft.blockIdx.x * cuft.blockDim.x + 127 - t
    if j < x.size:
        out[j] = s[t]


def _f32(*shape):
    return np.ones(shape, np.float32)


def _f64(*shape):
    return np.ones(shape, np.float64)


GALLERY = {
    "grid_sync_rows": (grid_sync_rows, lambda: (np.ones((5, 64), np.int64), np.zeros(1, np.int64),
                                                np.zeros(1, np.int64))),
    "saxpy": (saxpy, lambda: (np.float32(2), _f32(64), _f32(64))),
    "vector_add": (vector_add, lambda: (np.arange(8, dtype=np.int32), np.arange(8, dtype=np.int32),
                                        np.zeros(8, np.int32))),
    "grid_stride_scale": (grid_stride_scale, lambda: (_f64(100), 3.0)),
    "reverse_copy": (reverse_copy, lambda: (_f32(10), _f32(10))),
    "invert_image": (invert_image, lambda: (np.zeros((4, 5), np.uint8),)),
    "mask_positive": (mask_positive, lambda: (_f32(8), np.zeros(8, np.bool_))),
    "stencil_5pt": (stencil_5pt, lambda: (_f32(16, 16), _f32(16, 16))),
    "jacobi_step": (jacobi_step, lambda: (_f64(16, 16), _f64(16, 16), _f64(1))),
    "blur_3d": (blur_3d, lambda: (_f32(4, 4, 4), _f32(4, 4, 4))),
    "block_sum": (block_sum, lambda: (_f32(1000), _f32(8), 128)),
    "dot_product": (dot_product, lambda: (_f64(1000), _f64(1000), _f64(1))),
    "prefix_sum_block": (prefix_sum_block, lambda: (np.ones(256, np.int32),
                                                    np.zeros(256, np.int32), 64)),
    "row_softmax": (row_softmax, lambda: (_f32(8, 10), _f32(8, 10))),
    "histogram": (histogram, lambda: (_f32(100), np.zeros(10, np.int32), 0.0, 1.0)),
    "min_max": (min_max, lambda: (np.arange(10, dtype=np.int32), np.zeros(2, np.int32))),
    "cas_counter": (cas_counter, lambda: (np.zeros(10, np.int32), np.zeros(1, np.int32))),
    "warp_vote": (warp_vote, lambda: (np.zeros(64, np.int32),)),
    "matmul_naive": (matmul_naive, lambda: (_f64(8, 4), _f64(4, 6), _f64(8, 6))),
    "matmul_tiled": (matmul_tiled, lambda: (_f32(32, 32), _f32(32, 32), _f32(32, 32), 16)),
    "transpose_tiled": (transpose_tiled, lambda: (_f32(32, 48), _f32(48, 32), 32)),
    "fortran_scale": (fortran_scale, lambda: (np.asfortranarray(_f64(6, 7)), 2.0)),
    "strided_scale": (fortran_scale, lambda: (_f64(12, 14)[::2, ::2], 2.0)),
    "mandelbrot": (mandelbrot, lambda: (np.zeros((20, 30), np.uint8), -2.0, 1.0, -1.0, 1.0, 20)),
    "black_scholes": (black_scholes, lambda: (_f64(64), _f64(64), _f64(64), _f64(64), _f64(64),
                                              0.02, 0.3)),
    "nbody_accel": (nbody_accel, lambda: (_f32(32, 2), _f32(32, 2), np.float32(1e-3))),
    "trig_table": (trig_table, lambda: (_f64(64),)),
    "blend": (blend, lambda: (_f32(16), _f32(16), _f32(16), _f32(16))),
    "power_unrolled": (power_unrolled, lambda: (_f64(16), _f64(16), 5)),
    "flag_select": (flag_select, lambda: (_f32(16), _f32(16), True)),
    "collatz_steps": (collatz_steps, lambda: (np.arange(1, 33, dtype=np.int64),
                                              np.zeros(32, np.int64))),
    "dtype_casts": (dtype_casts, lambda: (np.zeros(4, np.int16), np.zeros(1, np.uint8))),
    "array_metadata": (array_metadata, lambda: (_f32(3, 5)[:, ::2], np.zeros(4, np.bool_),
                                                np.zeros(4, np.int64))),
    "print_values": (print_values, lambda: (_f32(4), np.arange(4), _f32(4))),
    "scale_4d": (scale_4d, lambda: (_f64(3, 4, 5, 6), _f64(3, 4, 5, 6))),
    "iterate_sequences": (iterate_sequences, lambda: (_f64(5), _f64(7), _f64(6))),
    "tuple_values": (tuple_values, lambda: (_f64(6, 5), _f64(6, 5))),
    "tuple_arguments": (tuple_arguments,
                        lambda: ((np.float32(2), (3, (0.5, np.float32(0.25)))), (_f32(8), _f64(8)),
                                 _f64(8, 3))),
    "tuple_loop_exits": (tuple_loop_exits, lambda: (_f64(8, 4), _f64(8, 2))),
    "checked_sqrt": (checked_sqrt, lambda: (_f64(8), _f64(8))),
    "asserted_double": (asserted_double, lambda: (_f64(8),)),
    "reverse_chunks": (reverse_chunks, lambda: (np.arange(16, dtype=np.int16),
                                                np.zeros(16, np.int16))),
    "recursion": (recursion, lambda: (_f64(16), _f64(16, 3))),
    "lookup_tables": (lookup_tables, lambda: (_f32(16), _f32(16, 3))),
    "float_parts": (float_parts, lambda: (_f64(8), np.zeros(8, np.int64), _f64(8, 10))),
    "complex_arith": (complex_arith, lambda: (np.ones(4, np.complex64), np.ones(4, np.complex64),
                                              np.complex64(2 + 1j), 0.5 - 0.25j,
                                              np.zeros((4, 6), np.complex64),
                                              np.zeros((4, 4), np.bool_))),
    "half_precision": (half_precision, lambda: (np.ones(256, np.float16), np.ones(256, np.float16),
                                                np.ones(256, np.int8), np.ones(256, np.int16),
                                                np.float16(0.5), np.zeros((256, 6), np.float16),
                                                np.zeros(256, np.float32), np.zeros(256, np.int32))),
    **({} if ml_dtypes is None else {"brain_float": (brain_float, lambda: (
        np.ones(256, ml_dtypes.bfloat16), np.ones(256, ml_dtypes.bfloat16), np.ones(256, np.int8),
        ml_dtypes.bfloat16(0.5), np.zeros((256, 4), ml_dtypes.bfloat16), np.zeros(256, np.float32)))}),
    "zero_d_arrays": (zero_d_arrays, lambda: (_f64(64), np.zeros(()), np.zeros(()),
                                              np.ones(()), np.zeros((), np.int32))),
    "slice_assign": (slice_assign, lambda: (np.zeros((4, 10), np.int32), _f64(4, 3),
                                            np.zeros((4, 4), np.bool_), 5)),
    "records": (records, lambda: (np.zeros(8, PARTICLE), np.zeros(8, PACKED), _f64(8))),
    "record_scalars": (record_scalars, lambda: (_f64(8), np.zeros(1, PARTICLE)[0],
                                                np.zeros(1, PACKED)[0], _f64(8))),
    "nested_records": (nested_records, lambda: (np.zeros(8, BODY), np.zeros(8, VEC2),
                                                np.zeros(8, BODY), np.zeros(1, BODY)[0], 0.5)),
    "zip_mixed": (zip_mixed, lambda: (_f64(8, 6), _f64(8), 2)),
    "new_axes": (new_axes, lambda: (_f64(8, 5), _f64(3), _f64(8, 5))),
    "more_atomics": (more_atomics, lambda: (_f32(64), np.arange(64), np.zeros(3, np.int64),
                                            np.zeros((1, 2), np.uint32), np.zeros(2, np.float32))),
    "bit_intrinsics": (bit_intrinsics, lambda: (np.ones(8, np.uint32), np.ones(8, np.int64),
                                                np.ones(8, np.uint8), _f32(8),
                                                np.zeros((8, 9), np.int64),
                                                np.zeros((8, 3), np.float32))),
    "warp_collectives": (warp_collectives, lambda: (_f64(64), _f64(64), _f64(64),
                                                    np.zeros((64, 6), np.int64),
                                                    np.zeros(64, np.int32))),
    "dynamic_shared": (dynamic_shared, lambda: (_f64(64), np.zeros((64, 2)))),
    "half_atomics": (half_atomics, lambda: (np.ones(64, np.float16), np.zeros(4, np.float16))),
    "complex_shared_reverse": (complex_shared_reverse,
                               lambda: (np.ones(256, np.complex128), np.zeros(256, np.complex128))),
    "cmath_functions": (cmath_functions, lambda: (np.ones(4, np.complex128),
                                                  np.zeros((4, 8), np.complex128),
                                                  np.zeros((4, 4)))),
    "ping_pong_smooth": (ping_pong_smooth, lambda: (_f32(64), _f32(64), 5)),
    "iterate_rows": (iterate_rows, lambda: (_f64(3, 4), _f64(8, 10), -2, 9)),
    "array_views": (array_views, lambda: (_f32(8, 6), _f64(8, 4), 1, 2)),
    "tuple_calls": (tuple_calls, lambda: (_f64(8), _f64(8), _f64(8, 6))),
    "numpy_in_kernels": (numpy_in_kernels, lambda: (_f64(16), np.arange(16), _f64(16, 6),
                                                    np.zeros((16, 4), np.int64))),
    "popcount": (popcount, lambda: (np.arange(32, dtype=np.uint32), np.zeros(32, np.uint32))),
    "python_int_semantics": (python_int_semantics, lambda: (np.arange(-8, 8, dtype=np.int32),
                                                            np.full(16, -3, np.int32),
                                                            np.zeros(16, np.int32),
                                                            np.zeros(16, np.int32))),
    "first_multiple": (first_multiple, lambda: (np.arange(20, dtype=np.int64), 7,
                                                np.zeros(1, np.int64))),
    "local_sort": (local_sort, lambda: (_f32(8, 6), 6)),
    "casts": (casts, lambda: (_f64(8), np.zeros(8, np.int32), np.zeros(8, np.float32))),
    "bit_mix": (bit_mix, lambda: (np.arange(16, dtype=np.uint64), np.zeros(16, np.uint64))),
    "int_edges": (int_edges, lambda: tuple(np.zeros(8, np.int64) for _ in range(7))),
    "reverse_negative_index": (reverse_negative_index, lambda: (_f32(16), _f32(16))),
    "bool_bytes": (bool_bytes, lambda: (np.frombuffer(bytes(8), np.bool_), np.zeros(8, np.int32))),
    "wide_thread_index": (wide_thread_index, lambda: (np.zeros(4, np.int64), 3_000_000)),
}
