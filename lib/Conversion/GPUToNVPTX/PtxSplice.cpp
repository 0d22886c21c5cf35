//===- PtxSplice.cpp - library functions' PTX spliced into a kernel's -----===//
//
// A kernel that calls libdevice's functions used to get them linked into its
// LLVM IR, inlined and cleaned up there, and NVPTX's code generator then made
// their instructions again in every compile: a kernel of ten math calls spent
// most of its 9 ms to PTX there (1.2 ms inlining, 4.7 ms code generation,
// where its own code takes under one). The functions are the same each time:
// Libraries.cpp optimizes each once per process, and now also prints the
// module it made them in as PTX, once per target (Library::parse reads it).
// A kernel whose library calls sit outside loops is optimized and code
// generated with the calls still calls, and splice puts each function's body
// at its call, in the PTX:
//
//   { // callseq 0, 0                      { // cuft: __nv_sinf, spliced ...
//   .param .b32 param0;                    .reg .b32 %s0_r<53>; ...
//   .param .b32 retval0;          -->      mov.b32 %s0_r5, %r2;    (its parameter)
//   st.param.b32 [param0], %r2;            ... its body, renamed ...
//   call.uni (retval0), __nv_sinf, ...     mov.b32 %r3, %s0_r48;   (its result)
//   ld.param.b32 %r3, [retval0];           $L__s0_end:             (each ret goes here)
//   } // callseq 0                         }
//
// A nested block: its registers (renamed with the call's own prefix, so that
// the caller's registers stay visible) and labels are its own, as an inlined
// body's; the bodies of one function share one local depot (Depot), each
// argument and the result a move (a truncation where NVPTX stored a wider
// register), each `ret` a branch to the block's end. ptxas sees the
// instructions that LLVM's inlining gave it (it does not inline calls itself:
// a call to a .func stays a CALL in the SASS); over the gallery's math kernels
// the SASS is as long give or take a few instructions (docs/Architecture.md).
// A function's labels are numbered in order as it is read, and comments
// dropped, so that its text does not depend on the module it was printed in
// (NVPTX numbers labels by the function's place there). What the bodies use is
// defined once, before the kernel's code: the library's constant tables
// (sin's Payne-Hanek table) and the functions a body still calls (double
// sin's slow path), each renamed with a hash of its text, so two libraries'
// or two made modules' definitions never collide, and alike ones are one.
//
// Only what is in the shapes NVPTX prints is handled: a call sequence of
// scalar stores, one call and a scalar load; a function whose parameters and
// result are scalar. Anything else is refused (splice returns nothing) and
// serialize-ptx links the functions as before: never a guess.
//
//===----------------------------------------------------------------------===//

#include "PtxSplice.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/xxhash.h"

#include <cctype>

using llvm::StringRef;

namespace {

bool identStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}
bool identChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

