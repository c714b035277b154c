#include "session/engines.h"

#include <unistd.h>

#include <ifaddrs.h>

#include <charconv>
#include <fmt/format.h>

#include "engine/connect_engine.h"
#include "discovery/host_discovery.h"
#include "engine/raw_engine.h"
#include "engine/udp_engine.h"
#include "core/technique.h"
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

// -S: literal addresses, ranges and prefixes ("198.18.0.10-17"), each of
// them an address of this machine: the answers must come back here.
Result<std::vector<Address>> ParseSources(const std::vector<std::string>& items) {
  std::vector<Address> out;
  for (const std::string& item : items) {
    TargetList list;
    Resolver literal_only = [&](std::string_view, FamilyChoice) -> Result<std::vector<Address>> {
      return MakeError(fmt::format("-S \"{}\": give addresses, not names", item));
    };
    if (Status s = list.Add(item, FamilyChoice::kV4, literal_only); !s.ok())
      return MakeError(fmt::format("-S: {}", s.message()));
    if (list.size() > 256) return MakeError(fmt::format("-S \"{}\": more than 256 addresses", item));
    for (uint64_t i = 0; i < list.size(); ++i)
      if (auto a = list.Get(i)) out.push_back(*a);
  }
  ifaddrs* ifs = nullptr;
  if (!out.empty() && getifaddrs(&ifs) == 0) {
    for (const Address& a : out) {
      bool mine = false;
      for (ifaddrs* i = ifs; i && !mine; i = i->ifa_next) {
        if (!i->ifa_addr) continue;
        auto local = Address::FromSockaddr(i->ifa_addr);
        mine = local && *local == a;
      }
      if (!mine) {
        freeifaddrs(ifs);
        return MakeError(fmt::format("-S {}: not an address of this machine (answers could not come back)",
                                     a.ToString()));
      }
    }
    freeifaddrs(ifs);
  }
  return out;
}

// Raw packets sent on loopback are not answered, so raw scans cannot see
// this machine. The route sample that is local, if any.
std::optional<std::pair<Address, std::string>> LocalTarget(const TargetList& targets) {
  for (const Address& a : targets.RouteSamples()) {
    auto route = LookupRoute(a);
    if (route && route->loopback) return std::make_pair(a, route->ifname);
  }
  return std::nullopt;
}

ChosenEngine ConnectChoice(const Timing& timing, const ScanRequest& o, const std::atomic<bool>* stop,
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

}  // namespace

