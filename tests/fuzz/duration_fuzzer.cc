// Fuzzes the duration parser used by --host-timeout, --wait and friends.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/duration.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto d = tj::ParseDuration(text);
  if (d.ok() && d->count() < 0) std::abort();
  if (!d.ok() && d.error().message.empty()) std::abort();
  return 0;
}
