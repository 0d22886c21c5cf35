//===- Memory.cpp - cuft arrays, variables and atomics to memref ----------===//

#include "Checks.h"

#include "cuft/Conversion/CuftToGPU/CuftToGPU.h"
#include "cuft/Dialect/Cuft/IR/CuftOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace cuft;

namespace {

/// What memref type `type`'s layout fixes of a reinterpret_cast's extents,
/// strides and offset (a C array's last stride, 1, and offset, 0): given as
/// the constants they are, as reinterpret_cast requires; the rest as computed.
struct FixedLayout {
  explicit FixedLayout(MemRefType type) : type(type) {
    (void)type.getStridesAndOffset(strides, offset);
  }
  OpFoldResult size(OpBuilder &b, unsigned k, Value computed) const {
    return pick(b, type.getDimSize(k), computed);
  }
  OpFoldResult stride(OpBuilder &b, unsigned k, Value computed) const {
    return pick(b, strides[k], computed);
  }
  OpFoldResult offsetOr(OpBuilder &b, Value computed) const { return pick(b, offset, computed); }

private:
  static OpFoldResult pick(OpBuilder &b, int64_t fixed, Value computed) {
    return ShapedType::isDynamic(fixed) ? OpFoldResult(computed)
                                        : OpFoldResult(b.getIndexAttr(fixed));
  }
  MemRefType type;
  SmallVector<int64_t> strides;
  int64_t offset = 0;
};

} // namespace

Value cuft::detail::elementsView(OpBuilder &b, Location loc, Value array, MemRefType type,
                                 int64_t scale, bool lastAxisGrows, int64_t extra) {
  // The buffer's element type changes in its descriptor (LLVM's lowering of a
  // memref: two pointers and an offset for rank 0): the unrealized casts meet
  // the descriptors that memref's lowering makes, as a record's array field's
  // do (below).
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, array);
  auto sourceBase = cast<MemRefType>(meta.getBaseBuffer().getType());
  unsigned space = 0;
  if (auto s = dyn_cast_or_null<IntegerAttr>(sourceBase.getMemorySpace()))
    space = unsigned(s.getInt());
  MLIRContext *ctx = b.getContext();
  auto ptr = LLVM::LLVMPointerType::get(ctx, space);
  auto descriptor = LLVM::LLVMStructType::getLiteral(ctx, {ptr, ptr, b.getI64Type()});
  auto base = MemRefType::get({}, type.getElementType(), MemRefLayoutAttrInterface(),
                              sourceBase.getMemorySpace());
  Value d = UnrealizedConversionCastOp::create(b, loc, descriptor, meta.getBaseBuffer())
                .getResult(0);
  Value rebased = UnrealizedConversionCastOp::create(b, loc, base, d).getResult(0);
  auto scaled = [&](Value v) -> Value {
    if (scale == 1)
      return v;
    return arith::MulIOp::create(b, loc, v, arith::ConstantIndexOp::create(b, loc, scale));
  };
  Value offset = scaled(meta.getOffset());
  if (extra)
    offset = arith::AddIOp::create(b, loc, offset, arith::ConstantIndexOp::create(b, loc, extra));
  FixedLayout fixed(type);
  SmallVector<OpFoldResult> sizes, strides;
  unsigned last = unsigned(type.getRank()) - 1;
  for (auto [k, size, stride] : llvm::enumerate(meta.getSizes(), meta.getStrides())) {
    bool grows = lastAxisGrows && k == last;
    sizes.push_back(fixed.size(b, unsigned(k), grows ? scaled(size) : size));
    strides.push_back(fixed.stride(b, unsigned(k), grows ? stride : scaled(stride)));
  }
  return memref::ReinterpretCastOp::create(b, loc, type, rebased, fixed.offsetOr(b, offset),
                                           sizes, strides);
}

namespace {

/// Array indices as `index` values, respecting the cuft index's signedness. A
/// negative signed index counts from the end, as in NumPy and numba-cuda
/// (`a[-1]` is the last element): a select that LLVM removes where the index is
/// provably non-negative. Bounds checks see the wrapped index and report the
/// one written (`raw`).
struct Indices {
  SmallVector<Value> wrapped, raw;
};

/// A cuft integer `orig` (converted: `v`) as an `index`, by its signedness.
Value asIndex(OpBuilder &b, Location loc, Value orig, Value v) {
  if (orig.getType().isUnsignedInteger() || orig.getType().isInteger(1))
    return arith::IndexCastUIOp::create(b, loc, b.getIndexType(), v);
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
}

/// Whether cuft integer `orig` is never negative: unsigned, a non-negative
/// literal, a hardware register or grid().
bool neverNegative(Value orig) {
  APInt constant;
  return orig.getType().isUnsignedInteger() || orig.getType().isInteger(1) ||
         (matchPattern(orig, m_ConstantInt(&constant)) && !constant.isNegative()) ||
         isa_and_nonnull<GridIndexOp, ThreadIdxOp, BlockIdxOp, BlockDimOp, GridDimOp>(
             orig.getDefiningOp());
}

/// Index `orig` of dimension `dim` of `array` (converted: `v`) into `result`.
void addIndex(OpBuilder &b, Location loc, Value array, unsigned dim, Value orig, Value v,
              Indices &result) {
  Value idx = asIndex(b, loc, orig, v);
  result.raw.push_back(idx);
  if (neverNegative(orig)) {
    result.wrapped.push_back(idx);
    return;
  }
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, idx, zero);
  Value size = memref::DimOp::create(b, loc, array, dim);
  Value fromEnd = arith::AddIOp::create(b, loc, idx, size);
  result.wrapped.push_back(arith::SelectOp::create(b, loc, negative, fromEnd, idx));
}

