// The policy: the network as designed. Which networks may be scanned (the
// scope), which hosts belong together (groups), and per group the ports
// that should be open, the ports that must never be open, and the
// exceptions people agreed to for a while. Parsed from a TOML file by
// policy_file.h; the audit (audit/audit.h) compares a scan with it.
// Every entry remembers its line in the file, so findings can point at it.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/address.h"
#include "core/target_spec.h"
#include "core/types.h"

namespace tj {

// A network of the scope: an address and a prefix length.
struct Cidr {
  Address base;  // the network address (host bits zero)
  int prefix = 0;
  bool Contains(const Address& a) const;
  std::string ToString() const;  // "198.18.0.0/15"
};
// Parses "198.18.0.0/15", "2001:2::/48" or a bare address (a /32 or /128).
// Host bits must be zero: "198.18.0.1/24" is refused as a likely typo.
bool ParseCidr(std::string_view text, Cidr* out, std::string* why);

// One port or a range of ports of one protocol.
struct PortRule {
  Proto proto = Proto::kTcp;
  uint16_t lo = 0, hi = 0;  // lo == hi for one port
  std::string service;      // expected: the service name -sV should find ("" = any)
  int line = 0;             // where the policy says it
  bool Contains(Proto p, uint16_t port) const { return p == proto && port >= lo && port <= hi; }
  std::string ToString() const;  // "22/tcp", "6000-6063/tcp"
};

// One entry of a group's host list, as written: an address, a CIDR, an
// nmap octet range ("198.18.0.1-20") or a DNS name.
struct HostEntry {
  std::string text;
  bool is_name = false;             // a DNS name: resolved when the audit scans
  std::vector<TargetRange> ranges;  // the addresses (of a name: once resolved, see audit/scan_plan.h)
  int line = 0;
  // True when the entry names this host: by address, or by name when the
  // scan reported the host under that name (case-insensitive).
  bool Matches(const Address& a, std::string_view host_name) const;
};

struct Group {
  std::string name;
  std::vector<HostEntry> hosts;
  std::vector<PortRule> expected;   // should be open
  std::vector<PortRule> forbidden;  // must never be open
  std::string scan_ports;           // -p spec scanned besides expected and forbidden;
                                    // "" means the top 1000 ports
  int line = 0;                     // the [groups.NAME] table
};

// A calendar date (an exception's expiry); valid through the whole day, UTC.
struct Date {
  int year = 0, month = 0, day = 0;
  auto operator<=>(const Date&) const = default;
  std::string ToString() const;  // "2026-12-31"
};

// An agreed deviation: this port on this host (or on every host of this
// group) may differ from the policy until the expiry date.
struct Exception {
  std::string host;   // an address or name; or
  std::string group;  // a group name (exactly one of host and group is set)
  PortRule port;
  std::string owner;  // who answers for it
  std::string reason;
  Date expires;
  int line = 0;
};

struct Policy {
  std::string path;  // the file it was read from, for reports
  std::string name;
  std::vector<Cidr> scope;
  int scope_line = 0;
  std::vector<Group> groups;  // in file order
  std::vector<Exception> exceptions;
};

// The pieces of a policy as text, shared by the file reader and the audit.
// Each returns false and says why in *why (without the file and line).

// "22", "22/tcp", "161/udp"; with allow_range also "6000-6063/tcp".
bool ParsePortRule(std::string_view text, bool allow_range, PortRule* out, std::string* why);
// An address, CIDR, octet range or DNS name (no DNS lookup is done).
bool ParseHostEntry(std::string_view text, HostEntry* out, std::string* why);
// True when every address of a (non-name) entry lies inside one of the
// scope's networks; *why may add which part of a range is outside.
bool InScope(const HostEntry& e, const std::vector<Cidr>& scope, std::string* why);
bool InScope(const Address& a, const std::vector<Cidr>& scope);
// The network of an address: host bits past `prefix` cleared.
Address Masked(const Address& a, int prefix);
// "198.18.0.0/15, 2001:2::/48"
std::string ScopeText(const std::vector<Cidr>& scope);

}  // namespace tj
