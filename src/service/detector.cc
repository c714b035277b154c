// The per-port probing sequence and the worker threads; see detector.h.
#include "service/detector.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <thread>

#include "service/conn.h"
#include "service/match.h"
#include "service/starttls.h"

namespace tj {
namespace {

using std::chrono::milliseconds;

struct Reply {
  std::string bytes;
  ReadEnd end = ReadEnd::kTimeout;
  bool reset = false;  // the peer reset the connection
  // Silent and still open when a wait shortened to the path ran out: kept,
  // with the time the probe's own wait ends (see PortProbe::Late).
  std::unique_ptr<Conn> open;
  Clock::time_point late_until{};
};

// A probe whose reply may still come: a proxy holds a request while it tries
// a slow or dead backend (HAProxy answers 503 only after its retries).
struct Pending {
  const Probe* probe;
  std::unique_ptr<Conn> conn;
  Clock::time_point until;
};

class PortProbe {
 public:
  PortProbe(const ProbeDb& db, const DetectOptions& o, const Address& a, uint16_t port)
      : db_(db), o_(o), addr_(a), port_(port), deadline_(Clock::now() + o.port_budget) {}

  // The sequence over plain TCP, or inside TLS once a handshake worked.
  MatchResult Session(bool tls) {
    std::string soft;
    MatchResult soft_match;
    bool banner = false;
    const Probe* null = NullProbe();
    std::optional<Reply> r = null ? Exchange(*null, tls, NullWait(tls)) : std::nullopt;
    // No connection: over plain TCP the port is gone. Inside TLS a failed
    // handshake may be the load of the moment (the first one worked), so
    // the probes still get their own tries.
    if (null && !r && !tls) return {};
    if (r) {
      banner = !r->bytes.empty();
      Silent(*r);
      if (auto m = MatchReply(db_, *null, r->bytes); m.matched) {
        if (!m.soft) return m;
        soft = m.info.name;
        soft_match = m;
      }
    }
    const std::vector<const Probe*> order = Order(tls);
    std::vector<Pending> pending;
    for (size_t i = 0; i < order.size() && !TimeUp();) {
      const Probe* p = order[i];
      if (!soft.empty() && !p->tls_handshake && !ProbeCanName(db_, *p, soft)) {
        ++i;
        continue;
      }
      if (p->tls_handshake) {
        ++i;
        if (tls || banner) continue;
        if (auto m = TryTls(*p); m) return *m;
        continue;
      }
      // The next probes side by side, each on its own connection (plain
      // TCP only: a TLS handshake each is too dear), judged in order. A
      // probe made for this port goes alone: servers that take one
      // connection at a time (pptpd, iperf3) must see it first.
      std::vector<const Probe*> batch;
      const size_t room = Likely(*p, tls) ? 1 : Batch(tls);
      for (; i < order.size() && batch.size() < room; ++i) {
        const Probe* q = order[i];
        if (q->tls_handshake) break;
        if (!soft.empty() && !ProbeCanName(db_, *q, soft)) continue;
        batch.push_back(q);
      }
      std::vector<std::optional<Reply>> replies = ExchangeAll(batch, tls);
      for (size_t k = 0; k < batch.size(); ++k) {
        const Probe* q = batch[k];
        std::optional<Reply>& r = replies[k];
        if (!r) return soft_match;  // the port went away
        ++answered_;
        Silent(*r);
        if (r->open) pending.push_back(Pending{q, std::move(r->open), r->late_until});
        if (auto m = MatchReply(db_, *q, r->bytes); m.matched) {
          // nmap's database names a TLS reply "ssl" (its SSLSessionReq probe):
          // the service is inside, so look there.
          if (m.info.name == "ssl" && !tls && !tls_ok_) {
            if (auto inner = TryTls(*q); inner) return *inner;
          }
          if (!m.soft) return m;
          if (soft.empty()) {
            soft = m.info.name;
            soft_match = m;
          }
        }
      }
      // Every connection closed at once without a byte, three times over:
      // the service will not say more to the next probe (tcpwrapped, or a
      // SYN proxy with nothing behind it).
      if (closed_silent_ >= 3 && wrapped()) break;
    }
    if (auto m = Late(&pending, soft.empty()); m.matched) return m;
    return soft_match;
  }

