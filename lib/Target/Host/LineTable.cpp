//===- LineTable.cpp - addresses of host code to source lines ------------===//
//
// Host code is compiled with line tables only (MLIR's locations become
// DILocations; ensure-debug-info-scope-on-llvm-func). The table is read here
// once per compile into a sorted vector, so a trap at run time finds its line
// by a binary search, without DWARF.
//
//===----------------------------------------------------------------------===//

#include "HostTarget.h"

#include "cuft/Runtime/Host.h"

#include "llvm/DebugInfo/DWARF/DWARFContext.h"
#include "llvm/Object/ObjectFile.h"

#include <algorithm>
#include <map>

using namespace llvm;

void cuft::host::detail::readLineTable(Object &object, const std::string &entry) {
  auto file = object::ObjectFile::createObjectFile(MemoryBufferRef(object.code, object.name));
  if (!file) {
    consumeError(file.takeError());
    return;
  }
  // The packed entry: rows are kept as offsets from it, in its section.
  std::optional<uint64_t> entryAddress, entrySection;
  for (const object::SymbolRef &symbol : (*file)->symbols()) {
    auto name = symbol.getName();
    auto address = symbol.getAddress();
    auto section = symbol.getSection();
    if (!name || !address || !section) {
      consumeError(name.takeError());
      consumeError(address.takeError());
      consumeError(section.takeError());
      continue;
    }
    if (*name == entry && *section != (*file)->section_end()) {
      entryAddress = *address;
      entrySection = (*section)->getIndex();
      break;
    }
  }
  if (!entryAddress)
    return;
  std::unique_ptr<DWARFContext> dwarf = DWARFContext::create(**file);
  std::map<std::string, uint32_t> fileIndex;
  for (const auto &unit : dwarf->compile_units()) {
    const DWARFDebugLine::LineTable *table = dwarf->getLineTableForUnit(unit.get());
    if (!table)
      continue;
    for (const DWARFDebugLine::Row &row : table->Rows) {
      if (row.Address.SectionIndex != *entrySection)
        continue;
      if (row.EndSequence) { // past the end of a function: unknown
        object.lines.push_back({static_cast<int64_t>(row.Address.Address - *entryAddress), 0, 0, 0});
        continue;
      }
      std::string name;
      uint32_t index = 0;
      if (row.Line && table->getFileNameByIndex(
                          row.File, unit->getCompilationDir(),
                          DILineInfoSpecifier::FileLineInfoKind::AbsoluteFilePath, name)) {
        auto [it, added] = fileIndex.try_emplace(name, object.files.size());
        if (added)
          object.files.push_back(name);
        index = it->second;
      }
      object.lines.push_back({static_cast<int64_t>(row.Address.Address - *entryAddress),
                              row.Line, row.Column, index});
    }
  }
  std::stable_sort(object.lines.begin(), object.lines.end(),
                   [](const Object::LineRow &a, const Object::LineRow &b) {
                     return a.offset < b.offset;
                   });
}
