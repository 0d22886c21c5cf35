//===- Memory.cpp - cuft arrays, variables and atomics to memref ----------===//

#include "cuft/Conversion/CuftToGPU/CuftToGPU.h"
#include "cuft/Dialect/Cuft/IR/CuftOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace cuft;

namespace {

/// Array indices as `index` values, respecting the cuft index's signedness.
SmallVector<Value> toIndices(OpBuilder &b, Location loc, ValueRange cuftIndices,
                             ValueRange converted) {
  SmallVector<Value> result;
  for (auto [orig, v] : llvm::zip(cuftIndices, converted)) {
    if (orig.getType().isUnsignedInteger())
      result.push_back(arith::IndexCastUIOp::create(b, loc, b.getIndexType(), v));
    else
      result.push_back(arith::IndexCastOp::create(b, loc, b.getIndexType(), v));
  }
  return result;
}

/// With bounds checking on: before an access to `array[indices]`, calls
/// `__cuft_index_error(dim, index, size)` for the first index out of range. The
/// comparison is unsigned, so negative indices are caught too.
void checkBounds(ConversionPatternRewriter &rewriter, Location loc, Value array,
                 ValueRange indices, bool enabled) {
  if (!enabled)
    return;
  Operation *symbolTableOp =
      rewriter.getInsertionBlock()->getParentOp()->getParentWithTrait<OpTrait::SymbolTable>();
  auto i64 = rewriter.getI64Type();
  auto fnType = rewriter.getFunctionType({i64, i64, i64}, {});
  if (!SymbolTable::lookupSymbolIn(symbolTableOp, kIndexErrorFunction)) {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(&symbolTableOp->getRegion(0).front());
    auto decl = func::FuncOp::create(rewriter, loc, kIndexErrorFunction, fnType);
    decl.setPrivate();
  }
  for (auto [dim, index] : llvm::enumerate(indices)) {
    Value size = memref::DimOp::create(rewriter, loc, array, dim);
    Value bad = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::uge, index, size);
    auto ifOp = scf::IfOp::create(rewriter, loc, bad, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(ifOp.thenBlock());
    Value args[] = {
        arith::ConstantOp::create(rewriter, loc, rewriter.getI64IntegerAttr(dim)),
        arith::IndexCastOp::create(rewriter, loc, i64, index),
        arith::IndexCastOp::create(rewriter, loc, i64, size)};
    func::CallOp::create(rewriter, loc, kIndexErrorFunction, TypeRange{}, args);
  }
}

/// Patterns over array elements: they need to know whether to check bounds.
template <typename Op>
struct ElementPattern : public OpConversionPattern<Op> {
  ElementPattern(const TypeConverter &converter, MLIRContext *ctx, bool boundsCheck)
      : OpConversionPattern<Op>(converter, ctx), boundsCheck(boundsCheck) {}
  bool boundsCheck;
};

struct VarLowering : public OpConversionPattern<VarOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(VarOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = cast<MemRefType>(getTypeConverter()->convertType(op.getVar().getType()));
    rewriter.replaceOpWithNewOp<memref::AllocaOp>(op, type);
    return success();
  }
};

struct VarLoadLowering : public OpConversionPattern<VarLoadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(VarLoadOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<memref::LoadOp>(op, adaptor.getVar(), ValueRange{});
    return success();
  }
};

struct VarStoreLowering : public OpConversionPattern<VarStoreOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(VarStoreOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<memref::StoreOp>(op, adaptor.getValue(), adaptor.getVar(),
                                                 ValueRange{});
    return success();
  }
};

struct LoadLowering : public ElementPattern<LoadOp> {
  using ElementPattern::ElementPattern;
  LogicalResult matchAndRewrite(LoadOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto idx = toIndices(rewriter, op.getLoc(), op.getIndices(), adaptor.getIndices());
    checkBounds(rewriter, op.getLoc(), adaptor.getArray(), idx, boundsCheck);
    rewriter.replaceOpWithNewOp<memref::LoadOp>(op, adaptor.getArray(), idx);
    return success();
  }
};

struct StoreLowering : public ElementPattern<StoreOp> {
  using ElementPattern::ElementPattern;
  LogicalResult matchAndRewrite(StoreOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto idx = toIndices(rewriter, op.getLoc(), op.getIndices(), adaptor.getIndices());
    checkBounds(rewriter, op.getLoc(), adaptor.getArray(), idx, boundsCheck);
    rewriter.replaceOpWithNewOp<memref::StoreOp>(op, adaptor.getValue(), adaptor.getArray(),
                                                 idx);
    return success();
  }
};

struct DimLowering : public OpConversionPattern<DimOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(DimOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value d = memref::DimOp::create(rewriter, op.getLoc(), adaptor.getArray(), op.getDim());
    rewriter.replaceOpWithNewOp<arith::IndexCastOp>(op, rewriter.getI64Type(), d);
    return success();
  }
};

struct StrideLowering : public OpConversionPattern<StrideOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(StrideOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto meta = memref::ExtractStridedMetadataOp::create(rewriter, op.getLoc(),
                                                         adaptor.getArray());
    Value s = meta.getStrides()[op.getDim()];
    rewriter.replaceOpWithNewOp<arith::IndexCastOp>(op, rewriter.getI64Type(), s);
    return success();
  }
};

struct NDimLowering : public OpConversionPattern<NDimOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(NDimOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto arr = cast<ArrayType>(op.getArray().getType());
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, rewriter.getI64IntegerAttr(arr.getRank()));
    return success();
  }
};

