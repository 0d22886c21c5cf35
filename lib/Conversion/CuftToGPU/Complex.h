//===- Complex.h - complex arithmetic and cmath's functions -----*- C++ -*-===//
//
// Complex.cpp: complex +, -, * to the complex dialect; abs, /, ** and cmath's
// functions computed as CPython computes them (special values included).
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_LIB_CONVERSION_CUFTTOGPU_COMPLEX_H
#define CUFT_LIB_CONVERSION_CUFTTOGPU_COMPLEX_H

#include "cuft/Dialect/Cuft/IR/CuftOps.h"

#include "mlir/IR/Builders.h"

namespace cuft::detail {

/// cmath's `fn` (one that cmath has: MathOp::hasComplexForm) of complex `z`.
mlir::Value complexMath(mlir::OpBuilder &b, mlir::Location loc, MathFn fn, mlir::Value z);

/// abs(z): hypot of the parts, as CPython and NumPy compute it.
mlir::Value complexAbs(mlir::OpBuilder &b, mlir::Location loc, mlir::Value z);

/// `a.real` (`imag` false) or `a.imag` of a memref of complex numbers: a
/// memref of `type` (strided, of the parts' type) over the same memory, its
/// offset and strides counted in parts (twice as many; the imaginary part one
/// further).
mlir::Value partsView(mlir::OpBuilder &b, mlir::Location loc, mlir::Value array,
                      mlir::MemRefType type, bool imag);

/// cmath.rect(r, phi) of two floats of one type: a complex of that type.
mlir::Value complexRect(mlir::OpBuilder &b, mlir::Location loc, mlir::Value r, mlir::Value phi);

/// The complex result of binary cuft op `op` (add, sub, mul, truediv, pow) of
/// converted operands `x` and `y`; null for another op.
mlir::Value emitComplexBinary(mlir::OpBuilder &b, mlir::Location loc, mlir::Operation *op,
                              mlir::Value x, mlir::Value y);

} // namespace cuft::detail

#endif
