// Service probes and their signatures, as loaded from a data file: ours
// (data/service-probes.txt, the format described at its top) or nmap's
// nmap-service-probes when the user points --service-db at one.
//
// A probe is bytes to send to a port; each signature is a regular expression
// over the reply and the fields (product, version...) it fills, with $1-style
// references to the expression's groups. Loading compiles every expression,
// so a loaded database only holds signatures that can run.
// Thread-safety: a loaded ProbeDb is immutable and may be shared by threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "service/regex.h"

namespace tj {

struct Signature {
  std::string service;       // "ssh"
  bool soft = false;         // names the service but not the product; probing goes on
  std::shared_ptr<const Regex> re;
  // Templates with $1..$9 and $P(n) (group n, printable characters only).
  std::string product, version, info, hostname, ostype, devicetype;
  int line = 0;              // where it was defined, for messages
};

struct PortList {
  std::vector<std::pair<uint16_t, uint16_t>> ranges;  // inclusive
  bool Contains(uint16_t p) const;
};

struct Probe {
  std::string name;
  bool udp = false;
  std::string payload;          // bytes to send; empty for the NULL probe
  std::string followup;         // sent once the reply to payload soft-matches (our format's
                                // "then"): a second request the protocol allows only after
                                // the first is answered (SMB2's SESSION_SETUP after NEGOTIATE)
  bool tls_handshake = false;   // not bytes: try a TLS handshake (our format's "tls")
  std::string decoder;          // our format's "decode": code that reads fields a regex cannot
                                // (a list, a binary number) from a matched reply; see decode.h
  int rarity = 1;               // 1 (always worth it) .. 9 (rarely answers)
  int wait_ms = 3000;           // how long to wait for the reply
  PortList ports, sslports;     // where this probe is most likely to be answered
  std::vector<std::string> fallback;  // probes whose signatures also apply to its replies
  std::vector<Signature> sigs;
};

struct ProbeDb {
  std::vector<Probe> probes;  // in file order; probes[0] is the NULL probe when present
  const Probe* Find(std::string_view name) const;
};

// Our format (see data/service-probes.txt). Errors name "file:line".
Result<ProbeDb> ParseProbeDb(std::string_view text, std::string_view file);
// nmap's nmap-service-probes format; directives tojimari does not use
// (Exclude, tcpwrappedms) are accepted and ignored.
Result<ProbeDb> ParseNmapProbeDb(std::string_view text, std::string_view file);
// The database compiled into the binary.
const ProbeDb& BuiltinProbeDb();
// A database file given by the user, in either format (nmap's is recognised
// by its "Probe TCP" lines).
Result<ProbeDb> LoadProbeDbFile(const std::string& path);

// C-style escapes of probe payloads: \r \n \t \0 \\ \xHH and \<other> as itself.
Result<std::string> UnescapePayload(std::string_view s);

}  // namespace tj
