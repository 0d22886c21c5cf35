//===- CuftOps.td - cuft operations -----------------------------*- tablegen -*-===//
//
// Operand types are deliberately loose (AnyType) so that generic IR can carry
// `!cuft.unknown`; each op's verifier checks the typed form once no operand is
// unknown. Summaries and descriptions feed docs/Dialect.md.
//
//===----------------------------------------------------------------------------===//

#ifndef CUFT_OPS_TD
#define CUFT_OPS_TD

include "CuftTypes.td"
include "CuftInterfaces.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/Interfaces/CallInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/FunctionInterfaces.td"
include "mlir/Interfaces/MemorySlotInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

//===----------------------------------------------------------------------------===//
// Kernels, device functions, calls
//===----------------------------------------------------------------------------===//

class Cuft_FunctionLikeOp<string mnemonic> : Cuft_Op<mnemonic, [
    AutomaticAllocationScope, FunctionOpInterface, IsolatedFromAbove]> {
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<FunctionType>:$function_type,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs);
  let regions = (region AnyRegion:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let builders = [OpBuilder<(ins "::llvm::StringRef":$name, "::mlir::FunctionType":$type)>];
  let extraClassDeclaration = [{
    ::mlir::Region *getCallableRegion() { return &getBody(); }
    ::llvm::ArrayRef<::mlir::Type> getArgumentTypes() { return getFunctionType().getInputs(); }
    ::llvm::ArrayRef<::mlir::Type> getResultTypes() { return getFunctionType().getResults(); }
    /// True when an argument carries the `cuft.constexpr` attribute: its value is part
    /// of the signature and specialization folds it into the body.
    bool isConstexprArg(unsigned i) { return getArgAttr(i, "cuft.constexpr") != nullptr; }
    /// True when no argument, result or value in the body is `!cuft.unknown`.
    bool isSpecialized();
  }];
}

def Cuft_KernelOp : Cuft_FunctionLikeOp<"kernel"> {
  let summary = "a GPU kernel: an entry point launched over a grid";
  let description = [{
    A kernel takes scalars and arrays and returns nothing. Its body is a single
    region; before `convert-cuft-to-cf` it is one block whose ops use structured
    control flow (`cuft.if`, `cuft.for`, `cuft.while`). An argument with the
    `cuft.constexpr` attribute is specialized on its value and is not passed at
    launch. The kernel's code options are attributes: `cuft.max_registers`
    (i64) and `cuft.launch_bounds` (array<i64> of 1 to 3: threads per block
    at most, blocks per SM at least, blocks per cluster at most); a module
    with `cuft.lineinfo` gets PTX line tables.

    Example:
    ```mlir
    cuft.kernel @saxpy(%a: !cuft.unknown, %x: !cuft.unknown, %y: !cuft.unknown) {
      %i = cuft.grid 1 : i64
      ...
      cuft.return
    }
    ```
  }];
}

def Cuft_FuncOp : Cuft_FunctionLikeOp<"func"> {
  let summary = "a device function, callable from kernels and other device functions";
  let description = [{
    A device function returns zero, one or several values (a Python tuple's
    elements). Generic device functions are templates: specialization clones
    one per distinct argument signature at its call sites (named
    `<name>__<types>`), and removes the generic template. `cuft.inline =
    "always"` or `"never"` asks LLVM to inline it everywhere, or nowhere.

    A private `cuft.func` without a body declares an external device function:
    code the kernel links (PTX, a cubin, LTO-IR, CUDA C++), called by its own
    symbol with the C ABI. Its types are scalars, fixed at declaration; calls
    cast their arguments to them. Only the cuda target can link it.

    Example:
    ```mlir
    cuft.func @clamp(%v: !cuft.unknown, %lo: !cuft.unknown, %hi: !cuft.unknown) -> !cuft.unknown {
      %0 = cuft.max %v, %lo : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
      %1 = cuft.min %0, %hi : (!cuft.unknown, !cuft.unknown) -> !cuft.unknown
      cuft.return %1 : !cuft.unknown
    }
    cuft.func private @twice_plus(f32, f32) -> f32
    ```
  }];
}

def Cuft_ReturnOp : Cuft_Op<"return", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, Terminator, ReturnLike]> {
  let summary = "return from a kernel or device function";
  let description = [{
    May appear at the end of any block of a kernel or function body, including
    inside structured control flow (an early `return`). Kernels return nothing.

    Example: `cuft.return %v : f32`
  }];
  let arguments = (ins Variadic<AnyType>:$operands);
  let assemblyFormat = "attr-dict ($operands^ `:` type($operands))?";
  let hasVerifier = 1;
  let builders = [OpBuilder<(ins), [{ build($_builder, $_state, ::mlir::ValueRange()); }]>];
}

def Cuft_RaiseOp : Cuft_Op<"raise", [Terminator]> {
  let summary = "`raise` or a failed `assert` with debug=True: report, stop the thread";
  let description = [{
    Reports exception `code` (an entry of the Python frontend's table of raise
    sites: the exception's class, arguments and source line) and stops the
    thread that raises, from a kernel or any device function it calls. The
    host target raises it as a Python exception after the launch (the launch
    stops, as at a failed check); on a GPU the first report of a launch goes
    to the module's error record (`__cuft_error`), which the launch reads
    back. Without debug=True the frontend emits none: a kernel's `raise`
    returns, an `assert` is compiled out.

    Example: `cuft.raise 3`
  }];
  let arguments = (ins I64Attr:$code);
  let assemblyFormat = "$code attr-dict";
}

def Cuft_CallOp : Cuft_Op<"call", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, CallOpInterface, DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "call a device function";
  let description = [{
    In generic IR the call's result types are unknown; specialization resolves the
    callee for the argument types and retargets the call to that clone.

    Example: `%r = cuft.call @clamp(%x, %lo, %hi) : (f32, f32, f32) -> f32`
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee, Variadic<AnyType>:$operands,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs);
  let results = (outs Variadic<AnyType>:$results);
  let assemblyFormat = "$callee `(` $operands `)` attr-dict `:` functional-type($operands, $results)";
  let extraClassDeclaration = [{
    ::mlir::FunctionType getCalleeType() {
      return ::mlir::FunctionType::get(getContext(), getOperands().getTypes(), getResultTypes());
    }
    ::mlir::CallInterfaceCallable getCallableForCallee() { return getCalleeAttr(); }
    void setCalleeFromCallable(::mlir::CallInterfaceCallable callee) {
      (*this)->setAttr("callee", ::llvm::cast<::mlir::SymbolRefAttr>(callee));
    }
    ::mlir::Operation::operand_range getArgOperands() { return getOperands(); }
    ::mlir::MutableOperandRange getArgOperandsMutable() { return getOperandsMutable(); }
  }];
}

//===----------------------------------------------------------------------------===//
// Values: constants, variables, casts
//===----------------------------------------------------------------------------===//

def Cuft_ConstantOp : Cuft_Op<"constant", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, ConstantLike, Pure, AllTypesMatch<["value", "result"]>]> {
  let summary = "a Python literal";
  let description = [{
    A literal's type is that of its attribute (`i1`, `i64` or `f64` for Python
    literals). Literals are *weak*: in an operation with a value of a concrete type
    they take that type (`x * 2.0` with `x: f32` is an `f32` multiply), as Python
    scalars do in NumPy 2 and Triton. Use `cuft.cast` for a strongly typed value.

    Example: `%c = cuft.constant 2.5 : f64`
  }];
  let arguments = (ins TypedAttrInterface:$value);
  let results = (outs AnyType:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
  let hasVerifier = 1;
}

