// The history of scans and audits: every stored scan keeps its hosts and
// ports whole, so any two can be compared later (diff.h) and an audit's
// findings sit beside the scan they judged.
//
//   auto store = Store::Open(DefaultDbUrl(), {});   // or "postgresql://..."
//   auto id = (*store)->SaveScan(record, "scan");
//
// Backends: SQLite (a file; the default) and PostgreSQL, with the same
// schema and versioned migrations (schema.cc). Every write is one
// transaction: a crash or kill during a write loses nothing stored before it
// and never leaves half a scan. Errors are one line naming the database.
// Thread-safety: a Store is used from one thread; several processes may use
// the same database at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/scan_record.h"

namespace tj {

// One line of `tojimari history`.
struct ScanSummary {
  int64_t id = 0;
  std::chrono::system_clock::time_point started;
  std::string kind;     // "scan" or "audit"
  std::string scanner;  // "tojimari", "nmap" (a stored file)
  std::string args;     // the command line
  uint64_t hosts_up = 0, hosts_total = 0;
  uint64_t open_ports = 0;  // over all hosts
  double elapsed_seconds = 0;
  bool interrupted = false;
};

struct ListFilter {
  size_t limit = 0;  // the newest N; 0: all
  std::string kind;  // "scan" or "audit"; empty: both
};

// What an audit concluded about a stored scan (kind "audit").
struct AuditSummary {
  std::string policy_path;    // the file as given
  std::string policy_name;    // the policy's own name, if it has one
  std::string findings_json;  // the findings as one JSON document (the audit's format; must be valid JSON:
                              // PostgreSQL stores it as JSONB)
  std::map<std::string, int64_t> by_severity;  // "high" -> 2 ...
};

struct OpenOptions {
  // Create the database (SQLite: the file and the default directory) when
  // missing. Readers (history, diff) pass false and get a clear error.
  bool create = true;
};

class Store {
 public:
  virtual ~Store() = default;

  // url: "postgresql://..." / "postgres://..." (libpq), "sqlite:PATH", or a
  // plain path to a SQLite file. Brings the schema up to date (migrations);
  // a database newer than this binary is an error, never touched.
  static Result<std::unique_ptr<Store>> Open(const std::string& url, const OpenOptions& opts);

  // Stores a whole scan in one transaction; returns its id. kind: "scan" or "audit".
  virtual Result<int64_t> SaveScan(const ScanRecord& scan, std::string_view kind) = 0;
  // Stores an audit's conclusion for a scan saved with kind "audit" (one per scan).
  virtual Status SaveAudit(int64_t scan_id, const AuditSummary& audit) = 0;
  // Both at once, in one transaction (kind "audit"): never a scan without its audit.
  virtual Result<int64_t> SaveAuditedScan(const ScanRecord& scan, const AuditSummary& audit) = 0;

  // Newest first.
  virtual Result<std::vector<ScanSummary>> ListScans(const ListFilter& filter) = 0;
  // The scan as it was saved (ports folded on disk are restored).
  virtual Result<ScanRecord> LoadScan(int64_t id) = 0;
  virtual Result<std::optional<AuditSummary>> LoadAudit(int64_t scan_id) = 0;

  // ref: an id ("12"), "latest", "latest~N" (N scans before the latest), or
  // a local date/time: the last scan started at or before it ("2026-11-20"
  // means the end of that day; "2026-11-20T10:00", a trailing Z for UTC).
  virtual Result<int64_t> ResolveRef(std::string_view ref) = 0;
  // The scan stored just before id (for `diff ID`); an error if none.
  virtual Result<int64_t> Previous(int64_t id) = 0;

  // Where the history lives, for messages ("/root/.local/share/tojimari/history.db").
  virtual const std::string& name() const = 0;
};

// $XDG_DATA_HOME/tojimari/history.db, else ~/.local/share/tojimari/history.db.
std::string DefaultDbUrl();

// The schema version this binary writes and reads.
int SchemaVersion();

}  // namespace tj
