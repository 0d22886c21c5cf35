//===- SplitBarriers.cpp - a block's threads as loops between barriers ----===//
//
// The host target's answer to barriers, after Polygeist (PPoPP 2023) and the
// "work-item loops" of PoCL: a kernel whose threads meet only at barriers is
// cut at them into regions, and its entry runs a block as rounds of plain
// loops over the block's threads, one loop per region, instead of a fiber per
// thread. LLVM then optimizes (and vectorizes) those loops as ordinary code.
//
// - Region k is the kernel entered at the point after its k-th barrier (region
//   0 at its start) and left at the next barrier it reaches (returning that
//   barrier's number) or at its end (returning kExited): a clone of the kernel
//   with its entry moved and its barriers turned into returns.
// - A value that a region uses without defining it first (it was defined
//   before a barrier, or on another path) comes from the thread's slot in the
//   block's frame, where every region that defines it stores it right away;
//   values computed from the arguments and the thread's ids only are computed
//   again instead. Local arrays (allocas) move into the frame, a copy per
//   thread, since a thread's array lives from region to region.
// - A value the same for every thread of the block (a loop counter over
//   tiles, the stride of a tree reduction: uniform, by a divergence analysis
//   of the kernel) has one slot for the block, not one per thread, when no
//   region can store it and then read it back: regions read it as it was when
//   the round began and store it into a second copy, which becomes the first
//   between rounds. In a region's loop it is then loop-invariant, and LLVM
//   hoists it and can vectorize what it guards.
// - The entry runs region 0 for every thread, then, round after round, each
//   live thread's next region: one loop over the threads when they all wait
//   at the same barrier (the usual case, the fast one), else one guarded loop
//   per region. A round ends when every live thread has reached its next
//   barrier or its end, so no thread passes a barrier before every live
//   thread of its block has reached one: the fibers' semantics exactly, with
//   threads that returned out of the count as on a GPU. Where no barrier or
//   return depends on a varying branch (stopsApart false), the threads
//   always stop together: each round is one loop, and no thread's stop is
//   recorded (GuardedLoops.cpp can then trim a round's loop).
//
// Kernels whose fibers are for something else (warp collectives, grid syncs,
// spin-waits), or with a barrier in a recursive function or a local array of
// dynamic size, keep the fibers. docs/HostTarget.md has the model.
//
//===----------------------------------------------------------------------===//

#include "HostTarget.h"

#include "cuft/Conversion/GPUToHost/GPUToHost.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Analysis/AssumptionCache.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/Analysis/PostDominators.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/Local.h"
#include "llvm/Transforms/Utils/LoopUtils.h"

using namespace llvm;

namespace {

/// A region's result when the thread returned.
constexpr int32_t kExited = INT32_MAX;
/// The per-thread arguments that follow the kernel's own in a region.
constexpr unsigned kRegionExtraArgs = 4; // frame, thread, threads, uniform slots
/// The kernel's `ids` descriptor (allocated, aligned, offset, size, stride),
/// counted from its last argument: `shared`'s five come after it.
constexpr unsigned kIdsFromEnd = 10;

/// `i` as a call of `barrier`, or null.
CallInst *barrierCall(Instruction &i, const Function &barrier) {
  auto *call = dyn_cast<CallInst>(&i);
  return call && call->getCalledFunction() == &barrier ? call : nullptr;
}

/// Every function that calls `barrier`, directly or not.
SmallPtrSet<Function *, 8> reachingBarrier(Module &module, Function *barrier) {
  SmallPtrSet<Function *, 8> reaching;
  for (bool changed = true; changed;) {
    changed = false;
    for (Function &f : module) {
      if (f.isDeclaration() || reaching.contains(&f))
        continue;
      for (Instruction &i : instructions(f)) {
        auto *call = dyn_cast<CallBase>(&i);
        Function *callee = call ? call->getCalledFunction() : nullptr;
        if (callee && (callee == barrier || reaching.contains(callee))) {
          reaching.insert(&f);
          changed = true;
          break;
        }
      }
    }
  }
  return reaching;
}

class Splitter {
public:
  Splitter(Module &module, Function &entry, Function &barrier, TargetMachine &tm,
           const std::array<uint32_t, 3> &block)
      : module(module), ctx(module.getContext()), layout(module.getDataLayout()), entry(entry),
        barrier(barrier), tm(tm), block(block), i8(Type::getInt8Ty(ctx)),
        i32(Type::getInt32Ty(ctx)), i64(Type::getInt64Ty(ctx)),
        ptr(PointerType::getUnqual(ctx)) {}

  /// Splits; false with `why` set when the kernel keeps its fibers (the
  /// module is then still valid, and means what it meant).
  bool run(uint64_t &frameBytesPerThread, std::string &why);

private:
  struct Region {
    Function *fn = nullptr;
    ValueToValueMapTy map;                 // template value -> this region's
    DenseMap<Value *, Value *> origin;     // this region's value -> template's
    SmallVector<Use *> fromFrame;          // uses whose definition may not run first
    DenseMap<std::pair<Value *, unsigned>, Value *> slots; // (template value, store) -> its slot
  };

  bool findKernel(std::string &why);
  void findVarying();
  void findRanges();
  bool storedThenRead(Region &region, Value *v);
  bool inlineBarrierCallees(std::string &why);
  void simplify(Function &fn);
  bool makeTemplate(std::string &why);
  void cutAtBarriers();
  void cloneRegions();
  bool recomputable(Value *v);
  Value *recompute(Value *v, Region &region, Instruction *before);
  Value *slot(Region &region, Value *v, bool store);
  void rewriteRegion(Region &region);
  void buildEntry();

