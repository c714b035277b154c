// The /metrics endpoint: a deliberately tiny HTTP/1.0 server of our own on
// one thread. It reads the requests of up to 64 connections at once without
// blocking (at most 8 KiB of head and 2 s for the whole request each; more
// connections are closed at once), answers GET or HEAD /metrics with the body the given function
// renders, 404 or 405 otherwise, and closes. No keep-alive, no request body,
// no header parsing: nothing for a hostile client to drive. A library
// (cpp-httplib) would bring a thread pool and a 10,000-line header for one
// read-only path; Prometheus needs no more than this. Meant for loopback or
// a management network (docs/WATCH.md).
// Thread-safety: Start and the destructor from one thread; render is called
// from the server's thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "core/status.h"

namespace tj {

class MetricsServer {
 public:
  // listen: "127.0.0.1:9477", "[::1]:9477" (numeric addresses only; port 0
  // picks a free one, see port()).
  static Result<std::unique_ptr<MetricsServer>> Start(const std::string& listen, std::function<std::string()> render);
  ~MetricsServer();  // stops the thread and closes the socket
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  uint16_t port() const { return port_; }

 private:
  MetricsServer(int fd, uint16_t port, std::function<std::string()> render);
  void Serve();
  void Answer(int conn, const std::string& head);

  int fd_;
  uint16_t port_;
  std::function<std::string()> render_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// What the server does with a request's head (the bytes up to the blank
// line, or what came before the limit or the timeout): only its first line
// counts. Pure, so it can be fuzzed.
struct MetricsRoute {
  int code = 400;          // 200 (the metrics), 400, 404 or 405
  bool head_only = false;  // HEAD: the headers without the body
};
MetricsRoute RouteMetricsRequest(std::string_view head);

// Splits "ADDR:PORT" / "[V6]:PORT" (for the error messages of --metrics).
Result<std::pair<std::string, uint16_t>> ParseListenAddress(const std::string& listen);

}  // namespace tj
