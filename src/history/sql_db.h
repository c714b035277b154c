// The seam between the history store and a SQL database: one connection that
// runs a statement with parameters and returns its rows as text. SQLite
// (sqlite_db.cc) and PostgreSQL (pg_db.cc) implement it, so the store's
// logic, schema and migrations (sql_store.cc, schema.cc) are written once.
// Statements use '?' placeholders; the PostgreSQL side numbers them ($1...).
// Thread-safety: a connection is used from one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"

namespace tj {

using SqlValue = std::variant<std::nullptr_t, int64_t, double, std::string>;
// One row: each column as text, nullopt for SQL NULL.
using SqlRow = std::vector<std::optional<std::string>>;

enum class SqlDialect { kSqlite, kPostgres };

class SqlDb {
 public:
  virtual ~SqlDb() = default;
  virtual SqlDialect dialect() const = 0;
  // Where the data lives, for messages (never a password).
  virtual const std::string& name() const = 0;
  // Runs one statement with its '?' placeholders bound to params in order.
  virtual Result<std::vector<SqlRow>> Query(std::string_view sql, std::span<const SqlValue> params = {}) = 0;
  // Runs a script of statements without parameters (DDL).
  virtual Status Exec(std::string_view script) = 0;
  // Starts a transaction that will write: SQLite takes the write lock at
  // once (BEGIN IMMEDIATE) so two writers queue instead of deadlocking.
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;
};

// A SQLite file in WAL mode with full fsync. create=false: the file must
// exist (readers do not leave empty databases behind typos).
Result<std::unique_ptr<SqlDb>> OpenSqlite(const std::string& path, bool create);
// A libpq connection string or postgresql:// URL.
Result<std::unique_ptr<SqlDb>> OpenPostgres(const std::string& url);

// Undoes a transaction unless Commit() was reached: every early return on an
// error leaves the database as it was.
class SqlTransaction {
 public:
  explicit SqlTransaction(SqlDb* db) : db_(db) {}
  ~SqlTransaction() {
    if (open_) db_->Rollback();
  }
  Status Begin() {
    Status s = db_->Begin();
    open_ = s.ok();
    return s;
  }
  Status Commit() {
    open_ = false;
    return db_->Commit();
  }

 private:
  SqlDb* db_;
  bool open_ = false;
};

}  // namespace tj
