#include "watch/watcher.h"

#include <fmt/format.h>

#include <chrono>

namespace tj {
namespace {

class MemoryRunLog : public RunLog {
 public:
  Result<std::optional<WatchRun>> Last() override { return last_; }
  Result<int64_t> Save(const WatchRun& run) override {
    last_ = run;
    return ++id_;
  }

 private:
  std::optional<WatchRun> last_;
  int64_t id_ = 0;
};

void Log(const std::string& line) { fmt::print(stderr, "tojimari watch: {}\n", line); }

}  // namespace

std::unique_ptr<RunLog> MakeMemoryRunLog() { return std::make_unique<MemoryRunLog>(); }

Result<std::optional<WatchRun>> Watcher::Previous() {
  if (have_last_) return last_;
  auto last = log_->Last();
  if (!last) return last.error();
  last_ = std::move(*last);
  have_last_ = true;
  return last_;
}

Confirmation Watcher::Recheck(const std::vector<PortFlip>& flips, ScanRecord* record, bool* failed) {
  std::vector<ScanRecord> rechecks;
  for (const tj::Recheck& r : RechecksFor(flips)) {
    auto rec = source_.recheck(r);
    if (!rec || rec->summary.interrupted) {
      // Better a change alerted unconfirmed than a real change missed.
      Log(fmt::format("re-check of {} failed ({}); its changes are alerted unconfirmed", r.host.ToString(),
                      rec ? "interrupted" : rec.error().message));
      *failed = true;
      continue;
    }
    rechecks.push_back(std::move(*rec));
  }
  std::vector<PortFlip> checkable, unchecked;
  for (const PortFlip& f : flips) {
    bool seen = false;
    for (const ScanRecord& r : rechecks)
      for (const HostResult& h : r.hosts) seen |= h.addr == f.host;
    (seen ? checkable : unchecked).push_back(f);
  }
  Confirmation c = ConfirmFlips(checkable, rechecks);
  c.confirmed.insert(c.confirmed.end(), unchecked.begin(), unchecked.end());
  ApplyRechecks(rechecks, record);
  return c;
}

void Watcher::Send(const Alert& alert, CycleResult* result) {
  for (auto& sink : *sinks_) {
    Status s = sink->Send(alert);
    if (s.ok()) {
      metrics_->AlertSent();
      continue;
    }
    Log(fmt::format("alert not delivered ({}): {}", sink->name(), s.message()));
    metrics_->AlertFailed();
    ++result->sink_failures;
  }
}

Result<CycleResult> Watcher::Cycle() {
  CycleResult result;
  const auto started = std::chrono::system_clock::now();
  const auto t0 = std::chrono::steady_clock::now();
  auto scanned = source_.scan();
  if (!scanned) {
    metrics_->ScanFailed();
    return scanned.error();
  }
  if (scanned->summary.interrupted) {
    result.interrupted = true;
    return result;
  }
  auto previous = Previous();
  if (!previous) return previous.error();

  WatchRun run;
  run.record = std::move(*scanned);
  Alert& alert = result.alert;
  alert.at = started;
  alert.policy = policy_;
  result.baseline = !previous->has_value();
  if (!result.baseline) {
    std::vector<PortFlip> flips = PortFlips((*previous)->record, run.record);
    if (!flips.empty()) {
      Confirmation c = Recheck(flips, &run.record, &result.recheck_failed);
      alert.changes = std::move(c.confirmed);
      alert.suppressed = std::move(c.suppressed);
      metrics_->Suppressed(alert.suppressed.size());
    }
  }
  // Judged after the re-check, so a lost packet makes no finding either.
  if (source_.judge) {
    Judgement j = source_.judge(run.record);
    run.findings = std::move(j.findings);
    run.audit_json = std::move(j.audit_json);
  }
  alert.findings = CompareFindings(result.baseline ? std::vector<FindingBrief>{} : (*previous)->findings, run.findings);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  auto id = log_->Save(run);
  if (id) {
    alert.run_id = *id;
  } else {
    result.stored = Status(id.error());
    Log(fmt::format("run not stored: {}", id.error().message));
  }
  metrics_->RecordRun(run, started, seconds);
  last_ = std::move(run);
  have_last_ = true;
  for (const PortFlip& f : alert.suppressed)
    Log(fmt::format("port {}/{} on {}: {} -> {} not confirmed by the re-check; no alert", f.port, ProtoName(f.proto),
                    f.host.ToString(), StateText(f.before), StateText(f.after)));
  if (!alert.empty()) Send(alert, &result);
  return result;
}

}  // namespace tj