def Cuft_VarOp : Cuft_Op<"var", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, DeclareOpInterfaceMethods<PromotableAllocationOpInterface>]> {
  let summary = "declare a Python local variable";
  let description = [{
    Declares a mutable local. It must sit in the entry block of its kernel or
    function, so that the lowering can turn it into an entry-block stack slot that
    LLVM promotes to registers. The name is kept for diagnostics.

    Example: `%acc = cuft.var "acc" : !cuft.var<f32>`
  }];
  let arguments = (ins StrAttr:$name);
  let results = (outs Cuft_AnyVar:$var);
  let assemblyFormat = "$name attr-dict `:` qualified(type($var))";
  let hasVerifier = 1;
}

def Cuft_VarLoadOp : Cuft_Op<"var_load", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, DeclareOpInterfaceMethods<PromotableMemOpInterface>]> {
  let summary = "read a local variable";
  let description = [{
    Yields the variable's current value; typed IR gives the result the variable's
    type. Specialization reports a variable that is read but never assigned.

    Example: `%v = cuft.var_load %acc : !cuft.var<f32> -> f32`
  }];
  let arguments = (ins Cuft_AnyVar:$var);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$var attr-dict `:` qualified(type($var)) `->` type($result)";
  let hasVerifier = 1;
}

def Cuft_VarStoreOp : Cuft_Op<"var_store", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, DeclareOpInterfaceMethods<PromotableMemOpInterface>]> {
  let summary = "assign a local variable";
  let description = [{
    Replaces the variable's value. Specialization widens the variable's type to
    hold every value stored into it and casts each stored value to that type.

    Example: `cuft.var_store %v, %acc : f32, !cuft.var<f32>`
  }];
  let arguments = (ins AnyType:$value, Cuft_AnyVar:$var);
  let assemblyFormat = "$value `,` $var attr-dict `:` type($value) `,` qualified(type($var))";
  let hasVerifier = 1;
}

def Cuft_CastOp : Cuft_Op<"cast", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, Pure]> {
  let summary = "convert a scalar to another scalar type (Python/NumPy semantics)";
  let description = [{
    float → int truncates toward zero; int/float → `i1` tests for non-zero; `i1` →
    number gives 0 or 1; integer widening extends by the source's signedness.
    Specialization inserts casts wherever promotion changes a type; user casts such
    as `cuft.float32(x)` are this op too.

    Example: `%f = cuft.cast %i : i64 to f32`
  }];
  let arguments = (ins AnyType:$input);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasFolder = 1;
  let hasVerifier = 1;
}

def Cuft_BitcastOp : Cuft_Op<"bitcast", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, Pure]> {
  let summary = "the same bits as another type: `x.view(np.int32)` of a scalar or an array";
  let description = [{
    Of a scalar: reinterprets an integer or float scalar's bits as another
    integer or float type of the same width (NumPy's scalar `view`, numba-cuda's
    `libdevice.float_as_int`); `bool` and complex numbers have no view. A width
    that differs is an error located at the call.

    Of an array (NumPy's `a.view(dtype)`): the same memory as an array of
    elements of type `to` (any scalar type). Of the same item size, the same
    shape and strides, any layout; of an item size that divides the array's,
    a C-contiguous array whose last axis grows by the ratio (`f64` as `u32`:
    twice as long); a wider item size is an error.

    The target type is `to` where the frontend cannot know whether the operand
    is a scalar or an array (result `!cuft.unknown` until specialization), else
    the result type.

    Examples: `%i = cuft.bitcast %f : f32 to i32`,
    `%v = cuft.bitcast %a {to = ui32} : !cuft.array<f32, 1, C> to !cuft.array<ui32, 1, C>`
  }];
  let arguments = (ins AnyType:$input, OptionalAttr<TypeAttr>:$to);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Whether `t` has views: an integer (not bool) or a float.
    static bool hasViews(::mlir::Type t);
    /// Whether a view of a `from` may be a `to`: both have views, of one width.
    static bool canView(::mlir::Type from, ::mlir::Type to);
    /// The view of array type `from` as elements of scalar type `to`, or null
    /// with `why` set (see the description).
    static ::cuft::ArrayType arrayView(::cuft::ArrayType from, ::mlir::Type to,
                                       std::string &why);
    /// The type viewed as: `to`, or the result type.
    ::mlir::Type getTarget() {
      if (auto t = getToAttr())
        return t.getValue();
      return getType();
    }
  }];
}

//===----------------------------------------------------------------------------===//
// Arithmetic, comparison, logic
//===----------------------------------------------------------------------------===//

// `kind` (an OperandKind) is the op's rule: what its verifier accepts in typed
// IR and what its typing rule accepts in Python and computes in.
class Cuft_BinaryOp<string mnemonic, string pyop, string rule, string kind>
    : Cuft_Op<mnemonic, [Pure, DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>]> {
  let summary = "Python `" # pyop # "`";
  let description = [{
    Generic IR accepts any operand types. In typed IR both operands and the result
    have one type: }] # rule # [{

    Example: `%r = cuft.}] # mnemonic # [{ %a, %b : (f32, f32) -> f32`
  }];
  let arguments = (ins AnyType:$lhs, AnyType:$rhs);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// How Python spells the operator, for messages.
    static ::llvm::StringRef getPythonOperator() { return "}] # pyop # [{"; }
  }];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::verify() {
      return verifyBinary(*this, ::cuft::OperandKind::}] # kind # [{);
    }
    ::llvm::LogicalResult $cppClass::inferTypes(::cuft::TypeInference &typing) {
      return ::cuft::detail::inferBinary(*this, typing, ::cuft::OperandKind::}] # kind # [{,
                                         getPythonOperator());
    }
    void $cppClass::castOperands(::cuft::TypeInference &typing) {
      ::cuft::detail::castToResultType(*this, typing);
    }
  }];
}

def Cuft_AddOp : Cuft_BinaryOp<"add", "+", "an integer, float or complex type.", "Numeric">;
def Cuft_SubOp : Cuft_BinaryOp<"sub", "-", "an integer, float or complex type.", "Numeric">;
def Cuft_MulOp : Cuft_BinaryOp<"mul", "*", "an integer, float or complex type.", "Numeric">;
def Cuft_TrueDivOp : Cuft_BinaryOp<"truediv", "/",
    "a float or complex type (specialization converts integer operands to `f64`).", "Float">;
def Cuft_FloorDivOp : Cuft_BinaryOp<"floordiv", "//",
    "an integer or float type; the quotient rounds toward negative infinity.", "Real">;
def Cuft_ModOp : Cuft_BinaryOp<"mod", "%",
    "an integer or float type; a non-zero result has the sign of the divisor.", "Real">;
def Cuft_PowOp : Cuft_BinaryOp<"pow", "**",
    "an integer, float or complex type. An integer power with a negative exponent is 0 unless the base is 1 or -1.", "Numeric">;
