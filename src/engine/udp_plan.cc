#include "engine/udp_plan.h"

#include <algorithm>

namespace tj {
namespace {

constexpr size_t kMaxRoundPorts = 512;  // a bigger round only repeats probes that cannot all be answered yet

}  // namespace

UdpHostPlan::UdpHostPlan(size_t ports, size_t lanes, const UdpPlanOptions& opts)
    : opts_(opts), ports_(ports), lanes_(std::max<size_t>(lanes, 1)), undecided_(ports) {}

void UdpHostPlan::Decide(uint32_t port, Verdict v) {
  if (ports_[port].verdict) return;
  ports_[port].verdict = v;
  --undecided_;
}

std::optional<Verdict> UdpHostPlan::VerdictOf(uint32_t port) const { return ports_[port].verdict; }

std::vector<UdpProbeRef> UdpHostPlan::FirstRound(double now) {
  std::vector<UdpProbeRef> out;
  out.reserve(ports_.size());
  for (uint32_t p = 0; p < ports_.size(); ++p) {
    auto lane = static_cast<uint16_t>(p % lanes_.size());
    out.push_back({p, lane});
    ++ports_[p].tries;
  }
  for (Lane& l : lanes_) {
    l.round = Round{};
    l.round.open = true;
    l.round.start = now;
    l.last_icmp = now;
  }
  first_start_ = now;
  return out;
}

void UdpHostPlan::OnUdp(uint32_t port) { Decide(port, {PortState::kOpen, Reason::kUdpResponse}); }

void UdpHostPlan::OnIcmp(uint32_t port, uint16_t lane, Verdict v, bool from_host, double now) {
  Lane& l = lanes_[lane % lanes_.size()];
  if (from_host) {
    if (!first_done_) ++l.first_round_icmp;
    if (l.round.open) ++l.round.icmp;
    l.last_icmp = now;
    if (l.round.open && l.round.canary == port) l.round.canary_answered = true;
    if (std::find(canaries_.begin(), canaries_.end(), port) == canaries_.end()) {
      canaries_.push_back(port);
      // The first evidence that this host sends ICMP errors: silent tries
      // counted before it assumed it sends none, and prove nothing now.
      if (first_done_ && !limited_ && undecided_ > 0) {
        limited_ = true;
        for (Port& p : ports_) p.strikes = 0;
      }
    }
  }
  Decide(port, v);
}

double UdpHostPlan::Interval() const {
  // One round per token the host grants this lane; before the rate is
  // known, as fast as answers can be waited for.
  if (!limited_) return std::max(wait_, opts_.quiet_proof / 5);  // waiting for a first error
  return rate_ > 0 ? std::max(wait_, 0.9 / rate_) : wait_;
}

void UdpHostPlan::Estimate() {
  // Tokens per second, pooled over the lanes (the host's setting is the
  // same for each): errors counted in rounds that exhausted the bucket,
  // over the time those tokens had to come in. Independent of how the
  // rounds are spaced, so a wrong first guess corrects itself.
  double seconds = 0;
  int tokens = 0;
  for (const Lane& l : lanes_) {
    size_t from = l.refills.size() > 16 ? l.refills.size() - 16 : 0;
    for (size_t i = from; i < l.refills.size(); ++i) {
      seconds += l.refills[i].first;
      tokens += l.refills[i].second;
    }
  }
  if (tokens >= 2 && seconds > 0) rate_ = tokens / seconds;
}

std::vector<UdpProbeRef> UdpHostPlan::StartRound(uint16_t lane_index, double now) {
  Lane& l = lanes_[lane_index % lanes_.size()];
  if (!first_done_ || l.round.open || now < l.next || Done()) return {};
  if (opts_.fast && limited_ && l.rounds >= 1) return {};
  std::vector<uint32_t> todo;
  for (uint32_t p = lane_index; p < ports_.size(); p += static_cast<uint32_t>(lanes_.size()))
    if (!ports_[p].verdict) todo.push_back(p);
  if (todo.empty()) return {};
  if (todo.size() > kMaxRoundPorts) {
    size_t start = (l.rounds * kMaxRoundPorts) % todo.size();
    std::rotate(todo.begin(), todo.begin() + static_cast<std::ptrdiff_t>(start), todo.end());
    todo.resize(kMaxRoundPorts);
  }
  l.round = Round{};
  l.round.open = true;
  l.round.start = now;
  l.round.ports = todo;
  ++l.rounds;
  std::vector<UdpProbeRef> out;
  for (uint32_t p : todo) {
    out.push_back({p, lane_index});
    if (ports_[p].tries < 255) ++ports_[p].tries;
  }
  if (limited_ && !canaries_.empty()) {
    uint32_t c = canaries_[l.canary_pick % canaries_.size()];
    l.round.canary = c;
    out.push_back({c, lane_index});  // last: see the header
  }
  return out;
}

void UdpHostPlan::Judge(double now, double wait) {
  wait_ = wait;
  bool first_open = false;
  for (Lane& l : lanes_) {
    if (!l.round.open || now < l.round.start + wait_) {
      first_open |= !first_done_ && l.round.open;
      continue;
    }
    Round r = std::move(l.round);
    l.round = Round{};
    l.next = std::max(now, r.start + Interval());
    if (!first_done_) continue;  // the first round: judged for the whole host below
    const bool had_canary = r.canary.has_value();
    if (had_canary) {
      const bool saturated = !r.canary_answered;
      if (saturated && l.prev_saturated) l.refills.emplace_back(r.start - l.prev_start, r.icmp);
      l.prev_saturated = saturated;
      l.prev_start = r.start;
    }
    for (uint32_t p : r.ports) {
      Port& port = ports_[p];
      if (port.verdict) continue;
      if (had_canary) {
        // Silence counts only when the canary proves tokens were left.
        if (!r.canary_answered) continue;
        if (++port.strikes >= (opts_.fast ? 1 : opts_.strikes))
          Decide(p, {PortState::kOpenFiltered, Reason::kNoResponse});
      } else if (!limited_) {
        ++port.strikes;
        if (port.strikes + 1 >= opts_.silent_tries && now - first_start_ >= opts_.quiet_proof)
          Decide(p, {PortState::kOpenFiltered, Reason::kNoResponse});
      }
    }
    if (opts_.fast && limited_) {
      // Fast mode: what a limited host left unanswered after one round of
      // retries may be closed (its error suppressed) or filtered.
      for (uint32_t p : r.ports)
        if (!ports_[p].verdict) Decide(p, {PortState::kClosedFiltered, Reason::kIcmpRateLimit});
    }
  }
  if (!first_done_ && !first_open) {
    first_done_ = true;
    for (const Lane& l : lanes_) burst_ = std::max(burst_, l.first_round_icmp);
    limited_ = !canaries_.empty() && undecided_ > 0;
    // A limited host's first round used up its bucket.
    for (Lane& l : lanes_) l.prev_saturated = limited_, l.prev_start = first_start_;
  }
  if (!first_done_) return;
  Estimate();
  if (!limited_) return;
  // A lane whose canary has gone quiet for many token intervals: try
  // another canary, and in the end stop waiting for the limiter.
  const double token = rate_ > 0 ? 1 / rate_ : 1.0;
  for (size_t i = 0; i < lanes_.size(); ++i) {
    Lane& l = lanes_[i];
    double quiet = now - l.last_icmp;
    if (quiet > std::max(4.0, 4 * token) && l.rotated_for != l.last_icmp) {
      ++l.canary_pick;
      l.rotated_for = l.last_icmp;
    }
    if (quiet > std::max(12.0, 12 * token)) {
      for (uint32_t p = static_cast<uint32_t>(i); p < ports_.size(); p += static_cast<uint32_t>(lanes_.size()))
        if (!ports_[p].verdict) Decide(p, {PortState::kOpenFiltered, Reason::kNoResponse});
    }
  }
}

void UdpHostPlan::Abandon() {
  for (uint32_t p = 0; p < ports_.size(); ++p)
    if (!ports_[p].verdict) Decide(p, {PortState::kOpenFiltered, Reason::kNoResponse});
}

}  // namespace tj
