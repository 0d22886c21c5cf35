//===- cuda.cpp - Python binding of the CUDA driver, nvJitLink and NVRTC ---===//

#include "bindings.h"

#include "cuft/Runtime/CUDA/Driver.h"
#include "cuft/Runtime/CUDA/Runtime.h"
#include "cuft/Target/NVPTX/Link.h"

#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string_view>
#include <chrono>
#include <array>
#include <tuple>

namespace py = pybind11;
using cuft::python::PyKernelArgs;

void cuft::python::bindCuda(py::module_ &m) {
  m.def(
      "cuda_driver_status",
      [] {
        const cuft::cuda::DriverStatus *status;
        {
          // The first call loads the driver and runs cuInit: seconds, at worst.
          py::gil_scoped_release release;
          status = &cuft::cuda::driverStatus();
        }
        py::dict d;
        d["available"] = status->available;
        d["result"] = status->result;
        d["result_name"] = cuft::cuda::resultName(status->result);
        d["library"] = status->library;
        d["message"] = status->message;
        d["version"] = status->version;
        d["devices"] = status->devices;
        return d;
      },
      "Loads and initializes the CUDA driver once per process (thread-safe) and returns "
      "{available, result, result_name, library, message, version, devices}.");
  m.def("cuda_result_name", &cuft::cuda::resultName, py::arg("result"),
        "The name of a CUresult, e.g. 'CUDA_ERROR_NO_DEVICE'.");
  m.def("cuda_driver_init_count", &cuft::cuda::driverInitCount,
        "How many times the driver was initialized in this process (0 or 1).");
}

void cuft::python::bindLink(py::module_ &m) {
  m.def(
      "link_cubin",
      [](const std::vector<std::tuple<int, std::string, py::bytes>> &inputs,
         const std::string &chip, unsigned optLevel, bool lto) {
        std::vector<cuft::nvptx::LinkInput> in;
        for (const auto &[kind, name, data] : inputs) {
          if (kind < 1 || kind > 4)
            throw py::value_error("bad link input kind " + std::to_string(kind));
          in.push_back({static_cast<cuft::nvptx::InputKind>(kind), name, std::string(data)});
        }
        cuft::nvptx::LinkResult r;
        {
          py::gil_scoped_release release;
          r = cuft::nvptx::link(in, chip, optLevel, lto);
        }
        return py::make_tuple(r.ok, py::bytes(r.cubin), r.error, r.info);
      },
      py::arg("inputs"), py::arg("chip"), py::arg("opt_level") = 3, py::arg("lto") = false,
      "Link [(kind, name, data)] (kind 1 cubin, 2 PTX, 3 LTO-IR, 4 fatbin) into a cubin for "
      "`chip` with nvJitLink. Returns (ok, cubin, error log, info log).");
  m.def(
      "compile_cuda",
      [](const std::string &source, const std::string &name, const std::string &chip, bool lto,
         const std::vector<std::string> &options) {
        cuft::nvptx::CudaCompileResult r;
        {
          py::gil_scoped_release release;
          r = cuft::nvptx::compileCUDA(source, name, chip, lto, options);
        }
        return py::make_tuple(r.ok, py::bytes(r.code), r.log);
      },
      py::arg("source"), py::arg("name"), py::arg("chip"), py::arg("lto") = false,
      py::arg("options") = std::vector<std::string>(),
      "Compile CUDA C++ with NVRTC (relocatable device code) to PTX, or LTO-IR with lto. "
      "Returns (ok, code, log).");
  m.def("linker_problem", &cuft::nvptx::linkerProblem,
        "'' when nvJitLink loads, else why it does not.");
}

