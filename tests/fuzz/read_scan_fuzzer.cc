// Fuzzes the report reader (report/read_scan.h): hostile JSON and XML files
// given to audit, history and diff. It must never crash, never fetch, and
// either read a record that keeps its promises or give a one-line error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <tuple>

#include "report/read_scan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  tj::Result<tj::ScanRecord> r = tj::ReadScanText(text, "fuzz");
  if (!r.ok()) {
    const std::string& m = r.error().message;
    if (!m.starts_with("fuzz") || m.find('\n') != std::string::npos) std::abort();
    return 0;
  }
  for (const tj::HostResult& h : r->hosts) {
    for (size_t i = 0; i < h.ports.size(); ++i) {
      if (h.ports[i].addr != h.addr) std::abort();
      if (i > 0 && std::tie(h.ports[i].proto, h.ports[i].port) < std::tie(h.ports[i - 1].proto, h.ports[i - 1].port))
        std::abort();
    }
  }
  return 0;
}