Indices toIndices(OpBuilder &b, Location loc, Value array, ValueRange cuftIndices,
                  ValueRange converted) {
  Indices result;
  for (auto [dim, pair] : llvm::enumerate(llvm::zip(cuftIndices, converted)))
    addIndex(b, loc, array, dim, std::get<0>(pair), std::get<1>(pair), result);
  return result;
}

/// With bounds checking on, the checks of detail::checkBounds.
void checkBounds(ConversionPatternRewriter &rewriter, Location loc, Value array,
                 const Indices &indices, bool enabled) {
  if (enabled)
    cuft::detail::checkBounds(rewriter, loc, array, indices.wrapped, indices.raw);
}

/// Patterns over array elements: they need to know whether to check bounds
/// and whether cache hints become PTX.
template <typename Op>
struct ElementPattern : public OpConversionPattern<Op> {
  ElementPattern(const TypeConverter &converter, MLIRContext *ctx,
                 const CuftLoweringOptions &options)
      : OpConversionPattern<Op>(converter, ctx), boundsCheck(options.boundsCheck),
        cacheHints(options.cacheHints) {}
  bool boundsCheck, cacheHints;
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

/// A bool element is a byte in memory, as in NumPy: read, any nonzero byte is
/// true (an i1 load would keep the byte's other bits); written, 0 or 1.
Value boolFromByte(OpBuilder &b, Location loc, Value byte) {
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, byte,
                               arith::ConstantOp::create(b, loc, byte.getType(),
                                                         b.getZeroAttr(byte.getType())));
}
Value byteFromBool(OpBuilder &b, Location loc, Value flag, Type byte) {
  return arith::ExtUIOp::create(b, loc, byte, flag);
}

/// The address (an i64) of element `indices` of an array of records (or of
/// other items of `recordBytes` bytes): the aligned pointer plus (offset + sum
/// of index * stride) items.
Value recordAddress(OpBuilder &b, Location loc, Value array, ValueRange indices,
                    int64_t recordBytes) {
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, array);
  Value element = meta.getOffset();
  for (auto [idx, stride] : llvm::zip(indices, meta.getStrides()))
    element = arith::AddIOp::create(b, loc, element, arith::MulIOp::create(b, loc, idx, stride));
  Value bytes = arith::MulIOp::create(b, loc, element,
                                      arith::ConstantIndexOp::create(b, loc, recordBytes));
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, array);
  return arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                    arith::AddIOp::create(b, loc, base, bytes));
}