namespace {

using cuft::cuda::Context;
using cuft::cuda::DevicePtr;

/// Raises cuft.CudaError(what, message, result, result_name) for `e`, or
/// ValueError for a launch configuration cuft refused.
[[noreturn]] void raise(const cuft::cuda::Error &e) {
  if (e.kind == cuft::cuda::Error::Kind::BadConfig)
    throw py::value_error(e.what);
  py::object cls = py::module_::import("cuft.errors").attr("CudaError");
  std::string name = cuft::cuda::resultName(e.result);
  std::string message = e.message();
  std::string detail = message.substr(std::min(message.size(), e.what.size() + 2));
  PyErr_SetObject(cls.ptr(), cls(e.what, detail, e.result, name).ptr());
  throw py::error_already_set();
}

void check(const cuft::cuda::Error &e) {
  if (e)
    raise(e);
}

Context contextOf(uintptr_t handle) { return reinterpret_cast<Context>(handle); }

/// Memory of a context owned by Python, allocated by `Alloc` when made and
/// freed by `Free` when the last reference goes, from whichever thread drops
/// it (the context is made current there first).
template <typename Ptr, cuft::cuda::Error (*Alloc)(Context, size_t, Ptr &),
          cuft::cuda::Error (*Free)(Context, Ptr)>
class ContextMemory {
public:
  ContextMemory(uintptr_t context, size_t bytes) : context(context), bytes(bytes) {
    cuft::cuda::Error e;
    {
      py::gil_scoped_release release;
      e = Alloc(contextOf(context), bytes, ptr);
    }
    check(e);
  }
  ~ContextMemory() {
    if (ptr)
      Free(contextOf(context), ptr); // errors at exit are not reportable
  }
  ContextMemory(const ContextMemory &) = delete;
  ContextMemory &operator=(const ContextMemory &) = delete;

  const uintptr_t context;
  const size_t bytes;
  Ptr ptr{};
};

/// Device memory (a DeviceArray's).
using DeviceBuffer = ContextMemory<DevicePtr, cuft::cuda::memAlloc, cuft::cuda::memFree>;
/// Page-locked host memory (a pinned_array's: the numpy array over it holds
/// it as its base, through the buffer protocol).
using PinnedBuffer = ContextMemory<void *, cuft::cuda::hostAlloc, cuft::cuda::hostFree>;

/// A Python callable that C++ copies and drops on threads without the GIL:
/// copies share one reference, and the last one takes the GIL to release it.
std::shared_ptr<py::object> heldPython(py::object fn) {
  return std::shared_ptr<py::object>(new py::object(std::move(fn)), [](py::object *o) {
    py::gil_scoped_acquire gil;
    delete o;
  });
}

/// A loaded module as setup and teardown callbacks see it.
struct ModuleView {
  const cuft::cuda::Module *module;
  uintptr_t context;
};

} // namespace

void cuft::python::checkCuda(const cuft::cuda::Error &e) { check(e); }

bool cuft::python::streamsOrdered(uintptr_t producer, uintptr_t consumer) {
  auto isDefault = [](uintptr_t s) { return s <= 2; }; // 0, legacy, per-thread
  return producer == consumer || (isDefault(producer) && isDefault(consumer));
}

void cuft::python::orderStreams(uintptr_t context, uintptr_t producer, uintptr_t consumer) {
  if (streamsOrdered(producer, consumer))
    return;
  Context c = contextOf(context);
  cuft::cuda::Event event = nullptr;
  check(cuft::cuda::eventCreate(c, event));
  cuft::cuda::Error e =
      cuft::cuda::eventRecord(c, event, reinterpret_cast<cuft::cuda::Stream>(producer));
  if (!e)
    e = cuft::cuda::streamWaitEvent(c, reinterpret_cast<cuft::cuda::Stream>(consumer), event);
  cuft::cuda::eventDestroy(c, event); // the driver keeps it until the wait is done
  check(e);
}

cuft::cuda::ModuleRegistry::Callbacks cuft::python::cudaCallbacks(py::object setup,
                                                                  py::object teardown) {
  cuft::cuda::ModuleRegistry::Callbacks callbacks;
  // The registry runs them once per (module, context), on a thread
  // without the GIL: take it to call into Python.
  if (!setup.is_none())
    callbacks.setup = [fn = heldPython(setup)](
                          cuft::cuda::Module &module,
                          cuft::cuda::ModuleRegistry::ContextId id) -> std::string {
      py::gil_scoped_acquire gil;
      try {
        (*fn)(ModuleView{&module, static_cast<uintptr_t>(id)});
        return "";
      } catch (py::error_already_set &e) {
        // This thread loads (the registry runs setup on the caller's
        // thread): the exception stays set on its thread state, and
        // the launch raises it as it is. Threads that waited for this
        // load get the text.
        std::string text = std::string("the setup callback failed: ") + e.what();
        e.restore();
        return text;
      }
    };
  if (!teardown.is_none())
    callbacks.teardown = [fn = heldPython(teardown)](
                             cuft::cuda::Module &module,
                             cuft::cuda::ModuleRegistry::ContextId id) {
      py::gil_scoped_acquire gil;
      try {
        (*fn)(ModuleView{&module, static_cast<uintptr_t>(id)});
      } catch (py::error_already_set &e) {
        e.discard_as_unraisable("cuft: a module's teardown callback");
      }
    };
  return callbacks;
}

