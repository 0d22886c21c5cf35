//===- Memory.cpp - cuft arrays, variables and atomics to memref ----------===//

#include "Checks.h"

#include "cuft/Conversion/CuftToGPU/CuftToGPU.h"
#include "cuft/Dialect/Cuft/IR/CuftOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace cuft;

namespace {

/// Array indices as `index` values, respecting the cuft index's signedness. A
/// negative signed index counts from the end, as in NumPy and numba-cuda
/// (`a[-1]` is the last element): a select that LLVM removes where the index is
/// provably non-negative. Bounds checks see the wrapped index and report the
/// one written (`raw`).
struct Indices {
  SmallVector<Value> wrapped, raw;
};

Indices toIndices(OpBuilder &b, Location loc, Value array, ValueRange cuftIndices,
                  ValueRange converted) {
  Indices result;
  for (auto [dim, pair] : llvm::enumerate(llvm::zip(cuftIndices, converted))) {
    auto [orig, v] = pair;
    if (orig.getType().isUnsignedInteger() || orig.getType().isInteger(1)) {
      Value idx = arith::IndexCastUIOp::create(b, loc, b.getIndexType(), v);
      result.wrapped.push_back(idx);
      result.raw.push_back(idx);
      continue;
    }
    Value idx = arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
    result.raw.push_back(idx);
    APInt constant;
    bool nonNegative = (matchPattern(orig, m_ConstantInt(&constant)) && !constant.isNegative()) ||
                       isa_and_nonnull<GridIndexOp, ThreadIdxOp, BlockIdxOp, BlockDimOp,
                                       GridDimOp>(orig.getDefiningOp());
    if (nonNegative) { // a hardware register, or grid(): never negative
      result.wrapped.push_back(idx);
      continue;
    }
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, idx, zero);
    Value size = memref::DimOp::create(b, loc, array, dim);
    Value fromEnd = arith::AddIOp::create(b, loc, idx, size);
    result.wrapped.push_back(arith::SelectOp::create(b, loc, negative, fromEnd, idx));
  }
  return result;
}

/// With bounds checking on, the checks of detail::checkBounds.
void checkBounds(ConversionPatternRewriter &rewriter, Location loc, Value array,
                 const Indices &indices, bool enabled) {
  if (enabled)
    cuft::detail::checkBounds(rewriter, loc, array, indices.wrapped, indices.raw);
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
    auto idx = toIndices(rewriter, op.getLoc(), adaptor.getArray(), op.getIndices(),
                         adaptor.getIndices());
    checkBounds(rewriter, op.getLoc(), adaptor.getArray(), idx, boundsCheck);
    Value v = memref::LoadOp::create(rewriter, op.getLoc(), adaptor.getArray(), idx.wrapped);
    if (op.getType().isInteger(1) && !v.getType().isInteger(1))
      v = arith::CmpIOp::create(rewriter, op.getLoc(), arith::CmpIPredicate::ne, v,
                                arith::ConstantOp::create(rewriter, op.getLoc(), v.getType(),
                                                          rewriter.getZeroAttr(v.getType())));
    rewriter.replaceOp(op, v);
    return success();
  }
};

struct StoreLowering : public ElementPattern<StoreOp> {
  using ElementPattern::ElementPattern;
  LogicalResult matchAndRewrite(StoreOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto idx = toIndices(rewriter, op.getLoc(), adaptor.getArray(), op.getIndices(),
                         adaptor.getIndices());
    checkBounds(rewriter, op.getLoc(), adaptor.getArray(), idx, boundsCheck);
    Value v = adaptor.getValue();
    Type elem = cast<MemRefType>(adaptor.getArray().getType()).getElementType();
    if (v.getType() != elem) // a bool stored as a byte
      v = arith::ExtUIOp::create(rewriter, op.getLoc(), elem, v);
    rewriter.replaceOpWithNewOp<memref::StoreOp>(op, v, adaptor.getArray(), idx.wrapped);
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

struct SizeLowering : public OpConversionPattern<SizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(SizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto arr = cast<ArrayType>(op.getArray().getType());
    Value n = arith::ConstantIndexOp::create(rewriter, loc, 1);
    for (unsigned d = 0; d < arr.getRank(); ++d)
      n = arith::MulIOp::create(rewriter, loc, n,
                                memref::DimOp::create(rewriter, loc, adaptor.getArray(), d));
    rewriter.replaceOpWithNewOp<arith::IndexCastOp>(op, rewriter.getI64Type(), n);
    return success();
  }
};

struct ItemSizeLowering : public OpConversionPattern<ItemSizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ItemSizeOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Type elem = cast<ArrayType>(op.getArray().getType()).getElementType();
    int64_t bytes = std::max<int64_t>(1, elem.getIntOrFloatBitWidth() / 8);
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, rewriter.getI64IntegerAttr(bytes));
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
    auto idx = toIndices(rewriter, loc, adaptor.getArray(), op.getIndices(), adaptor.getIndices());
    checkBounds(rewriter, loc, adaptor.getArray(), idx, boundsCheck);
    rewriter.replaceOpWithNewOp<memref::AtomicRMWOp>(op, kind, v, adaptor.getArray(),
                                                  idx.wrapped);
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
    auto idx = toIndices(rewriter, loc, adaptor.getArray(), op.getIndices(), adaptor.getIndices());
    checkBounds(rewriter, loc, adaptor.getArray(), idx, boundsCheck);
    auto rmw = memref::GenericAtomicRMWOp::create(rewriter, loc, adaptor.getArray(),
                                                  idx.wrapped);
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
               NDimLowering, SizeLowering, ItemSizeLowering, AllocSharedLowering, AllocLocalLowering>(converter, ctx);
  patterns.add<LoadLowering, StoreLowering, AtomicRMWLowering, AtomicCASLowering>(
      converter, ctx, options.boundsCheck);
}
