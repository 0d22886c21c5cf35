"""PTX to cubin with nvJitLink and CUDA C++ with NVRTC: both run without a GPU
(they only need the toolkit's libraries), so these tests run wherever the
toolkit is, and skip cleanly where it is not."""
import os
import re
import shutil
import struct
import subprocess
import tempfile

import numpy as np
import pytest

import cuft
from cuft import link

pytestmark = pytest.mark.skipif(cuft._cuft.linker_problem() != "",
                                reason="nvJitLink is not available: " + cuft._cuft.linker_problem())

EM_CUDA = 190  # ELF machine of a cubin


def elf_machine(data):
    assert data[:4] == b"\x7fELF", "not an ELF file"
    return struct.unpack_from("<H", data, 18)[0]


@cuft.kernel
def saxpy(a, x, y):
    i = cuft.grid(1)
    if i < x.shape[0]:
        y[i] = a * x[i] + y[i]


X = np.zeros(16, np.float32)


def test_inspect_cubin_is_a_cuda_elf_for_sm_90():
    cubin = saxpy.inspect(np.float32(2), X, X, stage="cubin")
    assert isinstance(cubin, bytes) and elf_machine(cubin) == EM_CUDA
    assert b"saxpy" in cubin  # the kernel's symbol
    # The same PTX links to the same code again (deterministic).
    assert saxpy.inspect(np.float32(2), X, X, stage="cubin") == cubin


def test_a_broken_ptx_gives_nvjitlinks_log():
    bad = b".version 8.0\n.target sm_90\n.address_size 64\n.visible .entry k() { bogus; }\n"
    with pytest.raises(cuft.LinkError, match="cannot link for sm_90") as e:
        link.link_cubin([(link.PTX, "bad.ptx", bad)], "sm_90")
    assert "bogus" in str(e.value) or "error" in str(e.value).lower()


CUDA_SOURCE = r'''
extern "C" __device__ float twice_plus(float x, float y) { return 2.0f * x + y; }
'''
CALLER_PTX = b'''
.version 8.0
.target sm_90
.address_size 64
.extern .func (.param .b32 r) twice_plus(.param .b32 x, .param .b32 y);
.visible .entry caller(.param .u64 out) {
  .reg .b32 %f<4>;
  .reg .b64 %rd<2>;
  mov.b32 %f1, 0f3F800000;
  mov.b32 %f2, 0f40000000;
  {
    .param .b32 px; .param .b32 py; .param .b32 pr;
    st.param.b32 [px], %f1;
    st.param.b32 [py], %f2;
    call.uni (pr), twice_plus, (px, py);
    ld.param.b32 %f3, [pr];
  }
  ld.param.u64 %rd1, [out];
  cvta.to.global.u64 %rd1, %rd1;
  st.global.b32 [%rd1], %f3;
  ret;
}
'''


@pytest.mark.parametrize("lto", [False, True])
def test_cuda_cpp_from_nvrtc_links_with_ptx_that_calls_it(lto):
    code = link.compile_cuda(CUDA_SOURCE, "helpers.cu", "sm_90", lto=lto)
    kind = link.LTOIR if lto else link.PTX
    if not lto:
        assert b".func" in code and b"twice_plus" in code
    cubin = link.link_cubin([(link.PTX, "caller.ptx", CALLER_PTX), (kind, "helpers.cu", code)],
                            "sm_90")
    assert elf_machine(cubin) == EM_CUDA
    # Without the definition the call stays unresolved, and nvJitLink says so.
    with pytest.raises(cuft.LinkError, match="twice_plus"):
        link.link_cubin([(link.PTX, "caller.ptx", CALLER_PTX)], "sm_90")


def test_nvrtc_errors_carry_file_and_line():
    with pytest.raises(cuft.LinkError, match=r"broken\.cu\(2\)"):
        link.compile_cuda('extern "C" __device__ int f() {\n  return undefined_name; }\n',
                          "broken.cu", "sm_90")