namespace {

// nmap's discovery probes: the user's -P options, else -PE -PS443 -PA80 -PP.
DiscoveryProbes ChooseProbes(const ScanRequest& o) {
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
Result<std::shared_ptr<HostDiscovery>> OpenDiscovery(const ScanRequest& o, const TargetList& targets,
                                                      const Timing& timing, const std::atomic<bool>* stop,
                                                      std::atomic<uint64_t>* probes, bool privileged,
                                                      const std::function<void(const std::string&)>& notice) {
  const bool chose = o.ping_echo || o.ping_timestamp || o.ping_arp || o.ping_syn || o.ping_ack || o.ping_udp;
  if (o.skip_discovery) return std::shared_ptr<HostDiscovery>();
  if (!privileged) {
    if (chose) notice("The -P discovery probes need CAP_NET_RAW; using connects to 80 and 443");
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

std::string RawStatsLine(const RawEngine& e) {
  const RawStats& s = e.stats();
  return fmt::format(
      "Probes: {} sent ({} retransmitted) in {} passes, {} answered, {} foreign replies, {} ring drops, "
      "{} frames dropped by the parser; rate now {:.0f}/s{}",
      s.sent, s.retransmits, s.passes, s.answers, s.foreign, s.ring_drops,
      s.parse.truncated + s.parse.malformed + s.parse.bad_quote, e.rate(),
      s.canaries ? fmt::format("; {} canaries (re-asked answered ports)", s.canaries) : "");
}

const char kRawHint[] = "run as root or give the binary cap_net_raw (setcap cap_net_raw,cap_net_admin+ep tojimari)";

// The port scan engines (TCP and UDP); *raw tells whether one of them holds
// raw sockets (the caller then drops privileges).
// The most answers `per_host` probes to each target can bring (0: too many
// to matter, or not known).
uint64_t MostAnswers(const TargetList& targets, size_t per_host) {
  if (per_host == 0) return 0;
  const uint64_t hosts = targets.size();
  if (hosts > (uint64_t{1} << 40) / per_host) return 0;
  return hosts * per_host;
}

Result<ChosenEngine> ChoosePortEngine(const EngineChoice& ch, bool privileged, bool* raw) {
  const ScanRequest& o = *ch.req;
  const TargetList& targets = *ch.targets;
  const bool want_tcp = o.ScansTcp();
  auto sources = ParseSources(o.sources);
  if (!sources) return sources.error();
  const auto local = LocalTarget(targets);
  if (o.udp_scan) {
    if (!privileged) return MakeError(fmt::format("-sU needs raw sockets: {}", kRawHint));
    if (local)
      return MakeError(fmt::format("-sU cannot scan the local machine ({} is reached through {}): raw packets "
                                   "on loopback are not answered", local->first.ToString(), local->second));
  }
  Technique tech = o.technique.value_or(privileged ? Technique::kSyn : Technique::kConnect);
  const std::string_view option = RowOf(tech).option;
  if (RowOf(tech).raw && !privileged) {
    if (tech != Technique::kSyn) return MakeError(fmt::format("{} needs raw sockets: {}", option, kRawHint));
    ch.notice("SYN scan (-sS) needs CAP_NET_RAW; falling back to a connect scan (-sT)");
    tech = Technique::kConnect;
  }
  // Frames sent on the loopback interface through a packet socket are not
  // answered by the kernel, so raw scans cannot see the local machine; nmap
  // makes the same switch.
  if (want_tcp && RowOf(tech).raw && local) {
    if (tech != Technique::kSyn)
      return MakeError(fmt::format("{} cannot scan the local machine ({} is reached through {}): use -sT",
                                   option, local->first.ToString(), local->second));
    if (o.technique)
      ch.notice(fmt::format("{} is this machine: raw packets do not work on loopback, using a "
                            "connect scan (-sT)", local->first.ToString()));
    tech = Technique::kConnect;
  }
  if (!o.shard.empty() && (o.udp_scan || tech == Technique::kConnect))
    return MakeError("--shard works with the raw TCP scans (-sS, -sF, ...), not -sT or -sU");
  ChosenEngine c;
  std::vector<std::function<std::string()>> stats;
  std::vector<std::shared_ptr<void>> keep;
  *raw = false;
  if (want_tcp && tech == Technique::kConnect) {
    c = ConnectChoice(ch.timing, o, ch.stop, ch.probes);
    stats.push_back(c.stats);
    keep.push_back(c.keep);
  } else if (want_tcp) {
    RawOptions ro;
    ro.timing = ch.timing;
    ro.seed = o.seed;
    ro.stop = ch.stop;
    ro.probes_sent = ch.probes;
    ro.sources = *sources;
    ro.defeat_rst_limit = o.defeat_rst_limit;
    ro.answers = MostAnswers(targets, ch.ports.tcp);
    // As nmap says "Increasing send delay", at once and once per event.
    ro.notice = [note = ch.notice](const std::string& line) { note("Note: " + line); };
    if (!o.shard.empty()) {
      auto shard = ParseShard(o.shard, o.seed);
      if (!shard) return shard.error();
      ro.shard = *shard;
    }
    auto opened = RawEngine::Open(ro, MakeTcpProbe(tech), targets.RouteSamples());
    if (!opened) return opened.error();
    std::shared_ptr<RawEngine> engine = std::move(*opened);
    c.type = std::string(RowOf(tech).name);
    c.max_group_hosts = 1 << 20;
    c.probes_per_group = 1 << 21;
    c.scan = [engine](const std::vector<HostJob>& jobs, ResultSink* sink) { return engine->Run(jobs, sink); };
    stats.push_back([engine] { return RawStatsLine(*engine); });
    keep.push_back(engine);
    *raw = true;
  }
  if (o.udp_scan) {
    UdpOptions uo;
    uo.timing = ch.timing;
    uo.fast = o.udp_fast;
    uo.sources = *sources;
    uo.stop = ch.stop;
    uo.probes_sent = ch.probes;
    uo.answers = MostAnswers(targets, ch.ports.udp);
    // Our payloads, then nmap's (when installed) for the ports ours has
    // none for; --service-db ours: ours alone.
    uo.payloads = o.service_db == "ours" ? &UdpPayloadTable::Builtin() : &UdpPayloadTable::BuiltinWithNmap();
    auto opened = UdpEngine::Open(uo, targets.RouteSamples());
    if (!opened) return opened.error();
    std::shared_ptr<UdpEngine> engine = std::move(*opened);
    c.udp_scan = [engine](const std::vector<HostJob>& jobs, ResultSink* sink) { return engine->Run(jobs, sink); };
    if (!want_tcp) c.type = "udp";
    // Every host of a group is probed at once; the ICMP limit is per host,
    // so groups need not be small, only bounded in memory.
    c.max_group_hosts = std::min<size_t>(c.max_group_hosts, 4096);
    stats.push_back([engine] { return engine->Summary(); });
    keep.push_back(engine);
    *raw = true;
  }
  c.stats = [stats] {
    std::string line;
    for (const auto& f : stats) line += (line.empty() ? "" : "\n") + f();
    return line;
  };
  c.keep = std::make_shared<std::vector<std::shared_ptr<void>>>(std::move(keep));
  return c;
}

}  // namespace

Result<ChosenEngine> ChooseEngine(const EngineChoice& ch) {
  const ScanRequest& o = *ch.req;
  const bool privileged = HaveRawPrivileges();
  auto discovery = OpenDiscovery(o, *ch.targets, ch.timing, ch.stop, ch.probes, privileged, ch.notice);
  if (!discovery) return discovery.error();
  ChosenEngine c;
  bool raw = false;
  if (o.ping_scan) {
    c.max_group_hosts = 1 << 16;
  } else {
    auto e = ChoosePortEngine(ch, privileged, &raw);
    if (!e) return e.error();
    c = std::move(*e);
  }
  // A binary with file capabilities (the package's privileged copy) gives
  // them up whatever the scan turned out to need.
  if (raw || *discovery || (privileged && geteuid() != 0)) {
    // Everything privileged is open: give the privileges up before the
    // first packet is read.
    auto dropped = DropPrivileges();
    if (!dropped) return dropped.error();
    if (o.verbose) ch.notice("Privileges dropped: " + *dropped);
  }
  AddDiscovery(std::move(*discovery), &c);
  return c;
}

}  // namespace tj
