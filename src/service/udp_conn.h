// One UDP exchange of service detection: an ordinary connected UDP socket
// (no privileges: -sV runs after the scan dropped root). Being connected,
// it receives only the target port's datagrams, and the kernel reports an
// ICMP port unreachable for it as ECONNREFUSED: the port is closed.
// Thread-safety: one UdpConn per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/address.h"
#include "service/conn.h"

namespace tj {

class UdpConn {
 public:
  static std::unique_ptr<UdpConn> Open(const Address& a, uint16_t port);  // nullptr: no socket
  ~UdpConn();
  UdpConn(const UdpConn&) = delete;
  UdpConn& operator=(const UdpConn&) = delete;

  bool Send(std::string_view datagram);  // false when refused or failed
  // Appends each datagram to *buf until the deadline, buf reaches max
  // bytes, stop(*buf) says the reply is complete, or the port is refused
  // (kClosed, refused() true). After the first datagram a pause longer than
  // quiet ends the read.
  template <typename StopFn>
  ReadEnd Read(std::string* buf, size_t max, Clock::time_point deadline, std::chrono::milliseconds quiet,
               StopFn stop) {
    bool any = false;
    while (true) {
      if (buf->size() >= max) return ReadEnd::kFull;
      auto until = any ? std::min(deadline, Clock::now() + quiet) : deadline;
      int got = ReadOne(buf, max - buf->size(), until);
      if (got < 0) return ReadEnd::kClosed;
      if (got == 0) return ReadEnd::kTimeout;
      any = true;
      if (stop(*buf)) return ReadEnd::kStop;
    }
  }
  bool refused() const { return refused_; }
  int datagrams() const { return datagrams_; }  // received, empty ones included

 private:
  UdpConn() = default;
  // One datagram (cut to room): 1 appended, 0 on timeout, -1 refused or failed.
  int ReadOne(std::string* buf, size_t room, Clock::time_point until);

  int fd_ = -1;
  bool refused_ = false;
  int datagrams_ = 0;
};

}  // namespace tj
