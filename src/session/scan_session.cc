// One scan, start to end (session/scan_session.h).
#include "session/scan_session.h"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "core/services.h"
#include "core/version.h"
#include "engine/scanner.h"
#include "history/store.h"
#include "net/resolve.h"
#include "report/port_fold.h"
#include "service/service_scan.h"
#include "session/scan_inputs.h"
#include "session/scan_outputs.h"

namespace tj {
namespace {

// What a resumed scan brings from the interrupted one: the hosts it had
// finished (written out again as they were) and, for hosts it left half
// done, the ports already decided (merged into the new results).
struct Carried {
  std::vector<HostResult> complete;
  std::unordered_map<Address, HostResult, AddressHash> partial;
  std::unordered_map<Address, std::vector<uint16_t>, AddressHash> decided;
  std::unordered_set<Address, AddressHash> finished;  // the complete ones: not probed again
};

Carried CarryOver(const ResumeState& r, size_t ports_per_host) {
  Carried c;
  for (const HostResult& h : r.hosts) {
    if (h.ports.size() >= ports_per_host) {
      c.complete.push_back(h);
      c.finished.insert(h.addr);
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

// The resume file, prepared before the scan while the directory is surely
// writable (and the signing key read while the process is still the user
// who started it); used only if the scan is interrupted, removed otherwise.
struct ResumeOut {
  std::optional<OutputFile> file;
  std::string key;
  std::optional<ResumeSpool> spool;  // everything decided, for the resume file
};

void PrepareResume(const ScanRequest& req, MoverSlot* mover, ScanObserver* obs, ResumeOut* r,
                   std::vector<RenameHelper::Pair>* renames) {
  auto key = LoadResumeKey(true);
  auto sp = key ? ResumeSpool::Open() : Result<ResumeSpool>(key.error());
  auto f = sp ? OutputFile::Open(req.resume_file, OutputMode::kReplaceWhenDone, mover) : Result<OutputFile>(sp.error());
  if (!f) {
    if (req.verbose) obs->Notice("tojimari: an interrupted scan will not be resumable: " + f.error().message);
    return;  // most scans finish; said only when asked
  }
  r->file = std::move(*f);
  r->key = std::move(*key);
  r->spool.emplace(std::move(*sp));
  renames->push_back({r->file->temp_path(), r->file->target_path()});
}

ScanInfo MakeInfo(const ScanRequest& req, const ChosenEngine& engine, const ScanPorts& ports) {
  ScanInfo info;
  info.version = std::string(kVersion);
  info.args = req.command_line;
  info.start = std::chrono::system_clock::now();
  info.scan_type = engine.type;
  info.tcp_ports = ports.tcp.size();
  info.tcp_services = PortRanges(ports.tcp);
  info.udp_ports = ports.udp.size();
  info.udp_services = PortRanges(ports.udp);
  info.show_reason = req.show_reason;
  info.open_only = req.open_only;
  info.verbose = req.verbose;
  return info;
}

}  // namespace

Result<ScanOutcome> RunScan(const ScanRequest& req, const ScanEnv& env, ScanObserver* obs) {
  ScanObserver quiet_observer;
  if (!obs) obs = &quiet_observer;
  const ServiceTable& services = ServiceTable::Builtin();
  auto ports = BuildPorts(req, services);
  if (!ports) return ports.error();
  TargetList targets;
  if (Status s = BuildTargets(req, &targets); !s.ok()) return Error{s.message()};
  // A resumed scan's saved state must be this scan's, before any output
  // file is opened (and so rewritten).
  if (env.resume)
    if (Status s = CheckResumeFits(*env.resume, targets, ports->tcp, ports->udp); !s.ok()) return Error{s.message()};
  auto detect = ServiceScan::Make(req.version_detect, req.version_intensity, req.service_db, env.stop,
                                  req.version_timeout.value_or(Duration(0)));  // -sV
  if (!detect) return detect.error();
  // The history is opened now, before the scan, so an unusable database
  // fails at once, and while still privileged (a raw scan drops root
  // before it ends, and root's history may be root's alone).
  std::unique_ptr<Store> store;
  ScanRecord stored;
  ScanRecord* record = env.record;
  if (req.store) {
    auto s = Store::Open(req.db.empty() ? DefaultDbUrl() : req.db, OpenOptions{});
    if (!s) return s.error();
    store = std::move(*s);
    if (!record) record = &stored;
  }
  // Declared before the outputs: they use the helper until they are gone.
  MoverSlot mover;
  std::unique_ptr<RenameHelper> helper;
  Fanout out;
  std::vector<RenameHelper::Pair> renames;
  if (Status s = OpenWriters(req, services, record, env.quiet, &mover, &renames, &out); !s.ok()) return Error{s.message()};
  ResumeOut resume_out;
  if (env.resumable) PrepareResume(req, &mover, obs, &resume_out, &renames);
  // A raw scan started as root continues as an unprivileged user (see
  // ChooseEngine), which may not rename files into place: a helper that
  // keeps root does that, for these files only.
  if (env.resume) renames.push_back({req.resume_file, ""});  // consumed at the end: removable
  if (geteuid() == 0 && !renames.empty()) {
    auto h = RenameHelper::Start(renames);
    if (!h) return h.error();
    helper = std::move(*h);
    mover.mover = helper.get();
  }

  EngineChoice choice;
  choice.req = &req;
  choice.targets = &targets;
  choice.timing = ComposeTiming(req);
  choice.stop = env.stop;
  choice.probes = &out.progress.probes;
  choice.ports = {ports->tcp.size(), ports->udp.size()};
  choice.notice = [obs](const std::string& line) { obs->Notice(line); };
  auto engine = env.choose_engine ? env.choose_engine(choice) : ChooseEngine(choice);
  if (!engine) return engine.error();

  const ScanInfo info = MakeInfo(req, *engine, *ports);
  out.Begin(info);
  obs->Started(info, out.progress);

  TargetScan scan;
  scan.targets = &targets;
  scan.tcp_ports = ports->tcp;
  scan.udp_ports = ports->udp;
  scan.udp_scan = engine->udp_scan;
  scan.skip_discovery = req.skip_discovery;
  scan.scan = engine->scan;
  scan.discover = engine->discover;
  scan.discovery_only = req.ping_scan;
  scan.max_group_hosts = engine->max_group_hosts;
  scan.probes_per_group = engine->probes_per_group;
  scan.connect.timing = choice.timing;
  scan.connect.seed = req.seed;
  scan.connect.stop = env.stop;
  scan.connect.probes_sent = &out.progress.probes;
  Carried carried;
  if (env.resume) {
    carried = CarryOver(*env.resume, ports->tcp.size() + ports->udp.size());
    scan.start_index = env.resume->start_index;
    scan.decided = &carried.decided;
    scan.finished = &carried.finished;
    for (const HostResult& h : carried.complete) {
      out.Host(h);
      obs->Host(h);
      if (resume_out.spool) resume_out.spool->Add(h);
    }
  }
  out.progress.total = targets.size() * (ports->tcp.size() + ports->udp.size());
  for (const auto& [addr, d] : carried.decided) out.progress.done += d.size();
  auto t0 = std::chrono::steady_clock::now();
  auto totals = ScanTargets(scan, &out, [&](HostResult&& h) {
    MergeCarried(&carried, &h);
    if (h.name.empty() && !req.no_dns) {
      h.name = ReverseLookup(h.addr);
      h.name_from_ptr = !h.name.empty();
    }
    (*detect)->Run(services, &h);  // -sV: fills PortResult::service of open ports
    out.Host(h);
    obs->Host(h);
    if (resume_out.spool) resume_out.spool->Add(h);
  });
  ScanOutcome result;
  RunSummary& sum = result.summary;
  sum.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (totals) {
    sum.hosts_total = totals->hosts_total;
    sum.hosts_up = totals->hosts_up;
    sum.skipped_reserved = totals->skipped_reserved;
    sum.excluded = totals->excluded;
    sum.interrupted = totals->interrupted;
  }
  obs->Done(sum);
  out.End(sum);
  if (engine->stats) result.engine_stats = engine->stats();  // none: -sn unprivileged
  if (!totals) return totals.error();
  // What was gathered is stored even when interrupted (marked so).
  if (store) {
    auto id = store->SaveScan(*record, "scan");
    if (!id) return id.error();
    result.stored_id = *id;
    result.store_name = store->name();
  }
  result.output_error = out.first_error;
  if (sum.interrupted && env.resumable) {
    // Hosts the interrupted run had not reached keep their carried ports.
    if (!resume_out.file)
      return MakeError(fmt::format("interrupted; no resume file: \"{}\" could not be written", req.resume_file));
    for (auto& [addr, h] : carried.partial) resume_out.spool->Add(h);
    if (Status s = WriteResumeFile(*resume_out.file, req, totals->resume_index, *resume_out.spool, resume_out.key);
        !s.ok())
      return Error{s.message()};
    result.resume_written = req.resume_file;
  }
  if (!sum.interrupted && env.resume && out.first_error.ok()) {  // consumed
    if (mover.mover) mover.mover->Remove(req.resume_file);
    else std::remove(req.resume_file.c_str());
  }
  return result;
}

}  // namespace tj
