// A tiny HTTP receiver for the watch lab tests: it listens on 127.0.0.1 of a
// lab namespace (the scanner's, where tojimari runs), so a webhook never
// leaves loopback. Its socket is created by a thread that joined that
// namespace (setns); the socket stays there. Every request's body is kept;
// the answer is the status the test chose.
// Thread-safety: Bodies() and the setters may be called from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tjlab {

class HttpReceiver {
 public:
  // nullptr and *why when the namespace cannot be joined.
  static std::unique_ptr<HttpReceiver> Start(const std::string& netns, std::string* why);
  ~HttpReceiver();

  int port() const { return port_; }
  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<std::string> Bodies() const;
  // Waits until at least n bodies arrived; false on timeout.
  bool WaitFor(size_t n, std::chrono::seconds timeout) const;

 private:
  HttpReceiver() = default;
  void Serve();
  void Handle(int conn);

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<std::string> bodies_;
};

}  // namespace tjlab
