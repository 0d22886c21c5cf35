# -*- Python -*-
import os
import shutil

import lit.formats
from lit.llvm import llvm_config

config.name = "cuft"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.cuft_obj_root, "test")

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.add_tool_substitutions(["cuft-opt"], [config.cuft_tools_dir])
config.substitutions.append(("%cuft_src", config.cuft_src_root))
config.substitutions.append(("%cuft_obj", config.cuft_obj_root))
# %cuft_python runs the in-tree package with the first interpreter of CUFT_PYTHONS.
if config.cuft_python:
    config.substitutions.append(("%cuft_python", config.cuft_python))
    config.available_features.add("cuft-python")
    config.environment["PYTHONPATH"] = os.path.join(config.cuft_src_root, "python")

# ptxas checks that the PTX we print is valid for sm_90. Tests that need it say
# `REQUIRES: ptxas`; without a CUDA toolkit they are reported as unsupported.
ptxas = os.path.join(config.cuda_home, "bin", "ptxas")
if not os.path.exists(ptxas):
    ptxas = shutil.which("ptxas")
if ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))

# The toolkit's libdevice, for tests that link it (`REQUIRES: libdevice`).
libdevice = os.path.join(config.cuda_home, "nvvm", "libdevice", "libdevice.10.bc")
if os.path.exists(libdevice):
    config.available_features.add("libdevice")
    config.substitutions.append(("%libdevice", libdevice))