py::object cuft::python::cudaLoadError(const std::string &error) {
  try {
    size_t at = 0;
    bool fromSetup = error.rfind("the setup callback failed: ", 0) == 0;
    cuft::cuda::Result code =
        fromSetup ? cuft::cuda::kSuccess : cuft::cuda::resultNamedIn(error, at);
    if (code == cuft::cuda::kSuccess)
      raise({999 /* CUDA_ERROR_UNKNOWN */, "cannot load the kernel's module: " + error});
    std::string what = error.substr(0, at);
    while (!what.empty() && (what.back() == ' ' || what.back() == ':'))
      what.pop_back();
    raise({code, "cannot load the kernel's module" + (what.empty() ? "" : " (" + what + ")")});
  } catch (py::error_already_set &e) {
    return e.value();
  }
}

namespace {
std::atomic<uintptr_t> deviceZero{0};
} // namespace

uintptr_t cuft::python::deviceZeroContext() { return deviceZero.load(std::memory_order_acquire); }

uintptr_t cuft::python::defaultStream() {
  static const uintptr_t stream = [] {
    const char *env = std::getenv("CUFT_PER_THREAD_DEFAULT_STREAM");
    bool perThread;
    if (env && *env)
      perThread = std::string_view(env) != "0" && std::string_view(env) != "false" &&
                  std::string_view(env) != "no";
    else
#ifdef Py_GIL_DISABLED
      perThread = true;
#else
      perThread = false;
#endif
    return perThread ? uintptr_t(2) : uintptr_t(0); // CU_STREAM_PER_THREAD, legacy
  }();
  return stream;
}

