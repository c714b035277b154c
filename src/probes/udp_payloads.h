// The datagrams -sU sends: one or more protocol payloads per well-known
// port (data/udp-payloads.txt, compiled in), an empty datagram elsewhere.
// The file format is described at the top of that file.
// Thread-safety: a table is immutable after parsing; share freely.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace tj {

struct UdpPayload {
  std::string name;            // "dns", "snmp-v3"
  std::vector<uint8_t> bytes;  // the datagram's contents
};

class UdpPayloadTable {
 public:
  UdpPayloadTable() = default;
  // Moved, never copied: the port index points into the payloads.
  UdpPayloadTable(UdpPayloadTable&&) = default;
  UdpPayloadTable& operator=(UdpPayloadTable&&) = default;
  UdpPayloadTable(const UdpPayloadTable&) = delete;
  UdpPayloadTable& operator=(const UdpPayloadTable&) = delete;

  // Errors name the line: "line 12: bad hex \"zz\"".
  static Result<UdpPayloadTable> Parse(std::string_view text);
  static const UdpPayloadTable& Builtin();
  // This table and, for every port it has no payload for, those of nmap's
  // nmap-payloads (its format: `udp PORTS "bytes" ...`, strings continued on
  // the next lines, other keywords ignored). Errors name the line.
  Result<UdpPayloadTable> WithNmap(std::string_view nmap_text) const;
  // The built-in table layered over nmap's installed nmap-payloads, when it
  // is there and reads; else the built-in one. Built once.
  static const UdpPayloadTable& BuiltinWithNmap();

  // The payloads sent to `port`: one empty datagram when none is known.
  const std::vector<const UdpPayload*>& For(uint16_t port) const;
  size_t size() const { return payloads_.size(); }
  // The payload named `name` ("dns"), or nullptr: -sV's UDP probes reuse them.
  const UdpPayload* Find(std::string_view name) const;

 private:
  void Index(const std::vector<std::pair<size_t, std::vector<uint16_t>>>& ports);

  std::vector<UdpPayload> payloads_;
  std::vector<std::vector<const UdpPayload*>> by_port_;  // 65536 entries once parsed
};

}  // namespace tj
