// An alert: what one watch cycle found worth telling, and the two ways it is
// told: a readable summary (chat, syslog) and a JSON document (webhooks,
// --exec). The JSON is Slack-compatible: its "text" field is the summary,
// with &, < and > escaped as Slack requires (a host name from a PTR record
// cannot mention @channel or forge a link), beside structured fields for
// programs (docs/WATCH.md).
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "watch/changes.h"
#include "watch/watch_run.h"

namespace tj {

struct Alert {
  std::chrono::system_clock::time_point at;  // when the cycle's scan started
  std::string policy;                        // the policy's name or path; empty without one
  int64_t run_id = 0;                        // the run's id in the history; 0 when not stored
  std::vector<PortFlip> changes;             // confirmed port changes
  std::vector<PortFlip> suppressed;          // changes the re-check did not confirm (not alerted on)
  FindingDelta findings;                     // findings that appeared or cleared
  bool empty() const { return changes.empty() && findings.empty(); }
};

// The version of the alert JSON (docs/WATCH.md).
inline constexpr int kAlertJsonVersion = 1;

// One line per change and finding, after a headline; plain text, control
// characters replaced.
std::vector<std::string> AlertLines(const Alert& alert);
// The JSON document, one line. version: tojimari's.
std::string AlertJson(const Alert& alert, std::string_view version);

}  // namespace tj