def Cuft_MinOp : Cuft_BinaryOp<"min", "min(a, b)", "a boolean, integer or float type.", "Ordered">;
def Cuft_MaxOp : Cuft_BinaryOp<"max", "max(a, b)", "a boolean, integer or float type.", "Ordered">;
def Cuft_BitAndOp : Cuft_BinaryOp<"bitand", "&", "a boolean or integer type.", "BoolOrInt">;
def Cuft_BitOrOp : Cuft_BinaryOp<"bitor", "|", "a boolean or integer type.", "BoolOrInt">;
def Cuft_BitXorOp : Cuft_BinaryOp<"bitxor", "^", "a boolean or integer type.", "BoolOrInt">;
def Cuft_ShlOp : Cuft_BinaryOp<"shl", "<<", "an integer type.", "Int">;
def Cuft_ShrOp : Cuft_BinaryOp<"shr", ">>",
    "an integer type; arithmetic shift for signed, logical for unsigned types.", "Int">;

def Cuft_CmpOp : Cuft_Op<"cmp", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, Pure]> {
  let summary = "Python comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`)";
  let description = [{
    Typed IR compares two values of one type and yields `i1`. Float comparisons are
    ordered except `ne`, which is true when either side is NaN, as in Python.
    Complex values have only `eq` and `ne` (both parts).

    Example: `%b = cuft.cmp lt, %i, %n : (i64, i64) -> i1`
  }];
  let arguments = (ins Cuft_CmpPredicateAttr:$predicate, AnyType:$lhs, AnyType:$rhs);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$predicate `,` $lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let hasVerifier = 1;
}

class Cuft_UnaryOp<string mnemonic, string pyop, string rule, string kind>
    : Cuft_Op<mnemonic, [Pure, DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>]> {
  let summary = "Python `" # pyop # "`";
  let description = [{ }] # rule # [{

    Example: `%r = cuft.}] # mnemonic # [{ %x : (i64) -> i64`
  }];
  let arguments = (ins AnyType:$input);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::verify() {
      return verifyUnary(*this, ::cuft::OperandKind::}] # kind # [{);
    }
    ::llvm::LogicalResult $cppClass::inferTypes(::cuft::TypeInference &typing) {
      return ::cuft::detail::inferUnary(*this, typing, ::cuft::OperandKind::}] # kind # [{);
    }
    void $cppClass::castOperands(::cuft::TypeInference &typing) {
      ::cuft::detail::castToResultType(*this, typing);
    }
  }];
}

def Cuft_NegOp : Cuft_UnaryOp<"neg", "-x", "Typed IR: an integer, float or complex; the result has the operand's type.", "Numeric">;
def Cuft_InvertOp : Cuft_UnaryOp<"invert", "~x", "Typed IR: an integer; the result has the operand's type.", "Int">;
def Cuft_NotOp : Cuft_UnaryOp<"not", "not x", "Typed IR: `i1` to `i1` (specialization inserts the truth test).", "Any">;
def Cuft_AbsOp : Cuft_UnaryOp<"abs", "abs(x)", "Typed IR: an integer or float, the result of the operand's type; or a complex, the result its parts' float type (the modulus, computed without overflow).", "Numeric">;
def Cuft_ConjOp : Cuft_UnaryOp<"conj", "x.conjugate()", "Typed IR: a complex; the result has the operand's type. Specialization replaces the conjugate of a real number by the number.", "Numeric">;

