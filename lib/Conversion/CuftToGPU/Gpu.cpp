//===- Gpu.cpp - cuft thread indexing and synchronization to gpu/llvm -----===//

#include "Checks.h"

#include "cuft/Conversion/CuftToGPU/CuftToGPU.h"
#include "cuft/Dialect/Cuft/IR/CuftOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

using namespace mlir;
using namespace cuft;

namespace {

gpu::Dimension toGpu(Dim d) {
  switch (d) {
  case Dim::X: return gpu::Dimension::x;
  case Dim::Y: return gpu::Dimension::y;
  case Dim::Z: return gpu::Dimension::z;
  }
  return gpu::Dimension::x;
}

template <typename SrcOp, typename GpuOp>
struct IndexLowering : public OpConversionPattern<SrcOp> {
  using OpConversionPattern<SrcOp>::OpConversionPattern;
  LogicalResult matchAndRewrite(SrcOp op, typename SrcOp::Adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value v = GpuOp::create(rewriter, op.getLoc(), toGpu(op.getDim()));
    rewriter.replaceOpWithNewOp<arith::IndexCastUIOp>(op, rewriter.getI64Type(), v);
    return success();
  }
};

/// grid(n): blockIdx * blockDim + threadIdx; gridsize(n): blockDim * gridDim; as i64.
template <typename SrcOp, bool isSize>
struct GridLowering : public OpConversionPattern<SrcOp> {
  using OpConversionPattern<SrcOp>::OpConversionPattern;
  LogicalResult matchAndRewrite(SrcOp op, typename SrcOp::Adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    SmallVector<Value> results;
    for (uint64_t i = 0; i < op.getNdim(); ++i) {
      auto d = static_cast<gpu::Dimension>(i);
      Value bdim = gpu::BlockDimOp::create(rewriter, loc, d);
      // Products and sums of 32-bit registers: they never wrap, and LLVM may
      // rely on it (the result is non-negative, so an index from grid() needs
      // no negative-index wrap).
      auto exact = arith::IntegerOverflowFlags::nsw | arith::IntegerOverflowFlags::nuw;
      Value v;
      if (isSize) {
        v = arith::MulIOp::create(rewriter, loc, bdim, gpu::GridDimOp::create(rewriter, loc, d),
                                  exact);
      } else {
        Value prod = arith::MulIOp::create(rewriter, loc,
                                           gpu::BlockIdOp::create(rewriter, loc, d), bdim, exact);
        v = arith::AddIOp::create(rewriter, loc, prod, gpu::ThreadIdOp::create(rewriter, loc, d),
                                  exact);
      }
      results.push_back(arith::IndexCastUIOp::create(rewriter, loc, rewriter.getI64Type(), v));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct LaneIdLowering : public OpConversionPattern<LaneIdOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(LaneIdOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Value v = gpu::LaneIdOp::create(rewriter, op.getLoc(), /*upper_bound=*/nullptr);
    rewriter.replaceOpWithNewOp<arith::IndexCastUIOp>(op, rewriter.getI32Type(), v);
    return success();
  }
};

struct WarpSizeLowering : public OpConversionPattern<WarpSizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(WarpSizeOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, rewriter.getI32IntegerAttr(32));
    return success();
  }
};

/// print -> gpu.printf: one format for the line, each value widened as
/// numba-cuda prints it (integers to 64 bits, floats to f64 by the printf
/// lowering of each target).
/// The address (an i64) of NUL-terminated `text`, a private constant of the
/// nearest symbol table (one per text): what printf's %s reads, on the GPU
/// (vprintf's argument buffer holds it as a pointer) and on the host.
Value stringAddress(OpBuilder &b, Location loc, StringRef text) {
  // Where the code is being built (the gpu.module), as callDeclared.
  Operation *table =
      b.getInsertionBlock()->getParentOp()->getParentWithTrait<OpTrait::SymbolTable>();
  std::string name = ("__cuft_str_" + text).str();
  auto global = dyn_cast_or_null<LLVM::GlobalOp>(SymbolTable::lookupSymbolIn(table, name));
  if (!global) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&table->getRegion(0).front());
    std::string bytes = text.str();
    bytes.push_back('\0');
    global = LLVM::GlobalOp::create(b, loc, LLVM::LLVMArrayType::get(b.getI8Type(), bytes.size()),
                                    /*isConstant=*/true, LLVM::Linkage::Private, name,
                                    b.getStringAttr(bytes));
  }
  Value address = LLVM::AddressOfOp::create(b, loc, global);
  return LLVM::PtrToIntOp::create(b, loc, b.getI64Type(), address);
}