/// Static shared arrays become uninitialized globals in address space 3; each
/// allocation site gets its own buffer.
struct AllocSharedLowering : public OpConversionPattern<AllocSharedOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(AllocSharedOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto dynType = cast<MemRefType>(getTypeConverter()->convertType(op.getType()));
    auto staticType = MemRefType::get(*op.getShape(), dynType.getElementType(),
                                      MemRefLayoutAttrInterface(), dynType.getMemorySpace());
    Operation *symbolTableOp = op->getParentWithTrait<OpTrait::SymbolTable>();
    SymbolTable symbols(symbolTableOp);
    memref::GlobalOp global;
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(&symbolTableOp->getRegion(0).front());
      global = memref::GlobalOp::create(
          rewriter, op.getLoc(), "__cuft_shared", rewriter.getStringAttr("private"),
          staticType, rewriter.getUnitAttr(), /*constant=*/false,
          rewriter.getI64IntegerAttr(16));
      symbols.insert(global); // makes the name unique
    }
    Value buffer = memref::GetGlobalOp::create(rewriter, op.getLoc(), staticType,
                                               global.getSymName());
    rewriter.replaceOpWithNewOp<memref::CastOp>(op, dynType, buffer);
    return success();
  }
};

struct AllocLocalLowering : public OpConversionPattern<AllocLocalOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(AllocLocalOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto dynType = cast<MemRefType>(getTypeConverter()->convertType(op.getType()));
    auto staticType = MemRefType::get(*op.getShape(), dynType.getElementType());
    Value buffer = memref::AllocaOp::create(rewriter, op.getLoc(), staticType);
    rewriter.replaceOpWithNewOp<memref::CastOp>(op, dynType, buffer);
    return success();
  }
};

struct AtomicRMWLowering : public ElementPattern<AtomicRMWOp> {
  using ElementPattern::ElementPattern;
  LogicalResult matchAndRewrite(AtomicRMWOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type cuftElem = cast<ArrayType>(op.getArray().getType()).getElementType();
    bool isFloat = isa<FloatType>(cuftElem), u = cuftElem.isUnsignedInteger();
    Value v = adaptor.getValue();
    arith::AtomicRMWKind kind;
    switch (op.getKind()) {
    case AtomicKind::Add:
      kind = isFloat ? arith::AtomicRMWKind::addf : arith::AtomicRMWKind::addi;
      break;
    case AtomicKind::Sub:
      kind = isFloat ? arith::AtomicRMWKind::addf : arith::AtomicRMWKind::addi;
      v = isFloat ? Value(arith::NegFOp::create(rewriter, loc, v))
                  : Value(arith::SubIOp::create(
                        rewriter, loc,
                        arith::ConstantOp::create(rewriter, loc, v.getType(),
                                                  rewriter.getZeroAttr(v.getType())),
                        v));
      break;
    case AtomicKind::Min:
      kind = isFloat ? arith::AtomicRMWKind::minimumf
                     : (u ? arith::AtomicRMWKind::minu : arith::AtomicRMWKind::mins);
      break;
    case AtomicKind::Max:
      kind = isFloat ? arith::AtomicRMWKind::maximumf
                     : (u ? arith::AtomicRMWKind::maxu : arith::AtomicRMWKind::maxs);
      break;
    case AtomicKind::Exch:
      kind = arith::AtomicRMWKind::assign;
      break;
    }
    auto idx = toIndices(rewriter, loc, op.getIndices(), adaptor.getIndices());
    checkBounds(rewriter, loc, adaptor.getArray(), idx, boundsCheck);
    rewriter.replaceOpWithNewOp<memref::AtomicRMWOp>(op, kind, v, adaptor.getArray(), idx);
    return success();
  }
};

/// Compare-and-swap as a generic atomic update that stores `value` when the
/// current element equals `expected` bit for bit, and the element itself otherwise.
struct AtomicCASLowering : public ElementPattern<AtomicCASOp> {
  using ElementPattern::ElementPattern;
  LogicalResult matchAndRewrite(AtomicCASOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto idx = toIndices(rewriter, loc, op.getIndices(), adaptor.getIndices());
    checkBounds(rewriter, loc, adaptor.getArray(), idx, boundsCheck);
    auto rmw = memref::GenericAtomicRMWOp::create(rewriter, loc, adaptor.getArray(), idx);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(rmw.getBody());
      Value cur = rmw.getCurrentValue();
      Value expected = adaptor.getExpected();
      Type t = cur.getType();
      if (isa<FloatType>(t)) {
        Type bits = rewriter.getIntegerType(t.getIntOrFloatBitWidth());
        cur = arith::BitcastOp::create(rewriter, loc, bits, cur);
        expected = arith::BitcastOp::create(rewriter, loc, bits, expected);
      }
      Value eq = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, cur, expected);
      Value next = arith::SelectOp::create(rewriter, loc, eq, adaptor.getValue(),
                                           rmw.getCurrentValue());
      memref::AtomicYieldOp::create(rewriter, loc, next);
    }
    rewriter.replaceOp(op, rmw.getResult());
    return success();
  }
};

} // namespace

void cuft::populateCuftMemoryToMemRefPatterns(CuftTypeConverter &converter,
                                              RewritePatternSet &patterns,
                                              const CuftLoweringOptions &options) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<VarLowering, VarLoadLowering, VarStoreLowering, DimLowering, StrideLowering,
               NDimLowering, AllocSharedLowering, AllocLocalLowering>(converter, ctx);
  patterns.add<LoadLowering, StoreLowering, AtomicRMWLowering, AtomicCASLowering>(
      converter, ctx, options.boundsCheck);
}
