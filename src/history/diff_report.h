// A ScanDiff as text for people (like ndiff's, with the change spelled out
// on every line) and as JSON for tools (docs/DIFF-JSON.md).
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "history/diff.h"

namespace tj {

// Which scan one side of a diff is.
struct DiffSide {
  std::optional<int64_t> id;  // from the history
  std::string file;           // from a report file
  const ScanRecord* scan = nullptr;
};

// The version of the diff JSON document; bump it when a field changes
// meaning or goes away.
inline constexpr int kDiffJsonVersion = 1;

// Keys in the documented order (docs/DIFF-JSON.md), for people reading it.
std::string DiffText(const ScanDiff& d, const DiffSide& before, const DiffSide& after);
nlohmann::ordered_json DiffJson(const ScanDiff& d, const DiffSide& before, const DiffSide& after);

}  // namespace tj