struct PrintLowering : public OpConversionPattern<PrintOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(PrintOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto escaped = [](StringRef text) {
      std::string out;
      for (char c : text) {
        out += c;
        if (c == '%')
          out += '%';
      }
      return out;
    };
    std::string format = escaped(cast<StringAttr>(op.getPieces()[0]).getValue());
    SmallVector<Value> args;
    Type i64 = rewriter.getI64Type();
    for (auto [i, v] : llvm::enumerate(adaptor.getValues())) {
      Type cuftType = op.getValues()[i].getType();
      if (isa<ComplexType>(v.getType())) { // as Python: (1+2j)
        format += "(%f%+fj)";
        args.push_back(complex::ReOp::create(rewriter, loc, v));
        args.push_back(complex::ImOp::create(rewriter, loc, v));
      } else if (isa<FloatType>(v.getType())) {
        format += "%f";
        if (v.getType().isBF16()) // bf16 extends through f32 only
          v = arith::ExtFOp::create(rewriter, loc, rewriter.getF32Type(), v);
        args.push_back(v.getType().isF16()
                           ? Value(arith::ExtFOp::create(rewriter, loc, rewriter.getF64Type(), v))
                           : v);
      } else if (cuftType.isInteger(1)) { // as Python: True, False
        format += "%s";
        args.push_back(arith::SelectOp::create(rewriter, loc, v,
                                               stringAddress(rewriter, loc, "True"),
                                               stringAddress(rewriter, loc, "False")));
      } else if (cuftType.isUnsignedInteger()) {
        format += "%llu";
        args.push_back(v.getType().isInteger(64)
                           ? v
                           : Value(arith::ExtUIOp::create(rewriter, loc, i64, v)));
      } else {
        format += "%lld";
        args.push_back(v.getType().isInteger(64)
                           ? v
                           : Value(arith::ExtSIOp::create(rewriter, loc, i64, v)));
      }
      format += escaped(cast<StringAttr>(op.getPieces()[i + 1]).getValue());
    }
    rewriter.replaceOpWithNewOp<gpu::PrintfOp>(op, rewriter.getStringAttr(format), args);
    return success();
  }
};

struct SyncThreadsLowering : public OpConversionPattern<SyncThreadsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(SyncThreadsOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<gpu::BarrierOp>(op);
    return success();
  }
};

/// Fences: NVPTX maps syncscope "block"/"device"/"" (system) to fence.sc.cta/gpu/sys.
struct ThreadFenceLowering : public OpConversionPattern<ThreadFenceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ThreadFenceOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    StringRef scope = op.getScope() == FenceScope::Block    ? "block"
                      : op.getScope() == FenceScope::Device ? "device"
                                                            : "";
    rewriter.replaceOpWithNewOp<LLVM::FenceOp>(op, LLVM::AtomicOrdering::seq_cst, scope);
    return success();
  }
};

struct GridSyncLowering : public OpConversionPattern<GridSyncOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GridSyncOp op, OpAdaptor,
                                ConversionPatternRewriter &b) const override {
    cuft::detail::callDeclared(b, op.getLoc(), kGridSyncFunction, {}, {});
    b.eraseOp(op);
    return success();
  }
};

struct NanoSleepLowering : public OpConversionPattern<NanoSleepOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(NanoSleepOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    cuft::detail::callDeclared(b, op.getLoc(), kNanoSleepFunction, {}, adaptor.getNs());
    b.eraseOp(op);
    return success();
  }
};

/// A warp or block collective: a call of kCollectiveFunction, the operand's
/// bits in an i64 and the result's taken back from one.
struct CollectiveLowering : public OpConversionPattern<CollectiveOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(CollectiveOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    auto i32 = b.getI32Type(), i64 = b.getI64Type();
    auto constant = [&](Type t, int64_t v) {
      return arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, v)).getResult();
    };
    // To an i64 of the value's bits (a float bitcast, an integer zero-extended).
    auto bits = [&](Value v) -> Value {
      Type t = v.getType();
      unsigned w = t.getIntOrFloatBitWidth();
      if (isa<FloatType>(t))
        v = arith::BitcastOp::create(b, loc, b.getIntegerType(w), v);
      return w == 64 ? v : arith::ExtUIOp::create(b, loc, i64, v).getResult();
    };
    ValueRange in = adaptor.getOperands();
    Value mask = constant(i32, -1), value = constant(i64, 0), arg = constant(i32, 0),
          width = constant(i32, 32);
    unsigned valueBits = 32;
    if (op.isShuffle()) {
      mask = in[0];
      value = bits(in[1]);
      valueBits = in[1].getType().getIntOrFloatBitWidth();
      arg = in[2];
      width = in[3];
    } else if (op.isBlockReduction()) {
      value = bits(in[0]);
    } else if (!in.empty()) {
      mask = in[0];
      if (in.size() == 2) {
        value = bits(in[1]);
        valueBits = in[1].getType().getIntOrFloatBitWidth();
      }
    }
    Value args[] = {constant(i32, int64_t(op.getKind())), mask, value, arg, width,
                    constant(i32, valueBits)};
    Value r = cuft::detail::callDeclared(b, loc, kCollectiveFunction, {i64}, args).getResult(0);
    Type t = getTypeConverter()->convertType(op.getType());
    unsigned w = t.getIntOrFloatBitWidth();
    if (w < 64)
      r = arith::TruncIOp::create(b, loc, b.getIntegerType(w), r);
    if (isa<FloatType>(t))
      r = arith::BitcastOp::create(b, loc, t, r);
    b.replaceOp(op, r);
    return success();
  }
};

} // namespace

void cuft::populateCuftGpuToGpuPatterns(CuftTypeConverter &converter,
                                        RewritePatternSet &patterns) {
  patterns.add<IndexLowering<ThreadIdxOp, gpu::ThreadIdOp>,
               IndexLowering<BlockIdxOp, gpu::BlockIdOp>,
               IndexLowering<BlockDimOp, gpu::BlockDimOp>,
               IndexLowering<GridDimOp, gpu::GridDimOp>, GridLowering<GridIndexOp, false>,
               GridLowering<GridSizeOp, true>, LaneIdLowering, WarpSizeLowering,
               SyncThreadsLowering, ThreadFenceLowering, PrintLowering, CollectiveLowering,
               NanoSleepLowering, GridSyncLowering>(converter,
                                                                       patterns.getContext());
}
