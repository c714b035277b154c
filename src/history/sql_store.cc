// Store over a SqlDb: the same statements for SQLite and PostgreSQL.
#include <fmt/format.h>

#include <charconv>

#include "core/user_dirs.h"
#include "history/ref.h"
#include "history/scan_rows.h"
#include "history/schema.h"
#include "history/sql_db.h"
#include "history/store.h"

namespace tj {
namespace {

int64_t Int(const std::optional<std::string>& v) {
  int64_t n = 0;
  if (v) std::from_chars(v->data(), v->data() + v->size(), n);
  return n;
}

class SqlStore : public Store {
 public:
  explicit SqlStore(std::unique_ptr<SqlDb> db) : db_(std::move(db)) {}

  Result<int64_t> SaveScan(const ScanRecord& scan, std::string_view kind) override {
    if (kind != "scan" && kind != "audit")
      return MakeError(fmt::format("history: unknown kind \"{}\" (scan or audit)", kind));
    SqlTransaction tx(db_.get());
    if (Status s = tx.Begin(); !s.ok()) return Error{s.message()};
    auto id = InsertScan(db_.get(), scan, kind);
    if (!id) return id;
    if (Status s = tx.Commit(); !s.ok()) return Error{s.message()};
    return id;
  }

  Status SaveAudit(int64_t scan_id, const AuditSummary& a) override {
    SqlTransaction tx(db_.get());
    if (Status s = tx.Begin(); !s.ok()) return s;
    if (Status s = InsertAudit(scan_id, a); !s.ok()) return s;
    return tx.Commit();
  }

  Result<int64_t> SaveAuditedScan(const ScanRecord& scan, const AuditSummary& a) override {
    SqlTransaction tx(db_.get());
    if (Status s = tx.Begin(); !s.ok()) return Error{s.message()};
    auto id = InsertScan(db_.get(), scan, "audit");
    if (!id) return id;
    if (Status s = InsertAudit(*id, a); !s.ok()) return Error{s.message()};
    if (Status s = tx.Commit(); !s.ok()) return Error{s.message()};
    return id;
  }

  Result<std::vector<ScanSummary>> ListScans(const ListFilter& f) override {
    SqlValue p[] = {f.kind, f.kind, f.limit ? static_cast<int64_t>(f.limit) : int64_t{-1}};
    // LIMIT -1 is "no limit" to SQLite; PostgreSQL wants NULL (LIMIT ALL).
    if (!f.limit && db_->dialect() == SqlDialect::kPostgres) p[2] = nullptr;
    auto rows = db_->Query(
        "SELECT id, started_us, kind, scanner, args, hosts_up, hosts_total, open_ports, elapsed, interrupted "
        "FROM scans WHERE (? = '' OR kind = ?) ORDER BY started_us DESC, id DESC LIMIT ?",
        p);
    if (!rows) return rows.error();
    std::vector<ScanSummary> out;
    for (const SqlRow& r : *rows) {
      ScanSummary s;
      s.id = Int(r[0]);
      s.started = FromMicros(Int(r[1]));
      s.kind = r[2].value_or("");
      s.scanner = r[3].value_or("");
      s.args = r[4].value_or("");
      s.hosts_up = static_cast<uint64_t>(Int(r[5]));
      s.hosts_total = static_cast<uint64_t>(Int(r[6]));
      s.open_ports = static_cast<uint64_t>(Int(r[7]));
      s.elapsed_seconds = r[8] ? std::strtod(r[8]->c_str(), nullptr) : 0;
      s.interrupted = Int(r[9]) != 0;
      out.push_back(std::move(s));
    }
    return out;
  }

  Result<ScanRecord> LoadScan(int64_t id) override { return SelectScan(db_.get(), id); }

  Result<std::optional<AuditSummary>> LoadAudit(int64_t scan_id) override {
    SqlValue p[] = {scan_id};
    auto rows = db_->Query("SELECT policy_path, policy_name, findings FROM audits WHERE scan_id = ?", p);
    if (!rows) return rows.error();
    if (rows->empty()) return std::optional<AuditSummary>();
    AuditSummary a;
    a.policy_path = rows->at(0)[0].value_or("");
    a.policy_name = rows->at(0)[1].value_or("");
    a.findings_json = rows->at(0)[2].value_or("");
    auto counts = db_->Query("SELECT severity, count FROM audit_counts WHERE scan_id = ?", p);
    if (!counts) return counts.error();
    for (const SqlRow& r : *counts) a.by_severity[r[0].value_or("")] = Int(r[1]);
    return std::optional<AuditSummary>(std::move(a));
  }

