//===- PtxSplice.h - library functions' PTX spliced into a kernel's --*- C++ -*-===//
//
// serialize-ptx's splicing of library functions (libdevice's, optimized once
// per process: Libraries.cpp) into a kernel's PTX at their calls, in place of
// linking and inlining their LLVM IR and generating their code again in every
// compile; see PtxSplice.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef CUFT_LIB_CONVERSION_GPUTONVPTX_PTXSPLICE_H
#define CUFT_LIB_CONVERSION_GPUTONVPTX_PTXSPLICE_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cuft::ptx {

/// The PTX NVPTX printed for a module of library functions, read into what
/// splice needs: each function's definition, and the module's variables.
struct Library {
  struct Function {
    std::vector<std::string> header; // the lines before the body's "{"
    std::vector<std::string> body;   // the lines between "{" and "}"
    /// For a function splice inlines: its parameters' names and types
    /// ("b32", "b64"), and its result's type ("" for none). Only functions
    /// of scalar parameters and result are inlined.
    std::vector<std::string> params, paramTypes;
    std::string resultType;
    bool inlinable = false;
    /// The library's functions its body calls (helpers LLVM did not inline:
    /// double sin's slow path).
    std::vector<std::string> calls;
  };
  llvm::StringMap<Function> functions;
  /// The module's variables (constant tables), each with its definition.
  std::vector<std::pair<std::string, std::string>> variables;

  /// `text` read; null where it holds something this does not know.
  static std::unique_ptr<Library> parse(llvm::StringRef text);
};

/// `kernel` (NVPTX's PTX of a module that calls functions it does not
/// define) with each call to a function `lookup` finds (the library holding
/// its definition, or null) replaced by the function's body, and what those
/// bodies use (their library's variables and the functions they call)
/// defined before the module's own code. Nothing where a call, or a function
/// called, has a shape this does not handle: then link instead.
std::optional<std::string>
splice(llvm::StringRef kernel, llvm::function_ref<const Library *(llvm::StringRef)> lookup);

/// `ptx` with NVPTX's call sequence comments (`{ // callseq 6, 0`) numbered
/// from 0 in order: NVPTX numbers them per target machine, which a thread
/// keeps from compile to compile, so a kernel's PTX would depend on what
/// the thread compiled before.
void numberCallSequences(std::string &ptx);

} // namespace cuft::ptx

#endif