/// Copies a record of `type` from address `src` to `dst` (i64s): the whole
/// item, padding too, as numpy's `a[i] = b[j]` does, in the widest unit both
/// addresses are known to be aligned to.
void copyRecord(OpBuilder &b, Location loc, Value dst, Value src, RecordType type) {
  int64_t size = type.getSize();
  int64_t unit = std::gcd(std::gcd(int64_t(type.getAlignment()), size), int64_t(8));
  Type word = b.getIntegerType(unsigned(unit * 8));
  auto ptrType = LLVM::LLVMPointerType::get(b.getContext());
  Value from = LLVM::IntToPtrOp::create(b, loc, ptrType, src);
  Value to = LLVM::IntToPtrOp::create(b, loc, ptrType, dst);
  auto index = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  auto loop = scf::ForOp::create(b, loc, index(0), index(size / unit), index(1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value k = arith::IndexCastOp::create(b, loc, b.getI64Type(), loop.getInductionVar());
  auto at = [&](Value base) {
    return LLVM::GEPOp::create(b, loc, ptrType, word, base, ArrayRef<LLVM::GEPArg>{k});
  };
  Value v = LLVM::LoadOp::create(b, loc, word, at(from), unit);
  LLVM::StoreOp::create(b, loc, v, at(to), unit);
}

/// A cache-hinted access's PTX (numba-cuda's ldca ... stwt): `ld.global.<op>`
/// into (or `st.global.<op>` from) an integer register of the element's width,
/// 16 bits for a byte (PTX loads and stores a byte through a wider register),
/// at the element's address. Memory clobbered by the store, as numba's.
Value cacheHintedAccess(OpBuilder &b, Location loc, StringRef cache, Value array,
                        ValueRange indices, Value stored) {
  Type elem = cast<MemRefType>(array.getType()).getElementType();
  unsigned bits = elem.getIntOrFloatBitWidth();
  Value address = recordAddress(b, loc, array, indices, std::max(1u, bits / 8));
  Type bitsType = b.getIntegerType(bits), reg = b.getIntegerType(std::max(bits, 16u));
  char constraint = bits <= 16 ? 'h' : bits == 32 ? 'r' : 'l';
  std::string width = std::to_string(bits);
  if (!stored) {
    auto ld = LLVM::InlineAsmOp::create(
        b, loc, TypeRange{reg}, ValueRange{address}, ("ld.global." + cache + ".b" + width +
                                                      " $0, [$1];").str(),
        std::string("=") + constraint + ",l", /*has_side_effects=*/true,
        /*is_align_stack=*/false, LLVM::TailCallKind::None, LLVM::AsmDialectAttr(), ArrayAttr());
    Value v = ld.getResult(0);
    if (reg != bitsType)
      v = arith::TruncIOp::create(b, loc, bitsType, v);
    return bitsType == elem ? v : Value(arith::BitcastOp::create(b, loc, elem, v));
  }
  Value v = stored;
  if (v.getType() != bitsType)
    v = arith::BitcastOp::create(b, loc, bitsType, v);
  if (reg != bitsType)
    v = arith::ExtUIOp::create(b, loc, reg, v);
  LLVM::InlineAsmOp::create(b, loc, TypeRange{}, ValueRange{address, v},
                            ("st.global." + cache + ".b" + width + " [$0], $1;").str(),
                            std::string("l,") + constraint + ",~{memory}",
                            /*has_side_effects=*/true, /*is_align_stack=*/false,
                            LLVM::TailCallKind::None, LLVM::AsmDialectAttr(), ArrayAttr());
  return {};
}

struct LoadLowering : public ElementPattern<LoadOp> {
  using ElementPattern::ElementPattern;
  LogicalResult matchAndRewrite(LoadOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto idx = toIndices(rewriter, op.getLoc(), adaptor.getArray(), op.getIndices(),
                         adaptor.getIndices());
    checkBounds(rewriter, op.getLoc(), adaptor.getArray(), idx, boundsCheck);
    if (auto rec = dyn_cast<RecordType>(op.getType())) { // a record: its address
      rewriter.replaceOp(op, recordAddress(rewriter, op.getLoc(), adaptor.getArray(),
                                           idx.wrapped, rec.getSize()));
      return success();
    }
    if (op.getCache() && cacheHints) {
      rewriter.replaceOp(op, cacheHintedAccess(rewriter, op.getLoc(), *op.getCache(),
                                               adaptor.getArray(), idx.wrapped, {}));
      return success();
    }
    Value v = memref::LoadOp::create(rewriter, op.getLoc(), adaptor.getArray(), idx.wrapped);
    if (op.getType().isInteger(1) && !v.getType().isInteger(1))
      v = boolFromByte(rewriter, op.getLoc(), v);
    rewriter.replaceOp(op, v);
    return success();
  }
};

/// One slice of a dimension of extent `n`, as Python's `slice.indices` and
/// the length of its range give it: (first index, length). `start`/`stop`
/// are null when omitted; `step` is not zero and has the sign `positive`.
std::pair<Value, Value> sliceRange(OpBuilder &b, Location loc, Value n, Value start, Value stop,
                                   Value step, bool positive) {
  using P = arith::CmpIPredicate;
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto select = [&](Value c, Value x, Value y) { return arith::SelectOp::create(b, loc, c, x, y); };
  auto cmp = [&](P p, Value x, Value y) { return arith::CmpIOp::create(b, loc, p, x, y); };
  // A bound: from the end when negative, then clamped to [low, high].
  auto bound = [&](Value v, Value low, Value high) {
    Value fromEnd = arith::AddIOp::create(b, loc, v, n);
    Value negative = cmp(P::slt, v, zero);
    return select(negative, arith::MaxSIOp::create(b, loc, fromEnd, low),
                  arith::MinSIOp::create(b, loc, v, high));
  };
  Value lo, hi, distance, stride;
  if (positive) {
    lo = start ? bound(start, zero, n) : zero;
    hi = stop ? bound(stop, zero, n) : n;
    distance = arith::SubIOp::create(b, loc, hi, lo);
    stride = step;
  } else {
    Value minusOne = arith::ConstantIndexOp::create(b, loc, -1);
    Value last = arith::SubIOp::create(b, loc, n, one);
    lo = start ? bound(start, minusOne, last) : last;
    hi = stop ? bound(stop, minusOne, last) : minusOne;
    distance = arith::SubIOp::create(b, loc, lo, hi);
    stride = arith::SubIOp::create(b, loc, zero, step);
  }
  // ceil(distance / stride) when positive, else 0
  Value rounded = arith::AddIOp::create(b, loc, distance,
                                        arith::SubIOp::create(b, loc, stride, one));
  Value length = select(cmp(P::sgt, distance, zero),
                        arith::DivSIOp::create(b, loc, rounded, stride), zero);
  // An empty view starts at 0: its first index may be past either end.
  Value first = select(cmp(P::sgt, length, zero), lo, zero);
  return {first, length};
}

/// `a.reshape(d0, ..., dn)` of a C-contiguous array: its memory with the new
/// extents (a -1 the array's size over the product of the others) and C
/// strides, at its offset (0: a C array's memref has the identity layout).
/// Checked, extents that do not fit the array call __cuft_reshape_error.
struct ReshapeLowering : public ElementPattern<ReshapeOp> {
  using ElementPattern::ElementPattern;
  LogicalResult matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value array = adaptor.getArray();
    auto arrayType = cast<MemRefType>(array.getType());
    auto type = cast<MemRefType>(getTypeConverter()->convertType(op.getType()));
    auto constant = [&](int64_t v) { return arith::ConstantIndexOp::create(rewriter, loc, v); };
    Value one = constant(1), minusOne = constant(-1);
    Value size = one;
    for (int64_t d = 0; d < arrayType.getRank(); ++d)
      size = arith::MulIOp::create(rewriter, loc, size,
                                   memref::DimOp::create(rewriter, loc, array, d));
    SmallVector<Value> written, isUnknown;
    Value known = one; // the product of the extents other than -1
    for (auto [orig, v] : llvm::zip(op.getExtents(), adaptor.getExtents())) {
      Value extent = asIndex(rewriter, loc, orig, v);
      written.push_back(extent);
      isUnknown.push_back(
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, extent, minusOne));
      known = arith::MulIOp::create(
          rewriter, loc, known,
          arith::SelectOp::create(rewriter, loc, isUnknown.back(), one, extent));
    }
    // The -1's extent; a product of 0 divides nothing (NumPy refuses it: the
    // check does, unchecked the extent is the size).
    Value isZero = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, known,
                                         constant(0));
    Value inferred = arith::DivUIOp::create(
        rewriter, loc, size, arith::SelectOp::create(rewriter, loc, isZero, one, known));
    SmallVector<Value> extents;
    for (auto [extent, unknown] : llvm::zip(written, isUnknown))
      extents.push_back(arith::SelectOp::create(rewriter, loc, unknown, inferred, extent));
    if (boundsCheck)
      cuft::detail::checkReshape(rewriter, loc, size, written, extents);
    FixedLayout fixed(type);
    SmallVector<OpFoldResult> sizes(extents.begin(), extents.end()), strides(extents.size());
    Value stride = one;
    for (int64_t k = int64_t(extents.size()) - 1; k >= 0; --k) {
      strides[k] = fixed.stride(rewriter, unsigned(k), stride);
      stride = arith::MulIOp::create(rewriter, loc, stride, extents[k]);
    }
    rewriter.replaceOpWithNewOp<memref::ReinterpretCastOp>(
        op, type, array, fixed.offsetOr(rewriter, constant(0)), sizes, strides);
    return success();
  }
};

