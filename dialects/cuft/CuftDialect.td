//===- CuftDialect.td - the cuft dialect ------------------------*- tablegen -*-===//
//
// cuft models Python CUDA kernels. Generic IR, produced once per Python function,
// carries `!cuft.unknown` types; the `cuft-specialize` pass rewrites it into typed IR
// for one argument signature. Typed IR lowers to upstream dialects.
//
//===----------------------------------------------------------------------------===//

#ifndef CUFT_DIALECT_TD
#define CUFT_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Cuft_Dialect : Dialect {
  let name = "cuft";
  let cppNamespace = "::cuft";
  let summary = "Python-level CUDA kernels, before and after type specialization";
  let description = [{
    The cuft dialect holds kernels written in a Python subset. A function enters it
    as *generic* IR, where values whose types depend on the call's arguments have the
    type `!cuft.unknown`. The `cuft-specialize` pass takes an argument signature,
    infers every type with Python-like promotion rules, inserts explicit casts and
    folds constants. The result, *typed* IR, uses builtin scalar types (`i1`, signed
    `i8`..`i64`, unsigned `ui8`..`ui64`, `f32`, `f64`) and `!cuft.array` for arrays;
    it is what the lowering to NVPTX consumes.
  }];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::cf::ControlFlowDialect"];
}

class Cuft_Op<string mnemonic, list<Trait> traits = []>
    : Op<Cuft_Dialect, mnemonic, traits>;

class Cuft_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<Cuft_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

//===----------------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------------===//

def Cuft_Layout : I32EnumAttr<"Layout", "array memory layout", [
    I32EnumAttrCase<"C", 0, "C">,
    I32EnumAttrCase<"F", 1, "F">,
    I32EnumAttrCase<"Strided", 2, "strided">]> {
  let cppNamespace = "::cuft";
  let genSpecializedAttr = 0;
}

def Cuft_MemorySpace : I32EnumAttr<"MemorySpace", "array memory space", [
    I32EnumAttrCase<"Global", 0, "global">,
    I32EnumAttrCase<"Shared", 1, "shared">,
    I32EnumAttrCase<"Local", 2, "local">]> {
  let cppNamespace = "::cuft";
  let genSpecializedAttr = 0;
}

def Cuft_Dim : I32EnumAttr<"Dim", "grid dimension", [
    I32EnumAttrCase<"X", 0, "x">,
    I32EnumAttrCase<"Y", 1, "y">,
    I32EnumAttrCase<"Z", 2, "z">]> {
  let cppNamespace = "::cuft";
  let genSpecializedAttr = 0;
}
def Cuft_DimAttr : EnumAttr<Cuft_Dialect, Cuft_Dim, "dim">;

def Cuft_CmpPredicate : I32EnumAttr<"CmpPredicate", "comparison predicate", [
    I32EnumAttrCase<"eq", 0>, I32EnumAttrCase<"ne", 1>,
    I32EnumAttrCase<"lt", 2>, I32EnumAttrCase<"le", 3>,
    I32EnumAttrCase<"gt", 4>, I32EnumAttrCase<"ge", 5>]> {
  let cppNamespace = "::cuft";
  let genSpecializedAttr = 0;
}
def Cuft_CmpPredicateAttr : EnumAttr<Cuft_Dialect, Cuft_CmpPredicate, "cmp_predicate">;

def Cuft_FenceScope : I32EnumAttr<"FenceScope", "memory fence scope", [
    I32EnumAttrCase<"Block", 0, "block">,
    I32EnumAttrCase<"Device", 1, "device">,
    I32EnumAttrCase<"System", 2, "system">]> {
  let cppNamespace = "::cuft";
  let genSpecializedAttr = 0;
}
def Cuft_FenceScopeAttr : EnumAttr<Cuft_Dialect, Cuft_FenceScope, "fence_scope">;

def Cuft_AtomicKind : I32EnumAttr<"AtomicKind", "atomic read-modify-write kind", [
    I32EnumAttrCase<"Add", 0, "add">, I32EnumAttrCase<"Sub", 1, "sub">,
    I32EnumAttrCase<"Min", 2, "min">, I32EnumAttrCase<"Max", 3, "max">,
    I32EnumAttrCase<"Exch", 4, "exch">, I32EnumAttrCase<"And", 5, "and">,
    I32EnumAttrCase<"Or", 6, "or">, I32EnumAttrCase<"Xor", 7, "xor">,
    I32EnumAttrCase<"Inc", 8, "inc">, I32EnumAttrCase<"Dec", 9, "dec">,
    I32EnumAttrCase<"NanMin", 10, "nanmin">, I32EnumAttrCase<"NanMax", 11, "nanmax">]> {
  let cppNamespace = "::cuft";
  let genSpecializedAttr = 0;
}
def Cuft_AtomicKindAttr : EnumAttr<Cuft_Dialect, Cuft_AtomicKind, "atomic_kind">;

// The functions of Python's `math` module that cuft.math computes: this enum
// names them, CuftBinaryMathFns gives those that take two arguments (fma
// takes three). The
// arity (MathOp::getArity) and the frontend's table (_cuft.math_functions())
// come from these two declarations.
defvar CuftBinaryMathFns = ["atan2", "pow", "hypot", "copysign", "fmod", "remainder",
                             "nextafter", "ldexp", "jn", "yn", "rect"];
// Those that Python's cmath module has too: cuft.math with `cmath` computes
// them on complex numbers.
defvar CuftComplexMathFns = ["sqrt", "exp", "log", "log10", "sin", "cos", "tan", "asin",
                             "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh",
                             "atanh"];
