// Fuzzes the resume file reader past its signature (an empty key skips
// it): every field check a changed or hand-made file meets. A resume file
// sits in a directory others may write to, and a resumed scan acts on it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "session/resume_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = tj::ParseResume(text, "fuzz.resume", "");
  if (r) {
    // What parsed is within its ranges.
    for (const auto& h : r->hosts)
      for (const auto& p : h.ports)
        if (p.port == 0) __builtin_trap();
  }
  // And with a key: the signature check on hostile text.
  (void)tj::ParseResume(text, "fuzz.resume", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  return 0;
}
