// Fuzzes the target parser and the TargetList index space built from it.
// Host names resolve through a fixed lambda: a fuzzer never does DNS.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "core/target_spec.h"

namespace {

tj::Result<std::vector<tj::Address>> FixedResolver(std::string_view name, tj::FamilyChoice family) {
  if (name.size() % 5 == 0) return tj::MakeError("no such host");
  if (family == tj::FamilyChoice::kV6) return std::vector<tj::Address>{*tj::Address::Parse("2001:db8::1")};
  return std::vector<tj::Address>{*tj::Address::Parse("198.18.0.1"), *tj::Address::Parse("224.0.0.1")};
}

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckRange(const tj::TargetRange& r) {
  Check(r.size() > 0);
  for (uint64_t i : {uint64_t{0}, r.size() / 2, r.size() - 1}) Check(r.Contains(r.At(i)));
  if (r.size() > 1) Check(r.At(0) < r.At(r.size() - 1));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (tj::FamilyChoice family : {tj::FamilyChoice::kV4, tj::FamilyChoice::kV6}) {
    auto ranges = tj::ParseTarget(text, family, FixedResolver);
    if (!ranges.ok()) {
      Check(!ranges.error().message.empty());
      continue;
    }
    for (const tj::TargetRange& r : *ranges) CheckRange(r);
    tj::TargetList list;
    Check(list.Add(text, family, FixedResolver).ok());
    Check(list.AddExclude("198.18.0.0/30", family, FixedResolver).ok());
    for (uint64_t i : {uint64_t{0}, list.size() / 3, list.size() - 1}) {
      auto a = list.Get(i);
      Check(a.has_value() == (list.WhySkipped(i) == tj::TargetList::Skip::kNone));
    }
  }
  return 0;
}