def Cuft_MathFn : I32EnumAttr<"MathFn", "math library function", [
    I32EnumAttrCase<"sqrt", 0>, I32EnumAttrCase<"rsqrt", 1>, I32EnumAttrCase<"cbrt", 2>,
    I32EnumAttrCase<"exp", 3>, I32EnumAttrCase<"exp2", 4>, I32EnumAttrCase<"expm1", 5>,
    I32EnumAttrCase<"log", 6>, I32EnumAttrCase<"log2", 7>, I32EnumAttrCase<"log10", 8>,
    I32EnumAttrCase<"log1p", 9>, I32EnumAttrCase<"sin", 10>, I32EnumAttrCase<"cos", 11>,
    I32EnumAttrCase<"tan", 12>, I32EnumAttrCase<"asin", 13>, I32EnumAttrCase<"acos", 14>,
    I32EnumAttrCase<"atan", 15>, I32EnumAttrCase<"sinh", 16>, I32EnumAttrCase<"cosh", 17>,
    I32EnumAttrCase<"tanh", 18>, I32EnumAttrCase<"asinh", 19>, I32EnumAttrCase<"acosh", 20>,
    I32EnumAttrCase<"atanh", 21>, I32EnumAttrCase<"fabs", 22>, I32EnumAttrCase<"floor", 23>,
    I32EnumAttrCase<"ceil", 24>, I32EnumAttrCase<"trunc", 25>, I32EnumAttrCase<"erf", 26>,
    I32EnumAttrCase<"erfc", 27>, I32EnumAttrCase<"lgamma", 28>, I32EnumAttrCase<"gamma", 29>,
    I32EnumAttrCase<"atan2", 30>, I32EnumAttrCase<"pow", 31>, I32EnumAttrCase<"hypot", 32>,
    I32EnumAttrCase<"copysign", 33>, I32EnumAttrCase<"fmod", 34>,
    I32EnumAttrCase<"remainder", 35>, I32EnumAttrCase<"nextafter", 36>,
    // Not in Python's math module: round-half-to-even to a float (numpy's rint),
    // what round() and numpy.rint compute in.
    I32EnumAttrCase<"rint", 37>,
    // ldexp(x, i): x * 2**i, its second operand an i32 (C's int; specialization
    // saturates a wider integer, as a larger exponent gives the same result).
    I32EnumAttrCase<"ldexp", 38>,
    // fma(x, y, z): x * y + z rounded once (Python 3.13's math.fma, CUDA's fma).
    I32EnumAttrCase<"fma", 39>,
    // The Bessel functions of the first and second kind, of order 0 and 1 (C's
    // j0, j1, y0, y1; numba-cuda's libdevice.j0...).
    I32EnumAttrCase<"j0", 40>, I32EnumAttrCase<"j1", 41>, I32EnumAttrCase<"y0", 42>,
    I32EnumAttrCase<"y1", 43>,
    // jn(n, x), yn(n, x): of order n, an i32 first operand (C's int), as ldexp's
    // exponent (MathOp::getIntegerOperand).
    I32EnumAttrCase<"jn", 44>, I32EnumAttrCase<"yn", 45>,
    // cmath.rect(r, phi): cmath's only (`cmath` set), of two floats of one type
    // T, a complex<T> result.
    I32EnumAttrCase<"rect", 46>]> {
  let cppNamespace = "::cuft";
  let genSpecializedAttr = 0;
}
def Cuft_MathFnAttr : EnumAttr<Cuft_Dialect, Cuft_MathFn, "math_fn">;

// Warp and block collectives (cuft.collective); the order is the runtime's
// Collective codes (CuftToGPU.h).
def Cuft_CollectiveKind : I32EnumAttr<"CollectiveKind", "warp or block collective", [
    I32EnumAttrCase<"shfl_idx", 0>, I32EnumAttrCase<"shfl_up", 1>,
    I32EnumAttrCase<"shfl_down", 2>, I32EnumAttrCase<"shfl_xor", 3>,
    I32EnumAttrCase<"all", 4>, I32EnumAttrCase<"any", 5>, I32EnumAttrCase<"eq", 6>,
    I32EnumAttrCase<"ballot", 7>, I32EnumAttrCase<"syncwarp", 8>,
    I32EnumAttrCase<"activemask", 9>, I32EnumAttrCase<"syncthreads_count", 10>,
    I32EnumAttrCase<"syncthreads_and", 11>, I32EnumAttrCase<"syncthreads_or", 12>,
    I32EnumAttrCase<"match_any", 13>, I32EnumAttrCase<"match_all", 14>]> {
  let cppNamespace = "::cuft";
  let genSpecializedAttr = 0;
}
def Cuft_CollectiveKindAttr : EnumAttr<Cuft_Dialect, Cuft_CollectiveKind, "collective_kind">;

// numba-cuda's integer bit intrinsics (cuda.popc, ...), CUDA's __popc, ....
def Cuft_BitFn : I32EnumAttr<"BitFn", "integer bit intrinsic", [
    I32EnumAttrCase<"popc", 0>, I32EnumAttrCase<"clz", 1>, I32EnumAttrCase<"brev", 2>,
    I32EnumAttrCase<"ffs", 3>]> {
  let cppNamespace = "::cuft";
  let genSpecializedAttr = 0;
}
def Cuft_BitFnAttr : EnumAttr<Cuft_Dialect, Cuft_BitFn, "bit_fn">;

#endif // CUFT_DIALECT_TD
