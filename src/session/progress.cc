#include "session/progress.h"

#include <fmt/format.h>

namespace tj {
namespace {

std::string Clock(double seconds) {
  auto s = static_cast<uint64_t>(seconds + 0.5);
  return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
}

}  // namespace

std::string ProgressLine(const ProgressSnapshot& s) {
  double pct = s.total ? 100.0 * static_cast<double>(s.done) / static_cast<double>(s.total) : 0;
  std::string eta = "unknown";
  if (s.done > 0 && s.done < s.total && s.elapsed > 0)
    eta = Clock(s.elapsed * static_cast<double>(s.total - s.done) / static_cast<double>(s.done));
  else if (s.total && s.done >= s.total)
    eta = Clock(0);
  return fmt::format("{:.1f}% done; {} probes sent ({:.0f}/s); {} open; {} elapsed, about {} left", pct,
                     s.probes, s.probe_rate, s.open, Clock(s.elapsed), eta);
}

ProgressReporter::ProgressReporter(const ProgressCounters* counters, bool tty, std::chrono::milliseconds every,
                                   FILE* out)
    : c_(counters), tty_(tty), every_(every), out_(out) {
  if (tty_ || every_.count() > 0) thread_ = std::thread([this] { Run(); });
}

ProgressReporter::~ProgressReporter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ProgressReporter::Run() {
  using SteadyClock = std::chrono::steady_clock;
  const auto start = SteadyClock::now();
  auto last = start;
  uint64_t last_probes = 0;
  const auto interval = every_.count() > 0 ? every_ : std::chrono::milliseconds(1000);
  bool shown = false;
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, interval, [this] { return stop_; })) {
    auto now = SteadyClock::now();
    ProgressSnapshot s;
    s.total = c_->total.load();
    s.done = c_->done.load();
    s.probes = c_->probes.load();
    s.open = c_->open.load();
    s.elapsed = std::chrono::duration<double>(now - start).count();
    double dt = std::chrono::duration<double>(now - last).count();
    s.probe_rate = dt > 0 ? static_cast<double>(s.probes - last_probes) / dt : 0;
    last = now;
    last_probes = s.probes;
    std::string line = ProgressLine(s);
    // A terminal gets one line rewritten in place (\r, then clear to the
    // end of the line); a log gets a line per interval.
    if (tty_ && every_.count() == 0) fmt::print(out_, "\r{}\033[K", line);
    else fmt::print(out_, "Stats: {}\n", line);
    fflush(out_);
    shown = true;
  }
  if (shown && tty_ && every_.count() == 0) {
    fmt::print(out_, "\r\033[K");
    fflush(out_);
  }
}

}  // namespace tj