  Result<int64_t> ResolveRef(std::string_view text) override {
    auto ref = ParseHistoryRef(text);
    if (!ref) return ref.error();
    Result<std::vector<SqlRow>> rows = std::vector<SqlRow>{};
    switch (ref->kind) {
      case HistoryRef::Kind::kId: {
        SqlValue p[] = {ref->id};
        rows = db_->Query("SELECT id FROM scans WHERE id = ?", p);
        break;
      }
      case HistoryRef::Kind::kLatest: {
        SqlValue p[] = {ref->back};
        rows = db_->Query("SELECT id FROM scans ORDER BY started_us DESC, id DESC LIMIT 1 OFFSET ?", p);
        break;
      }
      case HistoryRef::Kind::kTime: {
        SqlValue p[] = {ToMicros(ref->at)};
        rows = db_->Query(
            "SELECT id FROM scans WHERE started_us <= ? ORDER BY started_us DESC, id DESC LIMIT 1", p);
        break;
      }
    }
    if (!rows) return rows.error();
    if (rows->empty()) return MakeError(fmt::format("no scan \"{}\" in the history ({})", text, db_->name()));
    return Int(rows->front()[0]);
  }

  Result<int64_t> Previous(int64_t id) override {
    SqlValue p[] = {id};
    auto rows = db_->Query(
        "SELECT b.id FROM scans a JOIN scans b ON b.started_us < a.started_us OR "
        "(b.started_us = a.started_us AND b.id < a.id) WHERE a.id = ? "
        "ORDER BY b.started_us DESC, b.id DESC LIMIT 1",
        p);
    if (!rows) return rows.error();
    if (rows->empty()) return MakeError(fmt::format("scan {} has no scan before it in the history", id));
    return Int(rows->front()[0]);
  }

  const std::string& name() const override { return db_->name(); }

 private:
  // REQUIRES: a transaction is open.
  Status InsertAudit(int64_t scan_id, const AuditSummary& a) {
    int64_t total = 0;
    for (const auto& [sev, n] : a.by_severity) total += n;
    SqlValue p[] = {scan_id, a.policy_path, a.policy_name, a.findings_json, total};
    if (auto r =
            db_->Query("INSERT INTO audits (scan_id, policy_path, policy_name, findings, findings_total) "
                       "VALUES (?, ?, ?, ?, ?)",
                       p);
        !r)
      return r.error();
    for (const auto& [sev, n] : a.by_severity) {
      SqlValue c[] = {scan_id, sev, n};
      if (auto r = db_->Query("INSERT INTO audit_counts (scan_id, severity, count) VALUES (?, ?, ?)", c); !r)
        return r.error();
    }
    return Status::Ok();
  }

  std::unique_ptr<SqlDb> db_;
};

}  // namespace

std::string DefaultDbUrl() {
  const std::string dir = UserDataDir();
  return dir.empty() ? "" : dir + "/history.db";
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& url, const OpenOptions& opts) {
  Result<std::unique_ptr<SqlDb>> db = MakeError("");
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    db = OpenPostgres(url);
  } else {
    std::string path = url;
    if (path.starts_with("sqlite://"))
      path = path.substr(9);
    else if (path.starts_with("sqlite:"))
      path = path.substr(7);
    else if (size_t s = path.find("://"); s != std::string::npos && path.find('/') > s)
      return MakeError(
          fmt::format("history database \"{}\": unknown kind (use a file path, sqlite:PATH or "
                      "postgresql://...)",
                      url.substr(0, s + 3)));
    if (path.empty())
      return MakeError(url.empty() ? "no place for the history: HOME is not set and this user has no home "
                                     "directory; give --db PATH"
                                   : "history database: empty path");
    if (opts.create && url == DefaultDbUrl()) {
      if (Status s = MakeUserDataDir(); !s.ok()) return MakeError(fmt::format("the history: {}", s.message()));
    }
    db = OpenSqlite(path, opts.create);
  }
  if (!db) return db.error();
  if (Status s = Migrate(db->get()); !s.ok()) return Error{s.message()};
  return std::unique_ptr<Store>(std::make_unique<SqlStore>(std::move(*db)));
}

}  // namespace tj
