// One connection of service detection: a TCP socket, optionally wrapped in
// TLS after connecting, where every call takes a deadline. Nothing here
// blocks past its deadline, whatever the peer does (stays silent, trickles
// bytes, stalls a handshake half-way).
// Thread-safety: one Conn per thread; TlsContext is shared and thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/address.h"
#include "core/scan_result.h"

namespace tj {

using Clock = std::chrono::steady_clock;

enum class ReadEnd { kTimeout, kClosed, kFull, kStop };

class Conn {
 public:
  // A connected socket, or nullptr when the connect failed or timed out.
  // *error, if given, gets the connect's errno on failure (ECONNRESET: a
  // SYN proxy completed the handshake and nothing listens behind it).
  static std::unique_ptr<Conn> Open(const Address& a, uint16_t port, Clock::time_point deadline,
                                    int* error = nullptr);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // Handshakes as a TLS client; on success later Send/Read go through TLS.
  bool StartTls(Clock::time_point deadline);
  // The peer's certificate, after StartTls; false when it sent none.
  bool Certificate(CertInfo* out) const;

  bool Send(std::string_view bytes, Clock::time_point deadline);
  // Appends to *buf until the deadline, the peer closes, buf reaches max
  // bytes, or stop(*buf) says the reply is complete. After the first byte,
  // a pause longer than quiet also ends the read.
  template <typename StopFn>
  ReadEnd Read(std::string* buf, size_t max, Clock::time_point deadline, std::chrono::milliseconds quiet,
               StopFn stop) {
    while (true) {
      if (buf->size() >= max) return ReadEnd::kFull;
      auto until = deadline;
      if (!buf->empty()) until = std::min(deadline, Clock::now() + quiet);
      int got = ReadSome(buf, max - buf->size(), until);
      if (got < 0) return ReadEnd::kClosed;
      if (got == 0) return ReadEnd::kTimeout;
      if (stop(*buf)) return ReadEnd::kStop;
    }
  }

 private:
  Conn() = default;
  // Reads once: >0 bytes appended, 0 on timeout, -1 when closed or failed.
  int ReadSome(std::string* buf, size_t room, Clock::time_point until);

 public:
  // The peer reset the connection (a RST, not a FIN): what a SYN proxy
  // does when nothing listens behind it.
  bool was_reset() const { return reset_; }

 private:
  bool WaitFor(short events, Clock::time_point until) const;

  int fd_ = -1;
  void* ssl_ = nullptr;  // SSL*
  bool reset_ = false;
};

}  // namespace tj
