//===- CuftDialect.h - the cuft dialect -------------------------*- C++ -*-===//
#ifndef CUFT_DIALECT_CUFT_IR_CUFTDIALECT_H
#define CUFT_DIALECT_CUFT_IR_CUFTDIALECT_H

#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/IR/Dialect.h"

#include "cuft/Dialect/Cuft/IR/CuftDialect.h.inc"
#include "cuft/Dialect/Cuft/IR/CuftEnums.h.inc"

#include "mlir/IR/Attributes.h"
#define GET_ATTRDEF_CLASSES
#include "cuft/Dialect/Cuft/IR/CuftAttrs.h.inc"

#endif
