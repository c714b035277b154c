#include "engine/timing.h"

#include <array>

namespace tj {

Timing TimingTemplate(int level) {
  using std::chrono::milliseconds;
  Timing t;
  switch (level) {
    case 0:  // paranoid: one probe at a time, five minutes apart (IDS evasion)
      t.scan_delay = milliseconds(300'000);
      t.max_parallelism = 1;
      t.initial_rtt_timeout = milliseconds(300'000);
      break;
    case 1:  // sneaky
      t.scan_delay = milliseconds(15'000);
      t.max_parallelism = 1;
      t.initial_rtt_timeout = milliseconds(15'000);
      break;
    case 2:  // polite: spare the target's bandwidth
      t.scan_delay = milliseconds(400);
      t.max_parallelism = 1;
      break;
    case 3:  // normal
      break;
    case 4:  // aggressive: assumes a fast, reliable network
      t.initial_rtt_timeout = milliseconds(500);
      t.max_rtt_timeout = milliseconds(1250);
      t.max_retries = 6;
      break;
    default:  // insane: trades accuracy for speed
      t.initial_rtt_timeout = milliseconds(250);
      t.min_rtt_timeout = milliseconds(50);
      t.max_rtt_timeout = milliseconds(300);
      t.max_retries = 2;
      t.host_timeout = milliseconds(900'000);
      break;
  }
  return t;
}

std::string_view TimingName(int level) {
  static constexpr std::array<std::string_view, 6> kNames = {"paranoid", "sneaky", "polite",
                                                              "normal",   "aggressive", "insane"};
  return kNames[level];
}

}  // namespace tj
