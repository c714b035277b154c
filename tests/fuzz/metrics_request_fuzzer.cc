// Fuzzes what watch's /metrics server makes of a request head (whatever a
// client on the metrics address sends) and the --metrics address parser.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "watch/metrics_server.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  tj::MetricsRoute r = tj::RouteMetricsRequest(text);
  if (r.code != 200 && r.code != 400 && r.code != 404 && r.code != 405) std::abort();
  // Only GET or HEAD of /metrics (a query allowed) gets the metrics.
  if (r.code == 200 && !text.starts_with("GET /metrics") && !text.starts_with("HEAD /metrics")) std::abort();
  auto listen = tj::ParseListenAddress(std::string(text));
  if (!listen.ok() && listen.error().message.empty()) std::abort();
  return 0;
}
