// The socket side of a connect probe: open a non-blocking TCP socket that
// reports ICMP errors on its error queue, start the connect, read how it
// ended, and close it without leaving TIME_WAIT behind.
// Thread-safety: functions on caller-owned descriptors.
#pragma once

#include <cstdint>
#include <optional>

#include "core/address.h"

namespace tj {

struct IcmpError {
  uint8_t type = 0;
  uint8_t code = 0;
  Address offender;  // who sent the ICMP error
  bool has_offender = false;
};

// Creates the socket and starts connecting. Returns the descriptor (>= 0)
// or -errno. *immediate_errno is set when connect() failed at once with
// something other than EINPROGRESS.
int StartConnect(const Address& dst, uint16_t port, int* immediate_errno);

// SO_ERROR of a socket whose connect finished.
int PendingError(int fd);

// The ICMP error queued for the socket (IP_RECVERR), if any.
std::optional<IcmpError> ReadIcmpError(int fd, bool v6);

// True when a connected socket is connected to itself (same address and
// port at both ends), which happens when scanning the local machine.
bool IsSelfConnect(int fd);

// Closes with an abortive reset (SO_LINGER 0): an open port's connection is
// torn down at once and no TIME_WAIT state piles up in the scanner's kernel.
void AbortClose(int fd);

// Closes a socket whose connect failed: nothing to reset.
void PlainClose(int fd);

}  // namespace tj
