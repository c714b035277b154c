// `tojimari check HOST:PORT...`: is my app listening? One line per port
// (state, reason, latency), exit 0 when all are open. With --wait, keep
// checking until they are all open or the time is up (the wait-for-it use:
// a container or CI job waiting for its database).
#include "cli/command_table.h"
#include "cli/errors.h"
#include "core/params.h"
#include "core/duration.h"
#include "session/check.h"

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


constexpr P kCheckTable[] = {
    {"--wait", ArgKind::kValue, "TIME", "Check", "wait until every port is open, up to TIME (e.g. 30s)",
     [](CheckOptions& o, SV v) { return SetDuration(&o.wait, v); }},
    {"--timeout", ArgKind::kValue, "TIME", "Check", "wait at most TIME for each answer (default 2s)",
     [](CheckOptions& o, SV v) { return SetDuration(&o.timeout, v); }},
    {"-6", ArgKind::kFlag, "", "Check", "host names resolve to IPv6 addresses",
     [](CheckOptions& o, SV) { o.family = FamilyChoice::kV6; return Status::Ok(); }},
    {"-4", ArgKind::kFlag, "", "Check", "host names resolve to IPv4 addresses (default)",
     [](CheckOptions& o, SV) { o.family = FamilyChoice::kV4; return Status::Ok(); }},
    {"-h", ArgKind::kFlag, "", "Check", "this help",
     [](CheckOptions& o, SV) { o.help = true; return Status::Ok(); }},
    {"--help", ArgKind::kFlag, "", "Check", "",
     [](CheckOptions& o, SV) { o.help = true; return Status::Ok(); }},
};

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
  CheckRequest req{{}, o.wait, o.timeout};
  for (const auto& item : o.items) {
    auto e = ParseEndpoint(item, o.family);
    if (!e) {
      Fail("check", e.error().message);
      return 2;
    }
    req.endpoints.push_back(*e);
  }
  const CheckOutcome got = CheckPorts(req, ctx.stop);
  const std::vector<Endpoint>& eps = req.endpoints;
  const std::vector<PortResult>& res = got.results;
  const bool all_open = got.all_open;
  if (got.interrupted) {
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
