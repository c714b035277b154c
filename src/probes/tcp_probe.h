// A raw TCP scan technique is one small class: which flags its probe
// carries, where the cookie goes in the sequence and acknowledgement
// numbers, how to recognise a reply to it, and what a reply, an ICMP error
// or silence means. The engine does everything else. FIN, NULL and Xmas are
// one class with different flags; ACK and Window differ only in how a RST
// is read.
// Thread-safety: probes are immutable; share freely.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "core/technique.h"
#include "core/types.h"
#include "net/packet.h"

namespace tj {

class TcpProbe {
 public:
  virtual ~TcpProbe() = default;
  virtual std::string_view name() const = 0;  // "syn", "fin", ...
  virtual uint8_t flags() const = 0;          // TCP flags of the probe
  // The probe's acknowledgement number; the sequence number is always the
  // cookie, so ICMP errors (which quote it) can be checked the same way.
  virtual uint32_t AckFor(uint32_t cookie) const { (void)cookie; return 0; }
  // Does this TCP reply answer a probe that carried `cookie`?
  virtual bool Matches(const Reply& r, uint32_t cookie) const = 0;
  // What a matching TCP reply means; nullopt for replies that decide nothing.
  virtual std::optional<Verdict> OnTcp(const Reply& r) const = 0;
  // What silence after every try means.
  virtual Verdict OnSilence() const = 0;
  // What an ICMP error quoting the probe means: filtered, with its reason.
  Verdict OnIcmp(const Reply& r) const;
};

// The probe of a raw technique (core/technique.h); null for -sT, which
// the connect engine runs without a probe class.
std::unique_ptr<TcpProbe> MakeTcpProbe(Technique t);

}  // namespace tj
