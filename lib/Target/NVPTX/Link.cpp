//===- Link.cpp - PTX to cubin with nvJitLink, CUDA C++ with NVRTC --------===//
//
// The libraries are found, in order, through CUFT_NVJITLINK / CUFT_NVRTC (a
// path), $CUDA_HOME/lib64, the toolkit cuft was configured with, then the
// loader's search path by soname. Each library is loaded once per process
// (std::call_once) and never unloaded; its entry points are declared here, so
// no toolkit header is needed to build.
//
//===----------------------------------------------------------------------===//

#include "cuft/Target/NVPTX/Link.h"

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>

#include <dlfcn.h>

using namespace cuft::nvptx;

namespace {

/// A library found on first use: its handle, or why it is missing.
struct Library {
  void *handle = nullptr;
  std::string problem;
  template <typename F> F symbol(const char *name) const {
    return handle ? reinterpret_cast<F>(dlsym(handle, name)) : nullptr;
  }
};

std::vector<std::string> toolkitCandidates(const char *envVar, const char *file);

Library open(const char *envVar, const char *file, const char *soname) {
  std::vector<std::string> candidates = toolkitCandidates(envVar, file);
  candidates.push_back(soname);
  Library lib;
  std::string tried;
  for (const std::string &c : candidates) {
    if ((lib.handle = dlopen(c.c_str(), RTLD_NOW | RTLD_LOCAL)))
      return lib;
    tried += (tried.empty() ? "" : ", ") + c;
  }
  lib.problem = std::string("cannot load ") + soname + " (tried " + tried + "; set " + envVar +
                " to its path)";
  return lib;
}

const Library &nvJitLink() {
  static std::once_flag once;
  static Library *lib;
  std::call_once(once, [] {
    lib = new Library(open("CUFT_NVJITLINK", "libnvJitLink.so", "libnvJitLink.so.13"));
  });
  return *lib;
}

const Library &nvrtc() {
  static std::once_flag once;
  static Library *lib;
  std::call_once(once, [] { lib = new Library(open("CUFT_NVRTC", "libnvrtc.so", "libnvrtc.so.13")); });
  return *lib;
}

using Handle = void *;
using Create = int (*)(Handle *, unsigned, const char **);
using Destroy = int (*)(Handle *);
using AddData = int (*)(Handle, int, const void *, size_t, const char *);
using Complete = int (*)(Handle);
using GetSize = int (*)(Handle, size_t *);
using GetBytes = int (*)(Handle, char *);

/// Reads one of a handle's outputs through its size and copy functions.
bool readOutput(const Library &lib, Handle h, const char *sizeFn, const char *copyFn,
                std::string &out, bool text = true) {
  auto size = lib.symbol<GetSize>(sizeFn);
  auto copy = lib.symbol<GetBytes>(copyFn);
  size_t n = 0;
  if (!size || !copy || size(h, &n) != 0)
    return false;
  out.assign(n, '\0');
  if (n && copy(h, out.data()) != 0)
    return false;
  while (text && !out.empty() && out.back() == '\0') // logs and PTX end with a NUL
    out.pop_back();
  return true;
}

/// The toolkit's lib64 directories to look in, in order: `envVar`'s file
/// first when set.
std::vector<std::string> toolkitCandidates(const char *envVar, const char *file) {
  std::vector<std::string> candidates;
  if (const char *path = std::getenv(envVar); path && *path)
    candidates.push_back(path);
  for (const char *var : {"CUDA_HOME", "CUDA_PATH"})
    if (const char *home = std::getenv(var); home && *home)
      candidates.push_back(std::string(home) + "/lib64/" + file);
  candidates.push_back(std::string(CUFT_DEFAULT_CUDA_HOME) + "/lib64/" + file);
  return candidates;
}

const char *kindName(InputKind kind) {
  switch (kind) {
  case InputKind::Cubin: return "cubin";
  case InputKind::PTX: return "PTX";
  case InputKind::LTOIR: return "LTO-IR";
  case InputKind::Fatbin: return "fatbin";
  case InputKind::Library: return "library";
  }
  return "input";
}

} // namespace

std::string cuft::nvptx::linkerProblem() { return nvJitLink().problem; }

bool cuft::nvptx::needsDeviceRuntime(const std::string &ptx) {
  return ptx.find("cudaCGSynchronize") != std::string::npos;
}

bool cuft::nvptx::deviceRuntime(LinkInput &input, std::string &error) {
  static std::once_flag once;
  static LinkInput *found;
  static std::string *problem;
  std::call_once(once, [] {
    std::string tried;
    for (const std::string &path : toolkitCandidates("CUFT_CUDADEVRT", "libcudadevrt.a")) {
      std::ifstream file(path, std::ios::binary);
      if (file) {
        std::ostringstream bytes;
        bytes << file.rdbuf();
        found = new LinkInput{InputKind::Library, path, bytes.str()};
        return;
      }
      tried += (tried.empty() ? "" : ", ") + path;
    }
    problem = new std::string("cannot find libcudadevrt.a, CUDA's device runtime, which "
                              "cuft.cg's grid sync needs (tried " +
                              tried + "; set CUFT_CUDADEVRT to its path)");
  });
  if (!found) {
    error = *problem;
    return false;
  }
  input = *found;
  return true;
}

