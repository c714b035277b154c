// The syslog sink: one message per line of the alert, facility LOG_DAEMON,
// priority warning (a change on the network is worth a look, not an
// emergency). Under systemd the messages land in the journal.
#include <syslog.h>

#include "watch/alert_sink.h"

namespace tj {
namespace {

class SyslogSink : public AlertSink {
 public:
  SyslogSink() { openlog("tojimari-watch", LOG_PID, LOG_DAEMON); }
  ~SyslogSink() override { closelog(); }
  std::string name() const override { return "syslog"; }
  Status Send(const Alert& alert) override {
    for (const std::string& line : AlertLines(alert)) syslog(LOG_WARNING, "%s", line.c_str());
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<AlertSink> MakeSyslogSink() { return std::make_unique<SyslogSink>(); }

}  // namespace tj