  Module &module;
  LLVMContext &ctx;
  const DataLayout &layout;
  Function &entry, &barrier;
  TargetMachine &tm;
  const std::array<uint32_t, 3> block; // the block shape the code is for, or zeros
  Type *i8, *i32, *i64;
  PointerType *ptr;

  Function *kernel = nullptr;      // what the fiber entry called per thread
  DebugLoc callLoc;                // that call's location
  Function *templ = nullptr;       // the kernel as a region function
  SmallVector<BasicBlock *> resume; // where region k starts, in the template
  std::vector<std::unique_ptr<Region>> regions;
  SetVector<Value *> spilled;      // template values kept in the frame
  DenseSet<Value *> varying;       // template values that may differ between threads
  /// Threads may pass different numbers of barriers and then run the same
  /// code again (findVarying): they can be rounds apart there, so no value
  /// has a block slot.
  bool outOfStep = false;
  /// Threads of a block may stop at different barriers or return apart
  /// (findVarying: a barrier or a return depends on a varying branch). When
  /// not, every round runs every live thread to the same barrier, and the
  /// entry keeps no per-thread record of where each stopped.
  bool stopsApart = false;
  /// A thread's bytes of the frame: its local arrays, its spilled values and,
  /// when threads may stop apart, its stop now and next (two i32).
  uint64_t frameBytes() const { return localBytes + spillBytes + (stopsApart ? 8 : 0); }
  DenseSet<Value *> uniformSlots;  // spilled values with one slot for the block
  DenseMap<Value *, ConstantRange> ranges; // integer values' known ranges (not full)
  DenseMap<Value *, bool> recomputableMemo;
  DenseMap<Value *, uint64_t> slotOffset; // per-thread bytes before a spill's array
  uint64_t uniformBytes = 0;       // the block's uniform slots (one copy of two)
  uint64_t localBytes = 0;         // one thread's local arrays
  uint64_t spillBytes = 0;         // one thread's spilled values
  Align frameAlign = Align(64);
};

bool Splitter::findKernel(std::string &why) {
  if (entry.size() != 1) {
    why = "the entry is not a fiber entry";
    return false;
  }
  for (Instruction &i : entry.getEntryBlock()) {
    auto *call = dyn_cast<CallInst>(&i);
    if (!call)
      continue;
    Function *callee = call->getCalledFunction();
    if (!callee || callee->isDeclaration() || kernel) {
      why = "the entry is not a fiber entry";
      return false;
    }
    kernel = callee;
    callLoc = call->getDebugLoc();
  }
  if (!kernel || kernel->arg_size() < kIdsFromEnd ||
      kernel->getFunctionType() != entry.getFunctionType()) {
    why = "the entry does not call its kernel";
    return false;
  }
  return true;
}

/// Device functions that reach a barrier are inlined into the kernel, so that
/// every barrier is in the kernel's own body.
bool Splitter::inlineBarrierCallees(std::string &why) {
  SmallPtrSet<Function *, 8> reaching = reachingBarrier(module, &barrier);
  // A function calls itself, directly or not: its barriers stay in it.
  auto callees = [](Function *f) {
    SmallVector<Function *> result;
    for (Instruction &i : instructions(*f))
      if (auto *call = dyn_cast<CallBase>(&i))
        if (Function *callee = call->getCalledFunction(); callee && !callee->isDeclaration())
          result.push_back(callee);
    return result;
  };
  for (Function *f : reaching) {
    SmallVector<Function *> work = callees(f);
    SmallPtrSet<Function *, 8> seen;
    while (!work.empty()) {
      Function *g = work.pop_back_val();
      if (g == f) {
        why = "a barrier is in a recursive function";
        return false;
      }
      if (seen.insert(g).second)
        llvm::append_range(work, callees(g));
    }
  }
  while (true) {
    SmallVector<CallBase *> calls;
    for (Instruction &i : instructions(*kernel))
      if (auto *call = dyn_cast<CallBase>(&i))
        if (Function *callee = call->getCalledFunction(); callee && reaching.contains(callee))
          calls.push_back(call);
    if (calls.empty())
      return true;
    for (CallBase *call : calls) {
      InlineFunctionInfo info;
      if (!InlineFunction(*call, info).isSuccess()) {
        why = "a barrier is in a function that cannot be inlined";
        return false;
      }
    }
  }
}

/// Promotes the kernel's variables to values and simplifies it, so that what
/// lives across a barrier is what the kernel needs, not its stack slots.
void Splitter::simplify(Function &fn) {
  LoopAnalysisManager lam;
  FunctionAnalysisManager fam;
  CGSCCAnalysisManager cgam;
  ModuleAnalysisManager mam;
  PassBuilder builder(&tm);
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  FunctionPassManager passes =
      builder.buildFunctionSimplificationPipeline(OptimizationLevel::O2, ThinOrFullLTOPhase::None);
  passes.run(fn, fam);
}

/// The template: the kernel with four more arguments (the block's frame, the
/// thread's linear index, the block's thread count, the block's uniform
/// slots), returning where the thread stopped; its local arrays in the frame.
bool Splitter::makeTemplate(std::string &why) {
  SmallVector<Type *> params(kernel->getFunctionType()->params());
  params.append({ptr, i64, i64, ptr});
  static_assert(kRegionExtraArgs == 4);
  templ = Function::Create(FunctionType::get(i32, params, false), GlobalValue::InternalLinkage,
                           kernel->getName() + ".threads", module);
  ValueToValueMapTy map;
  for (auto [from, to] : llvm::zip_first(kernel->args(), templ->args()))
    map[&from] = &to;
  SmallVector<ReturnInst *> returns;
  CloneFunctionInto(templ, kernel, map, CloneFunctionChangeType::LocalChangesOnly, returns);
  templ->removeFnAttr(Attribute::NoInline);
  templ->removeFnAttr(Attribute::OptimizeNone);
  for (ReturnInst *ret : returns) {
    ReturnInst::Create(ctx, ConstantInt::get(i32, kExited), ret->getIterator());
    ret->eraseFromParent();
  }
  // Local arrays: thread t's at frame + t * localBytes.
  BasicBlock &start = templ->getEntryBlock();
  SmallVector<std::pair<AllocaInst *, uint64_t>> allocas;
  for (Instruction &i : instructions(*templ)) {
    auto *alloca = dyn_cast<AllocaInst>(&i);
    if (!alloca)
      continue;
    std::optional<TypeSize> size = alloca->getAllocationSize(layout);
    if (alloca->getParent() != &start || !alloca->isStaticAlloca() || !size ||
        size->isScalable()) {
      why = "a local array has a size known only at run time";
      templ->eraseFromParent();
      templ = nullptr;
      return false;
    }
    uint64_t offset = alignTo(localBytes, alloca->getAlign());
    allocas.push_back({alloca, offset});
    localBytes = offset + size->getFixedValue();
    frameAlign = std::max(frameAlign, alloca->getAlign());
  }
  localBytes = alignTo(localBytes, frameAlign);
  IRBuilder<> b(&start, start.getFirstInsertionPt());
  Argument *frame = templ->getArg(kernel->arg_size());
  Argument *thread = templ->getArg(kernel->arg_size() + 1);
  Value *mine = b.CreateGEP(i8, frame, b.CreateMul(thread, b.getInt64(localBytes)), "locals");
  for (auto [alloca, offset] : allocas) {
    alloca->replaceAllUsesWith(b.CreateGEP(i8, mine, b.getInt64(offset), alloca->getName()));
    alloca->eraseFromParent();
  }
  return true;
}

/// The template's values that may differ between the threads of a block:
/// what depends on threadIdx, memory (but the ids), atomics and calls with
/// effects, through data or through a branch on such a value (a phi where
/// paths from that branch join again, or anywhere after it when they never
/// do; loop exits go through LCSSA phis, so that a value of a loop that
/// threads leave at different iterations is one of those).
void Splitter::findVarying() {
  {
    DominatorTree dom(*templ);
    LoopInfo loops(dom);
    for (Loop *loop : loops)
      formLCSSARecursively(*loop, dom, &loops, nullptr);
  }
  PostDominatorTree postDom(*templ);
  unsigned n = kernel->arg_size();
  Argument *ids = templ->getArg(n - kIdsFromEnd + 1);
  varying.insert(templ->getArg(n + 1)); // the thread
  DenseSet<BasicBlock *> joins;         // blocks whose phis are varying
  auto hasBarrier = [&](BasicBlock *block) {
    return llvm::any_of(*block, [&](Instruction &i) { return barrierCall(i, barrier); });
  };
  // Whether a barrier can run at or after `block`.
  auto reachesBarrier = [&](BasicBlock *block) {
    SmallVector<BasicBlock *> work{block};
    DenseSet<BasicBlock *> seen;
    while (!work.empty()) {
      BasicBlock *b = work.pop_back_val();
      if (!seen.insert(b).second)
        continue;
      if (hasBarrier(b))
        return true;
      llvm::append_range(work, successors(b));
    }
    return false;
  };
  auto markJoins = [&](Instruction *branch) {
    DomTreeNode *node = postDom.getNode(branch->getParent());
    BasicBlock *meet = node && node->getIDom() ? node->getIDom()->getBlock() : nullptr;
    if (meet)
      joins.insert(meet);
    SmallVector<BasicBlock *> work(successors(branch));
    DenseSet<BasicBlock *> seen;
    bool barriers = false;
    while (!work.empty()) {
      BasicBlock *block = work.pop_back_val();
      if (block == meet || !seen.insert(block).second)
        continue;
      joins.insert(block);
      barriers |= hasBarrier(block);
      llvm::append_range(work, successors(block));
    }
    // Barriers between a varying branch and where its paths meet, and more
    // after: the threads of either side may pass different numbers of them
    // (which CUDA leaves undefined but PTX counts) and then run the same
    // code rounds apart, where a block slot would hold another round's
    // value. (Threads that return early never meet the others: no matter.)
    outOfStep |= barriers && meet && reachesBarrier(meet);
    // Without a meet (a side returns, traps or loops for ever) the sides may
    // stop apart too.
    stopsApart |= barriers || !meet;
  };
  auto isVarying = [&](Instruction &i) {
    if (auto *phi = dyn_cast<PHINode>(&i))
      if (joins.contains(phi->getParent()))
        return true;
    if (auto *load = dyn_cast<LoadInst>(&i)) {
      int64_t offset = 0;
      Value *base =
          GetPointerBaseWithConstantOffset(load->getPointerOperand(), offset, layout);
      // blockIdx, blockDim and gridDim are the block's; threadIdx is not.
      if (base != ids || offset < int64_t(4 * cuft::kBlockIdSlot))
        return true;
    } else if (auto *call = dyn_cast<CallBase>(&i)) {
      if (!call->doesNotAccessMemory() || call->isConvergent())
        return true;
    } else if (i.mayReadOrWriteMemory() || isa<AllocaInst>(i)) {
      return true;
    }
    return llvm::any_of(i.operands(), [&](Value *op) { return varying.contains(op); });
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (BasicBlock &block : *templ)
      for (Instruction &i : block) {
        if (varying.contains(&i) || !isVarying(i))
          continue;
        varying.insert(&i);
        changed = true;
        if (i.isTerminator())
          markJoins(&i);
      }
  }
}

/// The signed ranges of the template's integer values, as ScalarEvolution
/// knows them before the cut (a tile counter of a loop with a barrier is
/// [0, n)): a value read back from the frame keeps its range (`!range` on the
/// load), so that, say, an index computed from it is known non-negative and
/// its accesses stay contiguous.
void Splitter::findRanges() {
  DominatorTree dom(*templ);
  LoopInfo loops(dom);
  TargetLibraryInfoImpl libraryInfo(module.getTargetTriple());
  TargetLibraryInfo tli(libraryInfo, templ);
  AssumptionCache assumptions(*templ);
  ScalarEvolution scev(*templ, tli, assumptions, dom, loops);
  for (Instruction &i : instructions(*templ)) {
    if (!i.getType()->isIntegerTy() || i.getType()->getIntegerBitWidth() < 2 ||
        !scev.isSCEVable(i.getType()))
      continue;
    ConstantRange range = scev.getSignedRange(scev.getSCEV(&i));
    if (!range.isFullSet() && !range.isEmptySet())
      ranges.try_emplace(&i, range);
  }
}

/// Whether a thread running `region` may store template value `v` and then
/// read it from the frame there: a uniform value so used needs its slots per
/// thread (the block's one would hold another thread's newer value).
bool Splitter::storedThenRead(Region &region, Value *v) {
  auto *def = dyn_cast_or_null<Instruction>(region.map.lookup(v));
  if (!def || def->getFunction() != region.fn)
    return false;
  SmallPtrSet<Instruction *, 8> reads;
  for (Use *use : region.fromFrame)
    if (region.origin.lookup(use->get()) == v)
      reads.insert(cast<Instruction>(use->getUser()));
  if (reads.empty())
    return false;
  // Reads after the store in its block, then any block reachable from it.
  BasicBlock *start = def->getParent();
  for (Instruction *i = def->getNextNode(); i; i = i->getNextNode())
    if (reads.contains(i) && !isa<PHINode>(i))
      return true;
  SmallVector<BasicBlock *> work(successors(start));
  SmallPtrSet<BasicBlock *, 16> seen;
  while (!work.empty()) {
    BasicBlock *block = work.pop_back_val();
    if (!seen.insert(block).second)
      continue;
    for (Instruction &i : *block)
      if (reads.contains(&i))
        return true;
    llvm::append_range(work, successors(block));
  }
  return false;
}

/// Each barrier ends its block with `return k` (k counted from 1); region k
/// starts at what followed it.
void Splitter::cutAtBarriers() {
  SmallVector<CallInst *> barriers;
  for (Instruction &i : instructions(*templ))
    if (CallInst *call = barrierCall(i, barrier))
      barriers.push_back(call);
  resume.push_back(&templ->getEntryBlock());
  for (CallInst *call : barriers) {
    BasicBlock *block = call->getParent();
    BasicBlock *after = SplitBlock(block, call->getNextNode());
    block->getTerminator()->eraseFromParent();
    ReturnInst::Create(ctx, ConstantInt::get(i32, int32_t(resume.size())), block);
    call->eraseFromParent();
    resume.push_back(after);
  }
}

/// A clone of the template per region, entered at its resume point; notes
/// the uses whose definition does not dominate them there.
void Splitter::cloneRegions() {
  for (auto [k, start] : llvm::enumerate(resume)) {
    auto region = std::make_unique<Region>();
    region->fn = CloneFunction(templ, region->map);
    region->fn->setName(kernel->getName() + ".region" + Twine(k));
    if (k > 0) {
      BasicBlock *enter = BasicBlock::Create(ctx, "resume", region->fn, &region->fn->front());
      BranchInst::Create(cast<BasicBlock>(region->map[start]), enter);
    }
    for (auto entry : region->map)
      if (isa<Instruction>(entry.first))
        region->origin[entry.second] = const_cast<Value *>(entry.first);
    DominatorTree dom(*region->fn);
    for (BasicBlock &block : *region->fn) {
      if (!dom.isReachableFromEntry(&block))
        continue;
      for (Instruction &i : block)
        for (Use &use : i.operands())
          if (auto *def = dyn_cast<Instruction>(use.get()); def && !dom.dominates(def, use)) {
            region->fromFrame.push_back(&use);
            Value *original = region->origin.lookup(def);
            if (!recomputable(original))
              spilled.insert(original);
          }
    }
    regions.push_back(std::move(region));
  }
}

/// Whether `v` (of the template) can be computed again wherever it is needed:
/// it depends on the arguments and the thread's ids only, without effects.
bool Splitter::recomputable(Value *v) {
  if (isa<Argument, Constant>(v))
    return true;
  auto *i = dyn_cast<Instruction>(v);
  if (!i)
    return false;
  if (auto it = recomputableMemo.find(i); it != recomputableMemo.end())
    return it->second;
  recomputableMemo[i] = false; // cycles (through phis) are not recomputable
  bool pure = isa<GetElementPtrInst, CastInst, BinaryOperator, UnaryOperator, CmpInst,
                  SelectInst, ExtractValueInst, InsertValueInst, FreezeInst>(i);
  if (auto *load = dyn_cast<LoadInst>(i)) {
    Argument *ids = templ->getArg(kernel->arg_size() - kIdsFromEnd + 1);
    pure = load->isSimple() && getUnderlyingObject(load->getPointerOperand()) == ids;
  }
  bool ok = pure && llvm::all_of(i->operands(), [&](Value *op) { return recomputable(op); });
  recomputableMemo[i] = ok;
  return ok;
}

Value *Splitter::recompute(Value *v, Region &region, Instruction *before) {
  if (auto *arg = dyn_cast<Argument>(v))
    return region.fn->getArg(arg->getArgNo());
  if (isa<Constant>(v))
    return v;
  Instruction *copy = cast<Instruction>(v)->clone();
  for (Use &op : copy->operands())
    op.set(recompute(op.get(), region, before));
  copy->setDebugLoc(before->getDebugLoc());
  copy->insertBefore(before->getIterator());
  return copy;
}

/// Thread t's slot for template value `v` in `region`: the spills are arrays
/// of the block's threads, after the local arrays of all of them.
/// A uniform value's slot is the block's: read at `uniform + offset` (as the
/// round began), stored at `uniform + uniformBytes + offset`.
Value *Splitter::slot(Region &region, Value *v, bool store) {
  bool uniform = uniformSlots.contains(v);
  Value *&address = region.slots[{v, unsigned(uniform && store)}];
  if (address)
    return address;
  Function *fn = region.fn;
  unsigned n = kernel->arg_size();
  BasicBlock &start = fn->getEntryBlock();
  IRBuilder<> b(&start, start.getFirstInsertionPt());
  Value *frame = fn->getArg(n);
  if (uniform) {
    uint64_t offset = slotOffset.lookup(v) + (store ? uniformBytes : 0);
    address = b.CreateConstGEP1_64(i8, fn->getArg(n + 3), offset, "uniform");
    return address;
  }
  Value *threads = fn->getArg(n + 2);
  Value *arrayStart =
      b.CreateMul(threads, b.getInt64(localBytes + slotOffset.lookup(v)));
  Value *mine = b.CreateMul(fn->getArg(n + 1), b.getInt64(layout.getTypeAllocSize(v->getType())));
  address = b.CreateGEP(i8, frame, b.CreateAdd(arrayStart, mine), "slot");
  return address;
}

void Splitter::rewriteRegion(Region &region) {
  DominatorTree dom(*region.fn);
  // Every definition of a spilled value stores it at once.
  for (Value *v : spilled) {
    auto *def = dyn_cast_or_null<Instruction>(region.map.lookup(v));
    if (!def || !dom.isReachableFromEntry(def->getParent()))
      continue;
    Instruction *after = isa<PHINode>(def) ? &*def->getParent()->getFirstInsertionPt()
                                           : def->getNextNode();
    IRBuilder<> b(after);
    b.CreateStore(def, slot(region, v, /*store=*/true));
  }
  // Each use its definition may not precede reads the slot, or recomputes.
  for (Use *use : region.fromFrame) {
    auto *user = cast<Instruction>(use->getUser());
    Instruction *before = user;
    if (auto *phi = dyn_cast<PHINode>(user))
      before = phi->getIncomingBlock(*use)->getTerminator();
    Value *original = region.origin.lookup(use->get());
    Value *value;
    if (recomputable(original)) {
      value = recompute(original, region, before);
    } else {
      auto *load = new LoadInst(original->getType(), slot(region, original, /*store=*/false), "",
                                before->getIterator());
      load->setDebugLoc(before->getDebugLoc());
      if (auto range = ranges.find(original); range != ranges.end())
        load->setMetadata(LLVMContext::MD_range,
                          MDBuilder(ctx).createRange(range->second.getLower(),
                                                     range->second.getUpper()));
      value = load;
    }
    use->set(value);
  }
  removeUnreachableBlocks(*region.fn);
}

/// `for (i = 0; i < n; ++i)` with values carried from one iteration to the
/// next: `body(i, carried)` returns the next ones. Leaves `b` after the loop
/// and returns the carried values' last.
SmallVector<Value *> emitLoop(IRBuilder<> &b, Value *n, const Twine &name,
                              ArrayRef<Value *> initial,
                              function_ref<SmallVector<Value *>(Value *, ArrayRef<Value *>)> body,
                              ArrayRef<Metadata *> properties = {}) {
  LLVMContext &ctx = b.getContext();
  Function *fn = b.GetInsertBlock()->getParent();
  BasicBlock *before = b.GetInsertBlock();
  BasicBlock *head = BasicBlock::Create(ctx, name + ".head", fn);
  BasicBlock *inside = BasicBlock::Create(ctx, name + ".body", fn);
  BasicBlock *exit = BasicBlock::Create(ctx, name + ".exit", fn);
  b.CreateBr(head);
  b.SetInsertPoint(head);
  PHINode *i = b.CreatePHI(b.getInt64Ty(), 2, name);
  i->addIncoming(b.getInt64(0), before);
  SmallVector<PHINode *> phis;
  SmallVector<Value *> carried;
  for (Value *v : initial) {
    phis.push_back(b.CreatePHI(v->getType(), 2));
    phis.back()->addIncoming(v, before);
    carried.push_back(phis.back());
  }
  b.CreateCondBr(b.CreateICmpULT(i, n), inside, exit);
  b.SetInsertPoint(inside);
  SmallVector<Value *> next = body(i, carried);
  BasicBlock *latch = b.GetInsertBlock();
  i->addIncoming(b.CreateNUWAdd(i, b.getInt64(1)), latch);
  for (auto [phi, v] : llvm::zip_equal(phis, next))
    phi->addIncoming(v, latch);
  BranchInst *back = b.CreateBr(head);
  if (!properties.empty()) {
    SmallVector<Metadata *> operands{nullptr};
    llvm::append_range(operands, properties);
    MDNode *loop = MDNode::getDistinct(ctx, operands);
    loop->replaceOperandWith(0, loop);
    back->setMetadata(LLVMContext::MD_loop, loop);
  }
  b.SetInsertPoint(exit);
  return carried;
}

/// The entry: a block's rounds of loops over its threads.
void Splitter::buildEntry() {
  BasicBlock &start = entry.getEntryBlock();
  while (!start.empty())
    start.back().eraseFromParent();
  IRBuilder<> b(&start);
  unsigned n = entry.arg_size();
  Argument *idsAligned = entry.getArg(n - kIdsFromEnd + 1);
  Argument *idsOffset = entry.getArg(n - kIdsFromEnd + 2);
  // The thread's ids: the block's, with threadIdx set by the loops below.
  auto *idsType = ArrayType::get(i32, cuft::kIdSlots);
  AllocaInst *ids = b.CreateAlloca(idsType, nullptr, "ids");
  ids->setAlignment(Align(16));
  b.CreateMemCpy(ids, Align(16), b.CreateGEP(i32, idsAligned, idsOffset), Align(4),
                 cuft::kIdSlots * 4);
  auto idSlot = [&](unsigned slot) { return b.CreateConstGEP1_32(i32, ids, slot); };
  // Code for one block shape: its extents go into the copy of the ids, and
  // the optimizer forwards them to every read. (Built as constants here
  // instead, the loops' trip counts known from the start, LLVM fully
  // unrolled a tile copy's 16-thread rows into scalar code rather than
  // vectorize them: a 16x16-tile matmul 1.7x slower.)
  if (block[0])
    for (unsigned d = 0; d < 3; ++d)
      b.CreateStore(b.getInt32(block[d]), idSlot(cuft::kBlockDimSlot + d));
  auto dim = [&](unsigned d) {
    return b.CreateZExt(b.CreateLoad(i32, idSlot(cuft::kBlockDimSlot + d)), i64);
  };
  Value *bx = dim(0), *by = dim(1), *bz = dim(2);
  Value *threads = b.CreateNUWMul(bx, b.CreateNUWMul(by, bz), "threads");
  AllocaInst *frame =
      b.CreateAlloca(i8, b.CreateNUWMul(threads, b.getInt64(frameBytes())), "frame");
  frame->setAlignment(frameAlign);
  Value *now = b.CreateGEP(i8, frame, b.CreateNUWMul(threads, b.getInt64(localBytes + spillBytes)),
                           "state");
  Value *next = b.CreateGEP(i32, now, threads, "next");
  // The uniform slots: as the round began, then as stored in it.
  AllocaInst *uniform = b.CreateAlloca(i8, b.getInt64(std::max<uint64_t>(2 * uniformBytes, 16)),
                                       "uniform");
  uniform->setAlignment(Align(16));

  SmallVector<Value *> args(llvm::make_pointer_range(entry.args()));
  args[n - kIdsFromEnd] = ids;
  args[n - kIdsFromEnd + 1] = ids;
  args[n - kIdsFromEnd + 2] = b.getInt64(0);
  args[n - kIdsFromEnd + 3] = b.getInt64(cuft::kIdSlots);
  args[n - kIdsFromEnd + 4] = b.getInt64(1);
  args.append({frame, nullptr, threads, uniform});
  // Inlined in the loop over every thread (forced: a block's rounds are the
  // kernel's hot loops). The loops over some threads call it too, and the
  // inliner decides there: marking those calls noinline made a tree
  // reduction ending in a float atomic ten times slower (cause not found).
  auto callRegion = [&](unsigned k, Value *t, bool inlined) {
    args[n + 1] = t;
    CallInst *call = b.CreateCall(regions[k]->fn, args);
    call->setDebugLoc(callLoc);
    if (inlined)
      call->addFnAttr(Attribute::AlwaysInline);
    return call;
  };
  auto setTid = [&](unsigned d, Value *v) {
    b.CreateStore(b.CreateTrunc(v, i32), idSlot(cuft::kThreadIdSlot + d));
  };
  // Every thread of the block, x fastest, as the GPU numbers them.
  using Carried = SmallVector<Value *>;
  // Every thread of the block, x fastest as the GPU numbers them; `body(t,
  // carried)` returns the carried values for the next thread.
  auto eachThread = [&](const Twine &name, ArrayRef<Value *> initial,
                        function_ref<Carried(Value *, ArrayRef<Value *>)> body,
                        ArrayRef<Metadata *> properties = {}) {
    return emitLoop(b, bz, name + ".z", initial, [&](Value *z, ArrayRef<Value *> cz) {
      setTid(2, z);
      return emitLoop(b, by, name + ".y", cz, [&](Value *y, ArrayRef<Value *> cy) {
        setTid(1, y);
        Value *row = b.CreateNUWMul(b.CreateNUWAdd(b.CreateNUWMul(z, by), y), bx);
        return emitLoop(
            b, bx, name + ".x", cy,
            [&](Value *x, ArrayRef<Value *> cx) {
              setTid(0, x);
              return body(b.CreateNUWAdd(row, x), cx);
            },
            properties);
      });
    });
  };
  auto stateOf = [&](Value *array, Value *t) { return b.CreateGEP(i32, array, t); };
  // Where the threads stopped, as min/max reductions (which vectorize): the
  // least barrier (kExited counts as the greatest), the greatest barrier of a
  // live thread (-1: none), the greatest of all (kExited: some returned).
  Carried noneYet{b.getInt32(kExited), b.getInt32(-1), b.getInt32(-1)};
  auto see = [&](ArrayRef<Value *> c, Value *s) {
    Value *live = b.CreateSelect(b.CreateICmpEQ(s, b.getInt32(kExited)), b.getInt32(-1), s);
    return Carried{b.CreateBinaryIntrinsic(Intrinsic::smin, c[0], s),
                   b.CreateBinaryIntrinsic(Intrinsic::smax, c[1], live),
                   b.CreateBinaryIntrinsic(Intrinsic::smax, c[2], s)};
  };
  // Runs region k for every thread, as one loop, noting where each stopped.
  // Between two barriers no two threads of a race-free kernel touch the same
  // memory unless all read it (a GPU runs them at once): the loop's
  // iterations are independent, which LLVM's vectorizer is told (the
  // region's memory accesses join the loop's access group when it is
  // inlined), so that it needs no run-time overlap checks, which accesses
  // like sh[t] and sh[t + s] would fail.
  auto runEveryThread = [&](unsigned k, const Twine &name) {
    MDNode *group = MDNode::getDistinct(ctx, {});
    return eachThread(
        name, noneYet,
        [&](Value *t, ArrayRef<Value *> c) {
          CallInst *s = callRegion(k, t, true);
          s->setMetadata(LLVMContext::MD_access_group, group);
          if (stopsApart)
            b.CreateStore(s, stateOf(now, t))->setMetadata(LLVMContext::MD_access_group, group);
          return see(c, s);
        },
        cuft::host::detail::parallelThreadsLoop(ctx, group));
  };

  BasicBlock *round = BasicBlock::Create(ctx, "round", &entry);
  BasicBlock *done = BasicBlock::Create(ctx, "done", &entry);
  BasicBlock *same = BasicBlock::Create(ctx, "same", &entry);
  BasicBlock *mixed = stopsApart ? BasicBlock::Create(ctx, "mixed", &entry) : nullptr;
  SmallVector<std::pair<Carried, BasicBlock *>> arrivals;
  arrivals.push_back({runEveryThread(0, "start"), b.GetInsertBlock()});
  b.CreateBr(round);

  // The uniform values stored in the last round are read in this one.
  b.SetInsertPoint(round);
  SmallVector<PHINode *> where;
  for (Value *v : noneYet)
    where.push_back(b.CreatePHI(v->getType(), 4));
  Value *lo = where[0], *hi = where[1], *top = where[2];
  if (uniformBytes)
    b.CreateMemCpy(uniform, Align(16), b.CreateConstGEP1_64(i8, uniform, uniformBytes), Align(16),
                   uniformBytes);
  BasicBlock *live = BasicBlock::Create(ctx, "live", &entry, same);
  b.CreateCondBr(b.CreateICmpSLT(hi, b.getInt32(0)), done, live);
  b.SetInsertPoint(live);
  if (stopsApart) {
    Value *together =
        b.CreateAnd(b.CreateICmpEQ(lo, hi), b.CreateICmpNE(top, b.getInt32(kExited)));
    b.CreateCondBr(together, same, mixed);
  } else {
    // Every live thread stopped where the others did: each round is one
    // loop, and no record of each thread's stop is kept for `mixed`.
    b.CreateBr(same);
  }

  // Every thread at barrier k: region k for each, in one loop.
  b.SetInsertPoint(same);
  SwitchInst *which = b.CreateSwitch(lo, done, regions.size() - 1);
  for (unsigned k = 1; k < regions.size(); ++k) {
    BasicBlock *run = BasicBlock::Create(ctx, "region" + Twine(k), &entry, done);
    which->addCase(b.getInt32(k), run);
    b.SetInsertPoint(run);
    arrivals.push_back({runEveryThread(k, "r" + Twine(k)), b.GetInsertBlock()});
    b.CreateBr(round);
  }

  // Threads at different barriers, or some returned: each live thread runs
  // the region after its barrier, read from `now`, its next written to `next`.
  if (stopsApart) {
    b.SetInsertPoint(mixed);
    emitLoop(b, threads, "copy", {}, [&](Value *t, ArrayRef<Value *>) {
      b.CreateStore(b.CreateLoad(i32, stateOf(now, t)), stateOf(next, t));
      return Carried();
    });
    for (unsigned k = 1; k < regions.size(); ++k) {
      BasicBlock *run = BasicBlock::Create(ctx, "mixed" + Twine(k), &entry, done);
      BasicBlock *after = BasicBlock::Create(ctx, "mixed" + Twine(k) + ".end", &entry, done);
      Value *present = b.CreateAnd(b.CreateICmpSLE(lo, b.getInt32(k)),
                                   b.CreateICmpSGE(hi, b.getInt32(k)));
      b.CreateCondBr(present, run, after);
      b.SetInsertPoint(run);
      SmallVector<Metadata *> cold = cuft::host::detail::scalarLoop(ctx);
      eachThread("m" + Twine(k), {}, [&](Value *t, ArrayRef<Value *>) {
        BasicBlock *go = BasicBlock::Create(ctx, "go", &entry, after);
        BasicBlock *skip = BasicBlock::Create(ctx, "skip", &entry, after);
        b.CreateCondBr(b.CreateICmpEQ(b.CreateLoad(i32, stateOf(now, t)), b.getInt32(k)), go, skip);
        b.SetInsertPoint(go);
        b.CreateStore(callRegion(k, t, false), stateOf(next, t));
        b.CreateBr(skip);
        b.SetInsertPoint(skip);
        return Carried();
      }, cold);
      b.CreateBr(after);
      b.SetInsertPoint(after);
    }
    arrivals.push_back({emitLoop(b, threads, "back", noneYet,
                                 [&](Value *t, ArrayRef<Value *> c) {
                                   Value *s = b.CreateLoad(i32, stateOf(next, t));
                                   b.CreateStore(s, stateOf(now, t));
                                   return see(c, s);
                                 }),
                        b.GetInsertBlock()});
    b.CreateBr(round);
  }
  for (auto &[values, from] : arrivals)
    for (auto [phi, v] : llvm::zip_equal(where, values))
      phi->addIncoming(v, from);

  b.SetInsertPoint(done);
  b.CreateRetVoid();
}

bool Splitter::run(uint64_t &frameBytesPerThread, std::string &why) {
  // The optimizer may not copy a barrier (jump threading would give the two
  // sides of an `if` a barrier each, which threads then wait at apart: a
  // round per side), nor make it depend on more branches than it does.
  barrier.addFnAttr(Attribute::NoDuplicate);
  barrier.addFnAttr(Attribute::Convergent);
  if (!findKernel(why) || !inlineBarrierCallees(why))
    return false;
  simplify(*kernel);
  if (!makeTemplate(why))
    return false;
  findVarying();
  findRanges();
  cutAtBarriers();
  cloneRegions();
  for (Value *v : spilled)
    if (!outOfStep && !varying.contains(v) && llvm::none_of(regions, [&](auto &region) {
          return storedThenRead(*region, v);
        }))
      uniformSlots.insert(v);
  // Spilled values: the uniform ones in the block's slots, the others in
  // arrays of the block's threads; the most aligned first, so that every
  // slot is aligned for its type.
  SmallVector<Value *> order(spilled.begin(), spilled.end());
  llvm::stable_sort(order, [&](Value *a, Value *b) {
    return layout.getABITypeAlign(a->getType()) > layout.getABITypeAlign(b->getType());
  });
  for (Value *v : order) {
    uint64_t &bytes = uniformSlots.contains(v) ? uniformBytes : spillBytes;
    slotOffset[v] = bytes;
    bytes += layout.getTypeAllocSize(v->getType());
  }
  spillBytes = alignTo(spillBytes, 8);
  uniformBytes = alignTo(uniformBytes, 16);
  for (auto &region : regions)
    rewriteRegion(*region);
  templ->eraseFromParent();
  buildEntry();
  if (kernel->use_empty())
    kernel->eraseFromParent();
  frameBytesPerThread = frameBytes();
  return true;
}

} // namespace

