// For tests: a private PostgreSQL server from Debian's postgresql package,
// run by an unprivileged user (initdb refuses root) in a temporary directory
// and reachable only through a unix socket there (listen_addresses = ''),
// so nothing on the machine or the network can reach it and it leaves
// nothing behind. Needs root to switch users; Available() says why not.
// Thread-safety: none; one per test binary (PgCluster::Shared).
#pragma once

#include <string>

namespace tj {

class PgCluster {
 public:
  // The one cluster of this test binary, started on first use and stopped
  // when the binary's tests end. Never nullptr; check ok().
  static PgCluster& Shared();
  bool ok() const { return ok_; }
  const std::string& why_not() const { return why_; }
  // A new, empty database; returns its URL (postgresql:///NAME?host=DIR&user=...).
  std::string NewDatabase();
  // A URL where no server listens (same kind of socket directory, no server).
  std::string DeadUrl() const;
  void Stop();
  ~PgCluster() { Stop(); }

 private:
  PgCluster();
  bool ok_ = false;
  std::string why_, dir_, bin_;
  int databases_ = 0;
};

// True when tests that need root and real servers must fail, not skip.
bool InCiForTests();

}  // namespace tj
