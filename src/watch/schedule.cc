#include "watch/schedule.h"

#include <algorithm>
#include <thread>

namespace tj {

bool SleepUntil(std::chrono::steady_clock::time_point t, const std::atomic<bool>& stop) {
  while (!stop.load()) {
    auto now = std::chrono::steady_clock::now();
    if (now >= t) return true;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(t - now, std::chrono::milliseconds(100)));
  }
  return false;
}

void RunEvery(std::chrono::microseconds every, const std::atomic<bool>& stop, const std::function<bool()>& cycle) {
  auto next = std::chrono::steady_clock::now();
  while (!stop.load()) {
    if (!cycle()) return;
    next += every;
    auto now = std::chrono::steady_clock::now();
    if (next < now) next = now;  // overran: start again now, skip the missed ones
    if (!SleepUntil(next, stop)) return;
  }
}

}  // namespace tj
