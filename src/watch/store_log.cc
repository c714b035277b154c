#include "watch/store_log.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace tj {
namespace {

// How far back to look for this watch's last run among other stored scans.
constexpr size_t kLookBack = 200;

class StoreRunLog : public RunLog {
 public:
  StoreRunLog(std::unique_ptr<Store> store, StoreLogOptions opts) : store_(std::move(store)), opts_(std::move(opts)) {}

  Result<std::optional<WatchRun>> Last() override {
    bool audited = !opts_.policy_path.empty();
    auto list = store_->ListScans({kLookBack, audited ? "audit" : "scan"});
    if (!list) return list.error();
    for (const ScanSummary& s : *list) {
      std::optional<AuditSummary> audit;
      if (audited) {
        auto a = store_->LoadAudit(s.id);
        if (!a) return a.error();
        if (!*a || (*a)->policy_path != opts_.policy_path) continue;
        audit = std::move(**a);
      } else if (s.args != opts_.args) {
        continue;
      }
      auto record = store_->LoadScan(s.id);
      if (!record) return record.error();
      WatchRun run;
      run.record = std::move(*record);
      if (audit) {
        auto findings = FindingsFromAuditJson(audit->findings_json, s.id);
        if (!findings) return findings.error();
        run.findings = std::move(*findings);
        run.audit_json = std::move(audit->findings_json);
      }
      return std::optional<WatchRun>(std::move(run));
    }
    return std::optional<WatchRun>();
  }

  Result<int64_t> Save(const WatchRun& run) override {
    if (opts_.policy_path.empty()) return store_->SaveScan(run.record, "scan");
    AuditSummary a;
    a.policy_path = opts_.policy_path;
    a.policy_name = opts_.policy_name;
    a.findings_json = run.audit_json.empty() ? "{}" : run.audit_json;
    for (const char* s : {"critical", "high", "medium", "low", "info"}) a.by_severity[s] = 0;
    for (const FindingBrief& f : run.findings) ++a.by_severity[f.severity];
    return store_->SaveAuditedScan(run.record, a);
  }

 private:
  std::unique_ptr<Store> store_;
  StoreLogOptions opts_;
};

}  // namespace

std::unique_ptr<RunLog> MakeStoreRunLog(std::unique_ptr<Store> store, StoreLogOptions opts) {
  return std::make_unique<StoreRunLog>(std::move(store), std::move(opts));
}

Result<std::vector<FindingBrief>> FindingsFromAuditJson(const std::string& json, int64_t scan_id) {
  auto bad = [&](std::string_view why) {
    return MakeError(fmt::format("history: the audit of scan {} is unreadable: {}", scan_id, why));
  };
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return bad("not JSON");
  const nlohmann::json* list = doc.is_array() ? &doc : doc.is_object() && doc.contains("findings") ? &doc["findings"] : nullptr;
  std::vector<FindingBrief> out;
  if (!list) return out;  // stored without findings
  if (!list->is_array()) return bad("\"findings\" is not a list");
  // Read defensively: a wrong type is skipped, never thrown.
  auto str = [](const nlohmann::json& f, const char* k) {
    return f.contains(k) && f[k].is_string() ? f[k].get<std::string>() : std::string();
  };
  for (const auto& f : *list) {
    if (!f.is_object() || (f.contains("counts") && f["counts"].is_boolean() && !f["counts"].get<bool>())) continue;
    FindingBrief b;
    b.key = str(f, "key");
    b.severity = str(f, "severity");
    b.title = str(f, "title");
    b.host = str(f, "host");
    if (f.contains("port") && f["port"].is_number_unsigned() && f.contains("proto") && f["proto"].is_string())
      b.port = fmt::format("{}/{}", f["port"].get<uint64_t>(), f["proto"].get<std::string>());
    if (b.key.empty()) return bad("a finding without a key");
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace tj
