// `tojimari check HOST:PORT...`: is my app listening? One line per port
// (state, reason, latency), exit 0 when all are open. With --wait, keep
// checking until they are all open or the time is up (the wait-for-it use:
// a container or CI job waiting for its database).
#include <charconv>
#include <thread>

#include "cli/command_table.h"
#include "cli/errors.h"
#include "cli/params.h"
#include "core/duration.h"
#include "core/services.h"
#include "engine/connect_engine.h"
#include "net/resolve.h"

namespace tj {
namespace {

struct CheckOptions {
  std::vector<std::string> items;
  Duration wait{0};           // --wait: keep trying this long
  Duration timeout{2'000'000};  // --timeout: per attempt, for one reply
  FamilyChoice family = FamilyChoice::kV4;
  bool help = false;
};

using P = Param<CheckOptions>;
using SV = std::string_view;

Status SetDur(Duration* d, SV v) {
  auto r = ParseDuration(v);
  if (!r) return r.error();
  *d = *r;
  return Status::Ok();
}

constexpr P kCheckTable[] = {
    {"--wait", ArgKind::kValue, "TIME", "Check", "wait until every port is open, up to TIME (e.g. 30s)",
     [](CheckOptions& o, SV v) { return SetDur(&o.wait, v); }},
    {"--timeout", ArgKind::kValue, "TIME", "Check", "wait at most TIME for each answer (default 2s)",
     [](CheckOptions& o, SV v) { return SetDur(&o.timeout, v); }},
    {"-6", ArgKind::kFlag, "", "Check", "host names resolve to IPv6 addresses",
     [](CheckOptions& o, SV) { o.family = FamilyChoice::kV6; return Status::Ok(); }},
    {"-4", ArgKind::kFlag, "", "Check", "host names resolve to IPv4 addresses (default)",
     [](CheckOptions& o, SV) { o.family = FamilyChoice::kV4; return Status::Ok(); }},
    {"-h", ArgKind::kFlag, "", "Check", "this help",
     [](CheckOptions& o, SV) { o.help = true; return Status::Ok(); }},
    {"--help", ArgKind::kFlag, "", "Check", "",
     [](CheckOptions& o, SV) { o.help = true; return Status::Ok(); }},
};

struct Endpoint {
  std::string text;
  Address addr;
  uint16_t port = 0;
};

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

// One round: every endpoint probed once (with retries) in parallel.
std::vector<PortResult> Probe(const std::vector<Endpoint>& eps, const CheckOptions& o, const std::atomic<bool>* stop) {
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

std::vector<ParamDoc> CheckParamDocs() { return ParamDocs(std::span<const P>(kCheckTable)); }

int RunCheck(const std::vector<std::string>& args, const CommandContext& ctx) {
  CheckOptions o;
  if (Status s = ParseParams(std::span<const P>(kCheckTable), args, &o, &o.items); !s.ok()) {
    Fail("check", s.message());
    return 2;
  }
  if (o.help) {
    fmt::print("{}", HelpOf("check"));
    return 0;
  }
  if (o.items.empty()) {
    fmt::print(stderr, "tojimari check: no HOST:PORT given (try: tojimari help check)\n");
    return 2;
  }
  std::vector<Endpoint> eps;
  for (const auto& item : o.items) {
    auto e = ParseEndpoint(item, o.family);
    if (!e) {
      Fail("check", e.error().message);
      return 2;
    }
    eps.push_back(*e);
  }
  auto deadline = std::chrono::steady_clock::now() + o.wait;
  auto pause = std::chrono::milliseconds(100);
  auto stopped = [&] { return ctx.stop && ctx.stop->load(); };
  std::vector<PortResult> res;  // the last round that ran to its end
  bool all_open = false;
  for (;;) {
    std::vector<PortResult> round = Probe(eps, o, ctx.stop);
    // A round cut short by SIGINT holds no answer for the ports it had not
    // decided: only whole rounds are reported.
    if (stopped()) break;
    res = std::move(round);
    all_open = std::all_of(res.begin(), res.end(), [](const PortResult& r) { return r.state == PortState::kOpen; });
    auto now = std::chrono::steady_clock::now();
    if (all_open || now >= deadline) break;
    // Sleep at most until the deadline, then check once more: a port that
    // opens in the last moment of the wait still counts. A signal ends the
    // sleep at once.
    auto until = now + std::min<std::chrono::steady_clock::duration>(pause, deadline - now);
    while (!stopped() && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (stopped()) break;
    pause = std::min<std::chrono::milliseconds>(pause * 2, std::chrono::milliseconds(1000));
  }
  if (stopped()) {
    // What was seen before the interrupt, or that nothing was.
    for (size_t i = 0; i < eps.size(); ++i) {
      if (res.empty()) {
        fmt::print("{} interrupted\n", eps[i].text);
        continue;
      }
      double ms = std::chrono::duration<double, std::milli>(res[i].rtt).count();
      fmt::print("{} {} {} {:.2f} ms\n", eps[i].text, StateName(res[i].state), ReasonName(res[i].reason), ms);
    }
    fmt::print(stderr, "tojimari check: interrupted{}\n", res.empty() ? " before any answer" : "");
    return 130;
  }
  for (size_t i = 0; i < eps.size(); ++i) {
    const PortResult& r = res[i];
    double ms = std::chrono::duration<double, std::milli>(r.rtt).count();
    fmt::print("{} {} {} {:.2f} ms\n", eps[i].text, StateName(r.state), ReasonName(r.reason), ms);
  }
  if (!all_open && o.wait.count() > 0) {
    for (size_t i = 0; i < eps.size(); ++i)
      if (res[i].state != PortState::kOpen)
        fmt::print(stderr, "tojimari check: timed out after {:.3g}s waiting for {} ({}, {})\n",
                   std::chrono::duration<double>(o.wait).count(), eps[i].text, StateName(res[i].state),
                   ReasonName(res[i].reason));
  }
  return all_open ? 0 : 1;
}

}  // namespace tj
