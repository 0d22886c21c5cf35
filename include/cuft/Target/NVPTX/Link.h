//===- Link.h - nvJitLink and NVRTC, loaded at run time ----------*- C++ -*-===//
//
// PTX becomes a cubin for one GPU architecture through nvJitLink, together with
// the external code a kernel links (`@cuft.kernel(link=[...])`): PTX, cubins,
// fatbins, LTO-IR, and CUDA C++ source compiled by NVRTC. Both libraries come
// from the CUDA toolkit and are loaded with dlopen on first use (once per
// process), so cuft builds and runs without them; what is missing is an error
// value, never a crash. Thread-safe: each call has its own nvJitLink handle or
// NVRTC program.
//
//===----------------------------------------------------------------------===//
#ifndef CUFT_TARGET_NVPTX_LINK_H
#define CUFT_TARGET_NVPTX_LINK_H

#include <string>
#include <vector>

namespace cuft::nvptx {

/// What a link input holds (nvJitLinkInputType's values).
enum class InputKind { Cubin = 1, PTX = 2, LTOIR = 3, Fatbin = 4, Library = 6 };

struct LinkInput {
  InputKind kind;
  std::string name; // for messages: the file it came from
  std::string data;
};

struct LinkResult {
  bool ok = false;
  std::string cubin;
  std::string error; // nvJitLink's error log, or why it could not run
  std::string info;  // nvJitLink's info log
};

/// Links `inputs` into one cubin for `chip` (`sm_90`); `lto` when an input is
/// LTO-IR. `optLevel` is passed as -O<n>.
LinkResult link(const std::vector<LinkInput> &inputs, const std::string &chip,
                unsigned optLevel, bool lto);

struct CudaCompileResult {
  bool ok = false;
  std::string code; // PTX, or LTO-IR with `lto`
  std::string log;  // NVRTC's log (its errors, with the file and line)
};

/// Compiles CUDA C++ `source` (named `name` in messages) for `chip` with NVRTC:
/// PTX, or LTO-IR with `lto`. `options` are extra NVRTC options.
CudaCompileResult compileCUDA(const std::string &source, const std::string &name,
                              const std::string &chip, bool lto,
                              const std::vector<std::string> &options = {});

/// Whether PTX calls CUDA's device runtime (libcudadevrt: the grid barrier
/// of cuft.cg, cudaCGSynchronize), which its link then needs.
bool needsDeviceRuntime(const std::string &ptx);
/// libcudadevrt.a as a link input (read once per process): from
/// CUFT_CUDADEVRT, $CUDA_HOME/lib64, or the toolkit cuft was configured with.
/// False, with `error` why, when it is not found.
bool deviceRuntime(LinkInput &input, std::string &error);

/// Where the libraries come from: "" when nvJitLink loads, else why not.
std::string linkerProblem();

} // namespace cuft::nvptx

#endif