  // A plain-text service that offers an upgrade: upgrade on a new
  // connection and keep the certificate. Nothing changes when it refuses.
  void TryStartTls(std::string_view service) {
    if (tls_ok_ || !HasStartTls(service) || TimeUp()) return;
    auto c = Conn::Open(addr_, port_, Until(o_.connect_timeout));
    if (!c || !UpgradeToTls(service, c.get(), Until(o_.max_probe_wait + o_.tls_handshake), o_.quiet)) return;
    has_cert_ = c->Certificate(&cert_);
    cert_.starttls = has_cert_;
  }

  bool tls_ok() const { return tls_ok_; }
  const CertInfo* cert() const { return has_cert_ ? &cert_ : nullptr; }
  // Every connection was closed at once without a byte: tcpwrapped.
  bool wrapped() const { return closed_silent_ > 0 && closed_silent_ == answered_ + 1; }
  // ...and each by a reset, not a close: a SYN proxy with nothing behind it
  // (a tcpwrapped service closes cleanly).
  bool reset() const { return wrapped() && reset_silent_ == closed_silent_; }
  // What -sV saw of a port a SYN proxy may be faking (SettleUnverified).
  bool reset_before_data() const { return !data_ && (connect_reset_ || reset()); }
  bool data() const { return data_; }

 private:
  bool TimeUp() const {
    return Clock::now() >= deadline_ || (o_.stop && o_.stop->load(std::memory_order_relaxed));
  }

  const Probe* NullProbe() const {
    if (db_.probes.empty()) return nullptr;
    const Probe& p = db_.probes[0];
    return p.payload.empty() && !p.tls_handshake && !p.udp ? &p : nullptr;
  }

  bool Likely(const Probe& p, bool tls) const {
    return p.ports.Contains(port_) || (tls && p.sslports.Contains(port_)) ||
           (p.tls_handshake && p.sslports.Contains(port_));
  }

  // TCP probes worth sending here: those listing the port first, then the
  // rest by rarity, leaving out the rare ones beyond the intensity.
  std::vector<const Probe*> Order(bool tls) const {
    std::vector<std::pair<int, const Probe*>> keyed;
    for (const auto& p : db_.probes) {
      if (p.udp || &p == NullProbe()) continue;
      bool likely = Likely(p, tls);
      if (!likely && p.rarity > o_.intensity) continue;
      keyed.emplace_back(likely ? 0 : p.rarity, &p);
    }
    std::stable_sort(keyed.begin(), keyed.end(), [](auto& a, auto& b) { return a.first < b.first; });
    std::vector<const Probe*> out;
    for (auto& k : keyed) out.push_back(k.second);
    return out;
  }

  Clock::time_point Until(milliseconds wait) const { return std::min(deadline_, Clock::now() + wait); }

  // How many probes go at once: the host's connections shared among its
  // ports still being probed.
  size_t Batch(bool tls) const {
    if (tls || !o_.in_progress) return 1;
    int ports = std::max(1, o_.in_progress->load(std::memory_order_relaxed));
    return static_cast<size_t>(std::clamp(o_.host_connections / ports, 1, std::max(1, o_.max_batch)));
  }

  // A probe's wait: its own, shortened to what the path needs.
  milliseconds Wait(const Probe& p) const {
    milliseconds path = o_.probe_floor;
    if (int64_t rtt = rtt_us_.load(); rtt > 0)
      path = std::max(path, std::chrono::duration_cast<milliseconds>(o_.probe_rtts * std::chrono::microseconds(rtt)));
    return std::min({milliseconds(p.wait_ms), o_.max_probe_wait, path});
  }

