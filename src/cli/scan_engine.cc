#include "cli/scan_engine.h"

#include <charconv>
#include <fmt/format.h>

#include "engine/connect_engine.h"
#include "discovery/host_discovery.h"
#include "engine/raw_engine.h"
#include "net/privileges.h"
#include "net/route.h"

namespace tj {
namespace {

Result<Shard> ParseShard(const std::string& text, uint64_t seed) {
  Shard s;
  unsigned long i = 0, n = 0;
  size_t slash = text.find('/');
  auto ok = [](std::string_view v, unsigned long* out) {
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), *out);
    return !v.empty() && ec == std::errc() && p == v.data() + v.size();
  };
  if (slash == std::string::npos || !ok(std::string_view(text).substr(0, slash), &i) ||
      !ok(std::string_view(text).substr(slash + 1), &n) || n == 0 || i == 0 || i > n)
    return MakeError(fmt::format("--shard \"{}\": expected I/N with 1 <= I <= N", text));
  if (seed == 0) return MakeError("--shard needs --seed: every machine must use the same probe order");
  s.index = i - 1;
  s.count = n;
  return s;
}

ChosenEngine ConnectChoice(const Timing& timing, const ScanOptions& o, const std::atomic<bool>* stop,
                           std::atomic<uint64_t>* probes) {
  ConnectOptions co;
  co.timing = timing;
  co.seed = o.seed;
  co.stop = stop;
  co.probes_sent = probes;
  auto engine = std::make_shared<ConnectEngine>(co);
  ChosenEngine c;
  c.type = "connect";
  c.scan = [engine](const std::vector<HostJob>& jobs, ResultSink* sink) { return engine->Run(jobs, sink); };
  c.stats = [engine] {
    const ConnectStats& s = engine->stats();
    return fmt::format("Probes: {} sent ({} retransmitted), {} answered, {} loss events", s.probes_sent,
                       s.retransmits, s.replies, s.loss_events);
  };
  c.keep = engine;
  return c;
}

// nmap's discovery probes: the user's -P options, else -PE -PS443 -PA80 -PP.
DiscoveryProbes ChooseProbes(const ScanOptions& o) {
  DiscoveryProbes p;
  p.neighbour = !o.disable_arp_ping;
  if (!o.ping_echo && !o.ping_timestamp && !o.ping_arp && !o.ping_syn && !o.ping_ack && !o.ping_udp) return p;
  auto ports = [](const std::optional<std::vector<uint16_t>>& given, uint16_t dflt) {
    if (!given) return std::vector<uint16_t>{};
    return given->empty() ? std::vector<uint16_t>{dflt} : *given;
  };
  p.echo = o.ping_echo;
  p.timestamp = o.ping_timestamp;
  p.syn = ports(o.ping_syn, 80);
  p.ack = ports(o.ping_ack, 80);
  p.udp = ports(o.ping_udp, kDefaultUdpPingPort);
  return p;
}

// Raw host discovery, opened while privileged; null when it does not apply
// (-Pn, or no raw privileges: connects to 80 and 443 decide then).
Result<std::shared_ptr<HostDiscovery>> OpenDiscovery(const ScanOptions& o, const TargetList& targets,
                                                      const Timing& timing, const std::atomic<bool>* stop,
                                                      std::atomic<uint64_t>* probes, bool privileged,
                                                      std::vector<std::string>* notices) {
  const bool chose = o.ping_echo || o.ping_timestamp || o.ping_arp || o.ping_syn || o.ping_ack || o.ping_udp;
  if (o.skip_discovery) return std::shared_ptr<HostDiscovery>();
  if (!privileged) {
    if (chose) notices->push_back("The -P discovery probes need CAP_NET_RAW; using connects to 80 and 443");
    return std::shared_ptr<HostDiscovery>();
  }
  DiscoveryOptions d;
  d.probes = ChooseProbes(o);
  d.timing = timing;
  d.stop = stop;
  d.probes_sent = probes;
  auto opened = HostDiscovery::Open(d, targets.RouteSamples());
  if (!opened) return opened.error();
  return std::shared_ptr<HostDiscovery>(std::move(*opened));
}

void AddDiscovery(std::shared_ptr<HostDiscovery> d, ChosenEngine* c) {
  if (!d) return;
  c->discover = [d](const std::vector<Address>& hosts) -> Result<std::vector<HostOutcome>> {
    auto v = d->Run(hosts);
    if (!v) return v.error();
    std::vector<HostOutcome> out(hosts.size());
    for (size_t i = 0; i < hosts.size(); ++i) {
      out[i].addr = hosts[i];
      out[i].up = (*v)[i].up;
      out[i].up_reason = (*v)[i].reason;
      out[i].up_ttl = (*v)[i].reason_ttl;
      out[i].latency = (*v)[i].latency;
      out[i].mac = (*v)[i].mac;
    }
    return out;
  };
  auto ports = c->stats;
  c->stats = [d, ports] {
    const DiscoveryStats& s = d->stats();
    std::string line = fmt::format("Discovery: {} probes sent ({} retransmitted), {} hosts answered, {} foreign replies",
                                   s.sent, s.retransmits, s.answers, s.foreign);
    return ports ? line + "\n" + ports() : line;
  };
}