LinkResult cuft::nvptx::link(const std::vector<LinkInput> &inputs, const std::string &chip,
                             unsigned optLevel, bool lto) {
  LinkResult result;
  const Library &lib = nvJitLink();
  if (!lib.handle) {
    result.error = lib.problem;
    return result;
  }
  auto create = lib.symbol<Create>("nvJitLinkCreate");
  auto destroy = lib.symbol<Destroy>("nvJitLinkDestroy");
  auto addData = lib.symbol<AddData>("nvJitLinkAddData");
  auto complete = lib.symbol<Complete>("nvJitLinkComplete");
  if (!create || !destroy || !addData || !complete) {
    result.error = "libnvJitLink lacks nvJitLinkCreate/AddData/Complete/Destroy";
    return result;
  }
  std::vector<std::string> owned = {"-arch=" + chip, "-O" + std::to_string(optLevel)};
  if (lto)
    owned.push_back("-lto");
  std::vector<const char *> options;
  for (const std::string &o : owned)
    options.push_back(o.c_str());
  Handle h = nullptr;
  if (int r = create(&h, options.size(), options.data())) {
    result.error = "nvJitLinkCreate failed (error " + std::to_string(r) + ") for " + chip;
    return result;
  }
  bool ok = true;
  for (const LinkInput &in : inputs) {
    if (int r = addData(h, static_cast<int>(in.kind), in.data.data(), in.data.size(),
                        in.name.c_str())) {
      result.error = std::string("nvJitLink cannot add ") + kindName(in.kind) + " '" +
                     in.name + "' (error " + std::to_string(r) + ")";
      ok = false;
      break;
    }
  }
  if (ok && complete(h) != 0)
    ok = false;
  std::string log;
  if (readOutput(lib, h, "nvJitLinkGetErrorLogSize", "nvJitLinkGetErrorLog", log) && !log.empty())
    result.error += (result.error.empty() ? "" : "\n") + log;
  readOutput(lib, h, "nvJitLinkGetInfoLogSize", "nvJitLinkGetInfoLog", result.info);
  if (ok && !readOutput(lib, h, "nvJitLinkGetLinkedCubinSize", "nvJitLinkGetLinkedCubin",
                        result.cubin, /*text=*/false)) {
    result.error += "nvJitLink produced no cubin";
    ok = false;
  }
  if (!ok && result.error.empty())
    result.error = "nvJitLink failed for " + chip;
  destroy(&h);
  result.ok = ok;
  return result;
}

CudaCompileResult cuft::nvptx::compileCUDA(const std::string &source, const std::string &name,
                                           const std::string &chip, bool lto,
                                           const std::vector<std::string> &extra) {
  CudaCompileResult result;
  const Library &lib = nvrtc();
  if (!lib.handle) {
    result.log = lib.problem;
    return result;
  }
  using CreateProgram = int (*)(Handle *, const char *, const char *, int, const char *const *,
                                const char *const *);
  using CompileProgram = int (*)(Handle, int, const char *const *);
  auto createProgram = lib.symbol<CreateProgram>("nvrtcCreateProgram");
  auto compileProgram = lib.symbol<CompileProgram>("nvrtcCompileProgram");
  auto destroyProgram = lib.symbol<Destroy>("nvrtcDestroyProgram");
  if (!createProgram || !compileProgram || !destroyProgram) {
    result.log = "libnvrtc lacks nvrtcCreateProgram/CompileProgram/DestroyProgram";
    return result;
  }
  Handle program = nullptr;
  if (createProgram(&program, source.c_str(), name.c_str(), 0, nullptr, nullptr) != 0) {
    result.log = "nvrtcCreateProgram failed for " + name;
    return result;
  }
  // -rdc: device functions stay external, for the linker to resolve.
  std::vector<std::string> owned = {"--gpu-architecture=" + chip, "-rdc=true"};
  if (lto)
    owned.push_back("-dlto");
  owned.insert(owned.end(), extra.begin(), extra.end());
  std::vector<const char *> options;
  for (const std::string &o : owned)
    options.push_back(o.c_str());
  bool ok = compileProgram(program, options.size(), options.data()) == 0;
  readOutput(lib, program, "nvrtcGetProgramLogSize", "nvrtcGetProgramLog", result.log);
  if (ok)
    ok = lto ? readOutput(lib, program, "nvrtcGetLTOIRSize", "nvrtcGetLTOIR", result.code,
                          /*text=*/false)
             : readOutput(lib, program, "nvrtcGetPTXSize", "nvrtcGetPTX", result.code);
  destroyProgram(&program);
  result.ok = ok;
  return result;
}
