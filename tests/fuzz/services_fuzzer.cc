// Fuzzes the services-file parser (the data/services.tsv format) and, when a
// text parses, the queries the scanner makes of the table.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "core/services.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto t = tj::ServiceTable::Parse(text);
  if (!t.ok()) {
    if (t.error().message.empty()) std::abort();
    return 0;
  }
  for (std::string_view name : t->AllNames()) {
    if (name.empty()) std::abort();
    bool found = false;
    for (tj::Proto proto : {tj::Proto::kTcp, tj::Proto::kUdp})
      for (uint16_t p : t->PortsNamed(name, proto)) {
        found = true;
        if (t->Name(proto, p).size() != name.size()) std::abort();
      }
    if (!found) std::abort();
  }
  // TopPorts promises exactly n distinct ports, ranked ones first.
  size_t n = size % 2 ? 7 : 300;
  for (tj::Proto proto : {tj::Proto::kTcp, tj::Proto::kUdp}) {
    std::vector<uint16_t> top = t->TopPorts(proto, n);
    if (top.size() != n) std::abort();
    std::vector<bool> seen(65536);
    for (uint16_t p : top) {
      if (p == 0 || seen[p]) std::abort();
      seen[p] = true;
    }
  }
  return 0;
}
