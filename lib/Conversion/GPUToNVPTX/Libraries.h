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
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace cuft {

struct OptimizedCopy;

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

private:
  struct Copy {
    std::string path, name;
    std::shared_ptr<const OptimizedCopy> optimized;
  };
  llvm::SmallVector<std::string> paths;
  llvm::SmallVector<Copy> copies;
  llvm::StringSet<> brought; // what link brought: the copies and their helpers
  bool asStored = false;
  bool after = false;
};

} // namespace cuft

#endif
