// The probe database compiled into the binary (data/service-probes.txt),
// and loading one from a file (--service-db).
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "service/probe_db.h"

#include "core/input_file.h"

namespace tj {
namespace embedded {
extern const std::string_view service_probes;
}  // namespace embedded

const ProbeDb& BuiltinProbeDb() {
  // The embedded file is tested (probe_db_test.cc), so it always parses; an
  // error here would be a build that skipped the tests, and leaves no probes.
  static const ProbeDb db = [] {
    auto r = ParseProbeDb(embedded::service_probes, "data/service-probes.txt");
    if (!r) {
      fmt::print(stderr, "tojimari: {}\n", r.error().message);
      return ProbeDb{};
    }
    return std::move(*r);
  }();
  return db;
}

Result<ProbeDb> LoadProbeDbFile(const std::string& path) {
  // nmap's own file is 2.5 MB; 8 MiB keeps --service-db /dev/zero harmless
  // (README, "Input limits").
  auto read = ReadBoundedFile(path, 8ull << 20, "service database");
  if (!read) return read.error();
  std::string text = std::move(*read);
  // nmap's file starts its probes with "Probe TCP ..."; ours with "probe NAME tcp".
  bool nmap = text.starts_with("Probe ") || text.find("\nProbe ") != std::string::npos;
  return nmap ? ParseNmapProbeDb(text, path) : ParseProbeDb(text, path);
}

}  // namespace tj
