// Everything `tojimari scan` can be told, as a plain struct with defaults.
// The parameter table in scan_params.cc is the only writer of it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cli/params.h"
#include "core/duration.h"
#include "core/target_spec.h"

namespace tj {

struct ScanOptions {
  std::vector<std::string> targets;        // positional words
  std::vector<std::string> target_files;   // -iL
  std::vector<std::string> excludes;       // --exclude (comma-separated lists)
  std::vector<std::string> exclude_files;  // --exclude-file
  // A typo (0.0.0.0/0, 10.0.0.0/8 for 10.0.0.0/24) must not start a scan of
  // millions of addresses nobody meant: beyond max_targets, --i-know says
  // it was meant (zmap asks for a blocklist, masscan for an exclusion).
  bool i_know = false;                     // --i-know
  uint64_t max_targets = 1ull << 20;       // --max-targets N
  std::string ports;                       // -p; empty means the top 1000
  int top_ports = 0;                       // --top-ports N, -F (100); 0 means not given
  std::string technique;                   // -sT, -sS, -sF, -sN, -sX, -sA, -sW; empty: -sS when
                                           // privileged, else -sT
  bool udp_scan = false;                   // -sU (with or without a TCP technique)
  bool udp_fast = false;                   // --udp-fast: closed|filtered instead of waiting out ICMP limits
  bool defeat_rst_limit = false;           // --defeat-rst-ratelimit: closed|filtered instead of waiting out RST limits
  std::vector<std::string> sources;        // -S: our source addresses (items of the comma lists)
  std::string shard;                       // --shard I/N: this machine's part of the scan
  bool skip_discovery = false;             // -Pn
  bool ping_scan = false;                  // -sn: host discovery only, no port scan
  // Discovery probes the user chose; when none is given, nmap's defaults
  // (-PE -PS443 -PA80 -PP). A port list present but empty: the option
  // without ports, which takes nmap's default port.
  bool ping_echo = false;                  // -PE
  bool ping_timestamp = false;             // -PP
  bool ping_arp = false;                   // -PR
  std::optional<std::vector<uint16_t>> ping_syn, ping_ack, ping_udp;  // -PS, -PA, -PU [ports]
  bool disable_arp_ping = false;           // --disable-arp-ping
  bool no_dns = false;                     // -n: no reverse lookups
  bool open_only = false;                  // --open
  bool show_reason = false;                // --reason
  int verbose = 0;                         // -v, -vv
  FamilyChoice family = FamilyChoice::kV4; // -6 for IPv6 names and scanning
  bool family_given = false;               // -4 or -6 was given (an IPv6 literal with -4 is a mistake)
  int timing_level = 3;                    // -T0..-T5
  std::optional<int> max_retries;          // --max-retries
  std::optional<Duration> host_timeout;    // --host-timeout
  std::optional<Duration> min_rtt_timeout, max_rtt_timeout, initial_rtt_timeout;
  std::optional<Duration> scan_delay;      // --scan-delay
  double min_rate = 0, max_rate = 0;       // --min-rate, --max-rate (probes per second)
  int max_parallelism = 0;                 // --max-parallelism
  uint64_t seed = 0;                       // --seed: reproducible probe order
  std::string normal_out;                  // -oN FILE
  std::string ndjson_out;                  // --ndjson FILE
  std::string xml_out;                     // -oX FILE: nmap's XML
  std::string grepable_out;                // -oG FILE: nmap's grepable lines
  std::string json_out;                    // -oJ FILE: one JSON document
  std::string all_out;                     // -oA BASENAME: BASENAME.nmap, .xml and .gnmap
  bool version_detect = false;             // -sV (also -A): service and version detection
  int version_intensity = 7;               // --version-intensity 0-9; --version-light 2, --version-all 9
  std::string service_db;                  // --service-db: "" ours then nmap's, "ours", "nmap" or a FILE
  std::optional<Duration> version_timeout; // --version-timeout: all of -sV's time for one port
  Duration stats_every{0};                 // --stats-every: progress lines when stderr is no terminal
  std::string resume_file = "tojimari.resume";  // --resume-file: where an interrupted scan saves its state
  bool store = false;                      // --store: save the scan in the history (history/store.h)
  std::string db;                          // --db URL: the history; empty: DefaultDbUrl()
  bool help = false;                       // -h, --help
  bool version = false;                    // -V, --version
};

std::span<const Param<ScanOptions>> ScanParams();
// Options that parse one by one but contradict each other (--min-rate over
// --max-rate...): the first contradiction, named; nmap's behaviour where
// nmap accepts a combination.
Status CheckScanOptions(const ScanOptions& o);

}  // namespace tj
