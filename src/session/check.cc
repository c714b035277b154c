#include "session/check.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <thread>

#include "core/services.h"
#include "engine/connect_engine.h"
#include "net/resolve.h"

namespace tj {
namespace {

// One round: every endpoint probed once (with retries) in parallel.
std::vector<PortResult> Probe(const std::vector<Endpoint>& eps, const CheckRequest& o, const std::atomic<bool>* stop) {
  std::vector<HostJob> jobs;
  for (const Endpoint& e : eps) jobs.push_back({e.addr, {e.port}});
  ConnectOptions co;
  co.timing = TimingTemplate(4);
  co.timing.initial_rtt_timeout = co.timing.max_rtt_timeout = o.timeout;
  co.timing.max_retries = 1;
  co.stop = stop;
  ConnectEngine engine(co);
  std::vector<PortResult> out(eps.size());
  auto r = engine.Run(jobs, nullptr);
  for (size_t i = 0; i < eps.size(); ++i) {
    out[i].addr = eps[i].addr;
    out[i].port = eps[i].port;
    if (r && !(*r)[i].ports.empty()) out[i] = (*r)[i].ports.front();
  }
  return out;
}

}  // namespace

Result<Endpoint> ParseEndpoint(const std::string& item, FamilyChoice family) {
  std::string host, port;
  if (item.starts_with("[")) {
    size_t close = item.find(']');
    if (close == std::string::npos || close + 1 >= item.size() || item[close + 1] != ':')
      return MakeError(fmt::format("\"{}\": expected [IPv6]:PORT", item));
    host = item.substr(1, close - 1);
    port = item.substr(close + 2);
  } else {
    size_t colon = item.rfind(':');
    if (colon == std::string::npos) return MakeError(fmt::format("\"{}\": expected HOST:PORT", item));
    host = item.substr(0, colon);
    port = item.substr(colon + 1);
    if (host.find(':') != std::string::npos)
      return MakeError(fmt::format("\"{}\": write an IPv6 address in brackets, as [{}]:{}", item, host, port));
  }
  Endpoint e;
  e.text = item;
  unsigned v = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
  if (!port.empty() && ec == std::errc() && ptr == port.data() + port.size()) {
    if (v < 1 || v > 65535) return MakeError(fmt::format("\"{}\": port {} is out of range (1-65535)", item, port));
    e.port = static_cast<uint16_t>(v);
  } else {
    auto named = ServiceTable::Builtin().PortsNamed(port, Proto::kTcp);
    if (named.empty()) return MakeError(fmt::format("\"{}\": \"{}\" is not a port number or service name", item, port));
    e.port = named.front();
  }
  if (auto lit = Address::Parse(host)) {
    e.addr = *lit;
  } else {
    auto addrs = ResolveHost(host, family);
    if (!addrs) return addrs.error();
    e.addr = addrs->front();
  }
  return e;
}

CheckOutcome CheckPorts(const CheckRequest& req, const std::atomic<bool>* stop) {
  CheckOutcome out;
  auto deadline = std::chrono::steady_clock::now() + req.wait;
  auto pause = std::chrono::milliseconds(100);
  auto stopped = [&] { return stop && stop->load(); };
  for (;;) {
    std::vector<PortResult> round = Probe(req.endpoints, req, stop);
    if (stopped()) break;
    out.results = std::move(round);
    out.all_open = std::all_of(out.results.begin(), out.results.end(),
                               [](const PortResult& r) { return r.state == PortState::kOpen; });
    auto now = std::chrono::steady_clock::now();
    if (out.all_open || now >= deadline) return out;
    // Sleep at most until the deadline, then check once more: a port that
    // opens in the last moment of the wait still counts. A signal ends the
    // sleep at once.
    auto until = now + std::min<std::chrono::steady_clock::duration>(pause, deadline - now);
    while (!stopped() && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (stopped()) break;
    pause = std::min<std::chrono::milliseconds>(pause * 2, std::chrono::milliseconds(1000));
  }
  out.interrupted = true;
  return out;
}

}  // namespace tj
