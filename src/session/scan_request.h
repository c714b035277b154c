// One scan, asked for as a value: what to scan, how, and where the results
// go. The CLI builds it from `tojimari scan`'s options (cli/scan_params.h),
// the audit from a policy (audit/scan_plan.h), watch's re-check from the
// ports that changed, and `tojimari resume` reads it back from the resume
// file (session/request_codec.h). session/scan_session.h runs it.
// No layer speaks to another through argument strings.
// Thread-safety: a plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/duration.h"
#include "core/port_spec.h"
#include "core/target_spec.h"
#include "core/technique.h"

namespace tj {

struct ScanRequest {
  // What to scan.
  std::vector<std::string> targets;        // addresses, networks, ranges, names
  std::vector<std::string> target_files;   // -iL
  std::vector<std::string> excludes;       // --exclude (items of the comma lists)
  std::vector<std::string> exclude_files;  // --exclude-file
  // A typo (0.0.0.0/0, 10.0.0.0/8 for 10.0.0.0/24) must not start a scan of
  // millions of addresses nobody meant: beyond max_targets, i_know says
  // it was meant (zmap asks for a blocklist, masscan for an exclusion).
  bool i_know = false;                     // --i-know
  uint64_t max_targets = 1ull << 20;       // --max-targets N
  FamilyChoice family = FamilyChoice::kV4; // -6 for IPv6 names and scanning
  bool family_given = false;               // -4 or -6 was given (an IPv6 literal with -4 is a mistake)
  // The ports: a spec (-p; a spec without T:/U: names both protocols), or
  // the top_ports most often open, or (neither) the top 1000.
  std::optional<PortSpec> ports;
  std::string ports_text;                  // the spec as the user wrote it, for messages
  int top_ports = 0;                       // --top-ports N, -F (100); 0 means not given

  // How.
  std::optional<Technique> technique;      // none: SYN when privileged, else connect
  bool udp_scan = false;                   // -sU (with or without a TCP technique)
  bool udp_fast = false;                   // --udp-fast: closed|filtered instead of waiting out ICMP limits
  bool defeat_rst_limit = false;           // --defeat-rst-ratelimit
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
  int timing_level = 3;                    // -T0..-T5
  std::optional<int> max_retries;          // --max-retries
  std::optional<Duration> host_timeout;    // --host-timeout
  std::optional<Duration> min_rtt_timeout, max_rtt_timeout, initial_rtt_timeout;
  std::optional<Duration> scan_delay;      // --scan-delay
  double min_rate = 0, max_rate = 0;       // --min-rate, --max-rate (probes per second)
  int max_parallelism = 0;                 // --max-parallelism
  uint64_t seed = 0;                       // --seed: reproducible probe order
  bool version_detect = false;             // -sV: service and version detection
  int version_intensity = 7;               // 0-9
  std::string service_db;                  // "" ours then nmap's, "ours", "nmap" or a FILE
  std::optional<Duration> version_timeout; // all of -sV's time for one port

  // Where the results go.
  bool open_only = false;                  // --open
  bool show_reason = false;                // --reason
  int verbose = 0;                         // -v, -vv
  std::string normal_out;                  // -oN FILE ("-": stdout, for every report)
  std::string ndjson_out;                  // --ndjson FILE
  std::string xml_out;                     // -oX FILE: nmap's XML
  std::string grepable_out;                // -oG FILE: nmap's grepable lines
  std::string json_out;                    // -oJ FILE: one JSON document
  std::string all_out;                     // -oA BASENAME: BASENAME.nmap, .xml and .gnmap
  Duration stats_every{0};                 // progress lines when stderr is no terminal
  std::string resume_file = "tojimari.resume";  // where an interrupted scan saves its state
  bool store = false;                      // save the scan in the history (history/store.h)
  std::string db;                          // the history's URL; empty: DefaultDbUrl()
  std::string command_line;                // what the reports show as the scan's arguments

  // Whether TCP ports are scanned: always, except -sU alone.
  bool ScansTcp() const { return !udp_scan || technique.has_value(); }
};

}  // namespace tj
