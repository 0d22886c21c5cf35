//===- OptLevel.cpp - the optimization level a module gets ----------------===//
//
// One rule for both targets: LLVM's optimizer and code generators spend time
// per block that is too large on functions of many thousands of blocks (GVN's
// memory dependence walks, run once by the -O3 pipeline and twice by NVPTX's
// aggressive code generator, dominate an and-chain of 10,000 operands). Such a
// function is optimized at level 1 at most, and its code generated at level 0
// (codegenLevelFor). See docs/Python.md ("Options").
//
//===----------------------------------------------------------------------===//

#include "cuft/Conversion/Passes.h"

#include "mlir/Interfaces/FunctionInterfaces.h"

#include <algorithm>

unsigned cuft::optLevelFor(mlir::Operation *root, unsigned requested) {
  if (requested <= kLargeFunctionOptLevel)
    return requested;
  bool large = false;
  root->walk<mlir::WalkOrder::PreOrder>([&](mlir::FunctionOpInterface function) {
    size_t blocks = 0;
    function->walk([&](mlir::Block *) { ++blocks; });
    if (blocks > kLargeFunctionBlocks) {
      large = true;
      return mlir::WalkResult::interrupt();
    }
    return mlir::WalkResult::skip();
  });
  return large ? kLargeFunctionOptLevel : requested;
}
