//===- CuftConversionPasses.td - cuft lowering passes -----------*- tablegen -*-===//

#ifndef CUFT_CONVERSION_PASSES_TD
#define CUFT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertCuftToCF : Pass<"convert-cuft-to-cf", "::mlir::ModuleOp"> {
  let summary = "lower cuft structured control flow to cf branches";
  let description = [{
    Rewrites `cuft.if`, `cuft.for`, `cuft.while`, `cuft.break` and `cuft.continue`
    in typed kernels and device functions into blocks joined by `cf.br` and
    `cf.cond_br`, then promotes array variables (assigned more than once:
    cuft-specialize forwards the others) to SSA values with MLIR's mem2reg.
    Other cuft ops are left for `convert-cuft-to-gpu`.
  }];
  let dependentDialects = ["::mlir::cf::ControlFlowDialect", "::mlir::ub::UBDialect"];
}

def ConvertCuftToGPU : Pass<"convert-cuft-to-gpu", "::mlir::ModuleOp"> {
  let summary = "lower typed cuft IR to the gpu, func, arith, complex, math, memref and llvm dialects";
  let description = [{
    Moves kernels and device functions into a `gpu.module` (kernels become
    `gpu.func` kernels, device functions `func.func`), arrays become memrefs
    (`C` layout: identity; otherwise dynamically strided; shared memory in address
    space 3), variables become rank-0 `memref.alloca`s, arithmetic gets Python's
    semantics in arith/math ops, and barriers, fences and atomics map to
    gpu/llvm/memref ops. Generic (unspecialized) IR is rejected with a diagnostic.
  }];
  let options = [
    Option<"moduleName", "module-name", "std::string", "\"cuft_kernels\"",
           "name of the gpu.module that receives the kernels">,
    Option<"fastMath", "fast-math", "bool", "false",
           "mark float arithmetic with fast-math flags">,
    Option<"contract", "contract", "bool", "false",
           "let float multiplies and adds contract into fused multiply-adds (the "
           "`contract` fast-math flag alone; the GPU's default, as nvcc's and numba's)">,
    Option<"boundsCheck", "bounds-check", "bool", "false",
           "check every array index against its extent and call "
           "`__cuft_index_error(dim, index, size)` when it is out of range "
           "(the host target implements it; NVPTX has no such function)">,
    Option<"cacheHints", "cache-hints", "bool", "false",
           "lower cache-hinted loads and stores (`cache` of cuft.load and cuft.store) "
           "to PTX's ld.global/st.global with their cache operator, in inline assembly "
           "(the NVPTX pipeline); else to plain memref accesses">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::cf::ControlFlowDialect",
    "::mlir::complex::ComplexDialect",
    "::mlir::func::FuncDialect", "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect", "::mlir::ub::UBDialect",
  ];
}

def ConvertGPUToHost : Pass<"convert-gpu-to-host", "::mlir::ModuleOp"> {
  let summary = "turn the kernels of a gpu.module into host functions run per thread";
  let description = [{
    Takes the output of `convert-cuft-to-gpu` and makes it runnable on the CPU.
    Every kernel and device function moves out of its `gpu.module` into the
    top-level module as a `func.func` and gains two trailing arguments: `ids`
    (`memref<13xi32>`: threadIdx, blockIdx, blockDim, gridDim, each x/y/z,
    then the private-atomics mask) and
    `shared` (`memref<?xi8>`, the block's shared memory). Thread indexing ops
    read `ids`; each shared-memory global becomes a `memref.view` at a fixed
    offset of `shared`; `gpu.barrier` calls the runtime's `__cuft_host_barrier`;
    bounds-check calls get a site number. Memory spaces are dropped.

    Each kernel `K` gets a public entry `__cuft_entry_K` with the same
    arguments. Without barriers the entry loops over the block's threads (so
    LLVM can inline and vectorize the body); with barriers (the
    `cuft.host.fibers` attribute) the runtime calls the entry once per thread,
    each on its own fiber. `cuft.host.shared_bytes` gives the shared memory a
    block needs; the module's `cuft.host.index_sites` lists the source location
    of every bounds-check site. `cuft.host.arrays` lists the entry's array
    parameters (first argument cell, rank, element bytes), and
    `cuft.host.private_atomics` those only updated by integer atomics of one
    kind with unused results: each such update is a plain load, op and store
    when the mask in `ids` has the array's bit (a worker's private copy, which
    the runtime merges), the atomic otherwise.

    A module with `cuft.host.block_shape = array<i64: x, y, z>` is code for
    launches of that block shape only (the host target compiles a copy per
    shape): `gpu.block_dim` is a constant and the entry's thread loops count
    to it, so LLVM knows their trip counts.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect",
    "::mlir::LLVM::LLVMDialect",
  ];
}