def test_an_input_that_is_not_what_it_claims_is_named():
    with pytest.raises(cuft.LinkError, match="not_a.cubin"):
        link.link_cubin([(link.PTX, "caller.ptx", CALLER_PTX),
                         (link.CUBIN, "not_a.cubin", b"plain text, not ELF")], "sm_90")


@pytest.mark.skipif(not (shutil.which("cuobjdump") or os.path.exists("/usr/local/cuda/bin/cuobjdump")
                         or os.path.exists("/usr/local/cuda/bin/nvdisasm")),
                    reason="no cuobjdump or nvdisasm in the toolkit")
def test_inspect_sass():
    text = saxpy.inspect(np.float32(2), X, X, stage="sass")
    assert "FFMA" in text or "FMUL" in text


def test_cli_writes_a_cubin(tmp_path):
    import subprocess
    import sys
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(os.path.dirname(here)), "python"))
    cmd = [sys.executable, "-m", "cuft", "inspect", os.path.join(here, "gallery.py") + ":saxpy",
           "--sig", "f32, f32[::1], f32[::1]", "--stage", "cubin"]
    run = subprocess.run(cmd, capture_output=True, env=env)
    assert run.returncode == 2 and b"give -o FILE" in run.stderr
    out = tmp_path / "saxpy.cubin"
    run = subprocess.run(cmd + ["-o", str(out)], capture_output=True, env=env)
    assert run.returncode == 0, run.stderr
    assert elf_machine(out.read_bytes()) == EM_CUDA


# -- external device functions: cuft.declare_device and link=[...] -----------------
twice_plus = cuft.declare_device("twice_plus", "f32(f32, f32)")
note = cuft.declare_device("note_value", "void(i64)")


def make_caller(paths):
    @cuft.kernel(link=paths)
    def calls_external(x, out):
        i = cuft.grid(1)
        if i < x.shape[0]:
            out[i] = twice_plus(x[i], 1)
            note(i)
    return calls_external


NOTE_SOURCE = 'extern "C" __device__ void note_value(long long i) {}\n'


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return str(path)


def test_a_kernel_calls_external_cuda_cpp(tmp_path):
    cu = write(tmp_path, "helpers.cu", CUDA_SOURCE + NOTE_SOURCE)
    k = make_caller([cu])
    x = np.zeros(8, np.float64)
    out = np.zeros(8, np.float32)
    generic = k.inspect(x, out, stage="generic")
    assert "cuft.func private @twice_plus(f32, f32) -> f32" in generic
    assert "cuft.func private @note_value(i64)" in generic
    ptx = k.inspect(x, out, stage="ptx")
    assert re.search(r"\.extern \.func\s+\(\.param \.b32 func_retval0\) twice_plus", ptx)
    assert "cvt.rn.f32.f64" in ptx  # the f64 argument converted to the declared f32
    assert elf_machine(k.inspect(x, out, stage="cubin")) == EM_CUDA


def test_every_kind_of_linked_file(tmp_path):
    ptx = link.compile_cuda(CUDA_SOURCE, "a.cu", "sm_90")
    lto = link.compile_cuda(NOTE_SOURCE, "b.cu", "sm_90", lto=True)
    k = make_caller([write(tmp_path, "a.ptx", ptx), write(tmp_path, "b.ltoir", lto)])
    x = np.zeros(4, np.float32)
    assert elf_machine(k.inspect(x, x, stage="cubin")) == EM_CUDA


def test_linking_without_the_definition_names_the_symbol(tmp_path):
    k = make_caller([write(tmp_path, "only_note.cu", NOTE_SOURCE)])
    x = np.zeros(4, np.float32)
    with pytest.raises(cuft.LinkError, match="twice_plus") as e:
        k.inspect(x, x, stage="cubin")
    assert e.value.filename == __file__


