//===- CuftOps.h - cuft operations ------------------------------*- C++ -*-===//
#ifndef CUFT_DIALECT_CUFT_IR_CUFTOPS_H
#define CUFT_DIALECT_CUFT_IR_CUFTOPS_H

#include "cuft/Dialect/Cuft/IR/CuftTypes.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/MemorySlotInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace cuft {
/// The operands a binary or unary op computes on, in typed IR (its verifier)
/// and in Python (its typing rule, which also gives its result type):
///   Numeric    integers, floats and complex numbers; bool operands compute in i64
///   Real       integers and floats, not complex numbers (//, %)
///   Float      floats and complex numbers; other operands compute in f64 (/)
///   BoolOrInt  booleans and integers (bitwise operators)
///   Int        integers; bool operands compute in i64 (shifts, ~)
///   Ordered    booleans, integers and floats (min, max)
///   Any        any scalar (not)
enum class OperandKind { Numeric, Real, Float, BoolOrInt, Int, Ordered, Any };

/// cuft-specialize's view for the TypedByRules interface (TypeInference.h).
class TypeInference;

/// Static shared memory per block on sm_70 and later: each array, and all of a
/// kernel's arrays together (checked by cuft-specialize).
inline constexpr int64_t kMaxStaticSharedBytes = 48 * 1024;
/// Local memory of one GPU thread (sm_20 and later): a kernel's local arrays,
/// its device functions' included, together (checked by cuft-specialize).
inline constexpr int64_t kMaxLocalBytes = 512 * 1024;
} // namespace cuft

#include "cuft/Dialect/Cuft/IR/CuftInterfaces.h.inc"

#include <optional>
#include <string>

#define GET_OP_CLASSES
#include "cuft/Dialect/Cuft/IR/CuftOps.h.inc"

namespace cuft {
/// A kernel's options, as discardable attributes of its cuft.kernel (what
/// `@cuft.kernel(max_registers=32, launch_bounds=(256, 2))` writes): an i64,
/// and an array<i64> of 1 to 3 (threads per block at most, blocks per SM at
/// least, blocks per cluster at most).
inline constexpr const char *kMaxRegistersAttr = "cuft.max_registers";
inline constexpr const char *kLaunchBoundsAttr = "cuft.launch_bounds";
/// On the module: emit PTX line tables (`@cuft.kernel(lineinfo=True)`).
inline constexpr const char *kLineInfoAttr = "cuft.lineinfo";
/// On the module: no FMA contraction on the GPU (`@cuft.kernel(fma=False)`).
inline constexpr const char *kNoFmaAttr = "cuft.no_fma";
/// On a cuft.func: "always" or "never" (`@cuft.func(inline="always")`).
inline constexpr const char *kInlineAttr = "cuft.inline";
/// On a cuft.func (and the func.func it becomes): its float operations are
/// never contracted nor given fast-math flags, whatever the kernel's options
/// (cuft.libdevice's arithmetic rounded as a mode says).
inline constexpr const char *kExactFpAttr = "cuft.exact_fp";
/// A device function's declared signatures (`@cuft.func(["i8(i8, i8)",
/// "f8(f8, f8)"])`): its arguments' signature texts and, aligned, its
/// results' entries ("" for none). cuft-specialize calls the one the
/// arguments fit best, as numba chooses (SignatureText.h's bestDeclared).
inline constexpr const char *kDeclaredAttr = "cuft.declared";
inline constexpr const char *kDeclaredResultsAttr = "cuft.declared_results";

/// Why an atomic update of `kind` (none: compare-and-swap) cannot take array
/// elements of type `elem`; empty when it can. The one rule of the verifier
/// and of specialization.
std::string atomicElementProblem(std::optional<AtomicKind> kind, mlir::Type elem);

/// Float `v` as a constant of float type `type`, rounded as cuft.cast folds it
/// and the run time converts it (bfloat16 through float32). The one rule of
/// constant folding and of specialization's checks of literals.
mlir::FloatAttr roundedFloat(mlir::Type type, double v);
} // namespace cuft

#endif
