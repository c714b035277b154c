#include "cli/scan_engine.h"

#include <charconv>
#include <fmt/format.h>

#include "engine/connect_engine.h"
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

}  // namespace

Result<ChosenEngine> ChooseEngine(const ScanOptions& o, const TargetList& targets, const Timing& timing,
                                  const std::atomic<bool>* stop, std::atomic<uint64_t>* probes,
                                  std::vector<std::string>* notices) {
  const bool privileged = HaveRawPrivileges();
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

}  // namespace tj