def Cuft_BitsOp : Cuft_Op<"bits", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, Pure]> {
  let summary = "an integer bit intrinsic: `cuft.popc|clz|brev|ffs(x)`";
  let description = [{
    numba-cuda's bit intrinsics, on any integer type: `popc` counts the set
    bits, `clz` the leading zeros (the type's width for 0), `brev` reverses the
    bits; each gives the operand's type. `ffs` is the 1-based position of the
    lowest set bit, 0 for 0, as a `ui32` (CUDA's `__ffs`).

    Example: `%n = cuft.bits popc(%x) : (ui32) -> ui32`
  }];
  let arguments = (ins Cuft_BitFnAttr:$fn, AnyType:$operand);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$fn `(` $operand `)` attr-dict `:` functional-type($operand, results)";
  let hasVerifier = 1;
}

def Cuft_ComplexOp : Cuft_Op<"complex", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, Pure]> {
  let summary = "Python `complex(re, im)`: a complex number from two real parts";
  let description = [{
    Typed IR: two operands of one float type `T`, the result `complex<T>`.
    Specialization promotes the parts (integers give `f64`), so the result is
    `complex<f32>` (NumPy's complex64) or `complex<f64>` (complex128); it is weak
    when both parts are (a literal such as `2j` is this op of two `f64` constants).

    Example: `%z = cuft.complex %re, %im : (f32, f32) -> complex<f32>`
  }];
  let arguments = (ins AnyType:$re, AnyType:$im);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$re `,` $im attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

class Cuft_PartOp<string mnemonic, string pyname, string ofReal>
    : Cuft_Op<mnemonic, [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, Pure]> {
  let summary = "Python `x." # pyname # "`";
  let description = [{
    Typed IR: a `complex<T>` operand, a `T` result. Of a real number,
    specialization replaces the op by }] # ofReal # [{, as Python's numbers have
    `.real` and `.imag` too. Of an array of `complex<T>`, NumPy's view of the
    parts: a strided array of `T` of its rank and memory space sharing its
    memory (writes and atomics through it reach the array); `.real` of an
    array of real numbers is the array.

    Example: `%r = cuft.}] # mnemonic # [{ %z : (complex<f64>) -> f64`
  }];
  let arguments = (ins AnyType:$input);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}
def Cuft_RealOp : Cuft_PartOp<"real", "real", "the number">;
def Cuft_ImagOp : Cuft_PartOp<"imag", "imag", "a zero of its type">;

def Cuft_MathOp : Cuft_Op<"math", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, Pure]> {
  let summary = "a `math` module function";
  let description = [{
    Calls a function of Python's `math` module. Typed IR: every operand and the
    result share one float type (but an integer operand, `getIntegerOperand`:
    `ldexp`'s exponent, `jn`'s and `yn`'s order, an `i32`); specialization
    converts integer arguments to `f64`, except that `rint`, `floor`, `ceil`
    and `trunc` of an integer are the integer itself (the op goes). Their float result is NumPy's; `math.floor`'s
    int is a cast the frontend adds.

    A function that Python's `cmath` module has too (CuftComplexMathFns) takes
    a complex operand as well, as NumPy's ufuncs do (`numpy.sqrt(z)`): operand
    and result share one complex type. With `cmath` (a call of the cmath
    module), the result is complex for a real argument too (`cmath.sqrt(-1.0)`
    is `1j`): specialization converts it, integers to `complex<f64>`.
    `rect` is cmath's only: `cmath.rect(r, phi)` of two floats of one type,
    a complex of that type. The complex functions compute what CPython's cmath
    computes, its special values (signed zeros, infinities, NaNs) included.
    Functions lower to the math dialect (or, where it has none, to a call of the
    C math library), which each target supplies: libdevice on NVPTX, LLVM
    intrinsics and the C library on the host.

    Example: `%y = cuft.math sin(%x) : (f32) -> f32`
  }];
  let arguments = (ins Cuft_MathFnAttr:$fn, Variadic<AnyType>:$operands, UnitAttr:$cmath);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$fn `(` $operands `)` attr-dict `:` functional-type($operands, results)";
  let hasVerifier = 1;
  let extraClassDeclaration = !strconcat([{
    /// The number of arguments `fn` takes (CuftBinaryMathFns, CuftDialect.td).
    static unsigned getArity(::cuft::MathFn fn) {
      switch (fn) {
  }], !interleave(!foreach(name, CuftBinaryMathFns, "case ::cuft::MathFn::" # name # ":"), "\n"),
  [{
        return 2;
      case ::cuft::MathFn::fma:
        return 3;
      default:
        return 1;
      }
    }
    /// The operand of `fn` that is an integer (C's int, an i32 in typed IR:
    /// ldexp's exponent, jn's and yn's order), if any; the others are floats.
    static std::optional<unsigned> getIntegerOperand(::cuft::MathFn fn) {
      switch (fn) {
      case ::cuft::MathFn::ldexp:
        return 1;
      case ::cuft::MathFn::jn:
      case ::cuft::MathFn::yn:
        return 0;
      default:
        return std::nullopt;
      }
    }
    /// Whether Python's cmath module has `fn` (CuftComplexMathFns, CuftDialect.td).
    static bool hasComplexForm(::cuft::MathFn fn) {
      switch (fn) {
  }], !interleave(!foreach(name, CuftComplexMathFns, "case ::cuft::MathFn::" # name # ":"), "\n"),
  [{
        return true;
      default:
        return false;
      }
    }
  }]);
}

//===----------------------------------------------------------------------------===//
// Thread indexing
//===----------------------------------------------------------------------------===//

class Cuft_IndexOp<string mnemonic, string pyname> : Cuft_Op<mnemonic, [Pure]> {
  let summary = "`cuft." # pyname # ".x|y|z`";
  let description = [{
    Yields an `i64`, as numba-cuda types these registers: index arithmetic
    such as `blockIdx.x * blockDim.x + threadIdx.x` does not wrap at 2^31 on
    large grids. The lowering reads the 32-bit register and zero-extends it;
    LLVM narrows arithmetic again where it can prove it safe.

    Example: `%t = cuft.}] # mnemonic # [{ x : i64`
  }];
  let arguments = (ins Cuft_DimAttr:$dim);
  let results = (outs I64:$result);
  let assemblyFormat = "$dim attr-dict `:` type($result)";
  let builders = [OpBuilder<(ins "::cuft::Dim":$dim), [{
    build($_builder, $_state, $_builder.getI64Type(), dim);
  }]>];
}

def Cuft_ThreadIdxOp : Cuft_IndexOp<"thread_idx", "threadIdx">;
def Cuft_BlockIdxOp : Cuft_IndexOp<"block_idx", "blockIdx">;
def Cuft_BlockDimOp : Cuft_IndexOp<"block_dim", "blockDim">;
def Cuft_GridDimOp : Cuft_IndexOp<"grid_dim", "gridDim">;

class Cuft_GridOp<string mnemonic, string pyname, string formula> : Cuft_Op<mnemonic, [Pure]> {
  let summary = "`cuft." # pyname # "(n)`";
  let description = [{
    Yields n (1 to 3) `i64` values, one per dimension x, y, z: }] # formula # [{

    Example: `%i, %j = cuft.}] # mnemonic # [{ 2 : i64, i64`
  }];
  let arguments = (ins ConfinedAttr<I64Attr, [IntMinValue<1>, IntMaxValue<3>]>:$ndim);
  let results = (outs Variadic<I64>:$results);
  let assemblyFormat = "$ndim attr-dict `:` type($results)";
  let hasVerifier = 1;
}

def Cuft_GridIndexOp : Cuft_GridOp<"grid", "grid",
    "the absolute thread position `blockIdx * blockDim + threadIdx`.">;
def Cuft_GridSizeOp : Cuft_GridOp<"gridsize", "gridsize",
    "the number of threads in the grid, `blockDim * gridDim`.">;

def Cuft_LaneIdOp : Cuft_Op<"lane_id", [Pure]> {
  let summary = "`cuft.laneid`: the thread's lane within its warp";
  let description = [{
    The index of the thread within its warp, from 0 to 31 (`%laneid`).

    Example: `%l = cuft.lane_id : i32`
  }];
  let results = (outs I32:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
}

def Cuft_WarpSizeOp : Cuft_Op<"warp_size", [Pure]> {
  let summary = "`cuft.warpsize`: threads per warp (32)";
  let description = [{
    The number of threads in a warp; folds to the constant 32 on NVIDIA GPUs.

    Example: `%w = cuft.warp_size : i32`
  }];
  let results = (outs I32:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------------===//
// Arrays
//===----------------------------------------------------------------------------===//

def Cuft_LoadOp : Cuft_Op<"load", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>]> {
  let summary = "read an array element: `a[i, j]`";
  let description = [{
    Typed IR: one integer index per dimension (none for a 0-d array, `a[()]`);
    the result is the element type. A negative index counts from the end, as
    in NumPy and numba-cuda. Generic
    IR may give fewer indices than the array has dimensions (`a[i]` of a 2-d
    array): specialization makes that a `cuft.view`.

    `cache` (numba-cuda's `ldca`, `ldcg`, `ldcs`, `ldlu`, `ldcv`: "ca", "cg",
    "cs", "lu", "cv") asks for PTX's cache operator of that name: an element
    of a global array of integers or floats, every index given. A hint only:
    the host target reads the element as any load does.

    Example: `%v = cuft.load %a[%i, %j] : !cuft.array<f32, 2, C>[i64, i64] -> f32`
  }];
  let arguments = (ins AnyType:$array, Variadic<AnyType>:$indices, OptionalAttr<StrAttr>:$cache);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $array `[` $indices `]` attr-dict `:` type($array) (`[` type($indices)^ `]`)? `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Whether an access of `array` with `indices` indices may carry a cache
    /// hint (a load's or a store's): an element of a global array of integers
    /// or floats, every index given.
    static bool takesCacheHint(::cuft::ArrayType array, size_t indices);
  }];
}

def Cuft_ViewOp : Cuft_Op<"view", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, Pure]> {
  let summary = "a view of an array: `a[i, lo:hi:step, :]`";
  let description = [{
    Basic indexing as NumPy does it, without a copy: the result shares the
    array's memory. `spec` has an entry per item of the index, from the first:
    `-1` for an integer index (it takes one operand, counts from the end when
    negative, and drops the dimension), `-2` for `None` (a new dimension of
    extent 1, stride 0), `-3` for `...` (at most one: as many whole dimensions
    as the other entries leave), else a slice whose bits say which parts it
    has, each an operand in this order: 1 start, 2 stop, 4 step (0 is `:`).
    Dimensions past `spec` are taken whole. A slice follows Python's
    `slice.indices`: negative bounds count from the end, bounds past the ends
    are clamped, a negative step walks backwards; a step of 0 gives an empty
    view (an error when bounds are checked). The result is a `strided` array
    of the remaining dimensions, in the array's memory space.

    Example (`a[i, 1:]` of a 2-d array):
    `%r = cuft.view %a[%i, %c1] {spec = array<i32: -1, 1>} : !cuft.array<f32, 2, C>[i64, i64] -> !cuft.array<f32, 1, strided>`
  }];
  let arguments = (ins AnyType:$array, Variadic<AnyType>:$parts, DenseI32ArrayAttr:$spec);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $array `[` $parts `]` attr-dict `:` type($array) (`[` type($parts)^ `]`)? `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The bits of a slice entry of `spec`; an integer index is kIndex,
    /// `None` kNewAxis, `...` kEllipsis.
    static constexpr int32_t kEllipsis = -3, kNewAxis = -2, kIndex = -1, kStart = 1,
                             kStop = 2, kStep = 4;
    /// How many operands entry `e` of `spec` takes.
    static unsigned operandsOf(int32_t e) {
      return e == kIndex ? 1
             : e < 0     ? 0
                         : unsigned(bool(e & kStart)) + bool(e & kStop) + bool(e & kStep);
    }
    /// The dimensions the view drops (its integer indices).
    unsigned droppedDims() { return llvm::count(getSpec(), kIndex); }
    /// `spec` for an array of `rank` dimensions: an entry per dimension
    /// (kIndex or a slice's bits; `...` and the dimensions past `spec` are
    /// whole), and where in the result each new axis is. False when `spec`
    /// indexes more dimensions than `rank`.
    bool perDimension(unsigned rank, ::llvm::SmallVectorImpl<int32_t> &dims,
                      ::llvm::SmallVectorImpl<unsigned> &newAxes);
  }];
}

def Cuft_ReshapeOp : Cuft_Op<"reshape", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, Pure]> {
  let summary = "`a.reshape(d0, d1, ...)`, `a.ravel()`: a C-contiguous array with new extents";
  let description = [{
    NumPy's reshape in C order, without a copy: the result shares the array's
    memory, which must be C-contiguous (a reshape that would need a copy is a
    compile error, not a copy). One extent may be `-1`: the array's size
    divided by the product of the others. The extents' product must be the
    array's size; the host target's checked mode (bounds checking on) checks
    it, as it checks indices. The result is a C array of as many dimensions
    as there are extents, in the array's memory space.

    Example (`a.reshape(4, -1)` of a 1-d array):
    `%r = cuft.reshape %a(%c4, %cm1) : !cuft.array<f32, 1, C>[i64, i64] -> !cuft.array<f32, 2, C>`
  }];
  let arguments = (ins AnyType:$array, Variadic<AnyType>:$extents);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $array `(` $extents `)` attr-dict `:` type($array) (`[` type($extents)^ `]`)? `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The result of reshaping `array` to `rank` dimensions, or null (with
    /// `why`) where cuft cannot: a C-contiguous array only.
    static ::cuft::ArrayType reshaped(::cuft::ArrayType array, unsigned rank, std::string &why);
  }];
}

def Cuft_TransposeOp : Cuft_Op<"transpose", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, Pure]> {
  let summary = "`a.T`, `a.transpose(axes)`: a view with the dimensions permuted";
  let description = [{
    NumPy's transpose, without a copy: dimension `k` of the result is
    dimension `perm[k]` of the array (a negative entry counts from the end);
    an empty `perm` reverses them (`a.T`, `a.transpose()`). The result shares
    the array's memory: a C array reversed is an `F` array and an `F` one a
    `C` one, any other permutation but the identity gives a `strided` array.

    Example (`a.T` of a 2-d C array):
    `%t = cuft.transpose %a : !cuft.array<f32, 2, C> -> !cuft.array<f32, 2, F>`
  }];
  let arguments = (ins AnyType:$array, DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$perm);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$array attr-dict `:` type($array) `->` type($result)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// `perm` for an array of `rank` dimensions, each entry in [0, rank):
    /// false where it is not a permutation of them.
    static bool normalized(::llvm::ArrayRef<int64_t> perm, unsigned rank,
                           ::llvm::SmallVectorImpl<int64_t> &result);
    /// The type of `array` with its dimensions permuted by `perm` (normalized).
    static ::cuft::ArrayType transposed(::cuft::ArrayType array, ::llvm::ArrayRef<int64_t> perm);
  }];
}

def Cuft_StoreOp : Cuft_Op<"store", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>]> {
  let summary = "write an array element: `a[i, j] = v`";
  let description = [{
    Typed IR: the value has the element type (specialization casts it).
    `cache` (numba-cuda's `stcg`, `stcs`, `stwb`, `stwt`: "cg", "cs", "wb",
    "wt") asks for PTX's cache operator of that name, as a load's does.

    Example: `cuft.store %v, %a[%i] : f32, !cuft.array<f32, 1, C>[i64]`
  }];
  let arguments = (ins AnyType:$value, AnyType:$array, Variadic<AnyType>:$indices,
                       OptionalAttr<StrAttr>:$cache);
  let assemblyFormat = [{
    $value `,` $array `[` $indices `]` attr-dict `:` type($value) `,` type($array) (`[` type($indices)^ `]`)?
  }];
  let hasVerifier = 1;
}

def Cuft_GetFieldOp : Cuft_Op<"getfield", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>]> {
  let summary = "read a record's field: `r.x`, `r['x']`, `r.v[j]`";
  let description = [{
    Typed IR: a `!cuft.record` operand (an element of an array of records),
    the field's scalar type as the result; a subarray field takes one integer
    index per dimension (negative ones count from the end).

    Example: `%x = cuft.getfield %r, "x" : (!cuft.record<"rec<8;x=f32@0;n=i32@4>">) -> f32`
  }];
  let arguments = (ins AnyType:$record, StrAttr:$field, Variadic<AnyType>:$indices);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $record `,` $field (`[` $indices^ `]`)? attr-dict `:` `(` type($record) (`,` type($indices)^)? `)` `->` type($result)
  }];
}

def Cuft_SetFieldOp : Cuft_Op<"setfield", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>]> {
  let summary = "write a record's field: `r.x = v`, `r['x'] = v`, `r.v[j] = v`";
  let description = [{
    Writes the array element the record is (numba's reference semantics); the
    value is converted to the field's type. Indices as cuft.getfield's.

    Example: `cuft.setfield %v, %r, "x" : f32, !cuft.record<"rec<8;x=f32@0;n=i32@4>">`
  }];
  let arguments = (ins AnyType:$value, AnyType:$record, StrAttr:$field, Variadic<AnyType>:$indices);
  let assemblyFormat = [{
    $value `,` $record `,` $field (`[` $indices^ `]`)? attr-dict `:` type($value) `,` type($record) (`,` type($indices)^)?
  }];
}

def Cuft_FillOp : Cuft_Op<"fill", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>]> {
  let summary = "assignment to a slice: `a[1:n] = v`, `a[:, j] = b`";
  let description = [{
    Stores into every element of array `dest` (a view the slice made): a
    scalar `value` to each (converted to the element type), or the element of
    array `value` at the same indices (of the same rank; its extents must
    cover the destination's, checked with bounds checking). The thread that
    runs it runs the whole loop, as numba-cuda does.

    Example: `cuft.fill %v, %x : !cuft.array<f32, 1, strided>, f32`
  }];
  let arguments = (ins AnyType:$dest, AnyType:$value);
  let assemblyFormat = "$dest `,` $value attr-dict `:` type($dest) `,` type($value)";
}

def Cuft_DimOp : Cuft_Op<"dim", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, Pure]> {
  let summary = "`a.shape[d]`: the extent of one dimension";
  let description = [{
    Folds to a constant for shared and local arrays, whose shapes are static.

    Example: `%n = cuft.dim %a, 0 : !cuft.array<f32, 1, C> -> i64`
  }];
  let arguments = (ins AnyType:$array, I64Attr:$dim);
  let results = (outs I64:$result);
  let assemblyFormat = "$array `,` $dim attr-dict `:` type($array) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Cuft_StrideOp : Cuft_Op<"stride", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, Pure]> {
  let summary = "the stride of one dimension, in elements";
  let description = [{
    The distance in elements between neighbours along dimension `dim` (NumPy's
    `strides` are in bytes; the Python layer converts).

    Example: `%s = cuft.stride %a, 1 : !cuft.array<f32, 2, strided> -> i64`
  }];
  let arguments = (ins AnyType:$array, I64Attr:$dim);
  let results = (outs I64:$result);
  let assemblyFormat = "$array `,` $dim attr-dict `:` type($array) `->` type($result)";
  let hasVerifier = 1;
}

def Cuft_NDimOp : Cuft_Op<"ndim", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, Pure]> {
  let summary = "`a.ndim`: the rank, a compile-time constant once typed";
  let description = [{
    The number of dimensions of an array; it is part of the array's type, so the
    op folds to a constant in typed IR.

    Example: `%r = cuft.ndim %a : !cuft.array<f32, 2, C> -> i64`
  }];
  let arguments = (ins AnyType:$array);
  let results = (outs I64:$result);
  let assemblyFormat = "$array attr-dict `:` type($array) `->` type($result)";
  let hasFolder = 1;
}

def Cuft_SizeOp : Cuft_Op<"size", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, Pure]> {
  let summary = "`a.size`: the number of elements";
  let description = [{
    The product of an array's extents (0 when one is 0), as NumPy's `a.size`.

    Example: `%n = cuft.size %a : !cuft.array<f32, 2, C> -> i64`
  }];
  let arguments = (ins AnyType:$array);
  let results = (outs I64:$result);
  let assemblyFormat = "$array attr-dict `:` type($array) `->` type($result)";
}

def Cuft_CastLikeOp : Cuft_Op<"cast_like", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, Pure]> {
  let summary = "`a.dtype.type(x)`: a cast to an array's element type";
  let description = [{
    Converts a scalar to the element type of `array` (NumPy's `a.dtype.type(x)`
    or `a.dtype(x)`), which generic IR does not know yet; given a scalar in
    place of the array, to that scalar's type (the frontend's
    `round(x, ndigits)`, which returns `x`'s type). cuft-specialize replaces it
    by a `cuft.cast` (or by `input` when the types agree): typed IR never holds
    it.

    Example: `%y = cuft.cast_like %x, %a : (i64, !cuft.unknown) -> !cuft.unknown`
  }];
  let arguments = (ins AnyType:$input, AnyType:$array);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$input `,` $array attr-dict `:` functional-type(operands, results)";
}

def Cuft_ItemSizeOp : Cuft_Op<"itemsize", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, Pure]> {
  let summary = "`a.itemsize`: the bytes of one element, a constant once typed";
  let description = [{
    NumPy's `a.itemsize` (1 for bool). With `cuft.stride` it gives `a.strides`
    in bytes.

    Example: `%n = cuft.itemsize %a : !cuft.array<f32, 2, C> -> i64`
  }];
  let arguments = (ins AnyType:$array);
  let results = (outs I64:$result);
  let assemblyFormat = "$array attr-dict `:` type($array) `->` type($result)";
}

class Cuft_AllocOp<string mnemonic, string pyname, string space>
    : Cuft_Op<mnemonic, [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>,
                         AttrSizedOperandSegments]> {
  let summary = "`cuft." # pyname # ".array(shape, dtype)`";
  let description = [{
    Allocates a C-contiguous array in }] # space # [{ memory. The shape must
    be known at compile time: generic IR gives it as operands (which may come from
    constexpr arguments), and specialization folds them into `shape`. Generic
    IR may take the element type of an array instead (`dtype=a.dtype`): the
    dtype is then `!cuft.unknown` and the array the `like` operand, which
    specialization replaces by its element type.

    Examples:
    ```mlir
    %g = cuft.}] # mnemonic # [{ f32 [%n, %n : !cuft.unknown, !cuft.unknown] -> !cuft.unknown
    %t = cuft.}] # mnemonic # [{ f32 shape [16, 16] -> !cuft.array<f32, 2, C, }] # pyname # [{>
    ```

    `align` (numba's `alignment=`) asks for the array's first element to be
    aligned to that many bytes: a power of 2, a multiple of 8, at most 4096
    (`kMaxArrayAlignment`). Without it, shared arrays are 16-byte aligned and
    local arrays aligned as their element.
  }];
  let arguments = (ins TypeAttr:$dtype, Optional<AnyType>:$like, Variadic<AnyType>:$sizes,
                       OptionalAttr<DenseI64ArrayAttr>:$shape,
                       OptionalAttr<I64Attr>:$alignment);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $dtype (`like` $like^ `:` type($like))? (`[` $sizes^ `:` type($sizes) `]`)? (`shape` $shape^)?
    (`align` $alignment^)? attr-dict `->` type($result)
  }];
  let hasVerifier = 1;
}

def Cuft_ConstArrayOp : Cuft_Op<"const_array", [Pure]> {
  let summary = "a module-level numpy array read in a kernel: constant data";
  let description = [{
    The array's values when the kernel was compiled (numba-cuda freezes global
    arrays the same way; `cuft.const.array_like(arr)` spells it too), laid out
    C-contiguous in a read-only global of the module. A kernel that writes it
    is refused. A bool array's values are bytes (`i8`), as its memory is.

    Example: `%t = cuft.const_array dense<[1.0, 2.0]> : tensor<2xf32> -> !cuft.array<f32, 1, C>`
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$value attr-dict `->` type($result)";
  let hasVerifier = 1;
}

def Cuft_AllocSharedOp : Cuft_AllocOp<"alloc_shared", "shared",
    "shared memory: one buffer per thread block, visible to all its threads (a shape of `[0]` is the launch's dynamic shared memory, numba's `cuda.shared.array(0, dtype)`: every such array starts at the same address, its extent the dynamic bytes over the element size),">;
def Cuft_AllocLocalOp : Cuft_AllocOp<"alloc_local", "local",
    "per-thread local memory">;

//===----------------------------------------------------------------------------===//
// Synchronization and atomics
//===----------------------------------------------------------------------------===//

def Cuft_PrintOp : Cuft_Op<"print", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>]> {
  let summary = "Python `print(...)`: one line, written at once";
  let description = [{
    Prints `pieces[0] values[0] pieces[1] ... values[n-1] pieces[n]`: the text
    around the values (string arguments, separators and the end of the line)
    is in `pieces`, one more than there are values. Values are scalars, printed
    as numba-cuda prints them: integers in full (`%lld`, `%llu`), floats as
    `%f`, booleans as `1` or `0`. On the GPU it is one `vprintf` (`gpu.printf`);
    on the host one `printf` per call, so lines of threads never interleave.

    Example: `cuft.print ["x = ", "
"] %x : f32`
  }];
  let arguments = (ins StrArrayAttr:$pieces, Variadic<AnyType>:$values);
  let assemblyFormat = "$pieces ($values^ `:` type($values))? attr-dict";
  let hasVerifier = 1;
}

