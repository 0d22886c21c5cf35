"""cuft.random: numba-cuda's xoroshiro128+ generators, bit for bit.

The states are an array of records ``(s0, s1)`` (``xoroshiro128p_dtype``), one
generator per thread. ``create_xoroshiro128p_states(n, seed)`` seeds them as
numba-cuda does: SplitMix64 of the seed for the first, each next one 2**64
draws further (a jump). The draws are device functions (``@cuft.func``), so a
kernel calls them as numba's::

    from cuft.random import create_xoroshiro128p_states, xoroshiro128p_uniform_float32

    @cuft.kernel
    def fill(states, out):
        i = cuft.grid(1)
        if i < out.size:
            out[i] = xoroshiro128p_uniform_float32(states, i)

    states = create_xoroshiro128p_states(n, seed=1)

The same seed gives the same states and uniform draws as numba-cuda, on both
targets; the normal draws apply the same Box-Muller formula (numba's: both
uniforms float32, for the float64 variant too), with each target's
``log``/``cos``/``sqrt``.

The jumps are done with numpy: a jump is a linear map of the 128 state bits
(over GF(2)), so the states are made by doubling (state ``i + 2**k`` is
``J**(2**k)`` of state ``i``), in log2(n) vectorized steps rather than numba's
n * 128 draws.
"""

import math

import numpy as np

from . import dsl, func
from .target import target

__all__ = [
    "xoroshiro128p_dtype", "create_xoroshiro128p_states", "init_xoroshiro128p_states",
    "init_xoroshiro128p_states_cpu", "xoroshiro128p_next", "xoroshiro128p_jump",
    "xoroshiro128p_uniform_float32", "xoroshiro128p_uniform_float64",
    "xoroshiro128p_normal_float32", "xoroshiro128p_normal_float64",
]

xoroshiro128p_dtype = np.dtype([("s0", np.uint64), ("s1", np.uint64)], align=True)

_MASK = (1 << 64) - 1
_JUMP = (0xBEAC0467EBA5FACB, 0xD86B048B86AA9922)
_JUMP_WORDS = tuple(np.uint64(w) for w in _JUMP)  # for the device jump


# -- host: seeding ---------------------------------------------------------------

