//===- compiler.cpp - Python binding of cuft::compile ---------------------===//

#include "bindings.h"

#include "cuft/Compiler/Compiler.h"
#include "cuft/Conversion/Timing.h"
#include "cuft/Dialect/Cuft/Transforms/SignatureText.h"

#include <pybind11/stl.h>

#include <functional>

namespace py = pybind11;

py::list cuft::python::diagnosticsToPython(const std::vector<Diagnostic> &diagnostics) {
  py::list out;
  for (const Diagnostic &d : diagnostics)
    out.append(py::make_tuple(d.severity, d.file, d.line, d.column, d.message));
  return out;
}

void cuft::python::bindCompiler(py::module_ &m) {
  m.def("timing_enabled", &cuft::timing::enabled,
        "Whether CUFT_TIMING asks compiles to print their stages' times (read once).");
  m.def(
      "scalar_types",
      [] {
        py::list out;
        for (const cuft::signature::Scalar &s : cuft::signature::kScalars)
          out.append(py::make_tuple(std::string(s.name), std::string(s.numpy),
                                    std::string(1, s.kind), s.bits));
        return out;
      },
      "cuft's scalar types: [(signature name, numpy name, kind b/i/u/f, bits)], from "
      "SignatureText.h's one table.");
  m.def("math_functions", &cuft::mathFunctions,
        "The math module functions cuft.math computes: [(name, arity)], from the dialect's "
        "MathFn enum.");
  m.def(
      "canonical_signature",
      [](const std::string &text) {
        std::string out, error;
        if (!cuft::signature::canonicalSignature(text, out, error))
          throw py::value_error(error);
        return out;
      },
      py::arg("text"),
      "The signature text of a signature as a person writes it (numpy names, numba's "
      "f32[:, ::1]); ValueError when it is not one. The grammar: "
      "cuft/Dialect/Cuft/Transforms/SignatureText.h.");
  m.def(
      "declared_signature",
      [](const std::string &text) {
        std::string result, args, error;
        if (!cuft::signature::canonicalDeclaration(text, result, args, error))
          throw py::value_error(error);
        return py::make_tuple(result, args);
      },
      py::arg("text"),
      "(result, arguments) of a signature declared as numba spells it ('void(f4[::1], i8)'): "
      "the result's entry ('' for none) and the arguments' signature text; ValueError when "
      "it is not one.");
  m.def(
      "best_declared",
      [](const std::vector<std::string> &declared, const std::string &sig, bool convertScalars) {
        return cuft::signature::bestDeclared(declared, sig, convertScalars);
      },
      py::arg("declared"), py::arg("signature"), py::arg("convert_scalars") = false,
      "The index of the declared signature that arguments read as `signature` take best, as "
      "numba chooses among overloads (SignatureText.h's bestDeclared), or -1.");
  m.def(
      "signature_entries",
      [](const std::string &sig) {
        std::vector<std::string> out;
        for (std::string_view e : cuft::signature::signatureEntries(sig))
          out.emplace_back(e);
        return out;
      },
      py::arg("signature"), "The top-level entries of signature text.");
  m.def(
      "tuple_shapes",
      [](const std::string &sig) -> py::tuple {
        std::string skeleton = cuft::signature::tupleSkeleton(sig);
        if (skeleton.empty())
          return py::make_tuple(skeleton, py::tuple());
        // Entries of the skeleton: '.' a value (None), '(...)' a tuple; a
        // namedtuple's elements are named (`x:.`): its shape is made by
        // cuft.frontend.ir.named_shape.
        size_t at = 0;
        std::function<py::object(char)> entries = [&](char close) -> py::object {
          py::list out, names;
          while (at < skeleton.size() && skeleton[at] != close) {
            std::string_view rest = std::string_view(skeleton).substr(at);
            if (size_t n = cuft::signature::fieldNameLength(rest)) {
              names.append(py::str(skeleton.substr(at, n - 1)));
              at += n;
            }
            char c = skeleton[at++];
            if (c == '.')
              out.append(py::none());
            else if (c == '(') {
              out.append(entries(')'));
              ++at; // the ')'
            }
          }
          if (names.empty() || py::len(names) != py::len(out))
            return py::tuple(out);
          return py::module_::import("cuft.frontend.ir")
              .attr("named_shape")(py::tuple(names), py::tuple(out));
        };
        return py::make_tuple(skeleton, entries('\0'));
      },
      py::arg("signature"),
      "(skeleton, shapes) of signature text: its tuple skeleton (SignatureText.h; '' when it "
      "has no tuple) and per parameter None, or its tuple's shape (a tuple of those); () "
      "when it has no tuple.");
  m.def(
      "compile",
      [](const std::string &ir, const std::string &signature, const std::string &stageName,
         const std::string &kernel, const std::string &chip, unsigned optLevel,
         bool fastMath, const std::string &libdevice) {
        cuft::Stage stage;
        if (!cuft::parseStage(stageName, stage))
          throw py::value_error("unknown stage '" + stageName +
                                "' (expected generic, typed, llvm or ptx)");
        cuft::CompileOptions options;
        options.chip = chip;
        options.optLevel = optLevel;
        options.fastMath = fastMath;
        options.libdevice = libdevice;
        cuft::CompileResult result;
        {
          // Compiles take milliseconds to seconds: let other threads run.
          py::gil_scoped_release release;
          result = cuft::compile(ir, signature, kernel, stage, options);
        }
        return py::make_tuple(result.ok, result.text, diagnosticsToPython(result.diagnostics));
      },
      py::arg("ir"), py::arg("signature"), py::arg("stage") = "ptx", py::arg("kernel") = "",
      py::arg("chip") = "sm_90", py::arg("opt_level") = 3, py::arg("fast_math") = false,
      py::arg("libdevice") = "",
      "Compile generic cuft IR for a signature up to a stage. Returns (ok, text, "
      "diagnostics), each diagnostic a (severity, file, line, column, message) tuple.");
}