def Cuft_SyncThreadsOp : Cuft_Op<"syncthreads"> {
  let summary = "`cuft.syncthreads()`: block-wide barrier";
  let description = [{
    No thread of a block passes until all of them arrive; memory writes before the
    barrier are visible to the block after it. Lowers to `bar.sync 0`.

    Example: `cuft.syncthreads`
  }];
  let assemblyFormat = "attr-dict";
}

def Cuft_CollectiveOp : Cuft_Op<"collective", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>]> {
  let summary = "a warp or block collective: shuffles, votes, syncwarp, syncthreads_count";
  let description = [{
    numba-cuda's warp intrinsics and block reductions, by `kind`, with CUDA's
    semantics; every thread of `mask` (a `ui32` of lanes) must reach the same
    collective. Operands and results of the typed IR:

    - `shfl_idx|up|down|xor(mask, value, lane, width) -> T`: `value` a 32- or
      64-bit integer or float, `lane` (the source lane, delta or lane mask) and
      `width` (a power of 2 up to 32) `i32`s; a lane the shuffle cannot read
      gives the thread's own value, as PTX's `shfl.sync` does.
    - `all|any|eq(mask, pred) -> i1`, `ballot(mask, pred) -> ui32`.
    - `syncwarp(mask) -> ui32` (0), `activemask() -> ui32`.
    - `match_any|match_all(mask, value) -> i32`: the lanes whose value equals
      this lane's; for `match_all`, all of them when every lane's value is
      equal, else 0 (numba's second result is whether it is not 0).
    - `syncthreads_count|and|or(pred) -> i32`: a block barrier that counts,
      ands or ors the threads' predicates.

    Lowered to a call of the runtime's `__cuft_collective` (CuftToGPU.h), which
    prepare-nvptx replaces by PTX and the host runs as a rendezvous of fibers.

    Example: `%v = cuft.collective shfl_down(%m, %x, %d, %w) : (ui32, f32, i32, i32) -> f32`
  }];
  let arguments = (ins Cuft_CollectiveKindAttr:$kind, Variadic<AnyType>:$operands);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$kind `(` $operands `)` attr-dict `:` functional-type($operands, results)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// How many operands `kind` takes.
    static unsigned arity(::cuft::CollectiveKind kind) {
      switch (kind) {
      case ::cuft::CollectiveKind::shfl_idx:
      case ::cuft::CollectiveKind::shfl_up:
      case ::cuft::CollectiveKind::shfl_down:
      case ::cuft::CollectiveKind::shfl_xor:
        return 4;
      case ::cuft::CollectiveKind::activemask:
        return 0;
      case ::cuft::CollectiveKind::syncwarp:
      case ::cuft::CollectiveKind::syncthreads_count:
      case ::cuft::CollectiveKind::syncthreads_and:
      case ::cuft::CollectiveKind::syncthreads_or:
        return 1;
      default:
        return 2;
      }
    }
    bool isShuffle() { return arity(getKind()) == 4; }
    bool isBlockReduction() {
      return getKind() == ::cuft::CollectiveKind::syncthreads_count ||
             getKind() == ::cuft::CollectiveKind::syncthreads_and ||
             getKind() == ::cuft::CollectiveKind::syncthreads_or;
    }
    bool isMatch() {
      return getKind() == ::cuft::CollectiveKind::match_any ||
             getKind() == ::cuft::CollectiveKind::match_all;
    }
  }];
}

