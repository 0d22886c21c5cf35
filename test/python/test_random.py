"""cuft.random against numba-cuda's xoroshiro128+: the states its own CPU
seeding (init_xoroshiro128p_states_cpu) makes and the draws its functions
give, for seed 7 and subsequence 1, were computed with numba-cuda 0.30.4's
numba.cuda.random on the CPU (tools/numba_random_reference.py prints them);
the uniform draws and the states must be the same bits, the normal draws
the same up to the math library's last bits. A plain-Python reference of
the algorithm checks longer streams."""

import numpy as np
import pytest

import cuft
import cuft.random as rnd
from cuft.random import (create_xoroshiro128p_states, init_xoroshiro128p_states_cpu,
                         xoroshiro128p_dtype, xoroshiro128p_normal_float32,
                         xoroshiro128p_normal_float64, xoroshiro128p_uniform_float32,
                         xoroshiro128p_uniform_float64)

pytestmark = pytest.mark.usefixtures("on_host")

# numba-cuda: seed 7, subsequence_start 1, 4 states; one draw of each kind per
# state, in this order, then the states after them.
NUMBA_DRAWS = [
    ("0x1.8a816553dbe68p-4", "0x1.bdb7bc0000000p-5", "-0x1.a16d820000000p+0", "0x1.6010375e242ccp-1"),
    ("0x1.f13821ab7003fp-1", "0x1.91dfe80000000p-1", "-0x1.3f56b60000000p-1", "-0x1.322291ffe9687p-1"),
    ("0x1.10e2cdb1dbb2cp-1", "0x1.4fe95e0000000p-2", "-0x1.b133680000000p+0", "-0x1.e469821783576p-1"),
    ("0x1.7712e92793040p-3", "0x1.29cd940000000p-1", "-0x1.05efb40000000p+0", "0x1.a76e6bef1f86cp+0"),
]
NUMBA_STATES_AFTER = [(8379087457188911611, 12264674581946444828),
                      (12861665997626629893, 7773334667689868427),
                      (18004253209994415500, 17494686923964566865),
                      (8835439478034793791, 4478508366056485341)]
# numba-cuda's init_xoroshiro128p_states_cpu(states, 42, 0), 6 states.
NUMBA_SEED_42 = [(13679457532755275413, 13679457532755275413),
                 (313611670190079035, 410834281257317300),
                 (11993970802556713180, 5368778761872700062),
                 (17249457156002458569, 895864088961879842),
                 (10833148214898112945, 14266798641763014822),
                 (9453079810665557108, 16242466236478186356)]


@cuft.kernel
def one_of_each(states, out):
    i = cuft.grid(1)
    if i < out.shape[0]:
        out[i, 0] = xoroshiro128p_uniform_float64(states, i)
        out[i, 1] = xoroshiro128p_uniform_float32(states, i)
        out[i, 2] = xoroshiro128p_normal_float32(states, i)
        out[i, 3] = xoroshiro128p_normal_float64(states, i)


def pairs(states):
    return [(int(a), int(b)) for a, b in states]


def test_states_are_numba_cudas_bit_for_bit():
    states = np.empty(6, xoroshiro128p_dtype)
    init_xoroshiro128p_states_cpu(states, 42, 0)
    assert pairs(states) == NUMBA_SEED_42
    assert pairs(create_xoroshiro128p_states(6, seed=42)) == NUMBA_SEED_42


def test_draws_are_numba_cudas():
    states = create_xoroshiro128p_states(4, seed=7, subsequence_start=1)
    out = np.zeros((4, 4))
    one_of_each[1, 4](states, out)
    want = np.array([[float.fromhex(x) for x in row] for row in NUMBA_DRAWS])
    np.testing.assert_array_equal(out[:, :2], want[:, :2])  # the same bits
    np.testing.assert_allclose(out[:, 2], want[:, 2], rtol=1e-6)  # float32 log/cos
    np.testing.assert_allclose(out[:, 3], want[:, 3], rtol=1e-6)  # numba's float32 log
    assert pairs(states) == NUMBA_STATES_AFTER


def python_next(s0, s1):
    """xoroshiro128+ in Python ints: (draw, new state)."""
    mask = (1 << 64) - 1
    result = (s0 + s1) & mask
    s1 ^= s0
    return result, ((((s0 << 55) | (s0 >> 9)) & mask) ^ s1 ^ ((s1 << 14) & mask),
                    ((s1 << 36) | (s1 >> 28)) & mask)


@cuft.kernel
def stream(states, out):
    i = cuft.grid(1)
    if i < out.shape[0]:
        for k in range(out.shape[1]):
            out[i, k] = xoroshiro128p_uniform_float64(states, i)


def test_streams_match_the_algorithm_and_the_seeding_doubles_correctly():
    n = 300  # several doublings of the jump, and a partial last one
    states = create_xoroshiro128p_states(n, seed=2**64 - 1)
    s0 = s1 = rnd._splitmix64(2**64 - 1)
    for i in range(n):  # each state: the previous one, 2**64 draws on
        assert (int(states[i]["s0"]), int(states[i]["s1"])) == (s0, s1), i
        s0, s1 = rnd._jump(s0, s1)
    out = np.zeros((n, 8))
    stream[3, 128](states.copy(), out)
    for i in (0, 1, 127, 128, n - 1):
        s = (int(states[i]["s0"]), int(states[i]["s1"]))
        for k in range(8):
            r, s = python_next(*s)
            assert out[i, k] == (r >> 11) * (1.0 / 2**53), (i, k)


def test_the_device_functions_compile_to_ptx():
    states = create_xoroshiro128p_states(4, seed=1)
    assert ".entry one_of_each" in one_of_each.inspect(states, np.zeros((4, 4)), stage="ptx")


@cuft.kernel
def jump_each(states):
    i = cuft.grid(1)
    if i < states.size:
        rnd.xoroshiro128p_jump(states, i)


def test_the_device_jump_is_the_seeding_jump():
    states = create_xoroshiro128p_states(3, seed=5)
    jumped = states.copy()
    jump_each[1, 3](jumped)
    assert pairs(jumped) == [rnd._jump(*s) for s in pairs(states)]
    assert pairs(jumped[:2]) == pairs(states[1:])  # state i + 1 is state i, jumped