bool cuft::host::detail::splitAtBarriers(Module &module, Function &entry, TargetMachine &tm,
                                         const std::array<uint32_t, 3> &block,
                                         uint64_t &frameBytesPerThread, std::string &why) {
  Function *barrier = module.getFunction(kBarrierFunction);
  if (!barrier) {
    why = "no barrier";
    return false;
  }
  return Splitter(module, entry, *barrier, tm, block).run(frameBytesPerThread, why);
}

SmallVector<Metadata *> cuft::host::detail::parallelThreadsLoop(LLVMContext &ctx, MDNode *group) {
  return {MDNode::get(ctx, {MDString::get(ctx, "llvm.loop.parallel_accesses"), group})};
}

SmallVector<Metadata *> cuft::host::detail::scalarLoop(LLVMContext &ctx) {
  auto flag = [&](StringRef name) { return MDNode::get(ctx, {MDString::get(ctx, name)}); };
  return {MDNode::get(ctx, {MDString::get(ctx, "llvm.loop.vectorize.enable"),
                            ConstantAsMetadata::get(ConstantInt::getFalse(ctx))}),
          flag("llvm.loop.unroll.disable")};
}

void cuft::host::detail::addLoopProperties(Loop &loop, ArrayRef<Metadata *> properties,
                                           StringRef dropped) {
  LLVMContext &ctx = loop.getHeader()->getContext();
  SmallVector<Metadata *> ops{nullptr};
  if (MDNode *id = loop.getLoopID())
    for (unsigned i = 1; i < id->getNumOperands(); ++i) {
      auto *node = dyn_cast_or_null<MDNode>(id->getOperand(i).get());
      auto *name = node && node->getNumOperands() ? dyn_cast<MDString>(node->getOperand(0))
                                                  : nullptr;
      if (dropped.empty() || !name || name->getString() != dropped)
        ops.push_back(id->getOperand(i));
    }
  llvm::append_range(ops, properties);
  MDNode *fresh = MDNode::getDistinct(ctx, ops);
  fresh->replaceOperandWith(0, fresh);
  loop.setLoopID(fresh);
}

