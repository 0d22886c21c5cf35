//===- Libraries.h - a kernel's bitcode library functions -------*- C++ -*-===//
//
// serialize-ptx's linking of the NVVM target's bitcode libraries (libdevice);
// see Libraries.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef CUFT_LIB_CONVERSION_GPUTONVPTX_LIBRARIES_H
#define CUFT_LIB_CONVERSION_GPUTONVPTX_LIBRARIES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <optional>
#include <string>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace cuft {

struct OptimizedCopy;
namespace ptx {
struct Library;
} // namespace ptx

/// The functions a module calls from the bitcode libraries at `paths` (each
/// from the first that defines it), and how to link them (Libraries.cpp).
class LibraryFunctions {
public:
  /// What `module` (with its target and data layout) calls. At `level` above
  /// 0, and unless `large`, each function's copy optimized for `tm` and
  /// `level`, made now if this process has not yet made it, and its
  /// declaration in `module` given what the copy does.
  static llvm::Expected<LibraryFunctions> find(llvm::Module &module,
                                               llvm::ArrayRef<std::string> paths,
                                               llvm::TargetMachine *tm, unsigned level,
                                               bool large);

  /// Whether to link after optimizing the module (then inlineLinked), rather
  /// than before.
  bool linkAfter() const { return after; }

  /// Links the functions `module` still calls, internal.
  llvm::Error link(llvm::Module &module);

  /// After link, when linkAfter: inlines the copies into the optimized
  /// module and cleans up where they meet the kernel.
  void inlineLinked(llvm::Module &module, llvm::TargetMachine *tm) const;

  /// When linkAfter, for the optimized `module`: whether to splice the
  /// copies' PTX into the module's (splice) rather than link them. Not where
  /// a copy's PTX is not in a shape the splicer takes, nor where a call's
  /// arguments are all constants (linked and inlined, it folds: exp(2j*pi/4)
  /// is a constant), nor where two calls share an argument and their copies
  /// a helper (double sin and cos of one value, both calling the slow path's
  /// helper: linked and inlined, LLVM shares what they compute alike).
  bool spliceable(llvm::Module &module, llvm::TargetMachine *tm);

  /// After spliceable: `ptx`, the PTX generated for the module that still
  /// calls the copies, with each call replaced by its copy's body, from the
  /// copy's own PTX (PtxSplice.cpp); nothing where the splicer refuses a call
  /// (then link).
  std::optional<std::string> splice(llvm::StringRef ptx) const;

private:
  struct Copy {
    std::string path, name;
    std::shared_ptr<const OptimizedCopy> optimized;
  };
  llvm::SmallVector<std::string> paths;
  llvm::SmallVector<Copy> copies;
  llvm::StringSet<> brought; // what link brought: the copies and their helpers
  /// spliceable's: each function called, the PTX of the module it was made in.
  llvm::StringMap<std::shared_ptr<const ptx::Library>> spliceFrom;
  bool asStored = false;
  bool after = false;
};

} // namespace cuft

#endif
