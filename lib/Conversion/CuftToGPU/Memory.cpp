//===- Memory.cpp - cuft arrays, variables and atomics to memref ----------===//

#include "cuft/Conversion/CuftToGPU/CuftToGPU.h"
#include "cuft/Dialect/Cuft/IR/CuftOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

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

struct LoadLowering : public OpConversionPattern<LoadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(LoadOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto idx = toIndices(rewriter, op.getLoc(), op.getIndices(), adaptor.getIndices());
    rewriter.replaceOpWithNewOp<memref::LoadOp>(op, adaptor.getArray(), idx);
    return success();
  }
};

struct StoreLowering : public OpConversionPattern<StoreOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(StoreOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto idx = toIndices(rewriter, op.getLoc(), op.getIndices(), adaptor.getIndices());
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

struct AtomicRMWLowering : public OpConversionPattern<AtomicRMWOp> {
  using OpConversionPattern::OpConversionPattern;
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
    rewriter.replaceOpWithNewOp<memref::AtomicRMWOp>(op, kind, v, adaptor.getArray(), idx);
    return success();
  }
};

/// Compare-and-swap as a generic atomic update that stores `value` when the
/// current element equals `expected` bit for bit, and the element itself otherwise.
struct AtomicCASLowering : public OpConversionPattern<AtomicCASOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(AtomicCASOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto idx = toIndices(rewriter, loc, op.getIndices(), adaptor.getIndices());
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
                                              RewritePatternSet &patterns) {
  patterns.add<VarLowering, VarLoadLowering, VarStoreLowering, LoadLowering, StoreLowering,
               DimLowering, StrideLowering, NDimLowering, AllocSharedLowering,
               AllocLocalLowering, AtomicRMWLowering, AtomicCASLowering>(
      converter, patterns.getContext());
}
