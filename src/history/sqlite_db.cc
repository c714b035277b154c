// SqlDb over SQLite: the default history, one file and no set-up.
// WAL journal with synchronous=FULL: a committed scan survives a crash or
// kill -9 of the writer (and a power cut); a scan being written when that
// happens is rolled back on the next open, never half stored.
#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>

#include "history/sql_db.h"

namespace tj {
namespace {

class SqliteDb : public SqlDb {
 public:
  SqliteDb(sqlite3* db, std::string name) : db_(db), name_(std::move(name)) {}
  ~SqliteDb() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }
  SqlDialect dialect() const override { return SqlDialect::kSqlite; }
  const std::string& name() const override { return name_; }

  Result<std::vector<SqlRow>> Query(std::string_view sql, std::span<const SqlValue> params) override {
    auto stmt = Prepare(sql);
    if (!stmt) return stmt.error();
    sqlite3_stmt* st = *stmt;
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i) + 1;
      const SqlValue& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v))
        sqlite3_bind_null(st, idx);
      else if (auto* n = std::get_if<int64_t>(&v))
        sqlite3_bind_int64(st, idx, *n);
      else if (auto* d = std::get_if<double>(&v))
        sqlite3_bind_double(st, idx, *d);
      else {
        const auto& s = std::get<std::string>(v);
        sqlite3_bind_text(st, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      }
    }
    std::vector<SqlRow> rows;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      SqlRow row(sqlite3_column_count(st));
      for (int c = 0; c < static_cast<int>(row.size()); ++c) {
        if (sqlite3_column_type(st, c) == SQLITE_NULL) continue;
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
        row[c] = std::string(text, sqlite3_column_bytes(st, c));
      }
      rows.push_back(std::move(row));
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) return Fail();
    return rows;
  }

  Status Exec(std::string_view script) override {
    std::string s(script);
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) return Fail();
    return Status::Ok();
  }
  Status Begin() override { return Exec("BEGIN IMMEDIATE"); }
  Status Commit() override {
    Status s = Exec("COMMIT");
    if (!s.ok()) Rollback();
    return s;
  }
  void Rollback() override {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  Error Fail() const {
    return MakeError(fmt::format("history database \"{}\": {}", name_, sqlite3_errmsg(db_)));
  }

 private:
  // Statements are prepared once and kept: a scan stores many rows with the
  // same few statements.
  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    std::string key(sql);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, key.c_str(), static_cast<int>(key.size()), &st, nullptr) != SQLITE_OK)
      return Fail();
    cache_.emplace(std::move(key), st);
    return st;
  }

  sqlite3* db_;
  std::string name_;
  std::map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace

Result<std::unique_ptr<SqlDb>> OpenSqlite(const std::string& path, bool create) {
  struct stat st {};
  if (!create && stat(path.c_str(), &st) != 0)
    return MakeError(fmt::format("no history database at \"{}\" (scans are stored with --store)", path));
  // lstat: a link planted where the history goes is not followed.
  if (lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    return MakeError(fmt::format("history database \"{}\": not a regular file", path));
  // Scan results are nobody else's business: a new history is the user's alone
  // (SQLite gives its -wal and -shm files the same mode).
  if (create) {
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) close(fd);
  }
  // One that another user made (in a shared directory, before us) could be
  // read or changed by them: refused, never written into.
  if (lstat(path.c_str(), &st) == 0 && st.st_uid != geteuid())
    return MakeError(fmt::format("history database \"{}\" belongs to another user (uid {}): refusing to use it",
                                 path, st.st_uid));
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  auto db = std::make_unique<SqliteDb>(raw, path);  // owns raw even when the open failed
  if (rc != SQLITE_OK) return db->Fail();
  // Another writer holds the lock: wait for it rather than fail at once.
  sqlite3_busy_timeout(raw, 10000);
  // journal_mode is also the first read of the file: a file that is not a
  // database fails here with SQLite's "file is not a database".
  auto mode = db->Query("PRAGMA journal_mode=WAL", {});
  if (!mode) return mode.error();
  if (mode->empty() || mode->front().front() != "wal")
    return MakeError(fmt::format("history database \"{}\": cannot use a write-ahead log", path));
  if (Status s = db->Exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON"); !s.ok())
    return Error{s.message()};
  return std::unique_ptr<SqlDb>(std::move(db));
}

}  // namespace tj
