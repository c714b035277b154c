#include "report/port_fold.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

namespace tj {
namespace {

bool Folded(PortState s, size_t count, int verbose, bool open_only) {
  if (s == PortState::kOpen) return false;
  if (open_only && s != PortState::kOpenFiltered && s != PortState::kUnfiltered) return count > 0;
  return count > 25 * static_cast<size_t>(verbose + 1);
}

}  // namespace

PortFold FoldPorts(const std::vector<PortResult>& ports, int verbose, bool open_only) {
  using StateKey = std::pair<Proto, PortState>;
  std::map<StateKey, size_t> per_state;
  for (const PortResult& p : ports) ++per_state[{p.proto, p.state}];

  PortFold fold;
  std::map<StateKey, std::map<Reason, std::vector<uint16_t>>> folded;
  for (const PortResult& p : ports) {
    if (Folded(p.state, per_state[{p.proto, p.state}], verbose, open_only))
      folded[{p.proto, p.state}][p.reason].push_back(p.port);
    else
      fold.shown.push_back(&p);
  }
  for (auto& [key, reasons] : folded) {
    FoldedState fs{key.first, key.second, per_state[key], {}};
    for (auto& [reason, list] : reasons) {
      std::sort(list.begin(), list.end());
      fs.reasons.push_back({reason, std::move(list)});
    }
    // Stable: ties keep the (proto, state, reason) order of the maps, so the
    // output does not depend on the order the engine found the ports in.
    std::stable_sort(fs.reasons.begin(), fs.reasons.end(),
                     [](const auto& a, const auto& b) { return a.ports.size() > b.ports.size(); });
    fold.folded.push_back(std::move(fs));
  }
  std::stable_sort(fold.folded.begin(), fold.folded.end(),
                   [](const auto& a, const auto& b) { return a.count > b.count; });
  return fold;
}

std::string PortRanges(std::vector<uint16_t> ports) {
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  std::string out;
  for (size_t i = 0; i < ports.size();) {
    size_t j = i;
    while (j + 1 < ports.size() && ports[j + 1] == ports[j] + 1) ++j;
    if (!out.empty()) out.push_back(',');
    out += i == j ? fmt::format("{}", ports[i]) : fmt::format("{}-{}", ports[i], ports[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace tj
