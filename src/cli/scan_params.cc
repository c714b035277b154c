// The parameter table of `tojimari scan`: nmap's option names and meanings.
#include <algorithm>
#include <charconv>
#include <utility>

#include "cli/scan_params.h"
#include "core/technique.h"
#include "core/port_spec.h"
#include "core/services.h"

namespace tj {
namespace {

using P = Param<ScanOptions>;
using O = ScanOptions;
using SV = std::string_view;

void AddList(std::vector<std::string>* into, SV v) {
  size_t pos = 0;
  while (pos <= v.size()) {
    size_t comma = std::min(v.find(',', pos), v.size());
    if (comma > pos) into->emplace_back(v.substr(pos, comma - pos));
    pos = comma + 1;
  }
}

// -PS/-PA/-PU: an optional port list ("-PS22,80,1000-1010").
Status SetPingPorts(std::optional<std::vector<uint16_t>>* into, SV v) {
  into->emplace();
  if (v.empty()) return Status::Ok();
  auto spec = ParsePortSpec(v, ServiceTable::Builtin());
  if (!spec) return Status(spec.error());
  if (spec->tcp.empty()) return MakeError(fmt::format("\"{}\" names no port", v));
  **into = spec->tcp.ToVector();
  return Status::Ok();
}

// One TCP technique per scan: a second is a mistake nmap reports too.
Status SetTechnique(O* o, Technique t) {
  if (o->technique && *o->technique != t)
    return MakeError(fmt::format("{} and {} are two TCP scan techniques: choose one", RowOf(*o->technique).option,
                                 RowOf(t).option));
  o->technique = t;
  return Status::Ok();
}

constexpr SV kPorts = "Ports";
constexpr SV kTargets = "Targets";
constexpr SV kTech = "Scan techniques and discovery";
constexpr SV kTiming = "Timing and performance";
constexpr SV kOutput = "Output";
constexpr SV kDetect = "Service and version detection";
constexpr SV kHistory = "History";

constexpr P kTable[] = {
    {"-p", ArgKind::kAttached, "PORTS", kPorts,
     "ports: 22; 1-1000; - (all); 1000-; T:80,U:53; ssh,http*",
     [](O& o, SV v) {
       // An empty list (an unset shell variable) is not "the default ports".
       if (v.empty()) return Status(MakeError("an empty port list (give ports, e.g. -p 22,80, or leave out -p)"));
       o.ports_text = v;
       return Status::Ok();
     }},
    {"--top-ports", ArgKind::kValue, "N", kPorts, "the N ports most often found open",
     [](O& o, SV v) {
       auto n = ParseNumber<int>(v, 1, 65535);
       if (!n) return Status(n.error());
       if (o.top_ports) return Status(MakeError("-F and --top-ports both choose how many ports: give one"));
       o.top_ports = *n;
       return Status::Ok();
     }},
    {"-F", ArgKind::kFlag, "", kPorts, "fast: the top 100 ports",
     [](O& o, SV) {
       if (o.top_ports) return Status(MakeError("-F and --top-ports both choose how many ports: give one"));
       o.top_ports = 100;
       return Status::Ok();
     }},
    {"-iL", ArgKind::kValue, "FILE", kTargets, "read targets from FILE (- for stdin)",
     [](O& o, SV v) { o.target_files.emplace_back(v); return Status::Ok(); }, true},
    {"--exclude", ArgKind::kValue, "LIST", kTargets, "leave out these targets (comma-separated)",
     [](O& o, SV v) { AddList(&o.excludes, v); return Status::Ok(); }, true},
    {"--exclude-file", ArgKind::kValue, "FILE", kTargets, "leave out the targets listed in FILE",
     [](O& o, SV v) { o.exclude_files.emplace_back(v); return Status::Ok(); }, true},
    {"--i-know", ArgKind::kFlag, "", kTargets,
     "scan more addresses than --max-targets: you own them or may scan them",
     [](O& o, SV) { o.i_know = true; return Status::Ok(); }},
    {"--max-targets", ArgKind::kValue, "N", kTargets,
     "more target addresses than N need --i-know (default 1048576, a /12)",
     [](O& o, SV v) { return SetNumber<uint64_t>(&o.max_targets, v, 1, UINT64_MAX); }},
    {"-6", ArgKind::kFlag, "", kTargets, "IPv6: host names resolve to their IPv6 addresses",
     [](O& o, SV) {
       if (o.family_given && o.family != FamilyChoice::kV6) return Status(MakeError("-4 and -6 contradict each other"));
       o.family = FamilyChoice::kV6;
       o.family_given = true;
       return Status::Ok();
     }},
    {"-4", ArgKind::kFlag, "", kTargets, "IPv4 (the default for host names)",
     [](O& o, SV) {
       if (o.family_given && o.family != FamilyChoice::kV4) return Status(MakeError("-4 and -6 contradict each other"));
       o.family = FamilyChoice::kV4;
       o.family_given = true;
       return Status::Ok();
     }},
    {"-n", ArgKind::kFlag, "", kTargets, "never do reverse DNS lookups",
     [](O& o, SV) { o.no_dns = true; return Status::Ok(); }},
    {"-sU", ArgKind::kFlag, "", kTech,
     "UDP scan with protocol payloads (needs CAP_NET_RAW); combine with a TCP scan: -sS -sU",
     [](O& o, SV) { o.udp_scan = true; return Status::Ok(); }},
    {"--udp-fast", ArgKind::kFlag, "", kTech,
     "UDP: do not wait out a host's ICMP rate limit; ports it left unanswered are closed|filtered",
     [](O& o, SV) { o.udp_fast = true; return Status::Ok(); }},
    {"--defeat-rst-ratelimit", ArgKind::kFlag, "", kTech,
     "TCP: do not wait out a host that caps its RSTs; ports it left unanswered are closed|filtered (rst-ratelimit)",
     [](O& o, SV) { o.defeat_rst_limit = true; return Status::Ok(); }},
    {"-S", ArgKind::kValue, "ADDRS", kTech,
     "source addresses of this machine: 198.18.0.10 or a list/range (198.18.0.10-17); UDP uses them all",
     [](O& o, SV v) { AddList(&o.sources, v); return Status::Ok(); }, true},
    {"-Pn", ArgKind::kFlag, "", kTech, "skip host discovery: treat every host as up",
     [](O& o, SV) { o.skip_discovery = true; return Status::Ok(); }},
    {"-sn", ArgKind::kFlag, "", kTech, "host discovery only: list the hosts that are up, scan no ports",
     [](O& o, SV) { o.ping_scan = true; return Status::Ok(); }},
    {"-PE", ArgKind::kFlag, "", kTech, "discovery probe: ICMP echo (needs raw sockets, as the -P probes)",
     [](O& o, SV) { o.ping_echo = true; return Status::Ok(); }},
    {"-PP", ArgKind::kFlag, "", kTech, "discovery probe: ICMP timestamp (IPv4)",
     [](O& o, SV) { o.ping_timestamp = true; return Status::Ok(); }},
    {"-PS", ArgKind::kOptional, "[PORTS]", kTech, "discovery probe: TCP SYN to PORTS (default 80)",
     [](O& o, SV v) { return SetPingPorts(&o.ping_syn, v); }},
    {"-PA", ArgKind::kOptional, "[PORTS]", kTech, "discovery probe: TCP ACK to PORTS (default 80)",
     [](O& o, SV v) { return SetPingPorts(&o.ping_ack, v); }},
    {"-PU", ArgKind::kOptional, "[PORTS]", kTech, "discovery probe: empty UDP datagram to PORTS (default 40125)",
     [](O& o, SV v) { return SetPingPorts(&o.ping_udp, v); }},
    {"-PR", ArgKind::kFlag, "", kTech, "discovery: ARP/NDP only (used on the local link anyway)",
     [](O& o, SV) { o.ping_arp = true; return Status::Ok(); }},
    {"--disable-arp-ping", ArgKind::kFlag, "", kTech, "on the local link, send the IP probes instead of ARP/NDP",
     [](O& o, SV) { o.disable_arp_ping = true; return Status::Ok(); }},
    {"-sV", ArgKind::kFlag, "", kDetect,
     "probe open ports (and open|filtered UDP ports, with -sU) for the service, product and version "
     "(and the TLS certificate, also via STARTTLS)",
     [](O& o, SV) { o.version_detect = true; return Status::Ok(); }},
    {"-A", ArgKind::kFlag, "", kDetect, "aggressive: enables -sV",
     [](O& o, SV) { o.version_detect = true; return Status::Ok(); }},
    {"--version-intensity", ArgKind::kValue, "0-9", kDetect,
     "how many probes to try: 0 light .. 9 all (default 7)",
     [](O& o, SV v) { return SetNumber<int>(&o.version_intensity, v, 0, 9); }},
    {"--version-light", ArgKind::kFlag, "", kDetect, "likely probes only, shorter waits (intensity 2)",
     [](O& o, SV) { o.version_intensity = 2; return Status::Ok(); }},
    {"--version-all", ArgKind::kFlag, "", kDetect, "every probe, longer waits (intensity 9)",
     [](O& o, SV) { o.version_intensity = 9; return Status::Ok(); }},
    {"--service-db", ArgKind::kValue, "FILE", kDetect,
     "probes and signatures: by default ours, then nmap's installed file for what ours did not identify "
     "(-sU payloads likewise); \"ours\": ours only; \"nmap\": nmap's only; or FILE (either format) only",
     [](O& o, SV v) { o.service_db = v; return Status::Ok(); }},
    {"--version-timeout", ArgKind::kValue, "TIME", kDetect,
     "at most TIME of -sV for one port, every probe and wait included (default 15s; light 8s, all 40s): "
     "bounds tarpits, endless banners and silent services",
     [](O& o, SV v) { return SetDuration(&o.version_timeout, v); }},
    {"-T", ArgKind::kAttached, "0-5", kTiming, "timing template: paranoid..insane (default 3)",
     [](O& o, SV v) { return SetNumber<int>(&o.timing_level, v, 0, 5); }},
    {"--min-rate", ArgKind::kValue, "N", kTiming, "send at least N probes per second",
     [](O& o, SV v) { return SetNumber<double>(&o.min_rate, v, 0.001, 1e8); }},
    {"--max-rate", ArgKind::kValue, "N", kTiming, "send at most N probes per second",
     [](O& o, SV v) { return SetNumber<double>(&o.max_rate, v, 0.001, 1e8); }},
    {"--max-retries", ArgKind::kValue, "N", kTiming, "retransmit an unanswered probe at most N times",
     [](O& o, SV v) { return SetNumber<int>(&o.max_retries, v, 0, 50); }},
    {"--host-timeout", ArgKind::kValue, "TIME", kTiming, "give up on a host after TIME (e.g. 30s, 5m)",
     [](O& o, SV v) { return SetDuration(&o.host_timeout, v); }},
    {"--min-rtt-timeout", ArgKind::kValue, "TIME", kTiming, "wait at least TIME for a reply",
     [](O& o, SV v) { return SetDuration(&o.min_rtt_timeout, v); }},
    {"--max-rtt-timeout", ArgKind::kValue, "TIME", kTiming, "wait at most TIME for a reply",
     [](O& o, SV v) { return SetDuration(&o.max_rtt_timeout, v); }},
    {"--initial-rtt-timeout", ArgKind::kValue, "TIME", kTiming, "reply timeout before any is measured",
     [](O& o, SV v) { return SetDuration(&o.initial_rtt_timeout, v); }},
    {"--scan-delay", ArgKind::kValue, "TIME", kTiming, "wait TIME between probes",
     [](O& o, SV v) { return SetDuration(&o.scan_delay, v); }},
    {"--max-parallelism", ArgKind::kValue, "N", kTiming, "at most N probes in flight",
     [](O& o, SV v) { return SetNumber<int>(&o.max_parallelism, v, 1, 65536); }},
    {"--seed", ArgKind::kValue, "N", kTiming, "seed of the probe order, for a reproducible scan",
     [](O& o, SV v) { return SetNumber<uint64_t>(&o.seed, v, 1, UINT64_MAX); }},
    {"--shard", ArgKind::kValue, "I/N", kTiming, "scan only part I of N (same --seed on every machine)",
     [](O& o, SV v) { o.shard = v; return Status::Ok(); }},
    {"--open", ArgKind::kFlag, "", kOutput, "show only open (or possibly open) ports",
     [](O& o, SV) { o.open_only = true; return Status::Ok(); }},
    {"--reason", ArgKind::kFlag, "", kOutput, "show why each port has its state",
     [](O& o, SV) { o.show_reason = true; return Status::Ok(); }},
    {"-v", ArgKind::kFlag, "", kOutput, "more detail (-vv for even more)",
     [](O& o, SV) { ++o.verbose; return Status::Ok(); }, true},
    {"-vv", ArgKind::kFlag, "", kOutput, "",
     [](O& o, SV) { o.verbose += 2; return Status::Ok(); }, true},
    {"-oN", ArgKind::kValue, "FILE", kOutput, "also write the normal report to FILE",
     [](O& o, SV v) { o.normal_out = v; return Status::Ok(); }},
    {"--ndjson", ArgKind::kValue, "FILE", kOutput, "one JSON object per port, as found (- for stdout)",
     [](O& o, SV v) { o.ndjson_out = v; return Status::Ok(); }},
    {"-oX", ArgKind::kValue, "FILE", kOutput, "also write nmap's XML report to FILE (- for stdout)",
     [](O& o, SV v) { o.xml_out = v; return Status::Ok(); }},
    {"-oG", ArgKind::kValue, "FILE", kOutput, "also write nmap's grepable report to FILE",
     [](O& o, SV v) { o.grepable_out = v; return Status::Ok(); }},
    {"-oJ", ArgKind::kValue, "FILE", kOutput, "also write one JSON document to FILE (docs/JSON-SCHEMA.md)",
     [](O& o, SV v) { o.json_out = v; return Status::Ok(); }},
    {"-oA", ArgKind::kValue, "BASENAME", kOutput, "normal, XML and grepable: BASENAME.nmap, .xml, .gnmap",
     [](O& o, SV v) { o.all_out = v; return Status::Ok(); }},
    {"--stats-every", ArgKind::kValue, "TIME", kOutput, "print a progress line every TIME (e.g. 10s)",
     [](O& o, SV v) { return SetDuration(&o.stats_every, v); }},
    {"--resume-file", ArgKind::kValue, "FILE", kOutput, "where an interrupted scan saves its state",
     [](O& o, SV v) { o.resume_file = v; return Status::Ok(); }},
    {"--store", ArgKind::kFlag, "", kHistory, "store the scan in the history (tojimari history, diff)",
     [](O& o, SV) { o.store = true; return Status::Ok(); }},
    {"--db", ArgKind::kValue, "URL", kHistory, "the history (implies --store): a file, sqlite:PATH, postgresql://...",
     [](O& o, SV v) { o.db = v; o.store = true; return Status::Ok(); }},
    {"-h", ArgKind::kFlag, "", kOutput, "this help",
     [](O& o, SV) { o.help = true; return Status::Ok(); }},
    {"--help", ArgKind::kFlag, "", kOutput, "",
     [](O& o, SV) { o.help = true; return Status::Ok(); }},
    {"-V", ArgKind::kFlag, "", kOutput, "print the version",
     [](O& o, SV) { o.version = true; return Status::Ok(); }},
    {"--version", ArgKind::kFlag, "", kOutput, "",
     [](O& o, SV) { o.version = true; return Status::Ok(); }},
};

// The technique rows, one per row of core/technique.h.
template <size_t I>
Status ApplyTechnique(O& o, SV) {
  return SetTechnique(&o, kTechniqueRows[I].id);
}
template <size_t... I>
std::vector<P> TechniqueParams(std::index_sequence<I...>) {
  return {P{kTechniqueRows[I].option, ArgKind::kFlag, "", kTech, kTechniqueRows[I].help, &ApplyTechnique<I>}...};
}

std::vector<P> AllParams() {
  std::vector<P> all(std::begin(kTable), std::end(kTable));
  auto at = std::find_if(all.begin(), all.end(), [](const P& p) { return p.name == "-sU"; });
  auto tech = TechniqueParams(std::make_index_sequence<std::size(kTechniqueRows)>());
  all.insert(at, tech.begin(), tech.end());
  return all;
}

}  // namespace

std::span<const Param<ScanOptions>> ScanParams() {
  static const std::vector<P> all = AllParams();
  return all;
}

Status FinishScanOptions(ScanOptions* opts) {
  const ScanOptions& o = *opts;
  if (!o.ports_text.empty()) {
    auto spec = ParsePortSpec(o.ports_text, ServiceTable::Builtin());
    if (!spec) return spec.error();
    opts->ports = std::move(*spec);
  }
  if (o.min_rate > 0 && o.max_rate > 0 && o.min_rate > o.max_rate)
    return MakeError(fmt::format("--min-rate {} is above --max-rate {}", o.min_rate, o.max_rate));
  if (o.min_rtt_timeout && o.max_rtt_timeout && *o.min_rtt_timeout > *o.max_rtt_timeout)
    return MakeError("--min-rtt-timeout is above --max-rtt-timeout");
  return Status::Ok();
}

}  // namespace tj
