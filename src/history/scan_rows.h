// A ScanRecord to rows of the history schema (schema.cc) and back: the one
// place that knows which field goes in which column.
// Thread-safety: one connection per call.
#pragma once

#include <cstdint>
#include <string_view>

#include "history/sql_db.h"
#include "core/scan_record.h"

namespace tj {

// Inserts the scan, its hosts and ports; returns the scan's id.
// REQUIRES: a transaction is open on db (the caller commits).
Result<int64_t> InsertScan(SqlDb* db, const ScanRecord& scan, std::string_view kind);
// Reads a stored scan back whole; an error when there is no scan id.
Result<ScanRecord> SelectScan(SqlDb* db, int64_t id);

// Time points as stored: microseconds since the epoch.
int64_t ToMicros(std::chrono::system_clock::time_point t);
std::chrono::system_clock::time_point FromMicros(int64_t us);

}  // namespace tj
