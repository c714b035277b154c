#include "probes/tcp_probe.h"

#include "probes/icmp_verdict.h"
#include "probes/flag_probes.h"

namespace tj {

Verdict TcpProbe::OnIcmp(const Reply& r) const {
  return ClassifyIcmp(!r.src.is_v4(), r.icmp_type, r.icmp_code);
}

namespace {

constexpr TechniqueInfo kTechniques[] = {
    {"-sS", "syn", "TCP SYN (half-open) scan: the default with CAP_NET_RAW", MakeSynProbe},
    {"-sF", "fin", "TCP FIN scan: closed ports answer RST, others stay silent", MakeFinProbe},
    {"-sN", "null", "TCP NULL scan: a probe with no flags", MakeNullProbe},
    {"-sX", "xmas", "TCP Xmas scan: FIN, PSH and URG", MakeXmasProbe},
    {"-sA", "ack", "TCP ACK scan: maps firewall rules (unfiltered or filtered)", MakeAckProbe},
    {"-sW", "window", "TCP Window scan: an ACK scan reading the RST's window", MakeWindowProbe},
};

}  // namespace

std::span<const TechniqueInfo> TcpTechniques() { return kTechniques; }

const TechniqueInfo* FindTechnique(std::string_view option) {
  for (const auto& t : kTechniques)
    if (t.option == option) return &t;
  return nullptr;
}

}  // namespace tj
