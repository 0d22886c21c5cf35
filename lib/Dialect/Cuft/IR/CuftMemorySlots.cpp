//===- CuftMemorySlots.cpp - mem2reg of array variables --------------------===//
//
// An array variable assigned more than once (ping-pong buffers, `a, b = b, a`)
// cannot be forwarded to its one definition by cuft-specialize; there is no
// stack slot for an array's descriptor either. After convert-cuft-to-cf such
// a variable is promoted to SSA values (block arguments where paths meet) by
// MLIR's mem2reg, through these interfaces. Scalar variables are left to the
// memref.alloca they lower to, which LLVM promotes.
//
//===----------------------------------------------------------------------===//

#include "cuft/Dialect/Cuft/IR/CuftOps.h"

#include "mlir/Dialect/UB/IR/UBOps.h"

using namespace mlir;
using namespace cuft;

SmallVector<MemorySlot> VarOp::getPromotableSlots() {
  Type value = getVar().getType().getValueType();
  if (!isa<ArrayType>(value))
    return {};
  return {MemorySlot{getVar(), value}};
}

Value VarOp::getDefaultValue(const MemorySlot &slot, OpBuilder &builder) {
  // Read on no path (the frontend checks definite assignment), but a block
  // argument needs a value from every predecessor.
  return ub::PoisonOp::create(builder, getLoc(), slot.elemType);
}

void VarOp::handleBlockArgument(const MemorySlot &, BlockArgument, OpBuilder &) {}

std::optional<PromotableAllocationOpInterface>
VarOp::handlePromotionComplete(const MemorySlot &, Value defaultValue, OpBuilder &) {
  if (defaultValue && defaultValue.use_empty())
    defaultValue.getDefiningOp()->erase();
  erase();
  return std::nullopt;
}

/// Whether the one blocking use is `operand`, the variable of a load or store
/// of the slot's type.
static bool onlyUseIs(const SmallPtrSetImpl<OpOperand *> &blockingUses, OpOperand &operand) {
  return blockingUses.size() == 1 && *blockingUses.begin() == &operand;
}

bool VarLoadOp::loadsFrom(const MemorySlot &slot) { return getVar() == slot.ptr; }
bool VarLoadOp::storesTo(const MemorySlot &) { return false; }
Value VarLoadOp::getStored(const MemorySlot &, OpBuilder &, Value, const DataLayout &) {
  llvm_unreachable("a var_load stores nothing");
}
bool VarLoadOp::canUsesBeRemoved(const MemorySlot &slot,
                                 const SmallPtrSetImpl<OpOperand *> &blockingUses,
                                 SmallVectorImpl<OpOperand *> &, const DataLayout &) {
  return onlyUseIs(blockingUses, getVarMutable()) && getType() == slot.elemType;
}
DeletionKind VarLoadOp::removeBlockingUses(const MemorySlot &,
                                           const SmallPtrSetImpl<OpOperand *> &, OpBuilder &,
                                           Value reachingDefinition, const DataLayout &) {
  getResult().replaceAllUsesWith(reachingDefinition);
  return DeletionKind::Delete;
}

bool VarStoreOp::loadsFrom(const MemorySlot &) { return false; }
bool VarStoreOp::storesTo(const MemorySlot &slot) { return getVar() == slot.ptr; }
Value VarStoreOp::getStored(const MemorySlot &, OpBuilder &, Value, const DataLayout &) {
  return getValue();
}
bool VarStoreOp::canUsesBeRemoved(const MemorySlot &slot,
                                  const SmallPtrSetImpl<OpOperand *> &blockingUses,
                                  SmallVectorImpl<OpOperand *> &, const DataLayout &) {
  return onlyUseIs(blockingUses, getVarMutable()) && getValue().getType() == slot.elemType;
}
DeletionKind VarStoreOp::removeBlockingUses(const MemorySlot &,
                                            const SmallPtrSetImpl<OpOperand *> &, OpBuilder &,
                                            Value, const DataLayout &) {
  return DeletionKind::Delete;
}
