#include "probes/tcp_probe.h"

#include "probes/icmp_verdict.h"
#include "probes/flag_probes.h"

namespace tj {

Verdict TcpProbe::OnIcmp(const Reply& r) const {
  return ClassifyIcmp(!r.src.is_v4(), r.icmp_type, r.icmp_code);
}

std::unique_ptr<TcpProbe> MakeTcpProbe(Technique t) {
  switch (t) {
    case Technique::kSyn: return MakeSynProbe();
    case Technique::kFin: return MakeFinProbe();
    case Technique::kNull: return MakeNullProbe();
    case Technique::kXmas: return MakeXmasProbe();
    case Technique::kAck: return MakeAckProbe();
    case Technique::kWindow: return MakeWindowProbe();
    case Technique::kConnect: break;
  }
  return nullptr;
}

}  // namespace tj
