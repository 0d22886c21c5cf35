// A kernel of more than 1000 blocks is marked large: serialize-ptx optimizes
// it with a short clean-up pipeline and generates its code at level None
// (LLVM's -O1..-O3 passes and NVPTX's aggressive code generator are too slow
// on it); one of 1000 is not. So is a kernel with a block of more than 2000
// operations (LLVM's ScalarEvolution-based passes are quadratic in it). Its
// level stays what was asked.
// REQUIRES: cuft-python
// RUN: %cuft_python %S/Inputs/many-blocks.py 1000 | cuft-opt --prepare-nvptx | FileCheck %s --check-prefix=KEEP
// RUN: %cuft_python %S/Inputs/many-blocks.py 1001 | cuft-opt --prepare-nvptx | FileCheck %s --check-prefix=CAP
// RUN: %cuft_python %S/Inputs/long-block.py 2000 | cuft-opt --prepare-nvptx | FileCheck %s --check-prefix=KEEP
// RUN: %cuft_python %S/Inputs/long-block.py 2001 | cuft-opt --prepare-nvptx | FileCheck %s --check-prefix=CAP
// RUN: cuft-opt %s --prepare-nvptx | FileCheck %s --check-prefix=LOW

// KEEP: gpu.module @m [#nvvm.target<O = 3, chip = "sm_90">]
// KEEP-NOT: cuft.large_function
// CAP: gpu.module @m [#nvvm.target<O = 3, chip = "sm_90">] attributes {cuft.large_function

// Level 0 is not marked: it is as fast already.
// LOW: gpu.module @low [#nvvm.target<O = 0, chip = "sm_90">]
// LOW-NOT: cuft.large_function
module attributes {gpu.container_module} {
  gpu.module @low [#nvvm.target<O = 0, chip = "sm_90">] {
    gpu.func @k() kernel {
      gpu.return
    }
  }
}