def Cuft_NanoSleepOp : Cuft_Op<"nanosleep", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>]> {
  let summary = "`cuft.nanosleep(ns)`: suspends the thread for about `ns` nanoseconds";
  let description = [{
    PTX's `nanosleep.u32` (sm_70 and later), which sleeps between 0 and twice
    `ns`. On the host the thread gives the block's other threads a turn (a
    spin-wait that sleeps lets the thread it waits for run), and a loop that
    calls it runs the block's threads as fibers. Typed IR: `ns` a `ui32`.

    Example: `cuft.nanosleep %ns : ui32`
  }];
  let arguments = (ins AnyType:$ns);
  let assemblyFormat = "$ns attr-dict `:` type($ns)";
}

def Cuft_GridSyncOp : Cuft_Op<"grid_sync"> {
  let summary = "`cuft.cg.this_grid().sync()`: a barrier of every thread of the grid";
  let description = [{
    numba-cuda's grid group sync: each thread waits until every thread of the
    launch's grid reached it, and sees the memory they wrote before. A kernel
    that uses it is launched cooperatively: every block must be resident at
    once, so the grid may not pass what the device holds (the launch checks).
    On the GPU it is libcudadevrt's `cudaCGSynchronize`; on the host every
    block runs at once, as fibers across the pool (docs/HostTarget.md).

    Example: `cuft.grid_sync`
  }];
  let assemblyFormat = "attr-dict";
}

