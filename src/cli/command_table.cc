#include "cli/command_table.h"

#include <fmt/format.h>

#include "cli/errors.h"
#include "cli/scan_params.h"
#include "session/child_scan.h"
#include "core/spellcheck.h"

namespace tj {
namespace {

// `tojimari _scan-record`: watch's scan child (session/child_scan.h); it
// takes its request on stdin, never arguments.
int RunScanChild(const std::vector<std::string>& args, const CommandContext& ctx) {
  if (!args.empty()) {
    fmt::print(stderr, "tojimari {}: internal to watch: takes a scan request on stdin, no arguments\n",
               kScanRecordCommand);
    return 2;
  }
  return RunScanRecord(ctx.stop);
}

}  // namespace

namespace {

std::vector<ParamDoc> ScanDocs() { return ParamDocs(ScanParams()); }

int Help(const std::vector<std::string>& args, const CommandContext&);
int Version(const std::vector<std::string>&, const CommandContext&) { return fmt::print("{}", VersionText()), 0; }
int Man(const std::vector<std::string>&, const CommandContext&) { return fmt::print("{}", ManPage()), 0; }
int CompletionCommand(const std::vector<std::string>& args, const CommandContext&) {
  std::string text = args.size() == 1 ? Completion(args[0]) : "";
  if (text.empty()) {
    fmt::print(stderr, "tojimari _completion: give the shell: bash or zsh\n");
    return 2;
  }
  fmt::print("{}", text);
  return 0;
}

constexpr Command kCommands[] = {
    {"scan", "[scan] [options] TARGET...", "scan ports (nmap's options)",
     "Scans the TCP (and with -sU, UDP) ports of every TARGET. A TARGET is an address (198.18.0.1, "
     "2001:db8::1), a network (198.18.0.0/24, 2001:db8::/120), an nmap octet range (198.18.0.1-20, "
     "198.18.0-3.*) or a host name (every address of the family: -4 default, -6). Multicast, broadcast "
     "and unspecified addresses inside a range are skipped. The word \"scan\" may be left out, as nmap "
     "users type it.\n\n"
     "Without -p the 1000 ports most often found open are scanned. Hosts are first checked to be up: as "
     "root (or with CAP_NET_RAW) by ARP/NDP on the local link, elsewhere ICMP echo, SYN to 443, ACK to 80 "
     "and ICMP timestamp (-PE -PS443 -PA80 -PP); without privileges by connects to 80 and 443. Down hosts "
     "are counted, not scanned; -Pn skips the check.\n\n"
     "Scan only what you own or are allowed to scan.",
     RunScan, ScanDocs, Command::kMayScanRaw},
    {"check", "check [options] HOST:PORT...", "is this port open? (exit 0 when all are)",
     "Checks TCP ports: one line per port with its state, reason and latency. HOST is a name or "
     "address; write IPv6 as [2001:db8::1]:443. PORT may be a service name. With --wait it keeps "
     "checking until every port is open (a container waiting for its database).\n\n"
     "Exit status: 0 when every port is open, 1 when one is not, 2 on bad input.",
     RunCheck, CheckParamDocs},
    {"audit", "audit --policy FILE [--from SCAN] [--format FORMAT] [-o FILE] [scan options]",
     "compare the network with its policy",
     "Compares the network with the policy (examples/policy.toml, docs/POLICY.md): scans every host of "
     "its groups on their ports, or reads a saved scan (--from: tojimari's -oJ or -oX, or nmap's -oX), and "
     "reports unexpected and forbidden open ports, expected ports that are not open, unexpected "
     "services, certificate problems and expired exceptions, each with its risk and what to do. Only "
     "addresses inside the policy's scope are ever scanned. Scan options (-sT -sS -sV -Pn -n -T0..5 "
     "--max-rate N -oJ FILE ...) are passed to the scan; targets and ports come from the policy.\n\n"
     "Exit status: 0 no finding, 1 findings, 2 the audit could not run.",
     RunAudit, AuditParamDocs, Command::kPassesScanOptions | Command::kMayScanRaw},
    {"resume", "resume FILE", "finish a scan that was interrupted",
     "Finishes the scan that an interrupted run (SIGINT, SIGTERM) saved in FILE (tojimari.resume, or "
     "its --resume-file): the ports already answered are kept, the rest are scanned, and the reports "
     "are written as if the scan had never stopped.",
     RunResume, nullptr, Command::kMayScanRaw},
    {"history", "history [--db URL] [--limit N] [--kind scan|audit] [--json]", "the scans stored with --store",
     "Lists the scans stored with `tojimari scan --store` (and audits), newest first. The history is "
     "$XDG_DATA_HOME/tojimari/history.db (else ~/.local/share/tojimari/history.db) unless --db names "
     "another: a SQLite file, sqlite:PATH, or postgresql://USER@HOST/DB.",
     RunHistory, HistoryParamDocs},
    {"diff", "diff [options] A [B]", "what changed between two scans (exit 1 if anything)",
     "Shows what changed from scan A to scan B: hosts that appeared or vanished, ports that opened or "
     "closed, other state changes, and services, versions or certificates that differ. A and B: a "
     "stored scan (an id, latest, latest~N, YYYY-MM-DD or YYYY-MM-DDTHH:MM for the last scan at or "
     "before it) or a report file (tojimari -oJ or -oX, nmap -oX). With A alone: that stored scan "
     "against the one before it.\n\n"
     "Exit status: 0 no change, 1 changes, 2 the scans could not be compared.",
     RunDiff, DiffParamDocs},
    {"watch",
     "watch --policy FILE --every DURATION [options] [scan options]\n"
     "watch --every DURATION [options] -p PORTS TARGET...",
     "scan on a schedule, alert on changes",
     "Runs the audit every DURATION (\"10m\", \"1h\"), stores each run, and alerts when a port changed "
     "state (after re-checking it: one lost packet never alerts) or a finding appeared or cleared. "
     "Without a policy it watches the ports of the targets given. See docs/WATCH.md.\n\n"
     "SIGINT or SIGTERM ends the watch between cycles (a scan under way is stopped and discarded). "
     "With --once: exit 0 nothing to alert, 1 alerted, 2 could not run.",
     RunWatch, WatchParamDocs, Command::kPassesScanOptions | Command::kMayScanRaw},
    {"help", "help [COMMAND]", "help on a command", "Prints the help of COMMAND, or the list of commands.",
     Help, nullptr},
    {"version", "version", "the version, the commit and the libraries it was built with",
     "Prints the version, the commit it was built from and the libraries it was built against.", Version,
     nullptr},
    {kScanRecordCommand, "", "", "", RunScanChild, nullptr, Command::kHidden | Command::kMayScanRaw},
    {"_man", "", "", "", Man, nullptr, Command::kHidden},
    {"_completion", "", "", "", CompletionCommand, nullptr, Command::kHidden},
};

int Help(const std::vector<std::string>& args, const CommandContext&) {
  if (args.empty()) return fmt::print("{}", MainHelp()), 0;
  const Command* c = FindCommand(args[0]);
  if (c && !c->hidden()) return fmt::print("{}", CommandHelp(*c)), 0;
  std::vector<std::string_view> names;
  for (const Command& cmd : kCommands)
    if (!cmd.hidden() && cmd.name != args[0]) names.push_back(cmd.name);
  std::string hint = SpellCheck(args[0], names);
  return Fail("help", fmt::format("no help for \"{}\"{}", args[0],
                                  hint.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", hint)));
}

}  // namespace

std::span<const Command> Commands() { return kCommands; }

const Command* FindCommand(std::string_view name) {
  for (const Command& c : kCommands)
    if (c.name == name) return &c;
  return nullptr;
}

std::vector<std::string_view> CommandNames() {
  std::vector<std::string_view> names;
  for (const Command& c : kCommands)
    if (!c.hidden()) names.push_back(c.name);
  return names;
}

std::string HelpOf(std::string_view name) { return CommandHelp(*FindCommand(name)); }

std::string CommandHelp(const Command& c) {
  std::string out;
  std::string_view usage = c.usage;
  for (bool first = true; !usage.empty(); first = false) {
    size_t nl = std::min(usage.find('\n'), usage.size());
    out += fmt::format("{}tojimari {}\n", first ? "Usage: " : "       ", usage.substr(0, nl));
    usage = usage.substr(std::min(nl + 1, usage.size()));
  }
  std::string_view text = c.description;
  while (!text.empty()) {
    size_t end = std::min(text.find("\n\n"), text.size());
    out += "\n" + WrapText(text.substr(0, end), 100);
    text = text.substr(std::min(end + 2, text.size()));
  }
  if (c.options) out += ParamsHelp(c.options());
  if (c.scan_options()) out += "\nEvery other option is a scan option: see 'tojimari help scan'.\n";
  return out;
}

std::string MainHelp() {
  std::string out = fmt::format("tojimari {} - checks that every door is locked: a port scanner and checker.\n\n",
                                kVersion);
  for (const Command& c : kCommands) {
    if (c.hidden()) continue;
    std::string_view usage = c.usage.substr(0, c.usage.find('\n'));
    if (usage.size() > 38) usage = usage.substr(0, usage.rfind(' ', 34)), usage = usage;
    out += fmt::format("{}tojimari {:<38} {}\n", out.ends_with("\n\n") ? "Usage: " : "       ",
                       usage.size() < c.usage.substr(0, c.usage.find('\n')).size() ? fmt::format("{} ...", usage)
                                                                                : std::string(usage),
                       c.summary);
  }
  out +=
      "\nExamples:\n"
      "  tojimari -p 1-1000 198.18.0.0/24\n"
      "  tojimari -sT -p- --open -n 2001:db8::10\n"
      "  tojimari -sn 198.18.0.0/24                  which hosts are up (no port scan)\n"
      "  tojimari check --wait 30s db.internal:5432\n"
      "  tojimari -p 1-1000 --store 198.18.0.0/24 && tojimari diff latest~1 latest\n"
      "\n"
      "Scan only what you own or are allowed to scan.\n"
      "'tojimari help COMMAND' lists a command's options ('tojimari help scan': every scan option).\n";
  return out;
}

}  // namespace tj