  // Nothing named the service for sure: the probes that were cut short by
  // the path's wait and are still open get the rest of their own wait, all
  // at once (each deadline counts from its send, so most of it has passed
  // while the other probes ran). A hard match wins; a soft one only when
  // there is no other.
  MatchResult Late(std::vector<Pending>* pending, bool want_soft) {
    std::sort(pending->begin(), pending->end(), [](auto& a, auto& b) { return a.until < b.until; });
    MatchResult soft;
    for (Pending& w : *pending) {
      if (TimeUp()) break;
      std::string bytes;
      w.conn->Read(&bytes, o_.max_reply, std::min(w.until, deadline_), o_.quiet, [&](const std::string& b) {
        auto m = MatchReply(db_, *w.probe, b);
        return m.matched && !m.soft;
      });
      if (bytes.empty()) continue;
      data_ = true;
      if (auto m = MatchReply(db_, *w.probe, bytes); m.matched) {
        if (!m.soft) return m;
        if (want_soft && !soft.matched) soft = m;
      }
    }
    return soft;
  }

  // The probes of a batch at once, on threads of their own; replies in order.
  std::vector<std::optional<Reply>> ExchangeAll(const std::vector<const Probe*>& batch, bool tls) {
    std::vector<std::optional<Reply>> out(batch.size());
    std::vector<std::thread> threads;
    for (size_t k = 1; k < batch.size(); ++k)
      threads.emplace_back([&, k] { out[k] = Exchange(*batch[k], tls, Wait(*batch[k])); });
    if (!batch.empty()) out[0] = Exchange(*batch[0], tls, Wait(*batch[0]));
    for (auto& t : threads) t.join();
    return out;
  }

  // The banner wait: inside TLS, short when some probe lists the port (the
  // service greets right after the handshake or waits for that probe).
  milliseconds NullWait(bool tls) const {
    if (!tls) return o_.null_wait;
    for (const auto& p : db_.probes)
      if (!p.udp && !p.tls_handshake && (p.ports.Contains(port_) || p.sslports.Contains(port_)))
        return std::min(o_.null_wait, o_.tls_null_wait);
    return o_.null_wait;
  }

  // A handshake has its own time (tls_handshake), so a slow one does not eat
  // the probe's wait; one failure is retried, since the first handshake to
  // this port already worked and a loaded server may just have been slow.
  std::unique_ptr<Conn> Connect(bool tls) {
    if (tls && spare_) return std::move(spare_);
    for (int attempt = 0; attempt < (tls ? 2 : 1) && !TimeUp(); ++attempt) {
      int error = 0;
      const auto t0 = Clock::now();
      auto c = Conn::Open(addr_, port_, Until(o_.connect_timeout), &error);
      if (error == ECONNRESET) connect_reset_ = true;
      // The first connect times the path for the probes' waits.
      if (c && rtt_us_.load() == 0)
        rtt_us_ = std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count());
      if (!c || !tls) return c;
      if (c->StartTls(Until(o_.tls_handshake))) return c;
    }
    return nullptr;
  }

  // One probe on a new connection: send, then read until the reply is
  // complete (a hard match), ends, pauses, or the wait runs out.
  // Empty when no connection could be made.
  std::optional<Reply> Exchange(const Probe& p, bool tls, milliseconds wait) {
    if (TimeUp()) return std::nullopt;
    auto c = Connect(tls);
    if (!c) return std::nullopt;
    wait = std::min(wait, o_.max_probe_wait);
    const auto full = Clock::now() + std::min(milliseconds(p.wait_ms), o_.max_probe_wait);
    if (!p.payload.empty() && !c->Send(p.payload, Until(wait))) {
      Reply closed;
      closed.end = ReadEnd::kClosed;
      closed.reset = c->was_reset();
      return closed;
    }
    Reply r;
    auto until = Until(wait);
    auto hard = [&](const std::string& b) {
      auto m = MatchReply(db_, p, b);
      return m.matched && !m.soft;
    };
    if (!p.followup.empty()) {
      // The follow-up goes once the first answer names the service (soft),
      // so the server has handled the first request when it reads the second.
      r.end = c->Read(&r.bytes, o_.max_reply, until, o_.quiet,
                      [&](const std::string& b) { return MatchReply(db_, p, b).matched; });
      if (r.end != ReadEnd::kStop || !MatchReply(db_, p, r.bytes).soft) return r;
      if (!c->Send(p.followup, until)) return r;
    }
    r.end = c->Read(&r.bytes, o_.max_reply, until, o_.quiet, hard);
    // A soft match is the service without its product, and the rest of the
    // reply may come late (Samba's NTLM challenge after its SMB2 answer, on
    // a loaded server): a pause does not end such a reply before the wait.
    while (r.end == ReadEnd::kTimeout && Clock::now() < until && MatchReply(db_, p, r.bytes).soft)
      r.end = c->Read(&r.bytes, o_.max_reply, until, o_.quiet, hard);
    r.reset = c->was_reset();
    // (Not the NULL probe's: a service that takes one connection at a time,
    // as pptpd does, would wait on it while the probes queue behind.)
    if (r.end == ReadEnd::kTimeout && r.bytes.empty() && !p.payload.empty() && p.followup.empty() && until < full) {
      r.open = std::move(c);
      r.late_until = full;
    }
    return r;
  }

