// The table of audit output formats.
#include "audit/format.h"

#include <fmt/format.h>

#include "core/spellcheck.h"

namespace tj {
namespace {

constexpr AuditFormat kFormats[] = {
    {"text", RenderAuditText},
    {"json", RenderAuditJson},
    {"sarif", RenderAuditSarif},
    {"junit", RenderAuditJunit},
};

}  // namespace

std::span<const AuditFormat> AuditFormats() { return kFormats; }

Result<AuditFormat> FindAuditFormat(std::string_view name) {
  std::vector<std::string_view> names;
  for (const AuditFormat& f : kFormats) {
    if (f.name == name) return f;
    names.push_back(f.name);
  }
  std::string hint = SpellCheck(name, names);
  return MakeError(fmt::format("unknown format \"{}\" ({})", name,
                               hint.empty() ? fmt::format("text, json, sarif or junit") : fmt::format("did you mean \"{}\"?", hint)));
}

}  // namespace tj
