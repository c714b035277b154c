// `tojimari scan`: options -> targets and ports -> engine -> writers.
#include <unistd.h>

#include <chrono>
#include <algorithm>
#include <cstdio>
#include <optional>
#include <unordered_map>

#include "cli/command_table.h"
#include "cli/errors.h"
#include "cli/commands.h"
#include "cli/scan_options.h"
#include "core/port_spec.h"
#include "core/services.h"
#include "cli/progress.h"
#include "cli/rename_helper.h"
#include "cli/resume.h"
#include "core/utf8.h"
#include "cli/scan_engine.h"
#include "engine/scanner.h"
#include "history/store.h"
#include "net/resolve.h"
#include "report/port_fold.h"
#include "report/record_writer.h"
#include "report/writer.h"
#include "service/service_scan.h"

namespace tj {
namespace {

Timing ComposeTiming(const ScanOptions& o) {
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

Status BuildTargets(const ScanOptions& o, TargetList* list) {
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
  return Status::Ok();
}

struct ScanPorts {
  std::vector<uint16_t> tcp, udp;
};

// The TCP and UDP ports to scan. As in nmap: -sU alone scans UDP only; a
// spec without T:/U: applies to every protocol scanned; the default is the
// top 1000 ports of each protocol scanned.
Result<ScanPorts> BuildPorts(const ScanOptions& o, const ServiceTable& services) {
  if (!o.ports.empty() && o.top_ports) return MakeError("-p and --top-ports/-F cannot be combined");
  const bool tcp = !o.udp_scan || !o.technique.empty();
  const bool udp = o.udp_scan;
  ScanPorts out;
  if (o.ports.empty()) {
    const size_t n = o.top_ports ? o.top_ports : 1000;
    if (tcp) out.tcp = services.TopPorts(Proto::kTcp, n);
    if (udp) out.udp = services.TopPorts(Proto::kUdp, n);
    return out;
  }
  auto spec = ParsePortSpec(o.ports, services);
  if (!spec) return spec.error();
  if (tcp) out.tcp = spec->tcp.ToVector();
  if (udp) out.udp = spec->udp.ToVector();
  if (tcp && out.tcp.empty() && !udp) return MakeError(fmt::format("port spec \"{}\" names no TCP port", o.ports));
  if (udp && out.udp.empty() && !tcp)
    return MakeError(fmt::format("port spec \"{}\" names no UDP port (U:53 or a plain list)", o.ports));
  if (out.tcp.empty() && out.udp.empty()) return MakeError(fmt::format("port spec \"{}\" names no port to scan", o.ports));
  if (!spec->udp.empty() && !udp && spec->tcp.size() != spec->udp.size())
    return MakeError(fmt::format("port spec \"{}\" names UDP ports: add -sU to scan them", o.ports));
  return out;
}

// Fans results out to every writer; remembers the first write error so the
// scan goes on and the other outputs stay complete.
class Fanout : public ResultSink {
 public:
  std::vector<std::unique_ptr<Writer>> writers;
  Writer* interactive = nullptr;  // the normal output on stdout: the only one in colour
  Status first_error;
  void Note(Status s) {
    if (!s.ok() && first_error.ok()) first_error = s;
  }
  ProgressCounters progress;
  void OnPort(const PortResult& r) override {
    progress.done.fetch_add(1, std::memory_order_relaxed);
    if (r.state == PortState::kOpen) progress.open.fetch_add(1, std::memory_order_relaxed);
    for (auto& w : writers) Note(w->Port(r));
  }
};

// What a resumed scan brings from the interrupted one: the hosts it had
// finished (written out again as they were) and, for hosts it left half
// done, the ports already decided (merged into the new results).
struct Carried {
  std::vector<HostResult> complete;
  std::unordered_map<Address, HostResult, AddressHash> partial;
  std::unordered_map<Address, std::vector<uint16_t>, AddressHash> decided;
};

Carried CarryOver(const ResumeState& r, size_t ports_per_host) {
  Carried c;
  for (const HostResult& h : r.hosts) {
    if (h.ports.size() >= ports_per_host) {
      c.complete.push_back(h);
      continue;
    }
    // A half-done host keeps its TCP ports; its UDP ports are asked again
    // (a UDP verdict leans on the whole host's rounds).
    HostResult kept = h;
    std::erase_if(kept.ports, [](const PortResult& p) { return p.proto != Proto::kTcp; });
    auto& d = c.decided[h.addr];
    for (const PortResult& p : kept.ports) d.push_back(p.port);
    c.partial.emplace(h.addr, std::move(kept));
  }
  return c;
}

void MergeCarried(Carried* c, HostResult* h) {
  auto it = c->partial.find(h->addr);
  if (it == c->partial.end()) return;
  h->ports.insert(h->ports.end(), it->second.ports.begin(), it->second.ports.end());
  std::sort(h->ports.begin(), h->ports.end(), [](const PortResult& a, const PortResult& b) {
    return std::pair(a.proto, a.port) < std::pair(b.proto, b.port);
  });
  c->partial.erase(it);
}

// Every output is opened here, before the scan, so a bad path fails at once
// (exit 2) rather than after a long scan. Report files appear only complete
// (safe_file.h); NDJSON streams so tools can follow it while the scan runs.
Status OpenWriters(const ScanOptions& o, const ServiceTable& services, const MoverSlot* slot,
                   std::vector<RenameHelper::Pair>* renames, const ScanHooks& hooks, Fanout* f) {
  using Factory = std::unique_ptr<Writer> (*)(FilePtr, const ServiceTable&);
  struct Wanted {
    std::string path;
    Factory make;
    OutputMode mode = OutputMode::kReplaceWhenDone;
  };
  std::vector<Wanted> wanted = {
      {o.normal_out, MakeNormalWriter},
      {o.ndjson_out, MakeNdjsonWriter, OutputMode::kStream},
      {o.xml_out, MakeXmlWriter},
      {o.grepable_out, MakeGrepableWriter},
      {o.json_out, MakeJsonWriter},
  };
  if (o.all_out == "-") return MakeError("-oA writes three files: give it a base name, not \"-\"");
  if (!o.all_out.empty()) {
    wanted.push_back({o.all_out + ".nmap", MakeNormalWriter});
    wanted.push_back({o.all_out + ".xml", MakeXmlWriter});
    wanted.push_back({o.all_out + ".gnmap", MakeGrepableWriter});
  }
  // As nmap does: a report sent to stdout ("-") replaces the interactive
  // output there, so `-oX - | xmllint -` or `--ndjson - | jq` get one format.
  int to_stdout = 0;
  for (const auto& w : wanted) to_stdout += w.path == "-";
  if (to_stdout > 1) return MakeError("only one report can go to stdout (\"-\")");
  const bool stdout_taken = to_stdout > 0;
  if (hooks.record) f->writers.push_back(MakeRecordWriter(hooks.record));
  if (!stdout_taken && !hooks.quiet) {
    f->writers.push_back(MakeNormalWriter(FilePtr(stdout), services));
    f->interactive = f->writers.back().get();
  }
  for (auto& w : wanted) {
    if (w.path.empty()) continue;
    auto out = OpenOutput(w.path, w.mode, slot);
    if (!out) return out.error();
    if (!out->temp_path().empty()) renames->push_back({out->temp_path(), out->target_path()});
    f->writers.push_back(w.make(std::move(*out), services));
  }
  return Status::Ok();
}

}  // namespace

namespace {

int ScanWith(const std::vector<std::string>& args, const CommandContext& ctx, const ResumeState* resume,
             ScanHooks hooks) {
  ScanOptions o;
  if (Status s = ParseParams(ScanParams(), args, &o, &o.targets); !s.ok()) return Fail("", s.message());
  if (Status s = CheckScanOptions(o); !s.ok()) return Fail("", s.message());
  if (o.help) {
    fmt::print("{}", HelpOf("scan"));
    return 0;
  }
  if (o.version) {
    fmt::print("{}", VersionText());
    return 0;
  }
  const ServiceTable& services = ServiceTable::Builtin();
  if (o.ping_scan && (!o.ports.empty() || o.top_ports))
    return Fail("", "-sn scans no ports: leave out -p, --top-ports and -F");
  auto ports = o.ping_scan ? Result<ScanPorts>(ScanPorts{}) : BuildPorts(o, services);
  if (!ports) return Fail("", ports.error().message);
  TargetList targets;
  if (Status s = BuildTargets(o, &targets); !s.ok()) return Fail("", s.message());
  if (targets.size() > o.max_targets && !o.i_know)
    return Fail("", fmt::format("{} target addresses, more than --max-targets {}: scan only what you own or may "
                                "scan; give --i-know to go ahead (or narrow the targets, or --exclude-file)",
                                targets.size(), o.max_targets));
  // A resumed scan's saved state must be this scan's, before any output
  // file is opened (and so rewritten).
  if (resume)
    if (Status s = CheckResumeFits(*resume, targets, ports->tcp, ports->udp); !s.ok()) return Fail("", s.message());
  auto detect = ServiceScan::Make(o.version_detect, o.version_intensity, o.service_db, ctx.stop,
                                  o.version_timeout.value_or(Duration(0)));  // -sV
  if (!detect) return Fail("", detect.error().message);
  // --store: the history is opened now, before the scan, so an unusable
  // database fails at once, and while still privileged (a raw scan drops
  // root before it ends, and root's history may be root's alone).
  std::unique_ptr<Store> store;
  ScanRecord stored;
  if (o.store) {
    auto s = Store::Open(o.db.empty() ? DefaultDbUrl() : o.db, OpenOptions{});
    if (!s) return Fail("", s.error().message);
    store = std::move(*s);
    if (!hooks.record) hooks.record = &stored;
  }
  // Declared before the outputs: they use the helper until they are gone.
  MoverSlot mover;
  std::unique_ptr<RenameHelper> helper;
  Fanout out;
  std::vector<RenameHelper::Pair> renames;
  if (Status s = OpenWriters(o, services, &mover, &renames, hooks, &out); !s.ok()) return Fail("", s.message());
  // Prepared now, while the directory is surely writable; used only if the
  // scan is interrupted, removed otherwise.
  // The signing key too: a raw scan reads it while it is still the user who
  // started it.
  std::optional<OutputFile> resume_out;
  std::string resume_key;
  std::optional<ResumeSpool> spool;  // everything decided, for the resume file
  if (hooks.resumable) {
    auto key = LoadResumeKey(true);
    auto sp = key ? ResumeSpool::Open() : Result<ResumeSpool>(key.error());
    auto r = sp ? OutputFile::Open(o.resume_file, OutputMode::kReplaceWhenDone, &mover) : Result<OutputFile>(sp.error());
    if (r) {
      resume_out = std::move(*r);
      resume_key = std::move(*key);
      spool.emplace(std::move(*sp));
      renames.push_back({resume_out->temp_path(), resume_out->target_path()});
    } else if (o.verbose) {  // most scans finish; say it only when asked
      fmt::print(stderr, "tojimari: an interrupted scan will not be resumable: {}\n", Printable(r.error().message));
    }
  }
  // A raw scan started as root continues as an unprivileged user (see
  // ChooseEngine), which may not rename files into place: a helper that keeps
  // root does that, for these files only.
  if (resume) renames.push_back({o.resume_file, ""});  // consumed at the end: removable
  if (geteuid() == 0 && !renames.empty()) {
    auto h = RenameHelper::Start(renames);
    if (!h) return Fail("", h.error().message);
    helper = std::move(*h);
    mover.mover = helper.get();
  }

  const Timing timing = ComposeTiming(o);
  std::vector<std::string> notices;
  auto engine = ChooseEngine(o, targets, timing, ctx.stop, &out.progress.probes, &notices,
                             {ports->tcp.size(), ports->udp.size()});
  for (const auto& n : notices) fmt::print(stderr, "{}\n", n);
  if (!engine) return Fail("", engine.error().message);

  ScanInfo info;
  info.version = std::string(kVersion);
  info.args = ctx.argv_line;
  info.start = std::chrono::system_clock::now();
  info.scan_type = engine->type;
  info.tcp_ports = ports->tcp.size();
  info.tcp_services = PortRanges(ports->tcp);
  info.udp_ports = ports->udp.size();
  info.udp_services = PortRanges(ports->udp);
  info.show_reason = o.show_reason;
  info.open_only = o.open_only;
  info.verbose = o.verbose;
  for (auto& w : out.writers) {
    ScanInfo i = info;
    i.color = w.get() == out.interactive && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    out.Note(w->Begin(i));
  }

  ScanRequest req;
  req.targets = &targets;
  req.tcp_ports = ports->tcp;
  req.udp_ports = ports->udp;
  req.udp_scan = engine->udp_scan;
  req.skip_discovery = o.skip_discovery;
  req.scan = engine->scan;
  req.discover = engine->discover;
  req.discovery_only = o.ping_scan;
  req.max_group_hosts = engine->max_group_hosts;
  req.probes_per_group = engine->probes_per_group;
  req.connect.timing = timing;
  req.connect.seed = o.seed;
  req.connect.stop = ctx.stop;
  req.connect.probes_sent = &out.progress.probes;
  Carried carried;
  if (resume) {
    carried = CarryOver(*resume, ports->tcp.size() + ports->udp.size());
    req.start_index = resume->start_index;
    req.decided = &carried.decided;
    for (const HostResult& h : carried.complete) {
      for (auto& w : out.writers) out.Note(w->Host(h));
      if (spool) spool->Add(h);
    }
  }
  out.progress.total = targets.size() * (ports->tcp.size() + ports->udp.size());
  for (const auto& [addr, d] : carried.decided) out.progress.done += d.size();
  auto t0 = std::chrono::steady_clock::now();
  std::optional<ProgressReporter> progress;
  progress.emplace(&out.progress, isatty(STDERR_FILENO),
                   std::chrono::duration_cast<std::chrono::milliseconds>(o.stats_every), stderr);
  auto totals = RunScan(req, &out, [&](HostResult&& h) {
    MergeCarried(&carried, &h);
    if (h.name.empty() && !o.no_dns) {
      h.name = ReverseLookup(h.addr);
      h.name_from_ptr = !h.name.empty();
    }
    (*detect)->Run(services, &h);  // -sV: fills PortResult::service of open ports
    for (auto& w : out.writers) out.Note(w->Host(h));
    if (spool) spool->Add(h);
  });
  progress.reset();  // clears the live line before the summary
  RunSummary sum;
  sum.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (totals) {
    sum.hosts_total = totals->hosts_total;
    sum.hosts_up = totals->hosts_up;
    sum.skipped_reserved = totals->skipped_reserved;
    sum.excluded = totals->excluded;
    sum.interrupted = totals->interrupted;
  }
  for (auto& w : out.writers) out.Note(w->End(sum));
  if (totals && o.verbose > 0 && engine->stats) fmt::print(stderr, "{}\n", engine->stats());  // none: -sn unprivileged
  if (!totals) return Fail("", totals.error().message);
  // What was gathered is stored even when interrupted (marked so).
  if (store) {
    auto id = store->SaveScan(*hooks.record, "scan");
    if (!id) return Fail("", id.error().message);
    if (!hooks.quiet) fmt::print(stderr, "Stored as scan {} in {}.\n", *id, store->name());
  }
  if (sum.interrupted && !hooks.resumable) {
    if (!out.first_error.ok()) return Fail("", out.first_error.message());
    return 130;
  }
  if (sum.interrupted) {
    // Hosts the interrupted run had not reached keep their carried ports.
    if (!resume_out) return Fail("", fmt::format("interrupted; no resume file: \"{}\" could not be written", o.resume_file));
    for (auto& [addr, h] : carried.partial) spool->Add(h);
    if (Status s = WriteResumeFile(*resume_out, args, totals->resume_index, *spool, resume_key); !s.ok())
      return Fail("", s.message());
    fmt::print(stderr, "Interrupted: `tojimari resume {}` finishes the scan.\n", o.resume_file);
    if (!out.first_error.ok()) return Fail("", out.first_error.message());
    return 130;
  }
  if (!out.first_error.ok()) return Fail("", out.first_error.message());
  if (resume) {  // consumed
    if (mover.mover) mover.mover->Remove(o.resume_file);
    else std::remove(o.resume_file.c_str());
  }
  return 0;
}

}  // namespace

int RunScan(const std::vector<std::string>& args, const CommandContext& ctx) {
  return ScanWith(args, ctx, nullptr, ScanHooks{});
}

int RunScanTo(const std::vector<std::string>& args, const CommandContext& ctx, const ScanHooks& hooks) {
  return ScanWith(args, ctx, nullptr, hooks);
}

int RunResume(const std::vector<std::string>& args, const CommandContext& ctx) {
  if (args.size() != 1 || args[0].starts_with("-")) {
    fmt::print(stderr, "tojimari resume: give the resume file an interrupted scan wrote (e.g. tojimari.resume)\n");
    return 2;
  }
  auto key = LoadResumeKey(false);
  if (!key) return Fail("", key.error().message);
  auto state = ReadResumeFile(args[0], *key);
  if (!state) return Fail("", state.error().message);
  // The saved arguments may name the resume file too; the one given here
  // replaces it (an option given twice is refused).
  std::vector<std::string> scan_args;
  for (size_t i = 0; i < state->args.size(); ++i) {
    const std::string& a = state->args[i];
    if (a == "--resume-file") {
      ++i;
      continue;
    }
    if (a.starts_with("--resume-file=")) continue;
    scan_args.push_back(a);
  }
  scan_args.push_back("--resume-file");
  scan_args.push_back(args[0]);
  return ScanWith(scan_args, ctx, &*state, ScanHooks{});
}

}  // namespace tj