  // The first handshake: the probe's wait, or tls_handshake when longer.
  // Its connection is kept for the NULL probe inside TLS (one handshake less).
  std::optional<MatchResult> TryTls(const Probe& p) {
    auto c = Conn::Open(addr_, port_, Until(o_.connect_timeout));
    milliseconds wait = std::max(std::min(milliseconds(p.wait_ms), o_.max_probe_wait), o_.tls_handshake);
    if (!c || !c->StartTls(Until(wait))) return std::nullopt;
    tls_ok_ = true;
    has_cert_ = c->Certificate(&cert_);
    spare_ = std::move(c);
    closed_silent_ = reset_silent_ = answered_ = 0;
    MatchResult inner = Session(true);
    return inner;
  }

  const ProbeDb& db_;
  const DetectOptions& o_;
  const Address& addr_;
  uint16_t port_;
  Clock::time_point deadline_;
  std::unique_ptr<Conn> spare_;  // a fresh TLS connection from TryTls, not yet used
  bool tls_ok_ = false;
  bool has_cert_ = false;
  CertInfo cert_;
  int closed_silent_ = 0, reset_silent_ = 0;
  std::atomic<bool> connect_reset_{false};  // a connect ended in a reset right after the handshake
  std::atomic<int64_t> rtt_us_{0};          // the first connect's time, in microseconds
  bool data_ = false;           // some reply had bytes: a service spoke
  void Silent(const Reply& r) {
    data_ |= !r.bytes.empty();
    if (r.end != ReadEnd::kClosed || !r.bytes.empty()) return;
    ++closed_silent_;
    reset_silent_ += r.reset;
  }
  int answered_ = 0;
};

}  // namespace

DetectOptions DetectOptionsFor(int intensity) {
  DetectOptions o;
  o.intensity = std::clamp(intensity, 0, 9);
  if (o.intensity <= 2) {
    o.null_wait = milliseconds(1500);
    o.max_probe_wait = milliseconds(2500);
    o.port_budget = milliseconds(8000);
    o.udp_port_budget = milliseconds(4000);
    o.probe_floor = milliseconds(600);
  } else if (o.intensity >= 9) {
    o.null_wait = milliseconds(5000);
    o.max_probe_wait = milliseconds(8000);
    o.port_budget = milliseconds(40000);
    o.udp_port_budget = milliseconds(15000);
    o.probe_floor = o.max_probe_wait;  // every probe its full wait
  }
  return o;
}

ServiceInfo DetectPort(const ProbeDb& db, const DetectOptions& o, const Address& addr, uint16_t port,
                       std::string_view table_name) {
  PortProbe probe(db, o, addr, port);
  MatchResult m = probe.Session(false);
  if (m.matched) probe.TryStartTls(m.info.name);
  ServiceInfo info = m.matched ? m.info : ServiceInfo{};
  if (!m.matched) {
    info.name = table_name;
    info.method = "table";
    info.conf = 3;
    if (probe.wrapped() && !probe.tls_ok()) {
      info.name = "tcpwrapped";
      info.method = "probed";
      info.conf = 8;
    }
  } else if (m.soft) {
    info.conf = 7;
  }
  if (probe.tls_ok()) {
    info.tunnel = "ssl";
    if (!m.matched && info.name.empty()) info.name = "ssl";
  }
  info.reset_before_data = probe.reset_before_data();
  info.data_exchanged = probe.data() || probe.tls_ok();
  if (const CertInfo* c = probe.cert()) {
    info.has_cert = true;
    info.cert = *c;
  }
  return info;
}

}  // namespace tj
