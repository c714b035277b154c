// Fuzzes the record decoder (session/record_codec.h): the lines a scan
// child writes and the watch reads, one per input line. Whatever decodes
// must encode again to lines that decode to the same hosts.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "session/record_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  tj::ScanRecord r;
  tj::RecordDecoder d(&r);
  while (!text.empty()) {
    size_t nl = text.find('\n');
    if (!d.Line(text.substr(0, nl)).ok()) break;
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  for (const tj::HostResult& h : r.hosts) {
    auto again = tj::DecodeHostLine(tj::EncodeHostLine(h));
    if (!again || again->ports.size() != h.ports.size() || again->addr != h.addr) __builtin_trap();
    for (const auto& p : h.ports)
      if (p.port == 0) __builtin_trap();
  }
  return 0;
}
