// Timing templates -T0..-T5 with nmap's meanings (paranoid, sneaky, polite,
// normal, aggressive, insane), plus the user's overrides. A plain struct the
// engines read; it holds no state.
#pragma once

#include <chrono>
#include <string_view>

#include "core/status.h"

namespace tj {

struct Timing {
  using us = std::chrono::microseconds;
  us initial_rtt_timeout{1'000'000};  // before any round trip is measured
  us min_rtt_timeout{100'000};        // never wait less than this for a reply
  us max_rtt_timeout{10'000'000};     // never wait more than this for a reply
  int max_retries = 10;               // retransmissions of an unanswered probe
  int max_parallelism = 0;            // probes in flight at most; 0 means as many as resources allow
  us scan_delay{0};                   // at least this long between probes (T0-T2)
  us host_timeout{0};                 // give up on a host after this long; 0 means never
  double min_rate = 0;                // probes per second at least; 0 means no floor
  double max_rate = 0;                // probes per second at most; 0 means no ceiling
};

// REQUIRES: 0 <= level <= 5
Timing TimingTemplate(int level);
std::string_view TimingName(int level);

}  // namespace tj
