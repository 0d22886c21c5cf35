// A kernel of more than 4096 blocks is optimized at level 1 at most (LLVM's
// -O3 passes and NVPTX's aggressive code generator are too slow on it); one of
// 4096 keeps its level.
// REQUIRES: cuft-python
// RUN: %cuft_python %S/Inputs/many-blocks.py 4096 | cuft-opt --prepare-nvptx | FileCheck %s --check-prefix=KEEP
// RUN: %cuft_python %S/Inputs/many-blocks.py 4097 | cuft-opt --prepare-nvptx | FileCheck %s --check-prefix=CAP
// RUN: cuft-opt %s --prepare-nvptx | FileCheck %s --check-prefix=LOW

// The capped module is marked: serialize-ptx generates its code at level None.
// KEEP: gpu.module @m [#nvvm.target<O = 3, chip = "sm_90">]
// KEEP-NOT: cuft.large_function
// CAP: gpu.module @m [#nvvm.target<O = 1, chip = "sm_90">] attributes {cuft.large_function

// A level already below the cap stays.
// LOW: gpu.module @low [#nvvm.target<O = 0, chip = "sm_90">]
// LOW-NOT: cuft.large_function
module attributes {gpu.container_module} {
  gpu.module @low [#nvvm.target<O = 0, chip = "sm_90">] {
    gpu.func @k() kernel {
      gpu.return
    }
  }
}
