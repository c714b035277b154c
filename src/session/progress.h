// Live progress on stderr, never on stdout or in output files: on a
// terminal one line rewritten every second; otherwise, with --stats-every,
// a line per interval (for logs and CI). Engines and the result sink bump
// the counters; a reporter thread reads them.
// Thread-safety: counters are atomics, written from any thread; the
// reporter owns its thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

namespace tj {

struct ProgressCounters {
  std::atomic<uint64_t> total{0};   // (host, port) pairs to decide
  std::atomic<uint64_t> done{0};    // pairs decided
  std::atomic<uint64_t> probes{0};  // probes sent
  std::atomic<uint64_t> open{0};    // open ports found
};

struct ProgressSnapshot {
  uint64_t total = 0, done = 0, probes = 0, open = 0;
  double elapsed = 0;     // seconds since the scan began
  double probe_rate = 0;  // probes per second over the last interval
};

// "42.1% done; 27513 probes sent (9170/s); 12 open; 0:00:03 elapsed, about 0:00:04 left"
std::string ProgressLine(const ProgressSnapshot& s);

class ProgressReporter {
 public:
  // tty: rewrite a line every second; every > 0: print one line per
  // interval; neither: report nothing.
  ProgressReporter(const ProgressCounters* counters, bool tty, std::chrono::milliseconds every, FILE* out);
  ~ProgressReporter();  // stops the thread and clears the live line
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

 private:
  void Run();
  const ProgressCounters* c_;
  bool tty_;
  std::chrono::milliseconds every_;
  FILE* out_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace tj