Result<ChosenEngine> ChoosePortEngine(const ScanOptions& o, const TargetList& targets, const Timing& timing,
                                      const std::atomic<bool>* stop, std::atomic<uint64_t>* probes,
                                      bool privileged, std::vector<std::string>* notices);

}  // namespace

Result<ChosenEngine> ChooseEngine(const ScanOptions& o, const TargetList& targets, const Timing& timing,
                                  const std::atomic<bool>* stop, std::atomic<uint64_t>* probes,
                                  std::vector<std::string>* notices) {
  const bool privileged = HaveRawPrivileges();
  auto discovery = OpenDiscovery(o, targets, timing, stop, probes, privileged, notices);
  if (!discovery) return discovery.error();
  ChosenEngine c;
  if (o.ping_scan) {
    c.max_group_hosts = 1 << 16;
  } else {
    auto e = ChoosePortEngine(o, targets, timing, stop, probes, privileged, notices);
    if (!e) return e.error();
    c = std::move(*e);
  }
  if (*discovery && (o.ping_scan || c.type == "connect")) {
    // The raw engine dropped privileges itself; discovery's sockets are
    // open, so nothing else needs them now.
    auto dropped = DropPrivileges();
    if (!dropped) return dropped.error();
    if (o.verbose) notices->push_back("Privileges dropped: " + *dropped);
  }
  AddDiscovery(std::move(*discovery), &c);
  return c;
}

namespace {

Result<ChosenEngine> ChoosePortEngine(const ScanOptions& o, const TargetList& targets, const Timing& timing,
                                      const std::atomic<bool>* stop, std::atomic<uint64_t>* probes,
                                      bool privileged, std::vector<std::string>* notices) {
  std::string tech = o.technique.empty() ? (privileged ? "-sS" : "-sT") : o.technique;
  if (tech != "-sT" && !privileged) {
    if (tech != "-sS")
      return MakeError(fmt::format("{} needs raw sockets: run as root or give the binary "
                                   "cap_net_raw (setcap cap_net_raw,cap_net_admin+ep tojimari)", tech));
    notices->push_back("SYN scan (-sS) needs CAP_NET_RAW; falling back to a connect scan (-sT)");
    tech = "-sT";
  }
  // Frames sent on the loopback interface through a packet socket are not
  // answered by the kernel, so raw scans cannot see the local machine; nmap
  // makes the same switch.
  if (tech != "-sT") {
    for (const Address& a : targets.RouteSamples()) {
      auto route = LookupRoute(a);
      if (!route || !route->loopback) continue;
      if (tech != "-sS")
        return MakeError(fmt::format("{} cannot scan the local machine ({} is reached through {}): use -sT",
                                     tech, a.ToString(), route->ifname));
      if (!o.technique.empty())
        notices->push_back(fmt::format("{} is this machine: raw packets do not work on loopback, using a "
                                       "connect scan (-sT)", a.ToString()));
      tech = "-sT";
      break;
    }
  }
  if (tech == "-sT") {
    if (!o.shard.empty()) return MakeError("--shard works with the raw scans (-sS, -sF, ...), not -sT");
    return ConnectChoice(timing, o, stop, probes);
  }
  const TechniqueInfo* info = FindTechnique(tech);
  RawOptions ro;
  ro.timing = timing;
  ro.seed = o.seed;
  ro.stop = stop;
  ro.probes_sent = probes;
  if (!o.shard.empty()) {
    auto shard = ParseShard(o.shard, o.seed);
    if (!shard) return shard.error();
    ro.shard = *shard;
  }
  auto opened = RawEngine::Open(ro, info->make(), targets.RouteSamples());
  if (!opened) return opened.error();
  std::shared_ptr<RawEngine> engine = std::move(*opened);
  // Everything privileged is open: give the privileges up before the first
  // packet is read.
  auto dropped = DropPrivileges();
  if (!dropped) return dropped.error();
  if (o.verbose) notices->push_back("Privileges dropped: " + *dropped);
  ChosenEngine c;
  c.type = std::string(info->name);
  c.max_group_hosts = 1 << 20;
  c.probes_per_group = 1 << 21;
  c.scan = [engine](const std::vector<HostJob>& jobs, ResultSink* sink) { return engine->Run(jobs, sink); };
  c.stats = [engine] {
    const RawStats& s = engine->stats();
    return fmt::format(
        "Probes: {} sent ({} retransmitted) in {} passes, {} answered, {} foreign replies, {} ring drops, "
        "{} frames dropped by the parser; rate now {:.0f}/s",
        s.sent, s.retransmits, s.passes, s.answers, s.foreign, s.ring_drops,
        s.parse.truncated + s.parse.malformed + s.parse.bad_quote, engine->rate());
  };
  c.keep = engine;
  return c;
}

}  // namespace
}  // namespace tj
