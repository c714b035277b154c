// A writer that keeps a whole scan in memory as a ScanRecord
// (core/scan_record.h): the scan command adds it beside the file writers when
// a caller wants the scan as a value.
// Thread-safety: as any writer, used from one thread.
#pragma once

#include <memory>

#include "core/scan_record.h"
#include "report/writer.h"

namespace tj {

// *record must outlive the writer.
std::unique_ptr<Writer> MakeRecordWriter(ScanRecord* record);

}  // namespace tj
