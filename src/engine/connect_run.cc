#include "engine/connect_run.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <random>

#include "engine/connect_classify.h"
#include "engine/fd_limit.h"
#include "net/tcp_connect.h"

namespace tj {
namespace connect_detail {

ConnectRun::~ConnectRun() {
  for (Slot& s : slots_)
    if (s.fd >= 0) AbortClose(s.fd);
  if (ep_ >= 0) close(ep_);
}

Status ConnectRun::Start(const std::vector<HostJob>& jobs) {
  ep_ = epoll_create1(EPOLL_CLOEXEC);
  if (ep_ < 0) return MakeError(fmt::format("epoll_create1: {}", std::strerror(errno)));
  int fds = RaiseFdLimit();
  cap_ = static_cast<size_t>(std::max(1, std::min(fds, opts_.max_in_flight)));
  if (opts_.timing.max_parallelism > 0) cap_ = std::min<size_t>(cap_, opts_.timing.max_parallelism);
  window_ = CongestionWindow(64, static_cast<double>(cap_));
  slots_.resize(cap_);
  for (uint32_t i = cap_; i-- > 0;) free_.push_back(i);
  std::mt19937_64 rng(opts_.seed ? opts_.seed : std::random_device{}());
  for (const HostJob& j : jobs) {
    HostState h(opts_.timing);
    h.order = j.ports;
    std::shuffle(h.order.begin(), h.order.end(), rng);
    h.unresolved = h.order.size();
    unresolved_ += h.unresolved;
    hosts_.push_back(std::move(h));
    HostOutcome o;
    o.addr = j.addr;
    o.ports.reserve(j.ports.size());
    out_.push_back(std::move(o));
  }
  start_ = last_refill_ = Clock::now();
  return Status::Ok();
}

bool ConnectRun::NextProbe(Pending* p) {
  if (!retry_.empty()) {
    *p = retry_.front();
    retry_.pop_front();
    return true;
  }
  for (size_t n = 0; n < hosts_.size(); ++n) {
    size_t i = (rr_ + n) % hosts_.size();
    HostState& h = hosts_[i];
    if (h.next < h.order.size()) {
      *p = {static_cast<uint32_t>(i), h.order[h.next++], 0};
      rr_ = i + 1;
      return true;
    }
  }
  return false;
}

void ConnectRun::Launch(Clock::time_point now) {
  const Timing& t = opts_.timing;
  double elapsed = std::chrono::duration<double>(now - start_).count();
  if (t.max_rate > 0) {
    tokens_ = std::min(tokens_ + std::chrono::duration<double>(now - last_refill_).count() * t.max_rate,
                       std::max(1.0, t.max_rate / 100));
    last_refill_ = now;
  }
  // Send in small bursts between reads of the replies: a burst of thousands
  // of SYNs overflows receive queues along the path (and the target's), and
  // every packet lost that way costs a timeout.
  constexpr int kBurst = 64;
  blocked_ = false;
  for (int sent = 0; sent < kBurst; ++sent) {
    if (in_flight_ >= cap_ || free_.empty()) {
      blocked_ = true;
      return;
    }
    // --min-rate overrides the congestion window, as it does in nmap.
    bool below_min = t.min_rate > 0 && stats_->probes_sent < t.min_rate * elapsed;
    if ((in_flight_ >= window_.window() && !below_min) || (t.max_rate > 0 && tokens_ < 1) ||
        (t.scan_delay.count() > 0 && stats_->probes_sent > 0 && now - last_send_ < t.scan_delay)) {
      blocked_ = true;
      return;
    }
    Pending p;
    if (!NextProbe(&p)) {
      blocked_ = true;
      return;
    }
    Send(p, now);
    last_send_ = now;
    if (t.max_rate > 0) tokens_ -= 1;
  }
}

void ConnectRun::Send(const Pending& p, Clock::time_point now) {
  HostState& h = hosts_[p.host];
  if (!h.started) {
    h.started = true;
    h.start = now;
  }
  int err = 0;
  int fd = StartConnect(out_[p.host].addr, p.port, &err);
  if (fd < 0) {
    // Out of descriptors or buffers: shrink the cap and try this one later.
    cap_ = std::max<size_t>(1, in_flight_ > 16 ? in_flight_ - 8 : in_flight_);
    retry_.push_front(p);
    return;
  }
  ++stats_->probes_sent;
  if (opts_.probes_sent) opts_.probes_sent->fetch_add(1, std::memory_order_relaxed);
  if (p.tries > 0) ++stats_->retransmits;
  if (err == EADDRNOTAVAIL || err == EAGAIN || err == ENOBUFS) {
    close(fd);
    cap_ = std::max<size_t>(1, in_flight_ > 16 ? in_flight_ - 8 : in_flight_);
    retry_.push_front(p);
    return;
  }
  if (err != 0) {
    // Failed at once (no route, local firewall): final, no point retrying.
    close(fd);
    auto v = ClassifyConnectErrno(err);
    Finish(p.host, p.port, v ? v->state : PortState::kFiltered, v ? v->reason : Reason::kNoResponse,
           us(0), p.tries + 1);
    return;
  }
  uint32_t idx = free_.back();
  free_.pop_back();
  Slot& s = slots_[idx];
  s.fd = fd;
  ++s.gen;
  s.host = p.host;
  s.port = p.port;
  s.tries = p.tries + 1;
  s.sent = now;
  epoll_event ev{};
  ev.events = EPOLLOUT;
  ev.data.u32 = idx;
  epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev);
  h.inflight.emplace_back(idx, s.gen);
  ++in_flight_;
}

void ConnectRun::Release(uint32_t idx, bool connected) {
  Slot& s = slots_[idx];
  // Closing also removes the socket from the epoll set. Only a connected
  // socket needs the abortive close that sends a RST.
  if (connected) AbortClose(s.fd);
  else PlainClose(s.fd);
  s.fd = -1;
  ++s.gen;
  free_.push_back(idx);
  --in_flight_;
}

void ConnectRun::Finish(uint32_t host, uint16_t port, PortState state, Reason reason, us rtt,
                        uint8_t tries, const Address* icmp_from) {
  PortResult r;
  r.addr = out_[host].addr;
  r.port = port;
  r.proto = Proto::kTcp;
  r.state = state;
  r.reason = reason;
  r.rtt = rtt;
  r.tries = tries;
  if (icmp_from) {
    r.reason_ip = *icmp_from;
    r.reason_ip_set = true;
  }
  HostOutcome& o = out_[host];
  // Proof of life: a TCP answer, or an ICMP error the host itself sent. A
  // router's ICMP, or our own kernel's "host unreachable" after a failed
  // neighbour lookup, says nothing about the host being up.
  const bool alive = reason == Reason::kSynAck || reason == Reason::kConnRefused ||
                     (icmp_from && *icmp_from == r.addr);
  if (alive && !o.up) {
    o.up = true;
    o.up_reason = reason;
  }
  o.ports.push_back(r);
  --hosts_[host].unresolved;
  --unresolved_;
  if (sink_) sink_->OnPort(r);
}

void ConnectRun::OnEvent(uint32_t idx, Clock::time_point now) {
  Slot& s = slots_[idx];
  if (s.fd < 0) return;
  HostState& h = hosts_[s.host];
  const bool v6 = !out_[s.host].addr.is_v4();
  int err = PendingError(s.fd);
  std::optional<Verdict> v;
  // A refusal is a plain RST; only other errors can have an ICMP message
  // queued, and reading the queue costs a system call per port.
  std::optional<Address> icmp_from;
  if (err != 0 && err != ECONNREFUSED) {
    if (auto icmp = ReadIcmpError(s.fd, v6)) {
      v = ClassifyIcmp(v6, icmp->type, icmp->code);
      if (icmp->has_offender) icmp_from = icmp->offender;
    }
  }
  if (err == 0 && IsSelfConnect(s.fd)) {
    // Scanning our own machine, connect() may pick the destination port as
    // its source port and "open" a connection to itself (TCP simultaneous
    // open). Nobody listens there: probe again from another source port.
    Pending p{s.host, s.port, static_cast<uint8_t>(s.tries - 1)};
    Release(idx);
    retry_.push_front(p);
    return;
  }
  if (!v) v = ClassifyConnectErrno(err);
  if (!v) return;  // not finished after all; the timeout will decide
  us rtt = std::chrono::duration_cast<us>(now - s.sent);
  ++stats_->replies;
  h.rtt.AddSample(rtt);
  // Only TCP answers measure loss on the path; see tcp_answer below.
  const bool tcp_answer = v->reason == Reason::kSynAck || v->reason == Reason::kConnRefused;
  if (tcp_answer) h.max_success_try = std::max<int>(h.max_success_try, s.tries);
  // An answer to a retransmission proves the earlier probe was lost. ICMP
  // errors do not count: targets rate-limit them (Linux: about one a second),
  // so a late ICMP answer says nothing about loss on the path.
  if (tcp_answer) {
    uint64_t cuts = window_.cuts();
    window_.OnAnswer(s.tries > 1);
    stats_->loss_events += window_.cuts() - cuts;
  }
  uint32_t host = s.host;
  uint16_t port = s.port;
  uint8_t tries = s.tries;
  Release(idx, err == 0);
  Finish(host, port, v->state, v->reason, rtt, tries, icmp_from ? &*icmp_from : nullptr);
}

void ConnectRun::Expire(Clock::time_point now) {
  for (uint32_t hi = 0; hi < hosts_.size(); ++hi) {
    HostState& h = hosts_[hi];
    us timeout = h.rtt.Timeout();
    while (!h.inflight.empty()) {
      auto [idx, gen] = h.inflight.front();
      Slot& s = slots_[idx];
      if (s.gen != gen || s.fd < 0) {
        h.inflight.pop_front();  // already answered
        continue;
      }
      if (now - s.sent < timeout) break;
      h.inflight.pop_front();
      Pending p{hi, s.port, s.tries};
      Release(idx);
      window_.OnSilence();
      if (p.tries < Allowed(h)) retry_.push_back(p);
      else h.parked.push_back(p);
    }
    const us limit = opts_.timing.host_timeout;
    if (limit.count() > 0 && h.started && h.unresolved > 0 && now - h.start > limit) TimeOutHost(hi);
  }
}

// Silent ports wait in `parked` until the host has nothing else to do: by
// then loss seen on other ports may allow them more tries.
void ConnectRun::Unpark() {
  for (uint32_t hi = 0; hi < hosts_.size(); ++hi) {
    HostState& h = hosts_[hi];
    if (h.parked.empty()) continue;
    for (const Pending& p : h.parked) {
      if (p.tries < Allowed(h)) retry_.push_back(p);
      else Finish(hi, p.port, PortState::kFiltered, Reason::kNoResponse, us(0), p.tries);
    }
    h.parked.clear();
  }
}

void ConnectRun::TimeOutHost(uint32_t hi) {
  HostState& h = hosts_[hi];
  for (auto [idx, gen] : h.inflight)
    if (slots_[idx].gen == gen && slots_[idx].fd >= 0) Release(idx);
  h.inflight.clear();
  std::erase_if(retry_, [hi](const Pending& p) { return p.host == hi; });
  unresolved_ -= h.unresolved;
  h.unresolved = 0;
  h.parked.clear();
  h.next = h.order.size();
  out_[hi].timed_out = true;
}

int ConnectRun::WaitMillis(Clock::time_point now) const {
  us wait = us(200'000);
  for (const HostState& h : hosts_) {
    for (auto [idx, gen] : h.inflight) {
      const Slot& s = slots_[idx];
      if (s.gen != gen || s.fd < 0) continue;
      wait = std::min(wait, std::chrono::duration_cast<us>(s.sent + h.rtt.Timeout() - now));
      break;
    }
  }
  if (opts_.timing.scan_delay.count() > 0 || opts_.timing.max_rate > 0) wait = std::min(wait, us(1000));
  return static_cast<int>(std::max<int64_t>(0, (wait.count() + 999) / 1000));
}

void ConnectRun::Loop() {
  std::vector<epoll_event> events(1024);
  while (unresolved_ > 0) {
    if (opts_.stop && opts_.stop->load(std::memory_order_relaxed)) break;
    auto now = Clock::now();
    Expire(now);
    Launch(now);
    if (in_flight_ == 0 && retry_.empty() && !NewProbesLeft()) {
      Unpark();
      if (retry_.empty()) break;
      continue;
    }
    // More to send right away: only collect what has arrived, do not sleep.
    int wait = blocked_ ? WaitMillis(now) : 0;
    int n = epoll_wait(ep_, events.data(), static_cast<int>(events.size()), wait);
    now = Clock::now();
    for (int i = 0; i < n; ++i) OnEvent(events[i].data.u32, now);
  }
  for (size_t i = 0; i < out_.size(); ++i) out_[i].latency = hosts_[i].rtt.srtt();
}

}  // namespace connect_detail
}  // namespace tj
