// A scan request (session/scan_request.h) as JSON: every field by name, the
// ports as ranges. The resume file keeps the interrupted scan's request
// this way (so `tojimari resume` runs data, not a command line), and
// watch's scan child gets its request this way on its stdin (so nothing of
// it, the history's URL included, shows in `ps`).
// Decoding checks each field (types, ranges: ports 1-65535, -T0..5,
// intensity 0-9...) and refuses a field it does not know.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "session/scan_request.h"

namespace tj {

std::string EncodeRequest(const ScanRequest& r);  // one line of JSON, no newline
Result<ScanRequest> DecodeRequest(std::string_view json);

}  // namespace tj