def test_link_errors_name_the_file(tmp_path):
    x = np.zeros(4, np.float32)
    with pytest.raises(cuft.LinkError, match="cannot read .*missing.cu"):
        make_caller([str(tmp_path / "missing.cu")]).inspect(x, x, stage="cubin")
    with pytest.raises(cuft.LinkError, match="expected a .ptx, .cubin"):
        make_caller([write(tmp_path, "code.txt", "x")]).inspect(x, x, stage="cubin")
    with pytest.raises(cuft.LinkError, match=r"NVRTC cannot compile .*bad\.cu"):
        make_caller([write(tmp_path, "bad.cu", "this is not C++")]).inspect(x, x, stage="cubin")
    with pytest.raises(TypeError, match="option 'link'"):
        cuft.kernel(link="helpers.cu")(lambda x: None)



def test_linkable_files_carry_callbacks(tmp_path):
    cu = write(tmp_path, "helpers.cu", CUDA_SOURCE + NOTE_SOURCE)
    item = cuft.Linkable(cu, setup=lambda m: None, teardown=lambda m: None)
    k = make_caller([item])
    assert k.options["link"] == (item,)
    x = np.zeros(4, np.float32)
    assert elf_machine(k.inspect(x, x, stage="cubin")) == EM_CUDA
    with pytest.raises(TypeError, match="a file path"):
        cuft.Linkable(3)
    with pytest.raises(TypeError, match="setup must be callable"):
        cuft.Linkable(cu, setup="not callable")
    calls = []
    setup, teardown = link.callbacks([cuft.Linkable(cu, setup=lambda m: calls.append(("s1", m)),
                                                    teardown=lambda m: calls.append(("t1", m))),
                                      cuft.Linkable(cu, teardown=lambda m: calls.append(("t2", m)))])
    setup("m")
    teardown("m")
    assert calls == [("s1", "m"), ("t2", "m"), ("t1", "m")]  # teardowns in reverse
    assert link.callbacks([cuft.Linkable(cu)]) == (None, None)


def test_code_in_memory_links_as_its_kind_of_file():
    # numba-cuda's CUSource, PTXSource, Cubin, Fatbin and LTOIR: code held in
    # memory, linked as the file of its kind would be.
    ptx = link.compile_cuda(CUDA_SOURCE, "a.cu", "sm_90")
    lto = link.compile_cuda(NOTE_SOURCE, "b.cu", "sm_90", lto=True)
    x = np.zeros(4, np.float32)
    for code in ([cuft.CUSource(CUDA_SOURCE + NOTE_SOURCE)],
                 [cuft.PTXSource(ptx, name="a.ptx"), cuft.LTOIR(lto)],
                 [cuft.CUSource(CUDA_SOURCE.encode(), "helpers.cu"), cuft.CUSource(NOTE_SOURCE)]):
        k = make_caller(code)
        assert all(isinstance(item, cuft.Linkable) for item in k.options["link"])
        assert elf_machine(k.inspect(x, x, stage="cubin")) == EM_CUDA
    ptxas = shutil.which("ptxas") or "/usr/local/cuda/bin/ptxas"
    if os.path.exists(ptxas):  # a relocatable cubin of the helpers, in memory
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "helpers.ptx")
            with open(src, "wb") as f:
                f.write(link.compile_cuda(CUDA_SOURCE + NOTE_SOURCE, "h.cu", "sm_90"))
            subprocess.run([ptxas, "-c", "-arch=sm_90", src, "-o", src + ".cubin"], check=True)
            with open(src + ".cubin", "rb") as f:
                cubin = f.read()
        k = make_caller([cuft.Cubin(cubin, name="helpers.cubin")])
        assert elf_machine(k.inspect(x, x, stage="cubin")) == EM_CUDA
    with pytest.raises(cuft.LinkError, match=r"NVRTC cannot compile .*broken\.cu"):
        make_caller([cuft.CUSource("this is not C++", name="broken.cu")]).inspect(
            x, x, stage="cubin")
    with pytest.raises(TypeError, match="the code as bytes or str"):
        cuft.CUSource(42)
