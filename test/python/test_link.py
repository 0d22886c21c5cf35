"""PTX to cubin with nvJitLink and CUDA C++ with NVRTC: both run without a GPU
(they only need the toolkit's libraries), so these tests run wherever the
toolkit is, and skip cleanly where it is not."""
import os
import shutil
import struct

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
