//===- Specialize.cpp - a kernel's specializations, compiled once ---------===//

#include "cuft/Compiler/Specialize.h"

#include "cuft/Compiler/Compiler.h"
#include "cuft/Runtime/Host.h"

#include "llvm/Support/BLAKE3.h"

std::shared_ptr<const cuft::Program> cuft::Program::make(std::string ir, std::string kernel) {
  auto p = std::make_shared<Program>();
  llvm::BLAKE3Result<> hash = llvm::BLAKE3::hash(
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(ir.data()), ir.size()));
  p->digest.assign(reinterpret_cast<const char *>(hash.data()), hash.size());
  p->ir = std::move(ir);
  p->kernel = std::move(kernel);
  return p;
}

cuft::cache::Key cuft::keyOf(const SpecializationRequest &r) {
  cache::Key key;
  key.reserve(128 + r.signature.size())
      .add(buildId())
      .add(r.target)
      .add(r.program->kernel)
      .add(uint64_t(r.optLevel))
      .add(uint64_t(r.fastMath) | uint64_t(r.boundsCheck) << 1 | uint64_t(r.cubin) << 2)
      .add(r.signature)
      .add(r.program->digest);
  // What the kernel links is part of what it is.
  for (const auto &in : r.inputs)
    key.add(uint64_t(in.kind)).add(in.name).add(in.data);
  if (!r.callbacks.empty())
    key.add(r.callbacks);
  return key;
}

namespace {
using SpecializationPtr = std::shared_ptr<const cuft::Specialization>;

/// The PTX of `r` (from the cache, so a cubin and inspect(stage="ptx") share
/// one compile) linked with `r.inputs` into a cubin.
SpecializationPtr linkSpecialization(const cuft::SpecializationRequest &r) {
  cuft::SpecializationRequest ptxOnly = r;
  ptxOnly.cubin = false;
  ptxOnly.inputs.clear();
  ptxOnly.callbacks.clear();
  SpecializationPtr ptx = cuft::lookupSpecialization(ptxOnly).value;
  if (!ptx || !ptx->ok())
    return ptx;
  auto out = std::make_shared<cuft::Specialization>(*ptx);
  const std::string &kernel = r.program->kernel;
  std::vector<cuft::nvptx::LinkInput> inputs = r.inputs;
  inputs.insert(inputs.begin(), {cuft::nvptx::InputKind::PTX, kernel + ".ptx", out->ptx});
  if (cuft::nvptx::needsDeviceRuntime(out->ptx)) {
    cuft::nvptx::LinkInput devrt;
    std::string error;
    if (!cuft::nvptx::deviceRuntime(devrt, error)) {
      out->succeeded = false;
      out->diagnostics.push_back({"link-error", "", 0, 0, "cannot link for " + r.target + ": " + error});
      return out;
    }
    inputs.push_back(std::move(devrt));
  }
  bool lto = false;
  for (const auto &in : inputs)
    lto |= in.kind == cuft::nvptx::InputKind::LTOIR;
  cuft::nvptx::LinkResult linked = cuft::nvptx::link(inputs, r.target, r.optLevel, lto);
  if (!linked.ok) {
    out->succeeded = false;
    // Severity "link-error": Python raises cuft.LinkError for it.
    out->diagnostics.push_back(
        {"link-error", "", 0, 0, "cannot link for " + r.target + ": " + linked.error});
  } else {
    out->cubin =
        std::make_shared<cuft::cuda::Cubin>(cuft::cuda::Cubin{std::move(linked.cubin), kernel});
  }
  return out;
}
} // namespace

SpecializationPtr cuft::compileSpecialization(const SpecializationRequest &r) {
  if (r.cubin)
    return linkSpecialization(r);
  auto out = std::make_shared<Specialization>();
  const Program &p = *r.program;
  if (r.target == "host") {
    host::Options options;
    options.optLevel = r.optLevel;
    options.fastMath = r.fastMath;
    options.boundsCheck = r.boundsCheck;
    host::ObjectResult result = host::compileObject(p.ir, r.signature, p.kernel, options);
    out->succeeded = result.ok;
    out->diagnostics = std::move(result.diagnostics);
    out->hostObject = std::move(result.object);
  } else {
    CompileOptions options;
    options.chip = r.target;
    options.optLevel = r.optLevel;
    options.fastMath = r.fastMath;
    CompileResult result = compile(p.ir, r.signature, p.kernel, Stage::PTX, options);
    out->succeeded = result.ok;
    out->diagnostics = std::move(result.diagnostics);
    out->ptx = std::move(result.text);
  }
  return out;
}

cuft::SpecializationCache::Lookup
cuft::lookupSpecialization(const SpecializationRequest &request) {
  return specializationCache().getOrCompile(keyOf(request),
                                            [&] { return compileSpecialization(request); });
}
