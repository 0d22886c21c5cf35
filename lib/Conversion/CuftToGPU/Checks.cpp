//===- Checks.cpp - run-time checks of the host target's checked mode ---===//

#include "Checks.h"

#include "cuft/Conversion/CuftToGPU/CuftToGPU.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

func::CallOp cuft::detail::callDeclared(OpBuilder &b, Location loc, StringRef name,
                                        TypeRange results, ValueRange args) {
  Operation *symbolTableOp =
      b.getInsertionBlock()->getParentOp()->getParentWithTrait<OpTrait::SymbolTable>();
  if (!SymbolTable::lookupSymbolIn(symbolTableOp, name)) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&symbolTableOp->getRegion(0).front());
    auto decl = func::FuncOp::create(b, loc, name, b.getFunctionType(args.getTypes(), results));
    decl.setPrivate();
  }
  return func::CallOp::create(b, loc, name, results, args);
}

void cuft::detail::checkExtent(OpBuilder &b, Location loc, unsigned dim, Value index,
                               Value written, Value size) {
  auto i64 = b.getI64Type();
  Value bad = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, index, size);
  // The arguments are computed in the branch: they are only needed there.
  auto ifOp = scf::IfOp::create(b, loc, bad, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  auto asI64 = [&](Value v) {
    return v.getType() == i64 ? v : Value(arith::IndexCastOp::create(b, loc, i64, v));
  };
  Value args[] = {arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(dim)), asI64(written),
                  asI64(size)};
  cuft::detail::callDeclared(b, loc, kIndexErrorFunction, {}, args);
}

void cuft::detail::checkIndex(OpBuilder &b, Location loc, Value array, unsigned dim,
                              Value index, Value written) {
  checkExtent(b, loc, dim, index, written, memref::DimOp::create(b, loc, array, dim));
}

void cuft::detail::checkBounds(OpBuilder &b, Location loc, Value array, ValueRange indices,
                               ValueRange raw) {
  for (auto [dim, index, written] : llvm::enumerate(indices, raw))
    checkIndex(b, loc, array, dim, index, written);
}

void cuft::detail::checkReshape(OpBuilder &b, Location loc, Value size, ValueRange extents,
                                ValueRange inferred) {
  auto constant = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  auto cmp = [&](arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y).getResult();
  };
  Value minusOne = constant(-1), zero = constant(0), one = constant(1);
  Value unknowns = zero;
  Value negative = arith::ConstantOp::create(b, loc, b.getBoolAttr(false));
  Value elements = one;
  for (auto [extent, value] : llvm::zip(extents, inferred)) {
    Value isUnknown = cmp(arith::CmpIPredicate::eq, extent, minusOne);
    unknowns = arith::AddIOp::create(b, loc, unknowns,
                                     arith::SelectOp::create(b, loc, isUnknown, one, zero));
    negative = arith::OrIOp::create(b, loc, negative,
                                    cmp(arith::CmpIPredicate::slt, extent, minusOne));
    elements = arith::MulIOp::create(b, loc, elements, value);
  }
  Value tooMany = cmp(arith::CmpIPredicate::sgt, unknowns, one);
  Value differs = cmp(arith::CmpIPredicate::ne, elements, size);
  Value bad = arith::OrIOp::create(b, loc, arith::OrIOp::create(b, loc, negative, tooMany),
                                   differs);
  auto ifOp = scf::IfOp::create(b, loc, bad, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  auto i64 = b.getI64Type();
  Value why = arith::SelectOp::create(
      b, loc, negative, arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(2)),
      arith::SelectOp::create(b, loc, tooMany,
                              arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(1)),
                              arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0))));
  Value args[] = {arith::IndexCastOp::create(b, loc, i64, size),
                  arith::IndexCastOp::create(b, loc, i64, elements), why};
  callDeclared(b, loc, kReshapeErrorFunction, {}, args);
}

void cuft::detail::checkDivisor(OpBuilder &b, Location loc, Value divisor) {
  Value zero = arith::ConstantOp::create(b, loc, divisor.getType(),
                                         b.getZeroAttr(divisor.getType()));
  Value isZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, divisor, zero);
  auto ifOp = scf::IfOp::create(b, loc, isZero, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  cuft::detail::callDeclared(b, loc, kZeroDivisionFunction, {}, {});
}
