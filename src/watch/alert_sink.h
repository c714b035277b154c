// Where alerts go. Each sink is one file behind this interface: a webhook
// (JSON POST with libcurl), a command (--exec: the JSON on its stdin), and
// syslog. A sink that fails returns an error; watch logs it, counts it in
// the metrics and goes on (a dead chat server must not stop the watch).
// Thread-safety: a sink is used from one thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "watch/alert.h"

namespace tj {

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual Status Send(const Alert& alert) = 0;
  virtual std::string name() const = 0;  // for log lines: "webhook", "exec", "syslog"
};

struct SinkOptions {
  std::string version;                                   // tojimari's, for the JSON
  std::chrono::milliseconds timeout{10000};              // a webhook's or a command's whole time
};

// POSTs the alert JSON to url (http or https only; no redirects followed).
// REQUIRES: curl_global_init has run (the watch command does it at start).
Result<std::unique_ptr<AlertSink>> MakeWebhookSink(const std::string& url, const SinkOptions& opts);
// Runs `/bin/sh -c command` with the alert JSON on stdin and TOJIMARI_* in
// its environment; the command string is the user's own, and nothing from
// the scan is ever put into it. Killed when over the timeout.
std::unique_ptr<AlertSink> MakeExecSink(const std::string& command, const SinkOptions& opts);
// syslog(3) with facility LOG_DAEMON, one message per line of the alert.
std::unique_ptr<AlertSink> MakeSyslogSink();

// Where a watch's alerts go, as the user named them.
struct AlertTargets {
  std::vector<std::string> webhooks;       // URLs (on the command line: visible in `ps`)
  std::vector<std::string> webhook_files;  // files of URLs, one a line, '#' comments
  std::vector<std::string> execs;          // commands
  bool syslog = false;
};
// Every sink: the webhooks (listed, from the files, and TOJIMARI_WEBHOOK
// from the environment), the commands, syslog. Errors: a file that cannot
// be read, a URL that is not http(s).
Status MakeAlertSinks(const AlertTargets& targets, const SinkOptions& opts,
                      std::vector<std::unique_ptr<AlertSink>>* sinks);

}  // namespace tj