void cuft::python::bindCudaRuntime(py::module_ &m) {
  m.def(
      "cuda_context",
      [](int device) {
        Context context = nullptr;
        cuft::cuda::Error e;
        {
          py::gil_scoped_release release;
          e = cuft::cuda::primaryContext(device, context);
        }
        check(e);
        if (device == 0)
          deviceZero.store(reinterpret_cast<uintptr_t>(context), std::memory_order_release);
        return reinterpret_cast<uintptr_t>(context);
      },
      py::arg("device") = 0,
      "The primary context of `device` (retained once per process), current on this thread.");

  m.def("default_stream", &cuft::python::defaultStream,
        "The CUstream of launches given none: 2 (each thread's own) or 0 (the legacy one), "
        "from CUFT_PER_THREAD_DEFAULT_STREAM, else per-thread on free-threaded builds.");
  m.def(
      "cuda_chip",
      [](int device) {
        std::string chip;
        check(cuft::cuda::deviceChip(device, chip));
        return chip;
      },
      py::arg("device") = 0, "The device's architecture as a chip name, e.g. 'sm_90'.");
  m.def(
      "device_attribute",
      [](int device, int attribute) {
        int value = 0;
        check(cuft::cuda::deviceAttribute(device, attribute, value));
        return value;
      },
      py::arg("device"), py::arg("attribute"), "A CU_DEVICE_ATTRIBUTE_* of the device.");
  m.def(
      "device_name",
      [](int device) {
        std::string name;
        check(cuft::cuda::deviceName(device, name));
        return name;
      },
      py::arg("device"), "The device's name.");
  m.def(
      "unload_cuda_modules",
      [] {
        py::gil_scoped_release release;
        return cuft::cuda::modules().shutdown();
      },
      "Unloads every CUDA module (teardown callbacks first); at interpreter exit, before the "
      "driver goes. Later launches fail to load: this is final.");

  m.def(
      "unload_cuda_context",
      [](uintptr_t context) {
        py::gil_scoped_release release;
        return cuft::cuda::modules().teardownContext(context);
      },
      py::arg("context"),
      "Unloads every module of `context` (teardown callbacks first); later launches load "
      "again. Returns how many were loaded.");

  py::class_<DeviceBuffer, std::shared_ptr<DeviceBuffer>>(m, "DeviceBuffer",
                                                          "Device memory, freed with its last reference.")
      .def(py::init<uintptr_t, size_t>(), py::arg("context"), py::arg("nbytes"))
      .def_readonly("ptr", &DeviceBuffer::ptr)
      .def_readonly("nbytes", &DeviceBuffer::bytes)
      .def_readonly("context", &DeviceBuffer::context);

  py::class_<PinnedBuffer, std::shared_ptr<PinnedBuffer>>(
      m, "PinnedBuffer", py::buffer_protocol(),
      "Page-locked host memory (cuMemHostAlloc), freed with its last reference; "
      "numpy.frombuffer reads it.")
      .def(py::init<uintptr_t, size_t>(), py::arg("context"), py::arg("nbytes"))
      .def_readonly("nbytes", &PinnedBuffer::bytes)
      .def_property_readonly(
          "ptr", [](const PinnedBuffer &b) { return reinterpret_cast<uintptr_t>(b.ptr); })
      .def_buffer([](PinnedBuffer &b) {
        return py::buffer_info(b.ptr, 1, py::format_descriptor<uint8_t>::format(), 1,
                               {py::ssize_t(b.bytes)}, {py::ssize_t(1)});
      });

  m.def(
      "copy_to_device",
      [](uintptr_t context, DevicePtr dst, uintptr_t src, size_t bytes, uintptr_t stream) {
        cuft::cuda::Error e;
        {
          py::gil_scoped_release release;
          e = cuft::cuda::copyToDevice(contextOf(context), dst, reinterpret_cast<void *>(src),
                                       bytes, reinterpret_cast<cuft::cuda::Stream>(stream));
        }
        check(e);
      },
      "Copies host memory to the device and waits for the copy.");
  m.def(
      "copy_to_host",
      [](uintptr_t context, uintptr_t dst, DevicePtr src, size_t bytes, uintptr_t stream) {
        cuft::cuda::Error e;
        {
          py::gil_scoped_release release;
          e = cuft::cuda::copyToHost(contextOf(context), reinterpret_cast<void *>(dst), src, bytes,
                                     reinterpret_cast<cuft::cuda::Stream>(stream));
        }
        check(e);
      },
      "Copies device memory to the host and waits for the copy.");
  m.def(
      "copy_on_device",
      [](uintptr_t context, DevicePtr dst, DevicePtr src, size_t bytes, uintptr_t stream) {
        check(cuft::cuda::copyOnDevice(contextOf(context), dst, src, bytes,
                                       reinterpret_cast<cuft::cuda::Stream>(stream)));
      },
      "Copies device memory to device memory (asynchronously on `stream`).");
  m.def(
      "context_synchronize",
      [](uintptr_t context) {
        cuft::cuda::Error e;
        {
          py::gil_scoped_release release;
          e = cuft::cuda::contextSynchronize(contextOf(context));
        }
        check(e);
      },
      "Waits for all work queued in `context`, on every stream.");
  m.def(
      "memset_zero",
      [](uintptr_t context, DevicePtr ptr, size_t bytes, uintptr_t stream) {
        check(cuft::cuda::memsetZero(contextOf(context), ptr, bytes,
                                     reinterpret_cast<cuft::cuda::Stream>(stream)));
      },
      "Clears device memory (asynchronously on `stream`).");
  m.def(
      "stream_create",
      [](uintptr_t context) {
        cuft::cuda::Stream s = nullptr;
        check(cuft::cuda::streamCreate(contextOf(context), s));
        return reinterpret_cast<uintptr_t>(s);
      },
      "A new non-blocking stream in `context`.");
  m.def(
      "stream_destroy",
      [](uintptr_t context, uintptr_t stream) {
        check(cuft::cuda::streamDestroy(contextOf(context),
                                        reinterpret_cast<cuft::cuda::Stream>(stream)));
      },
      "Destroys a stream made by stream_create.");
  m.def(
      "stream_synchronize",
      [](uintptr_t context, uintptr_t stream) {
        cuft::cuda::Error e;
        {
          py::gil_scoped_release release;
          e = cuft::cuda::streamSynchronize(contextOf(context),
                                            reinterpret_cast<cuft::cuda::Stream>(stream));
        }
        check(e);
      },
      "Waits until everything queued on `stream` is done.");

  using cuft::cuda::Event;
  using cuft::cuda::Stream;
  m.def(
      "event_create",
      [](uintptr_t context) {
        Event e = nullptr;
        check(cuft::cuda::eventCreate(contextOf(context), e));
        return reinterpret_cast<uintptr_t>(e);
      },
      "A new event in `context`.");
  m.def(
      "event_destroy",
      [](uintptr_t context, uintptr_t event) {
        check(cuft::cuda::eventDestroy(contextOf(context), reinterpret_cast<Event>(event)));
      },
      "Destroys an event.");
  m.def(
      "event_record",
      [](uintptr_t context, uintptr_t event, uintptr_t stream) {
        check(cuft::cuda::eventRecord(contextOf(context), reinterpret_cast<Event>(event),
                                      reinterpret_cast<Stream>(stream)));
      },
      "Records an event on a stream.");
  m.def(
      "event_synchronize",
      [](uintptr_t context, uintptr_t event) {
        cuft::cuda::Error e;
        {
          py::gil_scoped_release release;
          e = cuft::cuda::eventSynchronize(contextOf(context), reinterpret_cast<Event>(event));
        }
        check(e);
      },
      "Waits until the event has happened.");
  m.def(
      "event_elapsed",
      [](uintptr_t context, uintptr_t start, uintptr_t end) {
        float ms = 0;
        check(cuft::cuda::eventElapsed(contextOf(context), reinterpret_cast<Event>(start),
                                       reinterpret_cast<Event>(end), ms));
        return ms;
      },
      "Milliseconds between two completed events.");
  m.def(
      "stream_wait_event",
      [](uintptr_t context, uintptr_t stream, uintptr_t event) {
        check(cuft::cuda::streamWaitEvent(contextOf(context), reinterpret_cast<Stream>(stream),
                                          reinterpret_cast<Event>(event)));
      },
      "Makes a stream wait (on the GPU) for an event.");
  m.def("order_streams", &cuft::python::orderStreams, py::arg("context"), py::arg("producer"),
        py::arg("consumer"),
        "Later work on stream `consumer` waits, on the GPU, for the work queued on `producer` "
        "now, unless CUDA orders them already (the same stream, or both default streams).");

  py::class_<ModuleView>(m, "LoadedModule",
                         "What a setup or teardown callback gets: the module in one context.")
      .def_readonly("context", &ModuleView::context)
      .def(
          "get_global",
          [](const ModuleView &v, const std::string &name) {
            DevicePtr ptr = 0;
            size_t bytes = 0;
            check(cuft::cuda::moduleGlobal(contextOf(v.context), *v.module, name, ptr, bytes));
            return py::make_tuple(ptr, bytes);
          },
          py::arg("name"), "(device pointer, size in bytes) of a __device__ global.");

}