/// `a.T`, `a.transpose(axes)`: the array's memory with its sizes and strides
/// permuted, at its offset (given as the constant a C or F result fixes).
struct TransposeLowering : public OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value array = adaptor.getArray();
    auto type = cast<MemRefType>(getTypeConverter()->convertType(op.getType()));
    SmallVector<int64_t> perm;
    if (!TransposeOp::normalized(op.getPerm(), unsigned(type.getRank()), perm))
      return failure();
    auto meta = memref::ExtractStridedMetadataOp::create(rewriter, loc, array);
    FixedLayout fixed(type);
    SmallVector<OpFoldResult> sizes, strides;
    for (auto [k, d] : llvm::enumerate(perm)) {
      sizes.push_back(meta.getSizes()[d]);
      strides.push_back(fixed.stride(rewriter, unsigned(k), meta.getStrides()[d]));
    }
    rewriter.replaceOpWithNewOp<memref::ReinterpretCastOp>(
        op, type, array, fixed.offsetOr(rewriter, meta.getOffset()), sizes, strides);
    return success();
  }
};

struct ViewLowering : public ElementPattern<ViewOp> {
  using ElementPattern::ElementPattern;
  LogicalResult matchAndRewrite(ViewOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value array = adaptor.getArray();
    auto arrayType = cast<MemRefType>(array.getType());
    SmallVector<int32_t> spec;
    SmallVector<unsigned> newAxes;
    if (!op.perDimension(unsigned(arrayType.getRank()), spec, newAxes))
      return failure();
    ValueRange cuftOperands = op.getParts(), operands = adaptor.getParts();
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    SmallVector<OpFoldResult> offsets, sizes, strides;
    SmallVector<int64_t> resultShape;
    Indices indices;     // the integer indices, for bounds checks
    SmallVector<unsigned> indexedDims;
    unsigned next = 0;
    auto operand = [&]() {
      unsigned i = next++;
      return std::make_pair(cuftOperands[i], operands[i]);
    };
    for (unsigned d = 0; d < arrayType.getRank(); ++d) {
      int32_t e = spec[d];
      if (e == ViewOp::kIndex) {
        auto [orig, v] = operand();
        addIndex(rewriter, loc, array, d, orig, v, indices);
        indexedDims.push_back(d);
        offsets.push_back(indices.wrapped.back());
        sizes.push_back(rewriter.getIndexAttr(1));
        strides.push_back(rewriter.getIndexAttr(1));
        continue;
      }
      Value n = memref::DimOp::create(rewriter, loc, array, d);
      Value start, stop, step = one;
      if (e & ViewOp::kStart) {
        auto [orig, v] = operand();
        start = asIndex(rewriter, loc, orig, v);
      }
      if (e & ViewOp::kStop) {
        auto [orig, v] = operand();
        stop = asIndex(rewriter, loc, orig, v);
      }
      std::optional<bool> positive = true;
      if (e & ViewOp::kStep) {
        auto [orig, v] = operand();
        step = asIndex(rewriter, loc, orig, v);
        APInt constant;
        positive = matchPattern(orig, m_ConstantInt(&constant)) && !constant.isZero()
                       ? std::optional<bool>(!constant.isNegative())
                       : std::nullopt;
      }
      Value first, length;
      if (positive) {
        std::tie(first, length) = sliceRange(rewriter, loc, n, start, stop, step, *positive);
      } else {
        // A step known at run time: both directions, chosen by its sign; a
        // step of 0 gives an empty view (and is not divided by).
        Value isZero = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, step, zero);
        step = arith::SelectOp::create(rewriter, loc, isZero, one, step);
        auto up = sliceRange(rewriter, loc, n, start, stop, step, true);
        auto down = sliceRange(rewriter, loc, n, start, stop, step, false);
        Value isUp = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sgt, step, zero);
        first = arith::SelectOp::create(rewriter, loc, isUp, up.first, down.first);
        length = arith::SelectOp::create(
            rewriter, loc, isZero, zero,
            arith::SelectOp::create(rewriter, loc, isUp, up.second, down.second));
        first = arith::SelectOp::create(rewriter, loc, isZero, zero, first);
      }
      offsets.push_back(first);
      sizes.push_back(length);
      strides.push_back(step);
      resultShape.push_back(ShapedType::kDynamic);
    }
    if (boundsCheck)
      for (auto [dim, wrapped, raw] : llvm::zip(indexedDims, indices.wrapped, indices.raw))
        cuft::detail::checkIndex(rewriter, loc, array, dim, wrapped, raw);
    auto viewType = memref::SubViewOp::inferRankReducedResultType(resultShape, arrayType,
                                                                  offsets, sizes, strides);
    Value view = memref::SubViewOp::create(rewriter, loc, cast<MemRefType>(viewType), array,
                                           offsets, sizes, strides);
    auto resultType = cast<MemRefType>(getTypeConverter()->convertType(op.getType()));
    if (newAxes.empty()) {
      rewriter.replaceOpWithNewOp<memref::CastOp>(op, resultType, view);
      return success();
    }
    // `None`: dimensions of extent 1 and stride 0 (NumPy's), put in among the
    // subview's.
    auto meta = memref::ExtractStridedMetadataOp::create(rewriter, loc, view);
    SmallVector<OpFoldResult> viewSizes, viewStrides;
    for (unsigned k = 0, from = 0; k < unsigned(resultType.getRank()); ++k) {
      if (llvm::is_contained(newAxes, k)) {
        viewSizes.push_back(rewriter.getIndexAttr(1));
        viewStrides.push_back(rewriter.getIndexAttr(0));
        continue;
      }
      viewSizes.push_back(meta.getSizes()[from]);
      viewStrides.push_back(meta.getStrides()[from++]);
    }
    rewriter.replaceOpWithNewOp<memref::ReinterpretCastOp>(
        op, resultType, view, OpFoldResult(meta.getOffset()), viewSizes, viewStrides);
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
    if (auto rec = dyn_cast<RecordType>(op.getValue().getType())) { // a[i] = r: a copy
      copyRecord(rewriter, op.getLoc(),
                 recordAddress(rewriter, op.getLoc(), adaptor.getArray(), idx.wrapped,
                               rec.getSize()),
                 v, rec);
      rewriter.eraseOp(op);
      return success();
    }
    if (op.getCache() && cacheHints) {
      cacheHintedAccess(rewriter, op.getLoc(), *op.getCache(), adaptor.getArray(), idx.wrapped,
                        v);
      rewriter.eraseOp(op);
      return success();
    }
    Type elem = cast<MemRefType>(adaptor.getArray().getType()).getElementType();
    if (v.getType() != elem) // a bool stored as a byte
      v = byteFromBool(rewriter, op.getLoc(), v, elem);
    rewriter.replaceOpWithNewOp<memref::StoreOp>(op, v, adaptor.getArray(), idx.wrapped);
    return success();
  }
};