def _splitmix64(seed):
    z = (seed + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def _next(s0, s1):
    """One draw of Python-int state (s0, s1): the new state."""
    s1 ^= s0
    rotl55 = ((s0 << 55) | (s0 >> 9)) & _MASK
    return rotl55 ^ s1 ^ ((s1 << 14) & _MASK), ((s1 << 36) | (s1 >> 28)) & _MASK


def _jump(s0, s1):
    """xoroshiro128+'s jump: 2**64 draws ahead."""
    j0 = j1 = 0
    for word in _JUMP:
        for b in range(64):
            if word >> b & 1:
                j0 ^= s0
                j1 ^= s1
            s0, s1 = _next(s0, s1)
    return j0, j1


def _columns(apply):
    """The 128 images of the unit states under linear map ``apply``: uint64
    arrays (s0, s1), bit b of the state being bit b of s0 for b < 64, else
    bit b - 64 of s1."""
    out0, out1 = np.zeros(128, np.uint64), np.zeros(128, np.uint64)
    for b in range(128):
        s0, s1 = (1 << b, 0) if b < 64 else (0, 1 << (b - 64))
        out0[b], out1[b] = apply(s0, s1)
    return out0, out1


def _apply(columns, s0, s1):
    """Linear map ``columns`` applied to states (uint64 arrays s0, s1): the
    XOR of the columns of the set bits, a byte at a time (a table of the 256
    XORs of each byte's 8 columns)."""
    c0, c1 = columns
    r0, r1 = np.zeros_like(s0), np.zeros_like(s1)
    for byte in range(16):
        t0, t1 = np.zeros(256, np.uint64), np.zeros(256, np.uint64)
        for v in range(1, 256):  # v's columns: those of v without its lowest bit, and it
            low = (v & -v).bit_length() - 1
            t0[v] = t0[v & (v - 1)] ^ c0[8 * byte + low]
            t1[v] = t1[v & (v - 1)] ^ c1[8 * byte + low]
        word = s0 if byte < 8 else s1
        index = ((word >> np.uint64(8 * (byte % 8))) & np.uint64(0xFF)).astype(np.intp)
        r0 ^= t0[index]
        r1 ^= t1[index]
    return r0, r1


def _square(columns):
    """The map applied twice: its columns, each mapped again."""
    return _apply(columns, *columns)


def init_xoroshiro128p_states_cpu(states, seed, subsequence_start=0):
    """Seeds numpy array ``states`` (of xoroshiro128p_dtype) as numba-cuda's
    function of that name does, in place."""
    n = states.shape[0]
    if n == 0:
        return
    s0 = s1 = _splitmix64(int(seed) & _MASK)
    for _ in range(int(subsequence_start)):
        s0, s1 = _jump(s0, s1)
    out0, out1 = np.empty(n, np.uint64), np.empty(n, np.uint64)
    out0[0], out1[0] = s0, s1
    step = _columns(_jump)  # J ** (2 ** k), squared as the states double
    done = 1
    while done < n:
        take = min(done, n - done)
        out0[done:done + take], out1[done:done + take] = _apply(step, out0[:take], out1[:take])
        done += take
        if done < n:
            step = _square(step)
    states["s0"], states["s1"] = out0, out1


def init_xoroshiro128p_states(states, seed, subsequence_start=0, stream=0):
    """Seeds ``states`` (a numpy array, or a device array on the cuda target)."""
    host = np.empty(states.shape, xoroshiro128p_dtype)
    init_xoroshiro128p_states_cpu(host, seed, subsequence_start)
    if isinstance(states, np.ndarray):
        states[...] = host
    else:
        states.copy_to_device(host, stream=stream) if stream else states.copy_to_device(host)


def create_xoroshiro128p_states(n, seed, subsequence_start=0, stream=0):
    """``n`` generators seeded from ``seed``: a numpy array on the host target,
    a ``cuft.DeviceArray`` on the cuda target."""
    host = np.empty(n, xoroshiro128p_dtype)
    init_xoroshiro128p_states_cpu(host, seed, subsequence_start)
    if target() == "host":
        return host
    from .cuda import to_device
    return to_device(host, stream=stream) if stream else to_device(host)


# -- device functions -------------------------------------------------------------

@func
def xoroshiro128p_next(states, index):
    """The next uint64 of generator ``states[index]``, which advances."""
    s0 = states[index].s0
    s1 = states[index].s1
    result = s0 + s1
    s1 ^= s0
    states[index].s0 = ((s0 << dsl.uint64(55)) | (s0 >> dsl.uint64(9))) ^ s1 ^ (s1 << dsl.uint64(14))
    states[index].s1 = (s1 << dsl.uint64(36)) | (s1 >> dsl.uint64(28))
    return result


@func
def xoroshiro128p_jump(states, index):
    """Advances ``states[index]`` by 2**64 draws."""
    s0 = dsl.uint64(0)
    s1 = dsl.uint64(0)
    for word in _JUMP_WORDS:
        for b in range(64):
            if (word >> dsl.uint64(b)) & dsl.uint64(1):
                s0 ^= states[index].s0
                s1 ^= states[index].s1
            xoroshiro128p_next(states, index)
    states[index].s0 = s0
    states[index].s1 = s1


@func
def _unit_float64(x):
    return dsl.float64(x >> dsl.uint64(11)) * (1.0 / 9007199254740992.0)  # / 2**53


@func
def xoroshiro128p_uniform_float64(states, index):
    """A float64 in [0, 1) from ``states[index]``, which advances."""
    return _unit_float64(xoroshiro128p_next(states, index))


@func
def xoroshiro128p_uniform_float32(states, index):
    """A float32 in [0, 1) from ``states[index]`` (the float64 draw, rounded)."""
    return dsl.float32(_unit_float64(xoroshiro128p_next(states, index)))


_TWO_PI_FLOAT32 = np.float32(2 * math.pi)
_TWO_PI_FLOAT64 = np.float64(2 * math.pi)


@func
def xoroshiro128p_normal_float32(states, index):
    """A standard normal float32 (Box-Muller of two uniform draws)."""
    u1 = xoroshiro128p_uniform_float32(states, index)
    u2 = xoroshiro128p_uniform_float32(states, index)
    return math.sqrt(dsl.float32(-2.0) * math.log(u1)) * math.cos(_TWO_PI_FLOAT32 * u2)


@func
def xoroshiro128p_normal_float64(states, index):
    """A standard normal float64, from two float32 uniform draws as numba's."""
    u1 = xoroshiro128p_uniform_float32(states, index)
    u2 = xoroshiro128p_uniform_float32(states, index)
    # numba's: log of the float32 draw in float32, the rest in float64.
    return math.sqrt(dsl.float64(-2.0) * math.log(u1)) * math.cos(_TWO_PI_FLOAT64 * u2)
