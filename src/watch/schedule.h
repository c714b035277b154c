// The watch loop's clock: a cycle now, then one every interval, measured
// start to start (a cycle longer than the interval is followed at once by
// the next, never by a burst of missed ones), until the stop flag is set.
// The flag is polled every 100 ms while waiting, so SIGINT/SIGTERM end the
// loop promptly between cycles.
// Thread-safety: runs on the caller's thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>

namespace tj {

// Sleeps until t; false when stop was set first.
bool SleepUntil(std::chrono::steady_clock::time_point t, const std::atomic<bool>& stop);

// cycle returns false to end the loop.
void RunEvery(std::chrono::microseconds every, const std::atomic<bool>& stop, const std::function<bool()>& cycle);

}  // namespace tj
