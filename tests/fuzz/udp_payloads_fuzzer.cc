// Fuzzes the -sU payload file parser (data/udp-payloads.txt's format): any
// text parses or fails with a one-line error naming a line, and a parsed
// table never yields a datagram longer than a frame holds.
#include <cstdlib>
#include <string_view>

#include "probes/udp_payloads.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto t = tj::UdpPayloadTable::Parse(text);
  if (!t) {
    const std::string& m = t.error().message;
    if (m.rfind("line ", 0) != 0 || m.find('\n') != std::string::npos) std::abort();
    return 0;
  }
  for (uint32_t p = 0; p < 65536; p += 97)
    for (const tj::UdpPayload* u : t->For(static_cast<uint16_t>(p)))
      if (u->bytes.size() > 1400) std::abort();
  return 0;
}
