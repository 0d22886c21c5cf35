//===- Specialize.h - a kernel's specializations, compiled once -*- C++ -*-===//
//
// The key recipe and the compile/link policy of the process-wide cache, in
// one place for every client (the Python binding, cuft-bench-cache-hit, a
// C++ program embedding cuft):
//
// - a Program is a kernel's generic IR and its digest (BLAKE3), made once
//   when the frontend produced the IR; keys carry the digest, never the text;
// - a SpecializationRequest names one specialization: program, signature,
//   target ("host" or a chip), options and, for a cubin, what it links;
// - lookupSpecialization compiles it once however many threads ask. A cubin
//   is its PTX (itself a cache entry, shared with inspect(stage="ptx")) linked
//   by nvJitLink with the request's inputs.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_COMPILER_SPECIALIZE_H
#define CUFT_COMPILER_SPECIALIZE_H

#include "cuft/Cache/Key.h"
#include "cuft/Cache/Specializations.h"
#include "cuft/Target/NVPTX/Link.h"

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace cuft {

/// A kernel's generic IR (its entry and every device function it reaches,
/// with the values it captured compiled in) and what keys it. Immutable.
struct Program {
  std::string ir;
  std::string kernel; // the entry's symbol
  std::string digest; // BLAKE3 of `ir`, 32 bytes
  static std::shared_ptr<const Program> make(std::string ir, std::string kernel);
};

struct SpecializationRequest {
  std::shared_ptr<const Program> program;
  std::string signature; // the sig= text (Signature.h)
  std::string target;    // "host" or a chip ("sm_90")
  unsigned optLevel = 3;
  bool fastMath = false;
  bool boundsCheck = false; // the host target's checked mode
  /// The host target's code for launches of this block shape only (x, y, z);
  /// zeros: for any.
  std::array<uint32_t, 3> block{0, 0, 0};
  bool cubin = false;       // a chip target: link the PTX (with `inputs`) into a cubin
  std::vector<nvptx::LinkInput> inputs;
  std::string callbacks; // which linked callbacks set up its modules ("" for none)
  /// Whether the disk tier may serve and keep it (the kernel's `cache=`
  /// option); not part of the key: it does not change the code.
  bool diskCache = true;
};

/// Everything that decides what the request compiles to, cuft's build id first.
cache::Key keyOf(const SpecializationRequest &request);

/// The request for the PTX a cubin request links (the request itself when
/// it is not a cubin's): a cache entry of its own.
SpecializationRequest ptxRequestOf(const SpecializationRequest &request);

/// The finished entry of `key` in specializationCache() as bytes that another
/// process adds to its own cache with importSpecialization (a pickled kernel
/// carries them): the key, this toolchain's identity, the artifacts. Empty
/// when the key has no successful entry. Compiles nothing.
std::string exportSpecialization(const cache::Key &key);

/// Adds exported bytes to specializationCache(), when this process runs the
/// very toolchain that made them (cuft's library, LLVM, libdevice, and for
/// host code this CPU: the key says): otherwise, or when the bytes are
/// damaged, nothing is added and a launch compiles. Returns whether added;
/// `key`, when given, gets the entry's key if the bytes are this toolchain's
/// (added now, or there already).
bool importSpecialization(const std::string &bytes, cache::Key *key = nullptr);

/// Compiles the request outside every cache (what lookupSpecialization runs
/// once per key).
std::shared_ptr<const Specialization> compileSpecialization(const SpecializationRequest &request);

/// The request's specialization from specializationCache(): compiled by the
/// first caller, waited for by the others. Thread-safe.
SpecializationCache::Lookup lookupSpecialization(const SpecializationRequest &request);
/// The same, with the request's key (keyOf) already made.
SpecializationCache::Lookup lookupSpecialization(const SpecializationRequest &request,
                                                 const cache::Key &key);

} // namespace cuft

#endif
