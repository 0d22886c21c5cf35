"""Every kernel of gallery.py compiles to PTX that ptxas accepts for sm_90."""
import os
import shutil
import subprocess

import pytest

from gallery import GALLERY

PTXAS = shutil.which("ptxas") or ("/usr/local/cuda/bin/ptxas"
                                  if os.path.exists("/usr/local/cuda/bin/ptxas") else None)


@pytest.mark.parametrize("name", sorted(GALLERY))
def test_compiles_to_ptx_that_ptxas_accepts(name, tmp_path):
    kernel, make_args = GALLERY[name]
    ptx = kernel.inspect(*make_args(), stage="ptx")
    assert ".target sm_90" in ptx
    assert f".entry {kernel.frontend.name}(" in ptx
    if PTXAS is None:
        pytest.skip("ptxas is not installed")
    path = tmp_path / f"{name}.ptx"
    path.write_text(ptx)
    # Code that calls CUDA's device runtime (cuft.cg's grid sync) is
    # relocatable: the link adds libcudadevrt.
    relocatable = ["-c"] if "cudaCGSynchronize" in ptx else []
    run = subprocess.run([PTXAS, "-arch=sm_90", *relocatable, str(path),
                          "-o", str(tmp_path / f"{name}.cubin")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_gallery_has_at_least_30_kernels():
    assert len({id(k) for k, _ in GALLERY.values()}) >= 30
