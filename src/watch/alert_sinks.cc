// The sinks a watch's configuration names (watch/alert_sink.h).
#include <fmt/format.h>

#include <cstdlib>

#include "core/input_file.h"
#include "watch/alert_sink.h"

namespace tj {
namespace {

// Every webhook URL: --webhook, --webhook-file and TOJIMARI_WEBHOOK.
Result<std::vector<std::string>> WebhookUrls(const AlertTargets& o) {
  std::vector<std::string> urls = o.webhooks;
  for (const std::string& path : o.webhook_files) {
    InputLimits limits;
    limits.max_lines = 100;
    auto in = LineReader::Open(path, limits);
    if (!in) return MakeError(fmt::format("--webhook-file: {}", in.error().message));
    std::string line;
    while (in->Next(&line)) {
      line.erase(0, line.find_first_not_of(" \t"));
      line.erase(line.find_last_not_of(" \t") + 1);
      if (!line.empty() && line[0] != '#') urls.push_back(line);
    }
    if (!in->status().ok()) return MakeError(fmt::format("--webhook-file: {}", in->status().message()));
  }
  if (const char* env = getenv("TOJIMARI_WEBHOOK"); env && *env) urls.emplace_back(env);
  return urls;
}

}  // namespace

Status MakeAlertSinks(const AlertTargets& o, const SinkOptions& so, std::vector<std::unique_ptr<AlertSink>>* sinks) {
  auto urls = WebhookUrls(o);
  if (!urls) return Status(urls.error());
  for (const std::string& url : *urls) {
    auto s = MakeWebhookSink(url, so);
    if (!s) return Status(s.error());
    sinks->push_back(std::move(*s));
  }
  for (const std::string& cmd : o.execs) sinks->push_back(MakeExecSink(cmd, so));
  if (o.syslog) sinks->push_back(MakeSyslogSink());
  return Status::Ok();
}

}  // namespace tj
