#include "session/scan_inputs.h"

#include <fmt/format.h>

#include "net/resolve.h"
#include "report/port_fold.h"

namespace tj {

Timing ComposeTiming(const ScanRequest& o) {
  Timing t = TimingTemplate(o.timing_level);
  if (o.max_retries) t.max_retries = *o.max_retries;
  if (o.host_timeout) t.host_timeout = *o.host_timeout;
  if (o.min_rtt_timeout) t.min_rtt_timeout = *o.min_rtt_timeout;
  if (o.max_rtt_timeout) t.max_rtt_timeout = *o.max_rtt_timeout;
  if (o.initial_rtt_timeout) t.initial_rtt_timeout = *o.initial_rtt_timeout;
  if (o.scan_delay) t.scan_delay = *o.scan_delay;
  if (o.max_parallelism) t.max_parallelism = o.max_parallelism;
  t.min_rate = o.min_rate;
  t.max_rate = o.max_rate;
  return t;
}

Status BuildTargets(const ScanRequest& o, TargetList* list) {
  Resolver resolve = ResolveHost;
  for (const auto& t : o.targets) {
    // nmap's rule: -6 means IPv6 targets; an IPv4 literal there is a mistake.
    auto lit = Address::Parse(t.substr(0, t.find('/')));
    if (o.family == FamilyChoice::kV6 && lit && lit->is_v4())
      return MakeError(fmt::format("target \"{}\" is an IPv4 address, but -6 asks for IPv6", t));
    if (o.family_given && o.family == FamilyChoice::kV4 && lit && !lit->is_v4())
      return MakeError(fmt::format("target \"{}\" is an IPv6 address, but -4 asks for IPv4", t));
    if (Status s = list->Add(t, o.family, resolve); !s.ok()) return s;
  }
  for (const auto& f : o.target_files)
    if (Status s = list->AddFile(f, o.family, resolve, false); !s.ok()) return s;
  for (const auto& t : o.excludes)
    if (Status s = list->AddExclude(t, o.family, resolve); !s.ok()) return s;
  for (const auto& f : o.exclude_files)
    if (Status s = list->AddFile(f, o.family, resolve, true); !s.ok()) return s;
  if (list->empty()) return MakeError("no targets given (try: tojimari help scan)");
  if (list->size() > o.max_targets && !o.i_know)
    return MakeError(fmt::format("{} target addresses, more than --max-targets {}: scan only what you own or may "
                                 "scan; give --i-know to go ahead (or narrow the targets, or --exclude-file)",
                                 list->size(), o.max_targets));
  return Status::Ok();
}

Result<ScanPorts> BuildPorts(const ScanRequest& o, const ServiceTable& services) {
  if (o.ping_scan) {
    if (o.ports || o.top_ports) return MakeError("-sn scans no ports: leave out -p, --top-ports and -F");
    return ScanPorts{};
  }
  if (o.ports && o.top_ports) return MakeError("-p and --top-ports/-F cannot be combined");
  const bool tcp = o.ScansTcp();
  const bool udp = o.udp_scan;
  ScanPorts out;
  if (!o.ports) {
    const size_t n = o.top_ports ? o.top_ports : 1000;
    if (tcp) out.tcp = services.TopPorts(Proto::kTcp, n);
    if (udp) out.udp = services.TopPorts(Proto::kUdp, n);
    return out;
  }
  const PortSpec& spec = *o.ports;
  // Messages quote the spec as the user wrote it (or, for a request built
  // by a program, as ranges).
  std::string text = o.ports_text;
  if (text.empty()) {
    if (!spec.tcp.empty()) text = "T:" + PortRanges(spec.tcp.ToVector());
    if (!spec.udp.empty()) text += (text.empty() ? "U:" : ",U:") + PortRanges(spec.udp.ToVector());
  }
  if (tcp) out.tcp = spec.tcp.ToVector();
  if (udp) out.udp = spec.udp.ToVector();
  if (tcp && out.tcp.empty() && !udp) return MakeError(fmt::format("port spec \"{}\" names no TCP port", text));
  if (udp && out.udp.empty() && !tcp)
    return MakeError(fmt::format("port spec \"{}\" names no UDP port (U:53 or a plain list)", text));
  if (out.tcp.empty() && out.udp.empty()) return MakeError(fmt::format("port spec \"{}\" names no port to scan", text));
  if (!spec.udp.empty() && !udp && spec.tcp.size() != spec.udp.size())
    return MakeError(fmt::format("port spec \"{}\" names UDP ports: add -sU to scan them", text));
  return out;
}

}  // namespace tj
