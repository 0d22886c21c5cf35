//===- module.cpp - the cuft._cuft extension module -----------------------===//
//
// Declared free-threading safe (py::mod_gil_not_used): the module holds no
// mutable state of its own, and the compiler it calls shares only immutable,
// once-initialized state between threads.
//
//===----------------------------------------------------------------------===//

#include "bindings.h"

PYBIND11_MODULE(_cuft, m, pybind11::mod_gil_not_used()) {
  m.doc() = "cuft's compiler core (C++)";
  cuft::python::bindCompiler(m);
  cuft::python::bindDLPack(m);
  cuft::python::bindHost(m);
  cuft::python::bindCache(m);
  cuft::python::bindLauncher(m);
  cuft::python::bindLaunchConfig(m);
  cuft::python::bindCuda(m);
  cuft::python::bindLink(m);
  cuft::python::bindCudaRuntime(m);
  cuft::python::bindCudaBench(m);
  cuft::python::bindSources(m);
}