/// The pointer to field `name` of record `op.getRecord()` (converted:
/// `address`), element `indices` of a subarray field (negative ones count
/// from the end; checked with bounds checking), and the field.
template <typename FieldOp>
std::pair<Value, RecordType::Field> fieldPointer(ConversionPatternRewriter &b, FieldOp op,
                                                 Value address, ValueRange indices,
                                                 bool boundsCheck) {
  Location loc = op.getLoc();
  auto rec = cast<RecordType>(op.getRecord().getType());
  RecordType::Field field = *rec.getField(op.getField());
  auto i64 = b.getI64Type();
  auto constant = [&](int64_t v) { return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v)); };
  Value element = constant(0);
  for (auto [k, pair] : llvm::enumerate(llvm::zip(op.getIndices(), indices))) {
    auto [orig, v] = pair;
    Value idx = v.getType() == i64 ? v
                : orig.getType().isUnsignedInteger() || orig.getType().isInteger(1)
                    ? Value(arith::ExtUIOp::create(b, loc, i64, v))
                    : Value(arith::ExtSIOp::create(b, loc, i64, v));
    Value size = constant(field.shape[k]);
    Value raw = idx;
    if (!neverNegative(orig)) {
      Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, idx, constant(0));
      idx = arith::SelectOp::create(b, loc, negative, arith::AddIOp::create(b, loc, idx, size), idx);
    }
    if (boundsCheck)
      cuft::detail::checkExtent(b, loc, unsigned(k), idx, raw, size);
    element = arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, element, size), idx);
  }
  Value bytes = arith::AddIOp::create(
      b, loc, constant(field.offset),
      arith::MulIOp::create(b, loc, element, constant(scalarBytes(field.type))));
  Value at = arith::AddIOp::create(b, loc, address, bytes);
  Value ptr = LLVM::IntToPtrOp::create(b, loc, LLVM::LLVMPointerType::get(b.getContext()), at);
  return {ptr, field};
}

/// The LLVM types a field is loaded as: its converted type, a bool as a byte,
/// a complex as its two parts.
Type fieldMemoryType(OpBuilder &b, Type t) {
  if (t.isInteger(1))
    return b.getI8Type();
  if (t.isUnsignedInteger())
    return b.getIntegerType(t.getIntOrFloatBitWidth());
  if (auto c = dyn_cast<ComplexType>(t))
    return c.getElementType();
  return t;
}

struct GetFieldLowering : public ElementPattern<GetFieldOp> {
  using ElementPattern::ElementPattern;
  LogicalResult matchAndRewrite(GetFieldOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto [ptr, field] = fieldPointer(rewriter, op, adaptor.getRecord(), adaptor.getIndices(),
                                     boundsCheck);
    if (isa<RecordType>(op.getType())) { // r.p, a nested record: its address
      rewriter.replaceOpWithNewOp<LLVM::PtrToIntOp>(op, rewriter.getI64Type(), ptr);
      return success();
    }
    if (auto arrayType = dyn_cast<ArrayType>(op.getType())) {
      // r.v: a memref over the field's elements, its descriptor made here
      // (pointer, offset 0, the static shape, C strides).
      auto memref = cast<MemRefType>(getTypeConverter()->convertType(arrayType));
      auto i64 = rewriter.getI64Type();
      unsigned rank = unsigned(field.shape.size());
      auto dims = LLVM::LLVMArrayType::get(i64, rank);
      auto descriptorType = LLVM::LLVMStructType::getLiteral(
          rewriter.getContext(), {ptr.getType(), ptr.getType(), i64, dims, dims});
      Value d = LLVM::UndefOp::create(rewriter, loc, descriptorType);
      auto constant = [&](int64_t v) {
        return LLVM::ConstantOp::create(rewriter, loc, i64, rewriter.getI64IntegerAttr(v));
      };
      d = LLVM::InsertValueOp::create(rewriter, loc, d, ptr, ArrayRef<int64_t>{0});
      d = LLVM::InsertValueOp::create(rewriter, loc, d, ptr, ArrayRef<int64_t>{1});
      d = LLVM::InsertValueOp::create(rewriter, loc, d, constant(0), ArrayRef<int64_t>{2});
      int64_t stride = 1;
      for (int k = int(rank) - 1; k >= 0; --k) {
        d = LLVM::InsertValueOp::create(rewriter, loc, d, constant(field.shape[k]),
                                        ArrayRef<int64_t>{3, k});
        d = LLVM::InsertValueOp::create(rewriter, loc, d, constant(stride),
                                        ArrayRef<int64_t>{4, k});
        stride *= field.shape[k];
      }
      rewriter.replaceOpWithNewOp<UnrealizedConversionCastOp>(op, memref, d);
      return success();
    }
    Type mem = fieldMemoryType(rewriter, field.type);
    auto load = [&](Value p) {
      return LLVM::LoadOp::create(rewriter, loc, mem, p, field.alignment).getResult();
    };
    Value v;
    if (auto c = dyn_cast<ComplexType>(field.type)) {
      Value im = LLVM::GEPOp::create(rewriter, loc, ptr.getType(), mem, ptr,
                                     ArrayRef<LLVM::GEPArg>{1});
      v = complex::CreateOp::create(rewriter, loc, c, load(ptr), load(im));
    } else {
      v = load(ptr);
      if (field.type.isInteger(1))
        v = boolFromByte(rewriter, loc, v);
    }
    rewriter.replaceOp(op, v);
    return success();
  }
};

