//===- sources.cpp - the text of code compiled from strings ---------------===//
//
// A kernel whose def was compiled from a string (exec of a template, as
// numba-cuda's own tests and libraries that generate kernels do) has no file
// for inspect or linecache to read: its code object names "<string>". The
// frontend reads Python source, so cuft keeps that text when Python compiles
// it: an audit hook (PEP 578) on the "compile" event, which compile(), exec()
// and eval() raise with the source and the file name, keeps each source whose
// file name is a synthetic one ("<...>"). The hook is C, added when cuft is
// imported: it costs every other audit event one string comparison.
//
// The store is bounded by its bytes (the oldest text goes first) and holds a
// text once (a source compiled again moves to the front). Which of several
// texts under one file name is a function's is decided in Python
// (frontend/source.py): the candidates returned here are only those with a
// def of the function's name, or a decorator, at its first line.
//
//===----------------------------------------------------------------------===//

#include "bindings.h"

#include <cstring>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace py = pybind11;

namespace {

/// Up to this many bytes of source text are kept, the newest first.
constexpr size_t kStoreBytes = 16u << 20;

struct Text {
  std::string filename;
  std::string source;
  size_t hash;
};

/// The kept texts, newest first, and an index of them by hash: keeping a
/// text (dataclasses and namedtuples exec theirs too) costs no walk of the
/// others.
struct Store {
  std::mutex mutex;
  std::list<Text> texts;
  std::unordered_multimap<size_t, std::list<Text>::iterator> byHash;
  size_t bytes = 0;
  uint64_t kept = 0; // texts ever kept, for the tests

  void keep(std::string_view filename, std::string_view source) {
    if (source.size() > kStoreBytes)
      return;
    size_t hash = std::hash<std::string_view>()(source) ^
                  (std::hash<std::string_view>()(filename) * 31);
    std::lock_guard<std::mutex> lock(mutex);
    auto [first, last] = byHash.equal_range(hash);
    for (auto it = first; it != last; ++it)
      if (it->second->source == source && it->second->filename == filename) {
        texts.splice(texts.begin(), texts, it->second); // the newest again
        return;
      }
    texts.push_front({std::string(filename), std::string(source), hash});
    byHash.emplace(hash, texts.begin());
    bytes += source.size();
    ++kept;
    while (bytes > kStoreBytes) {
      auto oldest = std::prev(texts.end());
      auto [from, to] = byHash.equal_range(oldest->hash);
      for (auto it = from; it != to; ++it)
        if (it->second == oldest) {
          byHash.erase(it);
          break;
        }
      bytes -= oldest->source.size();
      texts.erase(oldest);
    }
  }
};

Store &store() {
  static Store *s = new Store; // used by the hook until the process ends
  return *s;
}

/// Whether line `line` (1-based) of `source` holds `def name` or starts, past
/// its indentation, with a decorator.
bool mayDefine(std::string_view source, size_t line, std::string_view name) {
  size_t start = 0;
  for (size_t i = 1; i < line; ++i) {
    start = source.find('\n', start);
    if (start == std::string_view::npos)
      return false;
    ++start;
  }
  std::string_view text = source.substr(start, source.find('\n', start) - start);
  size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos)
    return false;
  if (text[first] == '@')
    return true;
  std::string def = "def " + std::string(name);
  for (size_t at = text.find(def); at != std::string_view::npos; at = text.find(def, at + 1)) {
    size_t end = at + def.size();
    if (end == text.size() || text[end] == '(' || text[end] == ' ' || text[end] == '\t')
      return true;
  }
  return false;
}

int rememberCompiledText(const char *event, PyObject *args, void *) {
  if (event[0] != 'c' || std::strcmp(event, "compile") != 0)
    return 0;
  if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) < 2)
    return 0;
  PyObject *source = PyTuple_GET_ITEM(args, 0);
  PyObject *filename = PyTuple_GET_ITEM(args, 1);
  if (!PyUnicode_Check(filename))
    return 0;
  Py_ssize_t nameSize = 0;
  const char *name = PyUnicode_AsUTF8AndSize(filename, &nameSize);
  if (!name) {
    PyErr_Clear();
    return 0;
  }
  std::string_view file(name, nameSize);
  // A file linecache can read needs nothing kept; "<unknown>" is ast.parse's
  // default name, which no code object compiled from the string carries.
  if (file.size() < 2 || file.front() != '<' || file.back() != '>' || file == "<unknown>")
    return 0;
  const char *text = nullptr;
  Py_ssize_t size = 0;
  if (PyBytes_Check(source)) {
    text = PyBytes_AS_STRING(source);
    size = PyBytes_GET_SIZE(source);
  } else if (PyUnicode_Check(source)) {
    text = PyUnicode_AsUTF8AndSize(source, &size);
    if (!text) {
      PyErr_Clear();
      return 0;
    }
  } else {
    return 0; // an AST or a buffer: no text to keep
  }
  store().keep(file, std::string_view(text, size));
  return 0;
}

} // namespace

void cuft::python::bindSources(py::module_ &m) {
  static std::once_flag added;
  std::call_once(added, [] {
    // Refused (an earlier hook objects), the hook is simply not there: a
    // kernel compiled from a string then has no source, as before.
    if (PySys_AddAuditHook(rememberCompiledText, nullptr) < 0)
      PyErr_Clear();
  });
  m.def(
      "compiled_texts",
      [](const std::string &filename, size_t line, const std::string &name) {
        std::vector<std::string> found;
        {
          std::lock_guard<std::mutex> lock(store().mutex);
          for (const Text &t : store().texts)
            if (t.filename == filename && mayDefine(t.source, line, name))
              found.push_back(t.source);
        }
        py::list texts;
        for (const std::string &s : found)
          texts.append(py::bytes(s));
        return texts;
      },
      py::arg("filename"), py::arg("line"), py::arg("name"),
      "The texts compiled from strings under `filename` (\"<string>\"), newest first, whose "
      "line `line` may begin the def of `name` (a def of that name, or a decorator there).");
  m.def(
      "compiled_texts_kept",
      [] {
        std::lock_guard<std::mutex> lock(store().mutex);
        return py::make_tuple(store().kept, store().texts.size(), store().bytes);
      },
      "(texts ever kept, texts held now, their bytes): the store of compiled_texts.");
}
