#include "engine/connect_engine.h"

#include <algorithm>
#include <mutex>
#include <string>
#include <thread>

#include "engine/connect_run.h"

namespace tj {

using connect_detail::ConnectRun;

ConnectEngine::ConnectEngine(ConnectOptions opts) : opts_(std::move(opts)) {}
ConnectEngine::~ConnectEngine() = default;

namespace {

// Calls the sink under a lock: results come from several worker threads.
class LockedSink : public ResultSink {
 public:
  explicit LockedSink(ResultSink* inner) : inner_(inner) {}
  void OnPort(const PortResult& r) override {
    std::lock_guard<std::mutex> lock(mu_);
    inner_->OnPort(r);
  }

 private:
  ResultSink* inner_;
  std::mutex mu_;
};

}  // namespace

// The kernel's work per connect (socket, SYN, RST, close) is the cost of a
// connect scan, so large scans split every host's ports across one worker
// per core, each with its own epoll set, and merge the outcomes.
Result<std::vector<HostOutcome>> ConnectEngine::Run(const std::vector<HostJob>& jobs, ResultSink* sink) {
  size_t total = 0;
  for (const HostJob& j : jobs) total += j.ports.size();
  size_t workers = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4);
  if (total < 4096 || opts_.timing.max_parallelism > 0 || opts_.timing.scan_delay.count() > 0 ||
      opts_.timing.max_rate > 0)
    workers = 1;
  std::vector<std::vector<HostJob>> parts(workers, jobs);
  for (size_t w = 0; w < workers; ++w)
    for (size_t j = 0; j < jobs.size(); ++j) {
      auto& ports = parts[w][j].ports;
      ports.clear();
      for (size_t k = w; k < jobs[j].ports.size(); k += workers) ports.push_back(jobs[j].ports[k]);
    }
  LockedSink locked(sink);
  std::vector<ConnectStats> stats(workers);
  std::vector<std::vector<HostOutcome>> outs(workers);
  std::vector<std::string> errors(workers);
  auto work = [&](size_t w) {
    ConnectOptions o = opts_;
    o.max_in_flight = std::max(1, opts_.max_in_flight / static_cast<int>(workers));
    if (o.timing.min_rate > 0) o.timing.min_rate /= workers;
    if (o.seed) o.seed += w;
    ConnectRun run(o, &stats[w], sink ? &locked : nullptr);
    Status s = run.Start(parts[w]);
    if (!s.ok()) {
      errors[w] = s.message();
      return;
    }
    run.Loop();
    outs[w] = run.TakeOutcomes();
  };
  std::vector<std::thread> threads;
  for (size_t w = 1; w < workers; ++w) threads.emplace_back(work, w);
  work(0);
  for (auto& t : threads) t.join();
  for (const auto& e : errors)
    if (!e.empty()) return MakeError(e);
  std::vector<HostOutcome> merged = std::move(outs[0]);
  for (size_t w = 1; w < workers; ++w) {
    for (size_t j = 0; j < merged.size(); ++j) {
      HostOutcome& m = merged[j];
      HostOutcome& o = outs[w][j];
      if (o.up && !m.up) {
        m.up = true;
        m.up_reason = o.up_reason;
      }
      m.timed_out |= o.timed_out;
      m.latency = std::max(m.latency, o.latency);
      m.ports.insert(m.ports.end(), o.ports.begin(), o.ports.end());
    }
  }
  for (HostOutcome& m : merged)
    std::sort(m.ports.begin(), m.ports.end(), [](const PortResult& a, const PortResult& b) { return a.port < b.port; });
  for (const ConnectStats& st : stats) {
    stats_.probes_sent += st.probes_sent;
    stats_.retransmits += st.retransmits;
    stats_.replies += st.replies;
    stats_.loss_events += st.loss_events;
  }
  return merged;
}

}  // namespace tj
