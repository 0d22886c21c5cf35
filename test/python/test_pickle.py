"""Picklable kernels (issue 18): a pickle carries the kernel's generic IR, its
options, the files it links and its compiled specializations; a receiving
process launches what came with zero compiles and still compiles new
signatures. Receivers are real processes, started fresh (no fork)."""
import importlib.util
import inspect
import json
import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import cuft
from cuft import _cuft

pytestmark = pytest.mark.usefixtures("on_host")

HERE = os.path.dirname(os.path.abspath(__file__))

RECEIVER = textwrap.dedent("""
    import json, pickle, sys
    import numpy as np
    import cuft
    cuft.set_target("host")
    with open(sys.argv[1], "rb") as f:
        k = pickle.load(f)
    result = {}
    def report(key, value):
        result[key] = value.tolist() if isinstance(value, np.ndarray) else value
    exec(sys.argv[2])
    result["stats"] = k.stats()
    result["process_compiles"] = cuft.cache_info()["compiles"]
    print(json.dumps(result))
""")


def receive(tmp_path, data, code, path=(HERE,), sender_has_cloudpickle=True):
    """Unpickles ``data`` in a new process (the disk cache off, the host
    target, ``path`` importable) and runs ``code`` there with the kernel as
    ``k``; returns what it reported."""
    blob = tmp_path / "kernel.pickle"
    blob.write_bytes(data)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUFT_")}
    env.update(CUFT_CACHE="0", PYTHONPATH=os.pathsep.join(
        list(path) + [os.path.join(os.path.dirname(HERE), "..", "python")]))
    done = subprocess.run([sys.executable, "-c", RECEIVER, str(blob), code], env=env,
                          capture_output=True, text=True, timeout=60, cwd=str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_module_kernel_launches_in_another_process_without_compiling(tmp_path):
    import pickle_kernels as m
    x = np.arange(16.0)
    out = np.zeros(16)
    m.axpy[1, 16](x, out, 3.0)
    np.testing.assert_array_equal(out, 3 * x + 4)
    got = receive(tmp_path, pickle.dumps(m.axpy), textwrap.dedent("""
        x = np.arange(16.0); out = np.zeros(16)
        k[1, 16](x, out, 3.0)
        report("f64", out)
        report("function", k.py_func is __import__("pickle_kernels").axpy.py_func)
        report("compiles_before", cuft.cache_info()["compiles"])
        x32 = np.arange(16, dtype=np.float32); out32 = np.zeros(16, np.float32)
        k[1, 16](x32, out32, np.float32(3))
        report("f32", out32)
    """))
    assert got["f64"] == (3 * x + 4).tolist()
    assert got["function"]  # by reference: the receiver's module's function
    assert got["compiles_before"] == 0  # the shipped specialization: no compile
    assert got["f32"] == (3 * x + 4).tolist()
    assert got["stats"]["compiles"] == 1 and got["process_compiles"] == 1  # the new one


def test_captured_values_travel_compiled_in(tmp_path, monkeypatch):
    import pickle_kernels as m
    # A kernel of its own (the module's may be compiled with 2.0 already).
    k = cuft.kernel(m.axpy.py_func)
    monkeypatch.setattr(m, "SCALE", 5.0)
    x = np.arange(4.0)
    out = np.zeros(4)
    k[1, 4](x, out, 1.0)
    assert out.tolist() == (x + 10).tolist()
    # The receiver's module has SCALE = 2.0; the IR that came has 5.0.
    got = receive(tmp_path, pickle.dumps(k), textwrap.dedent("""
        x = np.arange(4.0); out = np.zeros(4)
        k[1, 4](x, out, 1.0)
        report("out", out)
    """))
    assert got["out"] == (x + 10).tolist() and got["stats"]["compiles"] == 0


def closure_kernel(factor):
    @cuft.func
    def times(v):
        return v * factor

    @cuft.kernel
    def scaled_sum(t, out):
        s = 0.0
        for v in t:
            s += times(v)
        out[0] = s
    return scaled_sum


def test_a_closure_travels_by_value_through_cloudpickle(tmp_path):
    cloudpickle = pytest.importorskip("cloudpickle")
    # Made by a module whose file is gone when the receiver runs: the function
    # comes by value with the source its decorator read, so tuples of a new
    # shape compile there.
    source = tmp_path / "made_here.py"
    source.write_text("import cuft\n\n\n" + inspect.getsource(closure_kernel))
    spec = importlib.util.spec_from_file_location("made_here", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    k = module.closure_kernel(10.0)
    out = np.zeros(1)
    k[1, 1]((1.0, 2.0), out)
    assert out[0] == 30.0
    data = cloudpickle.dumps(k)
    source.unlink()
    got = receive(tmp_path, data, textwrap.dedent("""
        out = np.zeros(1)
        k[1, 1]((1.0, 2.0), out)
        report("two", out[0])
        report("compiles_before", cuft.cache_info()["compiles"])
        k[1, 1]((1.0, 2.0, 4.0), out)
        report("three", out[0])
    """), path=())
    assert got["two"] == 30.0 and got["compiles_before"] == 0
    assert got["three"] == 70.0 and got["stats"]["compiles"] == 1


def test_without_its_function_a_kernel_runs_the_ir_it_got(tmp_path):
    # Pickled where cloudpickle is missing: the closure's function stays
    # behind; the receiver launches the shapes that came, and a tuple of a new
    # shape is a located CompileError.
    k = closure_kernel(10.0)
    out = np.zeros(1)
    k[1, 1]((1.0, 2.0), out)
    sender = textwrap.dedent("""
        import sys, pickle
        sys.modules["cloudpickle"] = None
        sys.path.insert(0, sys.argv[1])
        import numpy as np, cuft
        cuft.set_target("host")
        from test_pickle import closure_kernel
        k = closure_kernel(10.0)
        k[1, 1]((1.0, 2.0), np.zeros(1))
        sys.stdout.buffer.write(pickle.dumps(k))
    """)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUFT_")}
    env["CUFT_CACHE"] = "0"
    data = subprocess.run([sys.executable, "-c", sender, HERE], env=env, capture_output=True,
                          timeout=60, check=True).stdout
    got = receive(tmp_path, data, textwrap.dedent("""
        out = np.zeros(1)
        k[1, 1]((1.0, 2.0), out)
        report("two", out[0])
        report("function", k.py_func)
        try:
            k[1, 1]((1.0, 2.0, 4.0), out)
        except cuft.CompileError as e:
            report("error", [e.message, e.filename.endswith("test_pickle.py")])
    """), path=())
    assert got["two"] == 30.0 and got["function"] is None and got["stats"]["compiles"] == 0
    message, located = got["error"]
    assert "unpickled without its Python function" in message and located


def test_linked_files_travel_and_link_again_without_compiling(tmp_path):
    if _cuft.linker_problem():
        pytest.skip("nvJitLink is not available: " + _cuft.linker_problem())
    from cuft import link
    from test_link import CUDA_SOURCE, NOTE_SOURCE, make_caller
    ptx = tmp_path / "helpers.ptx"
    ptx.write_bytes(link.compile_cuda(CUDA_SOURCE + NOTE_SOURCE, "helpers.cu", "sm_90"))
    k = make_caller([str(ptx)])
    x = np.zeros(8, np.float32)
    cubin = k.inspect(x, x, stage="cubin", chip="sm_90")
    data = pickle.dumps(k)
    ptx.unlink()  # the bytes are in the pickle
    got = receive(tmp_path, data, textwrap.dedent("""
        import os
        x = np.zeros(8, np.float32)
        report("cubin", k.inspect(x, x, stage="cubin", chip="sm_90").hex())
        (path,) = k.options["link"]
        report("link", [os.path.basename(path.path), os.path.exists(path.path)])
    """))
    assert bytes.fromhex(got["cubin"]) == cubin
    assert got["link"] == ["helpers.ptx", True]
    assert got["stats"]["compiles"] == 0 and got["process_compiles"] == 0


def test_what_cannot_travel_is_a_pickling_error(tmp_path):
    from test_link import make_caller
    cu = tmp_path / "helpers.cu"
    cu.write_text("// nothing\n")
    k = make_caller([cuft.Linkable(str(cu), setup=lambda m: None)])
    with pytest.raises(pickle.PicklingError, match="setup/teardown callbacks"):
        pickle.dumps(k)
    k = make_caller([str(tmp_path / "missing.ptx")])
    with pytest.raises(pickle.PicklingError, match="cannot read .*missing.ptx"):
        pickle.dumps(k)


def exported(kernel):
    fe = kernel.frontend
    return kernel._launchers[1][fe].exported()


def test_specializations_of_another_toolchain_or_damaged_are_not_imported():
    import pickle_kernels as m
    m.axpy[1, 4](np.arange(4.0), np.zeros(4), 1.0)
    # One host entry per block shape launched so far in this process.
    entry = next(e for e in exported(m.axpy) if b"host" in e)
    assert _cuft.import_specializations([entry]) == 0  # this process has it already
    # Another build of cuft (its identity is in the entry): left out.
    build = _cuft.build_id().encode()
    assert build in entry
    other = entry.replace(build, build[:-1] + (b"x" if build[-1:] != b"x" else b"y"))
    assert _cuft.import_specializations([other]) == 0
    assert _cuft.import_specializations([entry[:-10], entry[:40], b"", b"\0" * 64]) == 0


def test_pickling_in_this_process_shares_the_cache():
    import pickle_kernels as m
    x = np.arange(8.0)
    out = np.zeros(8)
    m.axpy[1, 8](x, out, 2.0)
    k = pickle.loads(pickle.dumps(m.axpy))
    assert k is not m.axpy and repr(k) == "<cuft.kernel axpy>"
    out2 = np.zeros(8)
    k[1, 8](x, out2, 2.0)
    np.testing.assert_array_equal(out, out2)
    assert k.stats()["compiles"] == 0
    f = pickle.loads(pickle.dumps(m.twice))
    assert f is m.twice  # a device function by reference: the module's own


def test_a_received_kernel_ships_what_it_got_again(tmp_path):
    # Dask and others pickle a received kernel again (to check it, to pass it
    # on): it carries the specializations that came with it.
    import pickle_kernels as m
    m.axpy[1, 4](np.arange(4.0), np.zeros(4), 1.0)
    again = pickle.dumps(pickle.loads(pickle.dumps(m.axpy)))
    got = receive(tmp_path, again, textwrap.dedent("""
        x = np.arange(4.0); out = np.zeros(4)
        k[1, 4](x, out, 1.0)
        report("out", out)
    """))
    assert got["out"] == [4.0, 5.0, 6.0, 7.0] and got["process_compiles"] == 0


def test_ufuncs_and_reductions_are_received_and_run_without_compiling(tmp_path):
    # A ufunc's kernel has code only per shape of its tuple of arrays; the
    # receiver adopts that code (its generic frontend compiled nothing). A
    # cuft.reduce's function is its module's name for the reduction itself,
    # so the functions travel by value: through cloudpickle, which the
    # sender needs (the GPU pack's 3.13t has none).
    pytest.importorskip("cloudpickle")
    import pickle_kernels as m
    x, y = np.arange(5.0), np.full(5, 2.0)
    np.testing.assert_array_equal(m.hypot2(x, y), x * x + 4)
    a = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(m.row_sum(a), a.sum(axis=1))
    v = np.array([3.0, 9.0, -1.0, 4.0])
    assert m.biggest(v) == 9.0
    for ufunc, call, want in ((m.hypot2, "k(np.arange(5.0), np.full(5, 2.0))",
                               (x * x + 4).tolist()),
                              (m.row_sum, "k(np.arange(12.0).reshape(3, 4))",
                               a.sum(axis=1).tolist()),
                              (m.biggest, "float(k(np.array([3.0, 9.0, -1.0, 4.0])))", 9.0)):
        got = receive(tmp_path, pickle.dumps(ufunc), textwrap.dedent(f"""
            report("out", {call})
            k = k._kernel  # what compiled (stats)
        """))
        assert got["out"] == want and got["process_compiles"] == 0, got
