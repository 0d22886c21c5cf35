"""Prints the numba-cuda reference values test/python/test_random.py checks
cuft.random against. Run it with a Python that has numba-cuda (in a venv of
its own, never .venv: `python -m venv /tmp/nb && /tmp/nb/bin/pip install
numba-cuda`); it runs numba's generators on the CPU, no GPU needed."""

import numpy as np
from numba.cuda.random import (init_xoroshiro128p_states_cpu, xoroshiro128p_dtype,
                               xoroshiro128p_normal_float32, xoroshiro128p_normal_float64,
                               xoroshiro128p_uniform_float32, xoroshiro128p_uniform_float64)

states = np.empty(4, xoroshiro128p_dtype)
init_xoroshiro128p_states_cpu(states, 7, 1)
print("NUMBA_DRAWS = [")
for i in range(4):
    row = (xoroshiro128p_uniform_float64(states, i), xoroshiro128p_uniform_float32(states, i),
           xoroshiro128p_normal_float32(states, i), xoroshiro128p_normal_float64(states, i))
    print("    (" + ", ".join(f'"{float(x).hex()}"' for x in row) + "),")
print("]")
print("NUMBA_STATES_AFTER =", [(int(a), int(b)) for a, b in states])
seeded = np.empty(6, xoroshiro128p_dtype)
init_xoroshiro128p_states_cpu(seeded, 42, 0)
print("NUMBA_SEED_42 =", [(int(a), int(b)) for a, b in seeded])
