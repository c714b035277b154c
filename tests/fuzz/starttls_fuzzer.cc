// Fuzzes the STARTTLS upgrade's reading of server replies (service/starttls.h):
// the first byte picks the protocol and the step, the rest is the reply.
// A hostile server may send anything; the judgement must not crash, and
// once a reply is judged complete, more bytes after it cannot change the
// verdict (the upgrade stops reading there).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "service/starttls.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr std::string_view kServices[] = {"smtp",       "ftp",  "imap",         "pop3",
                                                   "postgresql", "ldap", "ms-wbt-server"};
  if (size == 0) return 0;
  std::string_view service = kServices[data[0] % std::size(kServices)];
  int step = (data[0] >> 4) & 3;
  std::string reply(reinterpret_cast<const char*>(data + 1), size - 1);
  tj::StepReply first = tj::JudgeStep(service, step, reply);
  if (first != tj::StepReply::kIncomplete) {
    if (tj::JudgeStep(service, step, reply + "\x30\x03\r\n250 x\r\n") != first) std::abort();
  }
  return 0;
}