struct SetFieldLowering : public ElementPattern<SetFieldOp> {
  using ElementPattern::ElementPattern;
  LogicalResult matchAndRewrite(SetFieldOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto [ptr, field] = fieldPointer(rewriter, op, adaptor.getRecord(), adaptor.getIndices(),
                                     boundsCheck);
    Value v = adaptor.getValue();
    auto store = [&](Value x, Value p) {
      LLVM::StoreOp::create(rewriter, loc, x, p, field.alignment);
    };
    if (auto rec = dyn_cast<RecordType>(field.type)) { // r.p = q: a copy
      copyRecord(rewriter, loc,
                 LLVM::PtrToIntOp::create(rewriter, loc, rewriter.getI64Type(), ptr), v, rec);
    } else if (isa<ComplexType>(field.type)) {
      Type part = fieldMemoryType(rewriter, field.type);
      Value im = LLVM::GEPOp::create(rewriter, loc, ptr.getType(), part, ptr,
                                     ArrayRef<LLVM::GEPArg>{1});
      store(complex::ReOp::create(rewriter, loc, v), ptr);
      store(complex::ImOp::create(rewriter, loc, v), im);
    } else {
      if (field.type.isInteger(1))
        v = byteFromBool(rewriter, loc, v, rewriter.getI8Type());
      store(v, ptr);
    }
    rewriter.eraseOp(op);
    return success();
  }
};

/// `a[1:n] = v`: a loop nest over the view's extents storing `v` (a scalar)
/// or the source array's element at the same indices, converted to the
/// destination's element type (a bool is a byte in memory).
struct FillLowering : public ElementPattern<FillOp> {
  using ElementPattern::ElementPattern;
  LogicalResult matchAndRewrite(FillOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value dest = adaptor.getDest(), value = adaptor.getValue();
    auto destType = cast<ArrayType>(op.getDest().getType());
    auto srcType = dyn_cast<ArrayType>(op.getValue().getType());
    Type destElem = cast<MemRefType>(dest.getType()).getElementType();
    OpBuilder::InsertionGuard guard(rewriter);
    SmallVector<Value> ivs;
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    for (unsigned d = 0; d < destType.getRank(); ++d) {
      Value n = memref::DimOp::create(rewriter, loc, dest, d);
      auto loop = scf::ForOp::create(rewriter, loc, zero, n, one);
      ivs.push_back(loop.getInductionVar());
      rewriter.setInsertionPointToStart(loop.getBody());
    }
    Value v = value;
    if (srcType) {
      // NumPy's broadcasting: the source's dimensions match the destination's
      // last ones, and one of extent 1 is read at index 0 along the whole axis.
      unsigned lead = destType.getRank() - srcType.getRank();
      SmallVector<Value> at;
      for (unsigned d = 0; d < srcType.getRank(); ++d) {
        Value n = memref::DimOp::create(rewriter, loc, value, d);
        Value single = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, n, one);
        at.push_back(arith::SelectOp::create(rewriter, loc, single, zero, ivs[lead + d]));
      }
      if (boundsCheck)
        for (auto [d, iv] : llvm::enumerate(at))
          cuft::detail::checkIndex(rewriter, loc, value, unsigned(d), iv, iv);
      v = memref::LoadOp::create(rewriter, loc, value, at);
      Type srcElem = srcType.getElementType();
      if (srcElem.isInteger(1))
        v = boolFromByte(rewriter, loc, v);
      Type to = destType.getElementType();
      v = cuft::detail::castScalar(rewriter, loc, v, srcElem, to,
                                   getTypeConverter()->convertType(to));
    }
    if (v.getType() != destElem) // a bool stored as a byte
      v = byteFromBool(rewriter, loc, v, destElem);
    memref::StoreOp::create(rewriter, loc, v, dest, ivs);
    rewriter.eraseOp(op);
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
    int64_t bytes = int64_t(scalarBytes(elem));
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

/// Replaces `op` by a view (of the converted, dynamic type `dynType`) of a new
/// private global of the nearest symbol table, of `staticType`, named after
/// `name` (made unique), holding `value` (uninitialized when null).
void replaceByGlobal(ConversionPatternRewriter &rewriter, Operation *op, MemRefType dynType,
                     MemRefType staticType, StringRef name, Attribute value, bool constant,
                     int64_t alignment = kArrayAlignment) {
  Operation *symbolTableOp = op->getParentWithTrait<OpTrait::SymbolTable>();
  SymbolTable symbols(symbolTableOp);
  memref::GlobalOp global;
  {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(&symbolTableOp->getRegion(0).front());
    global = memref::GlobalOp::create(rewriter, op->getLoc(), name,
                                      rewriter.getStringAttr("private"), staticType,
                                      value ? value : rewriter.getUnitAttr(), constant,
                                      rewriter.getI64IntegerAttr(alignment));
    symbols.insert(global); // makes the name unique
  }
  Value buffer =
      memref::GetGlobalOp::create(rewriter, op->getLoc(), staticType, global.getSymName());
  rewriter.replaceOpWithNewOp<memref::CastOp>(op, dynType, buffer);
}

/// The alignment of a shared array: its `alignment=`, at least the default.
template <typename AllocOpT> int64_t alignmentOf(AllocOpT op) {
  return std::max<int64_t>(kArrayAlignment, op.getAlignment().value_or(0));
}

/// Static shared arrays become uninitialized globals in address space 3; each
/// allocation site gets its own buffer.
struct AllocSharedLowering : public OpConversionPattern<AllocSharedOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(AllocSharedOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto dynType = cast<MemRefType>(getTypeConverter()->convertType(op.getType()));
    if (*op.getShape() == ArrayRef<int64_t>{0})
      return dynamicShared(op, dynType, rewriter);
    auto staticType = MemRefType::get(*op.getShape(), dynType.getElementType(),
                                      MemRefLayoutAttrInterface(), dynType.getMemorySpace());
    replaceByGlobal(rewriter, op, dynType, staticType, "__cuft_shared", {}, /*constant=*/false,
                    alignmentOf(op));
    return success();
  }

