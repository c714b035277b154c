// The history's schema as numbered migrations, the same logical tables in
// SQLite and PostgreSQL. schema_version records each applied migration;
// migration N runs in one transaction with its row, so a database is always
// at exactly one version, never between two.
// Thread-safety: one connection per call; concurrent openers serialise on
// the database's write lock (SQLite) or an advisory lock (PostgreSQL).
#pragma once

#include "core/status.h"
#include "history/sql_db.h"

namespace tj {

// Applies every migration the database lacks. A database at a version newer
// than this binary knows is an error and is left untouched.
Status Migrate(SqlDb* db);

}  // namespace tj