def Cuft_ThreadFenceOp : Cuft_Op<"threadfence"> {
  let summary = "memory fence: `cuft.threadfence_block()`, `threadfence()`, `threadfence_system()`";
  let description = [{
    Orders this thread's memory accesses as seen by the block, the device or the
    whole system (host included).

    Example: `cuft.threadfence device`
  }];
  let arguments = (ins Cuft_FenceScopeAttr:$scope);
  let assemblyFormat = "$scope attr-dict";
}

def Cuft_AtomicRMWOp : Cuft_Op<"atomic", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>]> {
  let summary = "`cuft.atomic.add|sub|min|max|exch|and_|or_|xor|inc|dec|nanmin|nanmax(a, idx, v)`";
  let description = [{
    Atomically updates one array element and returns its old value. Typed IR: the
    value has the element type, which is a 32- or 64-bit integer or float; the
    array is in global or shared memory (`atomicElementProblem` is the rule).
    `and`, `or` and `xor` take integers; `inc` and `dec` unsigned integers, with
    CUDA's wrap-around (`inc`: `old >= v ? 0 : old + 1`; `dec`: `old == 0 || old
    > v ? v : old - 1`); `min` and `max` propagate a NaN, `nanmin` and `nanmax`
    ignore one (as `fmin`/`fmax`).

    Example:
    `%old = cuft.atomic add %a[%i], %v : !cuft.array<f32, 1, C>[i64], f32 -> f32`
  }];
  let arguments = (ins Cuft_AtomicKindAttr:$kind, AnyType:$array,
                       Variadic<AnyType>:$indices, AnyType:$value);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $kind $array `[` $indices `]` `,` $value attr-dict `:` type($array) (`[` type($indices)^ `]`)?
    `,` type($value) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Cuft_AtomicCASOp : Cuft_Op<"atomic_cas", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>]> {
  let summary = "`cuft.atomic.cas(a, idx, expected, v)`: compare and swap";
  let description = [{
    Atomically replaces the element with `value` if it equals `expected`, and
    returns the old element either way.

    Example:
    `%old = cuft.atomic_cas %a[%i], %e, %v : !cuft.array<i32, 1, C>[i64], i32, i32 -> i32`
  }];
  let arguments = (ins AnyType:$array, Variadic<AnyType>:$indices, AnyType:$expected,
                       AnyType:$value);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $array `[` $indices `]` `,` $expected `,` $value attr-dict `:` type($array) (`[` type($indices)^ `]`)?
    `,` type($expected) `,` type($value) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------------===//
// Structured control flow
//===----------------------------------------------------------------------------===//

def Cuft_YieldOp : Cuft_Op<"yield", [Pure, Terminator, ReturnLike,
                                     ParentOneOf<["IfOp", "ForOp", "WhileOp"]>]> {
  let summary = "end of a structured control-flow region: fall through";
  let description = [{
    Ends the block of an `if` branch or a loop body; control continues after the
    `if`, or with the next iteration. The printer elides it.

    Example: `cuft.yield`
  }];
  let assemblyFormat = "attr-dict";
}

def Cuft_BreakOp : Cuft_Op<"break", [Terminator]> {
  let summary = "Python `break`: leave the innermost enclosing loop";
  let description = [{
    Terminates a block inside a `cuft.for` or `cuft.while` body (possibly nested
    in `cuft.if`s); control continues after that loop. The verifier rejects a
    `break` outside a loop body.

    Example: `cuft.break`
  }];
  let assemblyFormat = "attr-dict";
  let hasVerifier = 1;
}

def Cuft_ContinueOp : Cuft_Op<"continue", [Terminator]> {
  let summary = "Python `continue`: start the innermost loop's next iteration";
  let description = [{
    Terminates a block inside a loop body; control goes to the loop's next
    iteration (the step of a `for`, the condition of a `while`).

    Example: `cuft.continue`
  }];
  let assemblyFormat = "attr-dict";
  let hasVerifier = 1;
}

def Cuft_ConditionOp : Cuft_Op<"condition", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, Terminator, HasParent<"WhileOp">]> {
  let summary = "end of a `while` condition region: the loop test";
  let description = [{
    Terminates the condition region of a `cuft.while`: the loop runs its body
    while the value is true. Typed IR needs `i1` (specialization inserts the
    truth test).

    Example: `cuft.condition %c : i1`
  }];
  let arguments = (ins AnyType:$condition);
  let assemblyFormat = "$condition attr-dict `:` type($condition)";
  let hasVerifier = 1;
}

def Cuft_ShortCircuitOp : Cuft_Op<"short_circuit", [
    DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, RecursiveMemoryEffects,
    NoRegionArguments]> {
  let summary = "Python `and`/`or` and comparison chains: a value that may end early";
  let description = [{
    Runs its one block until a `cuft.exit_if` whose test holds, or to the
    `cuft.exit` that ends it; the value either carries is the result, converted
    to the result type (typed IR: the join of the types of every value it may
    take, as a variable's). `kind` (`"and"`, `"or"`, `"comparison"`) names the
    expression in messages. The operands of a chain of any length sit in one
    block, so nothing nests deeper with its length.

    Example (`a and b`):
    ```mlir
    %r = cuft.short_circuit "and" : f64 {
      cuft.exit_if %a, %a if false : i1, f64
      cuft.exit %b : f64
    }
    ```
  }];
  let arguments = (ins StrAttr:$kind);
  let results = (outs AnyType:$result);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$kind attr-dict `:` type($result) $body";
  let hasVerifier = 1;
}

def Cuft_ExitIfOp : Cuft_Op<"exit_if", [
    DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, HasParent<"ShortCircuitOp">]> {
  let summary = "end a `cuft.short_circuit` early when a test holds";
  let description = [{
    When the truth of `test` is `on`, the enclosing `cuft.short_circuit` ends
    with `value` as its result (`a and ...` ends at a false `a`, `a or ...` at a
    true one, with `a` both test and value); otherwise its block goes on. Typed
    IR needs an `i1` test and a value of the result's type (specialization
    inserts the truth test and the conversion).

    Example: `cuft.exit_if %t, %v if false : i1, f64`
  }];
  let arguments = (ins AnyType:$test, AnyType:$value, BoolAttr:$on);
  let assemblyFormat = "$test `,` $value `if` $on attr-dict `:` type($test) `,` type($value)";
  let hasVerifier = 1;
}

def Cuft_ExitOp : Cuft_Op<"exit", [
    DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, Terminator,
    HasParent<"ShortCircuitOp">]> {
  let summary = "end a `cuft.short_circuit` with a value";
  let description = [{
    Terminates the block of a `cuft.short_circuit`: its result is `value`
    (typed IR: of the result's type).

    Example: `cuft.exit %b : f64`
  }];
  let arguments = (ins AnyType:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
  let hasVerifier = 1;
}

def Cuft_IfOp : Cuft_Op<"if", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>, NoRegionArguments]> {
  let summary = "Python `if`/`else`";
  let description = [{
    Runs `then` when the condition is true and `else` (which may be empty)
    otherwise. Typed IR needs an `i1` condition. Each region is one block ending in
    `cuft.yield` (elided), `cuft.break`, `cuft.continue` or `cuft.return`.

    Example:
    ```mlir
    cuft.if %c : i1 {
      cuft.store %v, %a[%i] : f32, !cuft.array<f32, 1, C>[i64]
    } else {
      cuft.break
    }
    ```
  }];
  let arguments = (ins AnyType:$condition);
  let regions = (region SizedRegion<1>:$thenRegion, AnyRegion:$elseRegion);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
}

def Cuft_ForOp : Cuft_Op<"for", [DeclareOpInterfaceMethods<Cuft_TypedByRulesOpInterface>]> {
  let summary = "Python `for i in range(lo, hi, step)`";
  let description = [{
    Iterates `%i` from `lo` while `i < hi` (step > 0) or `i > hi` (step < 0),
    adding `step` each time; a zero step runs no iteration. The body is one block
    whose only argument is the induction variable. Typed IR needs `lo`, `hi`,
    `step` and the induction variable to share one integer type.

    Example:
    ```mlir
    cuft.for %k = %c0 to %n step %c1 : i64 {
      ...
    }
    ```
  }];
  let arguments = (ins AnyType:$lowerBound, AnyType:$upperBound, AnyType:$step);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::BlockArgument getInductionVar() { return getBody().getArgument(0); }
  }];
}

def Cuft_WhileOp : Cuft_Op<"while"> {
  let summary = "Python `while cond:`";
  let description = [{
    Evaluates the `cond` region, which ends in `cuft.condition`; while the
    condition holds, runs the body. `cuft.break` and `cuft.continue` in the body
    leave the loop or go back to the condition.

    Example:
    ```mlir
    cuft.while {
      %c = cuft.cmp lt, %i, %n : (i64, i64) -> i1
      cuft.condition %c : i1
    } do {
      ...
    }
    ```
  }];
  let regions = (region SizedRegion<1>:$cond, SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
}

#endif // CUFT_OPS_TD
