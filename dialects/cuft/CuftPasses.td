//===- CuftPasses.td - cuft-level passes ------------------------*- tablegen -*-===//

#ifndef CUFT_PASSES_TD
#define CUFT_PASSES_TD

include "mlir/Pass/PassBase.td"

def CuftSpecialize : Pass<"cuft-specialize", "::mlir::ModuleOp"> {
  let summary = "type a generic kernel for one argument signature";
  let description = [{
    Gives every kernel argument the type named by `sig`, infers the type of every
    value with Python-like promotion rules (docs/TypeSystem.md), inserts explicit
    casts, specializes called device functions per argument types, folds constants
    (constexpr arguments included) and verifies the result. A type error is
    reported at the location of the operation that caused it.

    `sig` is a comma-separated list, one entry per kernel argument:
    `f32`, `i64`, `bool`, `u32`, ... for scalars; `array<f32,2,C>` (layout `C`, `F`
    or `strided`) for arrays; `i64=128`, `f32=0.5`, `bool=true` for a constexpr
    argument's value. With `kernel` set, only that kernel is specialized; otherwise
    every kernel in the module is.
  }];
  let options = [
    Option<"sig", "sig", "std::string", "\"\"", "argument signature, e.g. \"f32,array<f32,1,C>,i64\"">,
    Option<"kernel", "kernel", "std::string", "\"\"", "name of the kernel to specialize (default: all)">,
  ];
  let dependentDialects = ["::cuft::CuftDialect", "::mlir::cf::ControlFlowDialect"];
}

def CuftFold : Pass<"cuft-fold"> {
  let summary = "fold every operation once, in dominance order";
  let description = [{
    The canonicalizer's folding without its patterns or region simplification:
    each operation is folded after its operands' definitions (blocks in
    dominance order, an operation's regions before it), constants are
    deduplicated and hoisted to their region's entry, and operations left
    unused and without effects are erased. A conditional branch (`cf.cond_br`)
    on a constant becomes a branch, and the blocks that leaves unreachable are
    erased; other unreachable blocks are not visited.
  }];
}

#endif // CUFT_PASSES_TD
