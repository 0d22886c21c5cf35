//===- bindings.h - one bind function per area ------------------*- C++ -*-===//
#ifndef CUFT_PYTHON_BINDINGS_H
#define CUFT_PYTHON_BINDINGS_H

#include <pybind11/pybind11.h>

namespace cuft::python {
/// compile(ir, signature, stage, kernel, chip, opt_level, fast_math, libdevice)
void bindCompiler(pybind11::module_ &m);
/// dlpack_layout(capsule) -> (code, bits, lanes, shape, strides)
void bindDLPack(pybind11::module_ &m);
/// HostKernel, compile_host, launch_host, host_pool_size
void bindHost(pybind11::module_ &m);
} // namespace cuft::python

#endif