void cuft::python::bindCudaBench(py::module_ &m) {
  m.def(
      "launch_floor",
      [](const cuft::python::PyLoaded &module, std::array<uint32_t, 3> grid,
         std::array<uint32_t, 3> block, uintptr_t stream, PyKernelArgs &args,
         unsigned iterations) {
        if (module.kernel->place.host())
          throw py::value_error("launch_floor: a CUDA module");
        // The floor of a launch: cuLaunchKernel alone, in a C++ loop, with the
        // parameters packed once. What cuft's own launch adds is above it.
        void *const *params = args.args.finish();
        cuft::cuda::Error e;
        double seconds = 0;
        {
          py::gil_scoped_release release;
          e = cuft::cuda::makeCurrent(contextOf(module.kernel->place.context));
          auto start = std::chrono::steady_clock::now();
          for (unsigned i = 0; i < iterations && !e; ++i)
            e = cuft::cuda::launchUnchecked(module.kernel->cudaModule->module(), grid.data(),
                                            block.data(), 0,
                                            reinterpret_cast<cuft::cuda::Stream>(stream),
                                            const_cast<void **>(params));
          seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        }
        check(e);
        return seconds / iterations;
      },
      py::arg("module"), py::arg("grid"), py::arg("block"), py::arg("stream"), py::arg("args"),
      py::arg("iterations"),
      "Seconds per launch of `iterations` back-to-back launches from C++ (no synchronize): "
      "the floor for the launch-overhead benchmark.");
}
