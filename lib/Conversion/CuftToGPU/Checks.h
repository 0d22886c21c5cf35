//===- Checks.h - run-time checks of the host target's checked mode -----===//
//
// With bounds checking on (CUFT_BOUNDSCHECK=1 or boundscheck=True), accesses and
// integer divisions are checked before they run; a failed check calls a runtime
// function that convert-gpu-to-host binds to its source site. Without it, no
// check is emitted and the defined results apply (docs/TypeSystem.md).
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_LIB_CONVERSION_CUFTTOGPU_CHECKS_H
#define CUFT_LIB_CONVERSION_CUFTTOGPU_CHECKS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"

namespace cuft::detail {

/// `name(args...) -> results`, declaring `name` once (a private func.func) in
/// the nearest symbol table.
mlir::func::CallOp callDeclared(mlir::OpBuilder &b, mlir::Location loc, llvm::StringRef name,
                                mlir::TypeRange results, mlir::ValueRange args);

/// Before an access to `array[indices]`, calls `__cuft_index_error(dim, index,
/// size)` for the first index out of range, with the index as written (`raw`:
/// before a negative one counted from the end). The comparison is unsigned, so
/// an index still negative after wrapping is caught too.
void checkBounds(mlir::OpBuilder &b, mlir::Location loc, mlir::Value array,
                 mlir::ValueRange indices, mlir::ValueRange raw);

/// The check of one index against extent `size` (index or i64 values, of one
/// type): `__cuft_index_error(dim, written, size)` when it is out of range.
void checkExtent(mlir::OpBuilder &b, mlir::Location loc, unsigned dim, mlir::Value index,
                 mlir::Value written, mlir::Value size);

/// The check of one index of checkBounds: `index` of dimension `dim`.
void checkIndex(mlir::OpBuilder &b, mlir::Location loc, mlir::Value array, unsigned dim,
                mlir::Value index, mlir::Value raw);

/// Before an integer `//` or `%`, calls `__cuft_zero_division_error()` when
/// `divisor` is zero.
void checkDivisor(mlir::OpBuilder &b, mlir::Location loc, mlir::Value divisor);

/// Before a reshape of an array of `size` elements to `extents` (index
/// values, as written: -1 for the one inferred), calls
/// `__cuft_reshape_error(size, elements, why)` when they do not fit it:
/// `elements`, the product of the extents as inferred, is not `size`, or more
/// than one extent is -1, or one is below -1.
void checkReshape(mlir::OpBuilder &b, mlir::Location loc, mlir::Value size,
                  mlir::ValueRange extents, mlir::ValueRange inferred);

/// `x` (of cuft type `from`, converted to `src`) as cuft type `to` (converted:
/// `dst`), with cuft.cast's semantics (Arith.cpp; the fill of a slice converts
/// elements with it too).
mlir::Value castScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Type from,
                       mlir::Type to, mlir::Type dst);

/// `name(args...)`, a function of the C math library returning `type`, which
/// each target supplies (prepare-nvptx: libdevice's; the host: libm's).
mlir::Value callLibm(mlir::OpBuilder &b, mlir::Location loc, llvm::StringRef name,
                     mlir::Type type, mlir::ValueRange args);

/// Memref `array`'s memory as a memref of `type` (another element type, the
/// same rank): its base buffer reinterpreted, with `array`'s offset and
/// strides multiplied by `scale` (counted in the new elements: each old one
/// holds `scale` of them), the last axis's stride kept and its size scaled
/// where `lastAxisGrows` (a narrower type's view of a C-contiguous array),
/// and `extra` added to the offset. Memref ops that fold into the accesses as
/// a subview's do, so an access's index is computed whole.
mlir::Value elementsView(mlir::OpBuilder &b, mlir::Location loc, mlir::Value array,
                         mlir::MemRefType type, int64_t scale, bool lastAxisGrows,
                         int64_t extra = 0);

} // namespace cuft::detail

#endif