  /// The launch's dynamic shared memory: one external buffer of the module
  /// (kDynamicSharedGlobal), as elements of the array's type; their number is
  /// the launch's dynamic bytes (kDynamicSharedBytesFunction) over their size.
  LogicalResult dynamicShared(AllocSharedOp op, MemRefType dynType,
                              ConversionPatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    auto bytesType = MemRefType::get({0}, rewriter.getI8Type(), MemRefLayoutAttrInterface(),
                                     dynType.getMemorySpace());
    Operation *symbolTableOp = op->getParentWithTrait<OpTrait::SymbolTable>();
    auto global = dyn_cast_or_null<memref::GlobalOp>(
        SymbolTable::lookupSymbolIn(symbolTableOp, kDynamicSharedGlobal));
    if (!global) {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(&symbolTableOp->getRegion(0).front());
      global = memref::GlobalOp::create(rewriter, loc, kDynamicSharedGlobal,
                                        rewriter.getStringAttr("public"), bytesType, Attribute(),
                                        /*constant=*/false, rewriter.getI64IntegerAttr(0));
    }
    // Every dynamic array starts at the one buffer: aligned for the most
    // demanding of them.
    global.setAlignmentAttr(rewriter.getI64IntegerAttr(
        std::max<int64_t>(global.getAlignment().value_or(0), alignmentOf(op))));
    Value base = memref::GetGlobalOp::create(rewriter, loc, bytesType, kDynamicSharedGlobal);
    Value bytes = cuft::detail::callDeclared(rewriter, loc, kDynamicSharedBytesFunction,
                                             {rewriter.getI32Type()}, {})
                      .getResult(0);
    Value n = arith::DivUIOp::create(
        rewriter, loc, arith::IndexCastUIOp::create(rewriter, loc, rewriter.getIndexType(), bytes),
        arith::ConstantIndexOp::create(rewriter, loc,
                                       scalarBytes(cast<ArrayType>(op.getType()).getElementType())));
    auto viewType = MemRefType::get({ShapedType::kDynamic}, dynType.getElementType(),
                                    MemRefLayoutAttrInterface(), dynType.getMemorySpace());
    Value view = memref::ViewOp::create(rewriter, loc, viewType, base,
                                        arith::ConstantIndexOp::create(rewriter, loc, 0),
                                        ValueRange{n});
    rewriter.replaceOpWithNewOp<memref::CastOp>(op, dynType, view);
    return success();
  }
};

/// A global array's values -> a constant memref.global of the module (the
/// values' own type: a bool array's are bytes, as the converted memref's).
struct ConstArrayLowering : public OpConversionPattern<ConstArrayOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ConstArrayOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto dynType = cast<MemRefType>(getTypeConverter()->convertType(op.getType()));
    auto value = cast<DenseElementsAttr>(op.getValue());
    auto staticType = MemRefType::get(value.getType().getShape(), dynType.getElementType());
    replaceByGlobal(rewriter, op, dynType, staticType, kConstArrayGlobal, value, /*constant=*/true);
    return success();
  }
};

struct AllocLocalLowering : public OpConversionPattern<AllocLocalOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(AllocLocalOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto dynType = cast<MemRefType>(getTypeConverter()->convertType(op.getType()));
    auto staticType = MemRefType::get(*op.getShape(), dynType.getElementType());
    // Aligned as the element unless `alignment=` asks for more.
    IntegerAttr alignment;
    if (std::optional<uint64_t> asked = op.getAlignment())
      alignment = rewriter.getI64IntegerAttr(int64_t(*asked));
    Value buffer =
        memref::AllocaOp::create(rewriter, op.getLoc(), staticType, ValueRange{}, alignment);
    rewriter.replaceOpWithNewOp<memref::CastOp>(op, dynType, buffer);
    return success();
  }
};