/// Whether `fn` and what it calls leave threads of a block no way to meet in
/// memory that a loop running them in parallel would break: no atomic (the
/// host's private copies of an atomically updated array are updated with
/// plain loads and stores), fence, volatile or atomic access, no indirect
/// call.
static bool threadsMeetOnlyAtBarriers(Function &fn) {
  SmallPtrSet<Function *, 8> seen;
  SmallVector<Function *> work{&fn};
  while (!work.empty()) {
    Function *f = work.pop_back_val();
    if (!seen.insert(f).second || f->isDeclaration())
      continue;
    for (Instruction &inst : instructions(*f)) {
      if (isa<AtomicRMWInst, AtomicCmpXchgInst, FenceInst>(inst) || inst.isAtomic())
        return false;
      if (auto *load = dyn_cast<LoadInst>(&inst); load && load->isVolatile())
        return false;
      if (auto *store = dyn_cast<StoreInst>(&inst); store && store->isVolatile())
        return false;
      if (auto *call = dyn_cast<CallBase>(&inst)) {
        Function *callee = call->getCalledFunction();
        if (!callee)
          return false;
        work.push_back(callee);
      }
    }
  }
  return true;
}

bool cuft::host::detail::markThreadLoop(Function &entry, Function &kernel) {
  if (!threadsMeetOnlyAtBarriers(kernel))
    return false;
  DominatorTree dom(entry);
  LoopInfo loops(dom);
  for (Loop *loop : loops.getLoopsInPreorder()) {
    if (!loop->isInnermost() || !loop->getLoopLatch())
      continue;
    for (BasicBlock *block : loop->blocks())
      for (Instruction &inst : *block)
        if (auto *call = dyn_cast<CallInst>(&inst); call && call->getCalledFunction() == &kernel) {
          LLVMContext &ctx = entry.getContext();
          addLoopProperties(*loop, {MDNode::get(ctx, {MDString::get(ctx, kThreadLoop)})});
          return true;
        }
  }
  return false;
}
