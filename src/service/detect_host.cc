// A host's open ports through -sV: the ports in parallel, each asked of our
// probe database first and of nmap's (when installed) for what ours could
// not tell, layered into one answer; then SYN-proxy suspicions settled by
// what the connections saw. See detector.h.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "service/detector.h"
#include "service/conn.h"

namespace tj {

using std::chrono::milliseconds;

void DetectServices(const ProbeDb& db, const ServiceTable& services, const DetectOptions& o, HostResult* host) {
  DetectServices(ProbeDbs{&db, nullptr}, services, o, host);
}

namespace {

// How much a result says: a signature's hard match, then a soft one (or
// tcpwrapped), then the port table's guess.
int Strength(const ServiceInfo& s) {
  if (s.method != "probed") return 0;
  return s.conf >= 10 ? 2 : 1;
}

// What the next database may spend on a port: what the first left of the
// port's budget (--version-timeout bounds both together).
DetectOptions Remaining(DetectOptions o, Clock::time_point started) {
  auto spent = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
  o.port_budget = std::max(o.port_budget - spent, milliseconds(0));
  o.udp_port_budget = std::max(o.udp_port_budget - spent, milliseconds(0));
  return o;
}

bool SameWord(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Ours first, the fallback's answer on top: a hard match for another
// service wins; for the service ours already named, the fallback adds the
// product and version ours could not tell (a "product" that only repeats
// the service's name names no software), and ours keeps what its decoders
// read.
ServiceInfo Layer(const ServiceInfo& ours, ServiceInfo more) {
  if (Strength(more) <= Strength(ours) && !(Strength(more) == 2 && ours.product.empty())) return ours;
  if (Strength(ours) == 0 || !SameWord(ours.name, more.name)) return more;
  ServiceInfo out = ours;
  if (!SameWord(more.product, more.name) && !more.product.empty()) {
    out.product = more.product;
    out.version = more.version;
  }
  if (out.extrainfo.empty()) out.extrainfo = more.extrainfo;
  if (out.hostname.empty()) out.hostname = more.hostname;
  if (out.ostype.empty()) out.ostype = more.ostype;
  if (out.devicetype.empty()) out.devicetype = more.devicetype;
  out.conf = std::max(out.conf, more.conf);
  return out;
}

ServiceInfo DetectTcp(const ProbeDbs& dbs, const DetectOptions& o, const PortResult& p, std::string_view table) {
  const auto started = Clock::now();
  ServiceInfo info = DetectPort(*dbs.first, o, p.addr, p.port, table);
  // A SYN proxy's reset or a hard match is the answer; the rest is worth
  // asking the fallback's (many more) probes.
  if (Strength(info) == 2 || info.reset_before_data || !dbs.fallback) return info;
  DetectOptions rest = Remaining(o, started);
  if (rest.port_budget < milliseconds(500)) return info;
  const ProbeDb* more = dbs.fallback();
  if (!more || (o.stop && o.stop->load())) return info;
  ServiceInfo next = DetectPort(*more, rest, p.addr, p.port, table);
  const bool data = info.data_exchanged || next.data_exchanged;
  ServiceInfo out = Layer(info, std::move(next));
  out.data_exchanged = data;
  return out;
}

UdpDetect DetectUdp(const ProbeDbs& dbs, const DetectOptions& o, const PortResult& p, std::string_view table) {
  const auto started = Clock::now();
  UdpDetect u = DetectUdpPort(*dbs.first, o, p.addr, p.port, table);
  if (u.refused || Strength(u.info) == 2 || !dbs.fallback) return u;
  DetectOptions rest = Remaining(o, started);
  if (rest.udp_port_budget < milliseconds(500)) return u;
  const ProbeDb* more = dbs.fallback();
  if (!more || (o.stop && o.stop->load())) return u;
  UdpDetect next = DetectUdpPort(*more, rest, p.addr, p.port, table);
  if (next.refused) return next;
  u.info = Layer(u.info, std::move(next.info));
  u.answered |= next.answered;
  return u;
}

}  // namespace

void DetectServices(const ProbeDbs& dbs, const ServiceTable& services, const DetectOptions& o, HostResult* host) {
  std::vector<PortResult*> todo;
  for (auto& p : host->ports)
    if (p.state == PortState::kOpen || (p.proto == Proto::kUdp && p.state == PortState::kOpenFiltered))
      todo.push_back(&p);
  if (todo.empty()) return;
  std::atomic<size_t> next{0};
  std::atomic<int> in_progress{0};  // shares the host's connections (DetectOptions::host_connections)
  DetectOptions po = o;
  po.in_progress = &in_progress;
  auto work = [&] {
    const DetectOptions& o = po;
    for (size_t i; (i = next.fetch_add(1)) < todo.size();) {
      PortResult* p = todo[i];
      if (o.stop && o.stop->load()) break;
      ++in_progress;
      struct Done {
        std::atomic<int>& n;
        ~Done() { --n; }
      } done{in_progress};
      if (p->proto == Proto::kTcp) {
        p->service = DetectTcp(dbs, o, *p, services.Name(p->proto, p->port));
        continue;
      }
      UdpDetect u = DetectUdp(dbs, o, *p, services.Name(p->proto, p->port));
      if (u.refused && !u.answered) continue;  // closed after all: no service to report
      if (u.answered && p->state == PortState::kOpenFiltered) {
        p->state = PortState::kOpen;
        p->reason = Reason::kUdpResponse;
      }
      p->service = std::move(u.info);
    }
  };
  size_t n = std::min<size_t>(todo.size(), std::max(1, o.parallelism));
  std::vector<std::thread> workers;
  for (size_t i = 1; i < n; ++i) workers.emplace_back(work);
  work();
  for (auto& t : workers) t.join();
  SettleUnverified(host);
}

void SettleUnverified(HostResult* host) {
  // An open port only a SYN-ACK vouched for, on a host that SYN-ACKs
  // implausibly many (engine/plausible.h), is settled by what -sV saw: a
  // service that answered is confirmed; every connection reset before a
  // byte (tcpwrapped) means a SYN proxy completed the handshake and nothing
  // listens behind it.
  size_t confirmed = 0, reset = 0, left = 0;
  for (PortResult& p : host->ports) {
    if (!Unverified(p.reason) || p.service->method.empty()) continue;
    if (p.service->reset_before_data) {
      p.state = PortState::kClosed;
      p.reason = Reason::kProxyReset;
      p.service = Lazy<ServiceInfo>();
      ++reset;
    } else if (p.service->data_exchanged || (p.service->method == "probed" && p.service->name != "tcpwrapped")) {
      p.reason = Reason::kSynAck;
      ++confirmed;
    } else {
      ++left;
    }
  }
  if (confirmed + reset == 0) return;
  for (HostNote& n : host->notes)
    if (n.id == "syn-proxy")
      n.text += fmt::format("; -sV: {} reset after the handshake (syn-proxy-reset), {} answered (confirmed open), {} "
                            "still unverified",
                            reset, confirmed, left);
}

}  // namespace tj