/// A generic atomic update (a compare-and-swap loop) of `op`'s element:
/// `next(current)` builds the value stored; the op's result is the old one.
template <typename AtomicOp, typename Adaptor>
void updateElement(AtomicOp op, Adaptor adaptor, ConversionPatternRewriter &rewriter,
                   bool boundsCheck, function_ref<Value(Value)> next) {
  Location loc = op.getLoc();
  auto idx = toIndices(rewriter, loc, adaptor.getArray(), op.getIndices(), adaptor.getIndices());
  checkBounds(rewriter, loc, adaptor.getArray(), idx, boundsCheck);
  auto rmw = memref::GenericAtomicRMWOp::create(rewriter, loc, adaptor.getArray(), idx.wrapped);
  {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(rmw.getBody());
    memref::AtomicYieldOp::create(rewriter, loc, next(rmw.getCurrentValue()));
  }
  rewriter.replaceOp(op, rmw.getResult());
}

struct AtomicRMWLowering : public ElementPattern<AtomicRMWOp> {
  using ElementPattern::ElementPattern;
  LogicalResult matchAndRewrite(AtomicRMWOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type cuftElem = cast<ArrayType>(op.getArray().getType()).getElementType();
    bool isFloat = isa<FloatType>(cuftElem), u = cuftElem.isUnsignedInteger();
    Value v = adaptor.getValue();
    // min/max: `floatKind` for floats, by signedness for integers.
    auto ordered = [&](arith::AtomicRMWKind floatKind, bool max) {
      return isFloat ? floatKind
             : max   ? (u ? arith::AtomicRMWKind::maxu : arith::AtomicRMWKind::maxs)
                     : (u ? arith::AtomicRMWKind::minu : arith::AtomicRMWKind::mins);
    };
    arith::AtomicRMWKind kind = arith::AtomicRMWKind::assign; // every case sets it
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
      kind = ordered(arith::AtomicRMWKind::minimumf, /*max=*/false);
      break;
    case AtomicKind::Max:
      kind = ordered(arith::AtomicRMWKind::maximumf, /*max=*/true);
      break;
    case AtomicKind::Exch:
      kind = arith::AtomicRMWKind::assign;
      break;
    case AtomicKind::And:
      kind = arith::AtomicRMWKind::andi;
      break;
    case AtomicKind::Or:
      kind = arith::AtomicRMWKind::ori;
      break;
    case AtomicKind::NanMin:
      kind = ordered(arith::AtomicRMWKind::minnumf, /*max=*/false);
      break;
    case AtomicKind::NanMax:
      kind = ordered(arith::AtomicRMWKind::maxnumf, /*max=*/true);
      break;
    case AtomicKind::Xor:
    case AtomicKind::Inc:
    case AtomicKind::Dec:
      return updateInLoop(op, adaptor, rewriter);
    }
    auto idx = toIndices(rewriter, loc, adaptor.getArray(), op.getIndices(), adaptor.getIndices());
    checkBounds(rewriter, loc, adaptor.getArray(), idx, boundsCheck);
    rewriter.replaceOpWithNewOp<memref::AtomicRMWOp>(op, kind, v, adaptor.getArray(),
                                                  idx.wrapped);
    return success();
  }

  /// xor, and CUDA's wrap-around inc and dec (unsigned): a generic atomic
  /// update (a compare-and-swap loop), which memref.atomic_rmw has no kind for.
  LogicalResult updateInLoop(AtomicRMWOp op, OpAdaptor adaptor,
                             ConversionPatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    Value v = adaptor.getValue();
    auto constant = [&](int64_t c) {
      return arith::ConstantOp::create(rewriter, loc, rewriter.getIntegerAttr(v.getType(), c));
    };
    auto cmp = [&](arith::CmpIPredicate p, Value a, Value b) {
      return arith::CmpIOp::create(rewriter, loc, p, a, b);
    };
    updateElement(op, adaptor, rewriter, boundsCheck, [&](Value old) -> Value {
      if (op.getKind() == AtomicKind::Xor)
        return arith::XOrIOp::create(rewriter, loc, old, v);
      if (op.getKind() == AtomicKind::Inc) // old >= v ? 0 : old + 1
        return arith::SelectOp::create(rewriter, loc, cmp(arith::CmpIPredicate::uge, old, v),
                                       constant(0),
                                       arith::AddIOp::create(rewriter, loc, old, constant(1)));
      // dec: old == 0 || old > v ? v : old - 1
      Value wraps = arith::OrIOp::create(rewriter, loc,
                                         cmp(arith::CmpIPredicate::eq, old, constant(0)),
                                         cmp(arith::CmpIPredicate::ugt, old, v));
      return arith::SelectOp::create(rewriter, loc, wraps, v,
                                     arith::SubIOp::create(rewriter, loc, old, constant(1)));
    });
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
    updateElement(op, adaptor, rewriter, boundsCheck, [&](Value current) -> Value {
      Value cur = current, expected = adaptor.getExpected();
      Type t = cur.getType();
      if (isa<FloatType>(t)) {
        Type bits = rewriter.getIntegerType(t.getIntOrFloatBitWidth());
        cur = arith::BitcastOp::create(rewriter, loc, bits, cur);
        expected = arith::BitcastOp::create(rewriter, loc, bits, expected);
      }
      Value eq = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, cur, expected);
      return arith::SelectOp::create(rewriter, loc, eq, adaptor.getValue(), current);
    });
    return success();
  }
};

} // namespace

void cuft::populateCuftMemoryToMemRefPatterns(CuftTypeConverter &converter,
                                              RewritePatternSet &patterns,
                                              const CuftLoweringOptions &options) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ConstArrayLowering>(converter, patterns.getContext());
  patterns.add<VarLowering, VarLoadLowering, VarStoreLowering, DimLowering, StrideLowering,
               NDimLowering, SizeLowering, ItemSizeLowering, AllocSharedLowering,
               AllocLocalLowering, TransposeLowering>(converter, ctx);
  patterns.add<LoadLowering, StoreLowering, FillLowering, GetFieldLowering, SetFieldLowering,
               ViewLowering, ReshapeLowering, AtomicRMWLowering, AtomicCASLowering>(
      converter, ctx, options);
}
