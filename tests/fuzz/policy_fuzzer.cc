// Fuzzes the policy file reader: TOML syntax (toml11) and every check
// after it. A policy is outside input: it comes from a repository anyone
// with commit access can change.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "policy/policy_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto policy = tj::ParsePolicy(text, "fuzz.toml");
  if (policy) {
    // Whatever parsed must be usable: every host entry answers a match.
    for (const auto& g : policy->groups)
      for (const auto& h : g.hosts) (void)h.Matches(tj::Address(), "x");
  }
  return 0;
}
