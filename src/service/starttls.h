// Upgrading a plain-text session to TLS the way each protocol asks for it,
// so -sV reports the certificate of a service that offers TLS only on
// request: SMTP (EHLO, then STARTTLS), IMAP (STARTTLS), POP3 (STLS), FTP
// (AUTH TLS), PostgreSQL (SSLRequest), LDAP (the StartTLS extended
// operation) and RDP (an X.224 Connection Request asking for TLS).
// Thread-safety: pure functions over the Conn they are given.
#pragma once

#include <string_view>

#include "service/conn.h"

namespace tj {

// True when service (a -sV name: "smtp", "imap"...) has an upgrade here.
bool HasStartTls(std::string_view service);

// Runs the service's upgrade on c, a fresh plain connection, and the TLS
// handshake after it. True when c now speaks TLS; false when the server
// refused, answered something else, closed, or the deadline passed.
// REQUIRES: HasStartTls(service).
bool UpgradeToTls(std::string_view service, Conn* c, Clock::time_point deadline,
                  std::chrono::milliseconds quiet);

// Whether a reply to one upgrade step is complete, and whether it agreed:
// exposed for the unit tests and the fuzzer.
enum class StepReply { kIncomplete, kYes, kNo };
StepReply JudgeStep(std::string_view service, int step, std::string_view reply);

}  // namespace tj