/// `line` with each name in it (a register's `%name`, a label's `$name`, a
/// variable's or function's name) that `rename` maps replaced; numbers,
/// strings, comments and the parts of an opcode or directive (`.b32`) kept.
std::string renameTokens(StringRef line,
                         llvm::function_ref<std::optional<std::string>(StringRef)> rename) {
  std::string out;
  out.reserve(line.size() + 16);
  size_t i = 0, n = line.size();
  while (i < n) {
    char c = line[i];
    if (c == '"') {
      size_t j = line.find('"', i + 1);
      j = j == StringRef::npos ? n : j + 1;
      out.append(line.substr(i, j - i));
      i = j;
    } else if (c == '/' && i + 1 < n && line[i + 1] == '/') {
      out.append(line.substr(i));
      break;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < n && identChar(line[j]))
        ++j;
      out.append(line.substr(i, j - i));
      i = j;
    } else if (identStart(c) || (c == '%' && i + 1 < n && identStart(line[i + 1]))) {
      size_t j = i + 1;
      while (j < n && identChar(line[j]))
        ++j;
      StringRef token = line.substr(i, j - i);
      std::optional<std::string> renamed;
      if (i == 0 || line[i - 1] != '.')
        renamed = rename(token);
      out.append(renamed ? StringRef(*renamed) : token);
      i = j;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

/// `line` without its comment (NVPTX's `// callseq 6, 0` numbers call
/// sequences per target machine: kept, it would make two prints of one
/// function differ), and without trailing blanks.
StringRef withoutComment(StringRef line) {
  bool quoted = false;
  for (size_t i = 0; i + 1 < line.size(); ++i) {
    if (line[i] == '"')
      quoted = !quoted;
    else if (!quoted && line[i] == '/' && line[i + 1] == '/')
      return line.take_front(i).rtrim();
  }
  return line.rtrim();
}

/// The names `line` holds (as renameTokens sees them).
llvm::SmallVector<std::string, 8> tokens(StringRef line) {
  llvm::SmallVector<std::string, 8> found;
  (void)renameTokens(line, [&](StringRef token) -> std::optional<std::string> {
    found.push_back(token.str());
    return std::nullopt;
  });
  return found;
}

/// The name a function's declaration or definition line declares: the name
/// before its parameter list's "(" (or "()"), or last on the line.
StringRef declaredName(StringRef line) {
  line = line.rtrim();
  if (line.ends_with("()"))
    line = line.drop_back(2);
  else if (line.ends_with("("))
    line = line.drop_back();
  line = line.rtrim();
  size_t start = line.size();
  while (start > 0 && identChar(line[start - 1]))
    --start;
  return line.substr(start);
}

/// `.param .b32 name` (a trailing "," dropped): its type and name; nothing
/// for any other shape (an aggregate's `.align 16 .b8 name[16]`).
std::optional<std::pair<std::string, std::string>> scalarParam(StringRef text) {
  llvm::SmallVector<StringRef, 4> parts;
  text.trim().rtrim(',').split(parts, ' ', -1, /*KeepEmpty=*/false);
  for (StringRef &p : parts)
    p = p.trim();
  if (parts.size() != 3 || parts[0] != ".param" || !parts[1].starts_with(".b") ||
      !llvm::all_of(parts[2], identChar))
    return std::nullopt;
  return std::make_pair(parts[1].drop_front().str(), parts[2].str());
}

/// `<op>.param.<type> ...`: the type, and the operands after it.
std::optional<std::pair<StringRef, StringRef>> paramAccess(StringRef t, StringRef op) {
  if (!t.consume_front(op) || !t.consume_front(".param."))
    return std::nullopt;
  size_t space = t.find_first_of(" \t");
  if (space == StringRef::npos)
    return std::nullopt;
  StringRef type = t.take_front(space);
  if (!type.starts_with("b") || type.contains('.'))
    return std::nullopt; // a vector (.v2) or another access
  return std::make_pair(type, t.drop_front(space).trim());
}

/// The registers a function declares, with their widths in bits (1: a
/// predicate): `.reg .b32 %r<53>;` declares %r0 to %r52, `.reg .b64 %SP;`
/// %SP alone.
class Registers {
public:
  /// Takes a `.reg` line; false for one of another shape.
  bool declare(StringRef line) {
    StringRef t = line.trim();
    if (!t.consume_front(".reg"))
      return false;
    t = t.ltrim();
    StringRef type = t.take_until([](char c) { return c == ' ' || c == '\t'; });
    unsigned bits = type == ".pred" ? 1 : 0;
    if (!bits && (type.size() < 3 || type.drop_front(2).getAsInteger(10, bits)))
      return false;
    size_t percent = t.find('%');
    if (percent == StringRef::npos)
      return false;
    StringRef declared = t.drop_front(percent + 1);
    size_t end = 0;
    while (end < declared.size() && identChar(declared[end]))
      ++end;
    (declared.drop_front(end).starts_with("<") ? families : single)[declared.take_front(end)] =
        bits;
    return true;
  }

  /// The width of register `token` (`%r12`), if declared here.
  std::optional<unsigned> width(StringRef token) const {
    if (!token.consume_front("%"))
      return std::nullopt;
    if (auto found = single.find(token); found != single.end())
      return found->second;
    if (auto found = families.find(token.rtrim("0123456789")); found != families.end())
      return found->second;
    return std::nullopt;
  }

  void clear() {
    families.clear();
    single.clear();
  }

private:
  llvm::StringMap<unsigned> families, single;
};

/// `dst = src` for a value that a parameter of PTX type `type` (b32) carries
/// between registers `dst` and `src` (or an immediate `src`) as wide as in
/// `widths`: a mov, or a truncation where `src` is wider (what st.param does
/// with a wider register: NVPTX stores an i32 argument from a 64-bit one).
/// Nothing for any other case.
std::optional<std::string> move(StringRef type, StringRef dst, StringRef src,
                                llvm::function_ref<std::optional<unsigned>(StringRef)> widths) {
  unsigned bits;
  if (!type.starts_with("b") || type.drop_front().getAsInteger(10, bits) || bits < 16)
    return std::nullopt;
  std::optional<unsigned> dstBits = widths(dst);
  if (dstBits != bits)
    return std::nullopt;
  std::optional<unsigned> srcBits = src.starts_with("%") ? widths(src) : bits;
  if (srcBits == bits)
    return "\tmov." + type.str() + " \t" + dst.str() + ", " + src.str() + ";\n";
  if (srcBits && *srcBits > bits && *srcBits <= 64)
    return "\tcvt.u" + std::to_string(bits) + ".u" + std::to_string(*srcBits) + " \t" +
           dst.str() + ", " + src.str() + ";\n";
  return std::nullopt;
}

/// The local memory the inlined bodies of one function share (each body's
/// own depot, all one: the bodies run one after another, as LLVM's stack
/// coloring makes an inlined function's allocas one; two depots of sin's and
/// cos's Payne-Hanek reduction gave ptxas code a third longer).
struct Depot {
  unsigned align = 0, size = 0;
  /// Takes a body's `.local .align 4 .b8 __local_depot0[28];`; false for
  /// another shape.
  bool take(StringRef line) {
    StringRef t = line.trim();
    unsigned a, n;
    if (!t.consume_front(".local .align ") || t.consumeInteger(10, a))
      return false;
    t = t.ltrim();
    if (!t.consume_front(".b8"))
      return false;
    t = t.ltrim();
    if (!t.consume_front("__local_depot"))
      return false;
    t = t.drop_while([](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    if (!t.consume_front("[") || t.consumeInteger(10, n) || t != "];")
      return false;
    align = std::max(align, a);
    size = std::max(size, n);
    return true;
  }
  static constexpr const char *name = "__cuft_spliced_depot";
};

/// What splice has defined so far, and each library's names as renamed.
class Definitions {
public:
  /// The renamed name of `lib`'s variable or function `name`, defining it
  /// (and what it needs) first; nothing where it cannot (a call cycle, a
  /// function it does not define).
  std::optional<std::string> name(const cuft::ptx::Library &lib, StringRef name) {
    auto &names = renamed[&lib];
    auto found = names.find(name);
    if (found != names.end()) {
      if (found->second.empty()) // a cycle: a function that (through others) calls itself
        failed = true;
      return found->second.empty() ? std::nullopt : std::optional<std::string>(found->second);
    }
    names[name] = ""; // in progress: a cycle finds this
    std::optional<std::string> made = define(lib, name);
    if (made)
      names[name] = *made;
    else
      failed = true;
    return made;
  }

  /// A rename for the names `lib`'s text uses: its variables and functions.
  std::optional<std::string> libraryName(const cuft::ptx::Library &lib, StringRef token) {
    if (lib.functions.contains(token) || isVariable(lib, token))
      return name(lib, token);
    return std::nullopt;
  }

  std::string text;  // the definitions, in the order they must come
  bool failed = false;

private:
  static bool isVariable(const cuft::ptx::Library &lib, StringRef token) {
    return llvm::any_of(lib.variables, [&](const auto &v) { return v.first == token; });
  }

  static std::string hashed(StringRef name, StringRef text) {
    return (name + "_" + llvm::utohexstr(llvm::xxh3_64bits(text) & 0xffffffffu, true, 8)).str();
  }

  /// `text` with the name `name` in it, and only that, made `fresh`.
  static std::string renamedTo(StringRef text, StringRef name, StringRef fresh) {
    return renameTokens(text, [&](StringRef t) -> std::optional<std::string> {
      return t == name ? std::optional<std::string>(fresh.str()) : std::nullopt;
    });
  }

  std::optional<std::string> define(const cuft::ptx::Library &lib, StringRef name) {
    for (const auto &[varName, definition] : lib.variables) {
      if (varName != name)
        continue;
      std::string fresh = hashed(name, definition);
      if (done.insert(fresh).second)
        text += renamedTo(definition, name, fresh) + "\n";
      return fresh;
    }
    auto found = lib.functions.find(name);
    if (found == lib.functions.end())
      return std::nullopt;
    const cuft::ptx::Library::Function &f = found->second;
    // What it uses is defined first (and renamed in its text); its own name
    // stays until its text, hashed, names it. Only the header names it (its
    // parameters are `name_param_0`, other tokens).
    auto use = [&](StringRef t) -> std::optional<std::string> {
      return t == name ? std::nullopt : libraryName(lib, t);
    };
    std::string header, body = "{\n";
    for (const std::string &line : f.header) {
      StringRef l = line;
      if (l.consume_front(".visible "))
        l = l.ltrim();
      header += renameTokens(l, use) + "\n";
    }
    for (const std::string &line : f.body)
      body += renameTokens(line, use) + "\n";
    body += "}\n";
    if (failed)
      return std::nullopt;
    std::string fresh = hashed(name, header + body);
    if (done.insert(fresh).second)
      text += renamedTo(header, name, fresh) + body;
    return fresh;
  }

  llvm::DenseMap<const cuft::ptx::Library *, llvm::StringMap<std::string>> renamed;
  llvm::StringSet<> done;
};

/// The body of `f` (`name` of `lib`) for the call sequence `seq` (its lines,
/// braces included), as instance `k`; nothing where `seq` or `f` is in a
/// shape this does not handle.
std::optional<std::string> inlineCall(llvm::ArrayRef<StringRef> seq,
                                      const cuft::ptx::Library &lib,
                                      const cuft::ptx::Library::Function &f, StringRef name,
                                      unsigned k, const Registers &caller, Depot &depot,
                                      Definitions &defs) {
  if (!f.inlinable)
    return std::nullopt;
  // The call: each argument stored, the call, the result loaded.
  llvm::SmallVector<std::optional<std::pair<std::string, std::string>>, 4> args(f.params.size());
  std::optional<std::pair<std::string, std::string>> result;
  bool called = false;
  for (StringRef line : seq.drop_front().drop_back()) {
    StringRef t = line.trim();
    if (t.starts_with(".param")) {
      if (!scalarParam(t.rtrim(';')))
        return std::nullopt;
    } else if (auto store = paramAccess(t, "st")) {
      StringRef operands = store->second;
      unsigned index;
      if (!operands.consume_front("[param") ||
          operands.consumeInteger(10, index) || !operands.consume_front("],") ||
          index >= args.size() || args[index] || !operands.consume_back(";"))
        return std::nullopt;
      args[index] = {store->first.str(), operands.trim().str()};
    } else if (auto load = paramAccess(t, "ld")) {
      StringRef operands = load->second;
      if (result || !operands.consume_back(", [retval0];") || !operands.starts_with("%"))
        return std::nullopt;
      result = {load->first.str(), operands.trim().str()};
    } else if (t.starts_with("call")) {
      // `call.uni (retval0), name, (param0, param1);`: its names in order.
      llvm::SmallVector<std::string, 8> expected = {"call"};
      if (!f.resultType.empty())
        expected.push_back("retval0");
      expected.push_back(name.str());
      for (size_t i = 0; i < f.params.size(); ++i)
        expected.push_back("param" + std::to_string(i));
      if (called || tokens(t) != expected)
        return std::nullopt;
      called = true;
    } else {
      return std::nullopt;
    }
  }
  if (!called || (result && result->first != f.resultType))
    return std::nullopt;
  for (size_t i = 0; i < args.size(); ++i)
    if (!args[i] || args[i]->first != f.paramTypes[i])
      return std::nullopt;

  // The body's own registers (renamed: `%s3_r12`) and local memory (the
  // function's shared depot).
  Registers own;
  for (const std::string &line : f.body) {
    StringRef t = StringRef(line).trim();
    if ((t.starts_with(".reg") && !own.declare(t)) || (t.starts_with(".local") && !depot.take(t)))
      return std::nullopt;
  }
  std::string prefix = "s" + std::to_string(k) + "_";
  auto rename = [&](StringRef token) -> std::optional<std::string> {
    if (token.starts_with("%"))
      return own.width(token) ? std::optional<std::string>("%" + prefix + token.drop_front().str())
                              : std::nullopt;
    if (token.starts_with("$L__"))
      return "$L__" + prefix + token.drop_front(4).str();
    if (token.starts_with("__local_depot"))
      return std::string(Depot::name);
    return defs.libraryName(lib, token);
  };
  // Widths of the registers a move names: the body's (renamed) or the caller's.
  auto widths = [&](StringRef reg) -> std::optional<unsigned> {
    if (reg.consume_front("%" + prefix))
      return own.width(("%" + reg).str());
    return caller.width(reg);
  };
  std::string out = "\t{ // cuft: " + name.str() + ", spliced from its library's PTX\n";
  for (const std::string &line : f.body) {
    StringRef t = StringRef(line).trim();
    if (t.empty() || t.starts_with("//") || t.starts_with(".local"))
      continue;
    if (auto load = paramAccess(t, "ld")) {
      StringRef operands = load->second;
      size_t comma = operands.find(',');
      StringRef source = comma == StringRef::npos ? "" : operands.drop_front(comma + 1).trim();
      auto param = llvm::find_if(f.params, [&](const std::string &p) {
        return source == ("[" + p + "];");
      });
      if (param != f.params.end()) {
        size_t index = param - f.params.begin();
        if (load->first != f.paramTypes[index])
          return std::nullopt;
        std::optional<std::string> moved =
            move(load->first, renameTokens(operands.take_front(comma).trim(), rename),
                 args[index]->second, widths);
        if (!moved)
          return std::nullopt;
        out += *moved;
        continue;
      }
    }
    if (auto store = paramAccess(t, "st")) {
      StringRef operands = store->second;
      if (operands.consume_front("[func_retval0],")) {
        if (store->first != f.resultType || !operands.consume_back(";"))
          return std::nullopt;
        if (result) {
          std::optional<std::string> moved =
              move(store->first, result->second, renameTokens(operands.trim(), rename), widths);
          if (!moved)
            return std::nullopt;
          out += *moved;
        }
        continue;
      }
      if (operands.contains("_param_") || operands.contains("func_retval"))
        return std::nullopt;
    }
    if (t == "ret;" || t.ends_with(" ret;") || t.ends_with("\tret;")) {
      StringRef guard = t.drop_back(4).trim(); // "@%p1" or nothing
      std::string guarded = guard.empty() ? "" : renameTokens(guard, rename) + " ";
      out += "\t" + guarded + "bra \t$L__" + prefix + "end;\n";
      continue;
    }
    if (t.contains("_param_") || t.contains("func_retval0"))
      return std::nullopt; // a parameter read another way
    out += renameTokens(line, rename) + "\n";
  }
  if (defs.failed)
    return std::nullopt;
  out += "$L__" + prefix + "end:\n\t}\n";
  return out;
}

} // namespace

std::unique_ptr<cuft::ptx::Library> cuft::ptx::Library::parse(StringRef text) {
  auto lib = std::make_unique<Library>();
  llvm::SmallVector<StringRef> lines;
  text.split(lines, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    StringRef line = lines[i].rtrim();
    StringRef t = line.ltrim();
    if (t.empty() || t.starts_with("//") || t.starts_with(".version") ||
        t.starts_with(".target") || t.starts_with(".address_size"))
      continue;
    if (line.starts_with(".global ") || line.starts_with(".const ")) {
      if (!line.ends_with(";"))
        return nullptr;
      StringRef declared = line.split('=').first.rtrim().rtrim(';').rtrim();
      if (declared.ends_with("]"))
        declared = declared.take_front(declared.rfind('['));
      StringRef name = declaredName(declared);
      if (name.empty())
        return nullptr;
      lib->variables.push_back({name.str(), line.str()});
      continue;
    }
    if (!line.starts_with(".visible .func") && !line.starts_with(".func"))
      return nullptr;
    Function f;
    StringRef name = declaredName(line);
    f.header.push_back(line.str());
    size_t j = i + 1;
    bool inlinable = true;
    if (line.ends_with("(")) { // its parameters, one a line, then ")"
      for (; j < lines.size() && !lines[j].starts_with(")"); ++j) {
        f.header.push_back(withoutComment(lines[j]).str());
        if (auto param = scalarParam(lines[j])) {
          f.paramTypes.push_back(param->first);
          f.params.push_back(param->second);
        } else {
          inlinable = false;
        }
      }
      if (j == lines.size())
        return nullptr;
      f.header.push_back(withoutComment(lines[j]).str());
      ++j;
    } else if (!line.ends_with("()")) {
      // A declaration's form: "(" and the parameters on lines of their own.
      for (; j < lines.size() && lines[j].trim() != ";"; ++j)
        ;
      i = j;
      continue;
    }
    if (j < lines.size() && lines[j].trim() == ";") { // a prototype
      i = j;
      continue;
    }
    if (j == lines.size() || lines[j].rtrim() != "{")
      return nullptr;
    for (++j; j < lines.size() && lines[j].rtrim() != "}"; ++j)
      if (StringRef body = withoutComment(lines[j]); !body.trim().empty())
        f.body.push_back(body.str());
    if (j == lines.size())
      return nullptr;
    i = j;
    // Labels numbered in order (NVPTX's `$L__BB3_2` numbers the function in
    // its module: another module's print of it would differ).
    llvm::StringMap<std::string> labels;
    for (std::string &line : f.body)
      line = renameTokens(line, [&](StringRef token) -> std::optional<std::string> {
        if (!token.starts_with("$L__"))
          return std::nullopt;
        auto [it, fresh] = labels.try_emplace(token, "");
        if (fresh)
          it->second = "$L__BB" + std::to_string(labels.size() - 1);
        return it->second;
      });
    // The result: `(.param .b32 func_retval0)` after ".func", or none.
    StringRef afterFunc = line.split(".func").second.ltrim();
    if (afterFunc.starts_with("(")) {
      auto result = scalarParam(afterFunc.drop_front().split(')').first);
      if (result && result->second == "func_retval0")
        f.resultType = result->first;
      else
        inlinable = false;
    }
    f.inlinable = inlinable;
    lib->functions[name] = std::move(f);
  }
  for (auto &entry : lib->functions)
    for (const std::string &line : entry.second.body)
      if (StringRef(line).trim().starts_with("call"))
        for (const std::string &token : tokens(StringRef(line).trim()))
          if (lib->functions.contains(token))
            entry.second.calls.push_back(token);
  return lib;
}

std::optional<std::string>
cuft::ptx::splice(StringRef kernel, llvm::function_ref<const Library *(StringRef)> lookup) {
  llvm::SmallVector<StringRef> lines;
  kernel.split(lines, '\n');
  std::string out;
  out.reserve(kernel.size() * 2);
  size_t definitionsAt = std::string::npos;
  Definitions defs;
  llvm::StringSet<> spliced;
  llvm::SmallVector<StringRef> kept; // the kernel's lines, to check below
  unsigned instance = 0;
  // The function being read: its registers, where its body starts, and the
  // depot its inlined bodies share (declared there once it is read).
  Registers caller;
  Depot depot;
  size_t bodyAt = std::string::npos;
  for (size_t i = 0; i < lines.size(); ++i) {
    StringRef line = lines[i];
    StringRef t = line.trim();
    if (definitionsAt == std::string::npos) {
      out += line.str() + "\n";
      if (t.starts_with(".address_size"))
        definitionsAt = out.size();
      continue;
    }
    if (line.starts_with(".extern .func")) {
      size_t end = i;
      while (end < lines.size() && lines[end].trim() != ";")
        ++end;
      if (end == lines.size())
        return std::nullopt;
      StringRef name = declaredName(line);
      if (lookup(name)) {
        spliced.insert(name);
      } else {
        for (size_t j = i; j <= end; ++j) {
          out += lines[j].str() + "\n";
          kept.push_back(lines[j]);
        }
      }
      i = end;
      continue;
    }
    if (t.starts_with("{ // callseq")) {
      size_t end = i;
      while (end < lines.size() && !lines[end].trim().starts_with("} // callseq"))
        ++end;
      if (end == lines.size())
        return std::nullopt;
      llvm::ArrayRef<StringRef> seq(lines.data() + i, end - i + 1);
      std::optional<std::string> callee;
      for (StringRef l : seq)
        if (l.trim().starts_with("call")) {
          llvm::SmallVector<std::string, 8> names = tokens(l.trim());
          for (const std::string &n : names)
            if (lookup(n))
              callee = n;
        }
      const Library *lib = callee ? lookup(*callee) : nullptr;
      if (!lib) {
        for (StringRef l : seq) {
          out += l.str() + "\n";
          kept.push_back(l);
        }
      } else {
        std::optional<std::string> body =
            inlineCall(seq, *lib, lib->functions.find(*callee)->second, *callee, instance++,
                       caller, depot, defs);
        if (!body)
          return std::nullopt;
        out += *body;
      }
      i = end;
      continue;
    }
    if (t.starts_with(".reg"))
      caller.declare(t);
    out += line.str() + "\n";
    kept.push_back(line);
    if (line.rtrim() == "{") {
      bodyAt = out.size();
      caller.clear();
    } else if (line.rtrim() == "}") {
      if (depot.size) {
        if (bodyAt == std::string::npos)
          return std::nullopt;
        out.insert(bodyAt, "\t.local .align " + std::to_string(depot.align) + " .b8 \t" +
                               Depot::name + "[" + std::to_string(depot.size) + "];\n");
      }
      depot = Depot();
      bodyAt = std::string::npos;
    }
  }
  if (definitionsAt == std::string::npos || defs.failed || depot.size)
    return std::nullopt;
  // A spliced function the kernel's own code still names (other than by a
  // call sequence): its declaration is gone, so refuse.
  for (StringRef line : kept)
    for (const std::string &name : tokens(line))
      if (spliced.contains(name))
        return std::nullopt;
  if (!lines.empty() && lines.back().empty())
    out.pop_back(); // split's empty last line gave one "\n" too many
  out.insert(definitionsAt, defs.text);
  return out;
}

void cuft::ptx::numberCallSequences(std::string &ptx) {
  static constexpr StringRef kMark = "// callseq ";
  llvm::DenseMap<unsigned, unsigned> number;
  std::string out;
  out.reserve(ptx.size());
  StringRef rest = ptx;
  while (!rest.empty()) {
    auto [line, tail] = rest.split('\n');
    bool last = tail.empty() && !rest.ends_with("\n");
    rest = tail;
    size_t at = line.find(kMark);
    StringRef before = line.take_front(at == StringRef::npos ? 0 : at).trim();
    unsigned old;
    StringRef digits = at == StringRef::npos ? StringRef() : line.drop_front(at + kMark.size());
    StringRef after =
        digits.drop_while([](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    if (at == StringRef::npos || (before != "{" && before != "}") ||
        digits.take_front(digits.size() - after.size()).getAsInteger(10, old)) {
      out.append(line.begin(), line.end());
    } else {
      unsigned fresh = number.try_emplace(old, number.size()).first->second;
      out.append(line.begin(), line.begin() + at + kMark.size());
      out += std::to_string(fresh);
      out.append(after.begin(), after.end());
    }
    if (!last)
      out.push_back('\n');
  }
  ptx = std::move(out);
}