def PrepareNVPTX : Pass<"prepare-nvptx", "::mlir::ModuleOp"> {
  let summary = "the NVPTX target's own lowering, before the translation to LLVM IR";
  let description = [{
    `convert-cuft-to-gpu` produces target-independent IR: math-dialect ops, and
    calls of the C math library (private `func.func` declarations marked
    `cuft.libm`) for the functions the math dialect lacks. This pass makes the
    kernels of each `gpu.module` NVPTX's:

    - the `gpu.module` gets NVPTX's 64-bit data layout (`llvm.data_layout`), so
      that LLVM IR is built with the target's alignments (without it an `i64`
      access is 4-byte aligned and NVPTX splits it in two);
    - each C math library call becomes a call of libdevice's function of the
      same name (`lgammaf` -> `__nv_lgammaf`), through an `llvm.func`
      declaration;
    - `math.sqrt` on f32 without the `afn` fast-math flag calls the correctly
      rounded `__nv_fsqrt_rn` (`__nv_sqrtf`, which the translation calls
      for it as MLIR's convert-gpu-to-nvvm did, is approximate unless
      `__CUDA_PREC_SQRT` reflects as 1, and LLVM has no per-module way to set
      that); `math.trunc`, which that table lacks, calls
      `__nv_trunc`/`__nv_truncf`.

    Module-level arrays' values (`__cuft_const` globals) move to address space
    4, PTX's `.const`, the smallest first while the module's 64 KiB constant
    bank holds them; their users read them through a `memref.memory_space_cast`
    to the generic memref they had.

    A grid sync (`__cuft_grid_sync()`, cuft.cg) becomes libcudadevrt's
    `cudaCGSynchronize(cudaCGGetIntrinsicHandle(1), 0)`, and the module gets
    the public global `__cuft_cooperative` that tells the CUDA runtime to
    launch it cooperatively; the link adds libcudadevrt.

    Every other math op is left to serialize-ptx's translation, which calls
    libdevice for it (`__nv_sinf`, `__nv_sin`) as MLIR's convert-gpu-to-nvvm
    did.

    A `gpu.module` with a function of more than 1000 blocks or with a block
    of more than 2000 operations (`cuft::hasLargeFunction`, the host
    target's rule too), at a level above
    0, is marked `cuft.large_function`: serialize-ptx optimizes it with a
    short clean-up pipeline and generates its code at level None
    (`cuft::optimizeModule`), as LLVM's -O1..-O3 pipelines and NVPTX's
    aggressive code generator take seconds on such functions.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect", "::mlir::memref::MemRefDialect"];
}

def SerializePTX : Pass<"serialize-ptx", "::mlir::ModuleOp"> {
  let summary = "each NVVM-targeted gpu.module to PTX: a gpu.binary";
  let description = [{
    cuft's NVPTX serializer, in place of MLIR's gpu-module-to-binary (whose
    result it makes: a `gpu.binary` with one object per target). Each
    `gpu.module` is verified (cuft's compiles verify the IR here, not after
    every pass), translated to LLVM IR in one walk from the ops
    prepare-nvptx leaves (arith, cf, math, memref, complex, func, gpu and
    the few nvvm and llvm ops cuft makes: `cuft::translateToNVVMIR`, in
    place of MLIR's convert-gpu-to-nvvm and translateModuleToLLVMIR; math
    ops call libdevice as that lowering calls it; llvm.func definitions are
    taken too), its atomics made relaxed at device
    scope as CUDA's (`relaxAtomics`), linked with its NVVM target's link
    files (bitcode: read once per process, loaded lazily, and only when the
    module calls a function it does not define; only the functions it needs
    are taken, internalized), optimized at the target's level `O` and
    generated with a target machine kept per thread (chip, features, level)
    and a code generator that thread made ahead, when idle after its last
    compile (`cuft::takeCodeGenerator`).
    A module that prepare-nvptx marked `cuft.large_function` gets a short
    clean-up pipeline (InstSimplify, SROA, EarlyCSE, branches on constants
    folded and straight-line blocks merged) and is
    generated at level None: ptxas optimizes the PTX again.

    `format=isa` gives PTX text; `format=llvm` the optimized module's bitcode
    (cuft's `stage="llvm"`).
  }];
  let options = [
    Option<"format", "format", "std::string", /*default=*/"\"isa\"",
           "isa (PTX text) or llvm (the optimized module's bitcode)">,
    Option<"inlinerWalk", "inliner-walk", "bool", /*default=*/"false",
           "LLVM's per-module pipeline as LLVM builds it even where no function "
           "calls another (optimizeModule; a test's reference)">,
    Option<"lineInfo", "line-info", "bool", /*default=*/"false",
           "a line table: each instruction's source line and column (PTX .loc)">,
  ];
}

#endif // CUFT_CONVERSION_PASSES_TD
