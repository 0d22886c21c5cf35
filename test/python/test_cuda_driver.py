"""The CUDA driver, loaded at run time: its absence is a status and a clear
CudaError, never a crash, and its initialization happens once however many
threads arrive at once. Runs without a GPU; on a machine with one, the tests
that need its absence skip and the one that needs it runs."""
import os
import subprocess
import sys
import tempfile
import textwrap

import pytest

import cuft

STUB = "/usr/local/cuda/lib64/stubs/libcuda.so"
HAVE_DRIVER = cuft.cuda_status()["available"]


def run_python(code, **env):
    """Runs ``code`` in a fresh interpreter (the driver is initialized once per
    process) and returns its stdout; fails the test on a non-zero exit."""
    environ = {k: v for k, v in os.environ.items() if k not in ("CUFT_LIBCUDA", "CUFT_TARGET")}
    environ.update(env)
    # A file, not -c: cuft reads kernels' source.
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(textwrap.dedent(code))
    try:
        run = subprocess.run([sys.executable, f.name], env=environ, capture_output=True,
                             text=True, timeout=120)
    finally:
        os.unlink(f.name)
    assert run.returncode == 0, run.stderr
    return run.stdout


LAUNCH_ON_CUDA = """
    import numpy as np, cuft
    @cuft.kernel
    def fill(x):
        x[cuft.grid(1)] = 1
    cuft.set_target("cuda")
    try:
        fill[1, 4](np.zeros(4))
    except cuft.CudaError as e:
        print("CudaError|%s|%s|%s|%s" % (e.what, e.result, e.result_name, e))
    """


def test_result_names_are_known_without_a_driver():
    assert cuft._cuft.cuda_result_name(0) == "CUDA_SUCCESS"
    assert cuft._cuft.cuda_result_name(100) == "CUDA_ERROR_NO_DEVICE"
    assert cuft._cuft.cuda_result_name(719) == "CUDA_ERROR_LAUNCH_FAILED"
    assert cuft._cuft.cuda_result_name(123456) == "CUDA_ERROR_123456"


@pytest.mark.skipif(HAVE_DRIVER, reason="a CUDA driver is present")
def test_without_a_driver_the_host_is_the_default_and_cuda_launches_say_why():
    status = cuft.cuda_status()
    assert not status["available"] and status["devices"] == 0
    assert status["message"]
    out = run_python(LAUNCH_ON_CUDA + "print('target', cuft.target())\n")
    kind, what, result, name, text = out.splitlines()[0].split("|", 4)
    assert kind == "CudaError" and what == "cannot launch 'fill' on the cuda target"
    assert status["message"] in text
    assert run_python("import cuft; print(cuft.target())").strip() == "host"


@pytest.mark.skipif(HAVE_DRIVER, reason="a driver and a device are present")
def test_without_a_driver_numba_cudas_device_queries_say_so():
    out = run_python("""
        import cuft
        print(len(cuft.gpus), list(cuft.gpus), cuft.is_available())
        print(cuft.detect())
        try:
            cuft.get_current_device()
        except cuft.CudaError as e:
            print("CudaError", e.what)
        """)
    lines = out.splitlines()
    assert lines[0] == "0 [] False" and lines[1].startswith("no CUDA device: ")
    assert lines[2] == "False" and lines[3] == "CudaError cannot use the GPU", lines


@pytest.mark.skipif(not os.path.exists(STUB), reason="no CUDA toolkit stub library")
def test_the_toolkits_stub_library_gives_its_curesult():
    out = run_python(LAUNCH_ON_CUDA, CUFT_LIBCUDA=STUB)
    kind, what, result, name, text = out.splitlines()[0].split("|", 4)
    assert (kind, result, name) == ("CudaError", "34", "CUDA_ERROR_STUB_LIBRARY")
    assert "cuInit failed: CUDA_ERROR_STUB_LIBRARY" in text


def test_a_library_that_is_not_the_driver_is_reported():
    out = run_python("import cuft; print(cuft.cuda_status()['message'])",
                     CUFT_LIBCUDA="libm.so.6")
    assert "libm.so.6 is not a CUDA driver" in out


def test_racing_first_calls_initialize_the_driver_once():
    out = run_python("""
        import threading, cuft
        barrier = threading.Barrier(32)
        seen = []
        def first():
            barrier.wait()
            seen.append(cuft.cuda_status())
        threads = [threading.Thread(target=first) for _ in range(32)]
        for t in threads: t.start()
        for t in threads: t.join()
        assert len(seen) == 32 and all(s == seen[0] for s in seen)
        print(cuft._cuft.cuda_driver_init_count())
        """, **({"CUFT_LIBCUDA": STUB} if os.path.exists(STUB) else {}))
    assert out.strip() == "1"


def test_importing_cuft_does_not_load_the_driver():
    assert run_python("import cuft; print(cuft._cuft.cuda_driver_init_count())").strip() == "0"


@pytest.mark.skipif(not HAVE_DRIVER, reason="needs a CUDA driver and a GPU")
def test_with_a_gpu_the_driver_reports_devices():
    status = cuft.cuda_status()
    assert status["devices"] >= 1 and status["version"] >= 12000
    assert status["result_name"] == "CUDA_SUCCESS"
