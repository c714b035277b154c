// Fuzzes service detection's parsers of outside input: the reply a hostile
// server sends, matched against every built-in signature (and the $1
// substitution into reports), and probe files in both our format and nmap's
// (--service-db reads a user's file). An input starting with "#db" is a
// probe file; anything else is a reply.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "service/match.h"
#include "service/probe_db.h"

namespace tj::embedded {
extern const std::string_view service_probes;
}  // namespace tj::embedded

namespace {

void CheckPrintable(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c >= 0x7f) std::abort();  // reports get plain text only
}

void MatchAll(const tj::ProbeDb& db, std::string_view reply) {
  for (const auto& p : db.probes) {
    tj::MatchResult m = tj::MatchReply(db, p, reply);
    if (!m.matched) continue;
    // A match names a service; only an echo (the reply repeats the probe,
    // as the fuzzer's input may) has no signature behind it.
    if (m.info.name.empty() || (!m.sig && m.info.name != "echo")) std::abort();
    CheckPrintable(m.info.product);
    CheckPrintable(m.info.version);
    CheckPrintable(m.info.extrainfo);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const tj::ProbeDb builtin = [] {
    auto db = tj::ParseProbeDb(tj::embedded::service_probes, "data/service-probes.txt");
    if (!db) std::abort();
    return std::move(*db);
  }();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (!in.starts_with("#db")) {
    MatchAll(builtin, in);
    return 0;
  }
  in.remove_prefix(3);
  bool nmap = in.find("Probe ") != std::string_view::npos;
  auto db = nmap ? tj::ParseNmapProbeDb(in, "fuzz") : tj::ParseProbeDb(in, "fuzz");
  if (!db) {
    if (!db.error().message.starts_with("fuzz:")) std::abort();
    return 0;
  }
  MatchAll(*db, "SSH-2.0-OpenSSH_9.2p1\r\nHTTP/1.1 200 OK\r\n\r\n");
  return 0;
}
