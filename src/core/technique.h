// The TCP scan techniques, declared once: the option that asks for each,
// its name in reports (nmap's scaninfo type), its help line and whether it
// needs raw sockets. The CLI's options and help, the audit plan, the scan
// session and the raw probes (probes/tcp_probe.h, keyed by Technique) all
// read this table; adding a technique is a row here and a probe class.
// Thread-safety: constant data.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace tj {

enum class Technique : uint8_t { kConnect, kSyn, kFin, kNull, kXmas, kAck, kWindow };

struct TechniqueRow {
  Technique id;
  std::string_view option;  // "-sS"
  std::string_view name;    // "syn"
  std::string_view help;
  bool raw;                 // needs CAP_NET_RAW (a probes/ class sends it)
};

inline constexpr TechniqueRow kTechniqueRows[] = {
    {Technique::kConnect, "-sT", "connect", "TCP connect scan (no privileges needed)", false},
    {Technique::kSyn, "-sS", "syn", "TCP SYN (half-open) scan: the default with CAP_NET_RAW", true},
    {Technique::kFin, "-sF", "fin", "TCP FIN scan: closed ports answer RST, others stay silent", true},
    {Technique::kNull, "-sN", "null", "TCP NULL scan: a probe with no flags", true},
    {Technique::kXmas, "-sX", "xmas", "TCP Xmas scan: FIN, PSH and URG", true},
    {Technique::kAck, "-sA", "ack", "TCP ACK scan: maps firewall rules (unfiltered or filtered)", true},
    {Technique::kWindow, "-sW", "window", "TCP Window scan: an ACK scan reading the RST's window", true},
};

constexpr std::span<const TechniqueRow> Techniques() { return kTechniqueRows; }

constexpr const TechniqueRow& RowOf(Technique t) {
  for (const auto& r : kTechniqueRows)
    if (r.id == t) return r;
  return kTechniqueRows[0];  // unreachable: every enumerator has a row
}

constexpr std::optional<Technique> TechniqueByName(std::string_view name) {
  for (const auto& r : kTechniqueRows)
    if (r.name == name) return r.id;
  return std::nullopt;
}

}  // namespace tj
