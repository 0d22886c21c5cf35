//===- CuftInterfaces.td - cuft op interfaces ------------------*- tablegen -*-===//

#ifndef CUFT_INTERFACES_TD
#define CUFT_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Cuft_TypedByRulesOpInterface : OpInterface<"TypedByRules"> {
  let cppNamespace = "::cuft";
  let description = [{
    An op's Python typing rule, in one place: how cuft-specialize infers the
    types of its results from those of its operands, and which casts its
    operands need once every value has its type. cuft-specialize runs the
    rules of all ops to a fixpoint, then once more with diagnostics, then
    calls castOperands on every op (docs/TypeSystem.md is the user's view).
    An op without this interface types itself: its results must have concrete
    types in the generic IR, and its operands take no casts.
  }];
  let methods = [
    InterfaceMethod<[{
        Sets the TypeInfo of the results (and of variables, or the function's
        return) from the operands' known so far; an operand not typed yet is
        no error (a later round types it). Fails on operands the rule refuses,
        with a diagnostic at the op when `typing.emitting()`.
      }], "::llvm::LogicalResult", "inferTypes", (ins "::cuft::TypeInference &":$typing)>,
    InterfaceMethod<[{
        Once every result has its type: casts the operands the op computes on
        to the types it computes in (`typing.castOperand`). It may replace the
        op by its operand when the typed op would do nothing (rint of an int).
      }], "void", "castOperands", (ins "::cuft::TypeInference &":$typing)>,
  ];
}

#endif // CUFT_INTERFACES_TD
