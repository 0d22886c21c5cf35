//===- Functions.cpp - cuft kernels, functions and calls to gpu/func ------===//

#include "Checks.h"

#include "cuft/Conversion/CuftToGPU/CuftToGPU.h"
#include "cuft/Dialect/Cuft/IR/CuftOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"

using namespace mlir;
using namespace cuft;

namespace {

/// The C signature of an external device function (scalars only).
LLVM::LLVMFunctionType externalType(MLIRContext *ctx, TypeRange params, TypeRange results) {
  Type result = results.empty() ? LLVM::LLVMVoidType::get(ctx) : results[0];
  return LLVM::LLVMFunctionType::get(result, SmallVector<Type>(params));
}

/// Moves `from`'s body into `to` (whose own body is replaced) and converts the
/// entry block's argument types.
LogicalResult moveBody(ConversionPatternRewriter &rewriter, const TypeConverter &converter,
                       Operation *from, Region &to,
                       TypeConverter::SignatureConversion &signature) {
  while (!to.empty())
    rewriter.eraseBlock(&to.front());
  rewriter.inlineRegionBefore(from->getRegion(0), to, to.end());
  if (failed(rewriter.convertRegionTypes(&to, converter, &signature)))
    return failure();
  return success();
}

/// A kernel's `max_registers` and `launch_bounds` options (attributes of its
/// cuft.kernel) as NVVM's (`.maxnreg`, `.maxntid`, `.minnctapersm`,
/// `.maxclusterrank` in the PTX), and the most threads a block may have as
/// `cuft.max_threads` for the host target, which refuses larger blocks as a
/// GPU does.
void setLaunchAttributes(KernelOp op, gpu::GPUFuncOp fn, OpBuilder &b) {
  if (auto regs = op->getAttrOfType<IntegerAttr>(kMaxRegistersAttr))
    fn->setAttr("nvvm.maxnreg", b.getI32IntegerAttr(int32_t(regs.getInt())));
  auto bounds = op->getAttrOfType<DenseI64ArrayAttr>(kLaunchBoundsAttr);
  if (!bounds || bounds.empty())
    return;
  ArrayRef<int64_t> v = bounds.asArrayRef();
  fn->setAttr("nvvm.maxntid", b.getDenseI32ArrayAttr({int32_t(v[0]), 1, 1}));
  fn->setAttr(kMaxThreadsAttr, b.getI64IntegerAttr(v[0]));
  if (v.size() > 1)
    fn->setAttr("nvvm.minctasm", b.getI32IntegerAttr(int32_t(v[1])));
  if (v.size() > 2)
    fn->setAttr("nvvm.maxclusterrank", b.getI32IntegerAttr(int32_t(v[2])));
}

struct KernelLowering : public OpConversionPattern<KernelOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(KernelOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    FunctionType type = op.getFunctionType();
    TypeConverter::SignatureConversion signature(type.getNumInputs());
    if (failed(getTypeConverter()->convertSignatureArgs(type.getInputs(), signature)))
      return failure();
    auto fn = gpu::GPUFuncOp::create(
        rewriter, op.getLoc(), op.getSymName(),
        rewriter.getFunctionType(signature.getConvertedTypes(), {}));
    fn->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), rewriter.getUnitAttr());
    setLaunchAttributes(op, fn, rewriter);
    if (failed(moveBody(rewriter, *getTypeConverter(), op, fn.getBody(), signature)))
      return failure();
    rewriter.eraseOp(op);
    return success();
  }
};

struct FuncLowering : public OpConversionPattern<FuncOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(FuncOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    FunctionType type = op.getFunctionType();
    TypeConverter::SignatureConversion signature(type.getNumInputs());
    SmallVector<Type> results;
    if (failed(getTypeConverter()->convertSignatureArgs(type.getInputs(), signature)) ||
        failed(getTypeConverter()->convertTypes(type.getResults(), results)))
      return failure();
    if (op.getBody().empty()) {
      // External code: an llvm.func with the symbol's C signature, which no
      // lowering wraps or renames (the host's convert-to-llvm would give a
      // func.func a `_mlir_ciface_<name>` wrapper where it is asked to).
      LLVM::LLVMFuncOp::create(rewriter, op.getLoc(), op.getSymName(),
                               externalType(getContext(), signature.getConvertedTypes(), results));
      rewriter.eraseOp(op);
      return success();
    }
    auto fn = func::FuncOp::create(
        rewriter, op.getLoc(), op.getSymName(),
        rewriter.getFunctionType(signature.getConvertedTypes(), results));
    fn.setPrivate();
    // @cuft.func(inline="always" | "never"): LLVM's alwaysinline or noinline
    // (func.func passes `passthrough` on to the llvm.func).
    if (auto inl = op->getAttrOfType<StringAttr>(kInlineAttr))
      fn->setAttr("passthrough",
                  rewriter.getStrArrayAttr({inl.getValue() == "always" ? "alwaysinline"
                                                                       : "noinline"}));
    if (op->hasAttr(kExactFpAttr))
      fn->setAttr(kExactFpAttr, rewriter.getUnitAttr());
    if (failed(moveBody(rewriter, *getTypeConverter(), op, fn.getBody(), signature)))
      return failure();
    rewriter.eraseOp(op);
    return success();
  }
};

struct ReturnLowering : public OpConversionPattern<ReturnOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ReturnOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Operation *parent = op->getParentOp();
    if (isa<gpu::GPUFuncOp, KernelOp>(parent))
      rewriter.replaceOpWithNewOp<gpu::ReturnOp>(op, adaptor.getOperands());
    else
      rewriter.replaceOpWithNewOp<func::ReturnOp>(op, adaptor.getOperands());
    return success();
  }
};

/// cuft.raise: a call of kRaiseFunction that does not return.
struct RaiseLowering : public OpConversionPattern<RaiseOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(RaiseOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value code = arith::ConstantOp::create(rewriter, loc, rewriter.getI64IntegerAttr(op.getCode()));
    cuft::detail::callDeclared(rewriter, loc, kRaiseFunction, {}, code);
    rewriter.replaceOpWithNewOp<LLVM::UnreachableOp>(op);
    return success();
  }
};

struct CallLowering : public OpConversionPattern<CallOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(CallOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    SmallVector<Type> results;
    if (failed(getTypeConverter()->convertTypes(op.getResultTypes(), results)))
      return failure();
    Operation *callee = SymbolTable::lookupNearestSymbolFrom(op, op.getCalleeAttr());
    auto fn = dyn_cast_or_null<FuncOp>(callee);
    if (isa_and_nonnull<LLVM::LLVMFuncOp>(callee) || (fn && fn.getBody().empty())) {
      rewriter.replaceOpWithNewOp<LLVM::CallOp>(
          op, externalType(getContext(), adaptor.getOperands().getTypes(), results), op.getCallee(),
          adaptor.getOperands());
      return success();
    }
    rewriter.replaceOpWithNewOp<func::CallOp>(op, op.getCallee(), results,
                                              adaptor.getOperands());
    return success();
  }
};

} // namespace

void cuft::populateCuftFuncToGpuPatterns(CuftTypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns.add<KernelLowering, FuncLowering, ReturnLowering, CallLowering, RaiseLowering>(
      converter, patterns.getContext());
}
