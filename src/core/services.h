// Port knowledge: the service name usually found on a port and the order of
// ports by how often they are found open, from data/services.tsv (written by
// this project from public registries' facts, compiled into the binary).
// Used for the SERVICE column, `-p ssh,http` and `--top-ports N`.
// Thread-safety: a ServiceTable is immutable after construction; Builtin()
// returns one shared read-only instance, safe from any thread.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace tj {

class ServiceTable {
 public:
  // Parses the text of a services file (the format data/services.tsv
  // documents at its top). Errors name the line and what is wrong.
  static Result<ServiceTable> Parse(std::string_view text);
  // The table compiled from data/services.tsv.
  static const ServiceTable& Builtin();

  // The service name for a port, or "" when none is known.
  std::string_view Name(Proto proto, uint16_t port) const;
  // Every port that carries this service name for the protocol (empty when
  // the name is unknown). Names compare case-insensitively.
  std::vector<uint16_t> PortsNamed(std::string_view name, Proto proto) const;
  // All known service names (for "did you mean" suggestions).
  std::vector<std::string_view> AllNames() const;
  // The n most frequently open ports for the protocol, most frequent first.
  // When n exceeds the ranked list, the remaining ports follow in ascending
  // order, so every n in 1..65535 gives exactly n distinct ports.
  std::vector<uint16_t> TopPorts(Proto proto, size_t n) const;

 private:
  struct Entry;
  std::vector<Entry> entries_;
  std::vector<uint16_t> ranked_tcp_, ranked_udp_;
  // (proto, port) -> index into entries_ plus one, 0 when the port has no
  // entry: Name() runs once per reported port, so it is a plain array read.
  std::vector<uint32_t> slot_;
  friend struct ServiceTableBuilder;
 public:
  ServiceTable();
  ~ServiceTable();
  ServiceTable(ServiceTable&&) noexcept;
  ServiceTable& operator=(ServiceTable&&) noexcept;
};

}  // namespace tj
