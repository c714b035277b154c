// The techniques, as nmap defines their states (nmap's "Port Scanning
// Techniques"): what RFC 793 makes a TCP stack answer to each probe.
#include "probes/flag_probes.h"

namespace tj {
namespace {

using namespace tcpflag;

// SYN: a SYN/ACK means open, a RST closed, silence filtered.
class SynProbe : public TcpProbe {
 public:
  std::string_view name() const override { return "syn"; }
  uint8_t flags() const override { return kSyn; }
  bool Matches(const Reply& r, uint32_t cookie) const override {
    return (r.flags & kAck) && r.ack == cookie + 1;
  }
  std::optional<Verdict> OnTcp(const Reply& r) const override {
    if (r.flags & kRst) return Verdict{PortState::kClosed, Reason::kReset};
    if (r.flags & kSyn) return Verdict{PortState::kOpen, Reason::kSynAck};
    return std::nullopt;
  }
  Verdict OnSilence() const override { return {PortState::kFiltered, Reason::kNoResponse}; }
};

// FIN, NULL, Xmas: a segment without SYN, RST or ACK. A closed port must
// answer RST; an open one drops it silently, so silence is open|filtered.
// The RST acknowledges seq + 1 when FIN was set (FIN takes a sequence
// number), seq otherwise.
class StealthProbe : public TcpProbe {
 public:
  StealthProbe(std::string_view name, uint8_t flags) : name_(name), flags_(flags) {}
  std::string_view name() const override { return name_; }
  uint8_t flags() const override { return flags_; }
  bool Matches(const Reply& r, uint32_t cookie) const override {
    return (r.flags & kRst) && r.ack == cookie + ((flags_ & kFin) ? 1 : 0);
  }
  std::optional<Verdict> OnTcp(const Reply& r) const override {
    if (r.flags & kRst) return Verdict{PortState::kClosed, Reason::kReset};
    return std::nullopt;
  }
  Verdict OnSilence() const override { return {PortState::kOpenFiltered, Reason::kNoResponse}; }

 private:
  std::string_view name_;
  uint8_t flags_;
};

// ACK: any stack answers an unexpected ACK with a RST whose sequence number
// is the probe's acknowledgement number; a RST means the packet got through
// (unfiltered), silence or ICMP that something filtered it.
class AckProbe : public TcpProbe {
 public:
  std::string_view name() const override { return "ack"; }
  uint8_t flags() const override { return kAck; }
  uint32_t AckFor(uint32_t cookie) const override { return cookie; }
  bool Matches(const Reply& r, uint32_t cookie) const override {
    return (r.flags & kRst) && r.seq == cookie;
  }
  std::optional<Verdict> OnTcp(const Reply& r) const override {
    if (r.flags & kRst) return Verdict{PortState::kUnfiltered, Reason::kReset};
    return std::nullopt;
  }
  Verdict OnSilence() const override { return {PortState::kFiltered, Reason::kNoResponse}; }
};

// Window: an ACK scan that reads the RST's window, which some stacks set
// non-zero on open ports. (Linux sets zero everywhere: all closed.)
class WindowProbe : public AckProbe {
 public:
  std::string_view name() const override { return "window"; }
  std::optional<Verdict> OnTcp(const Reply& r) const override {
    if (!(r.flags & kRst)) return std::nullopt;
    return Verdict{r.window ? PortState::kOpen : PortState::kClosed, Reason::kReset};
  }
};

}  // namespace

std::unique_ptr<TcpProbe> MakeSynProbe() { return std::make_unique<SynProbe>(); }
std::unique_ptr<TcpProbe> MakeFinProbe() { return std::make_unique<StealthProbe>("fin", kFin); }
std::unique_ptr<TcpProbe> MakeNullProbe() { return std::make_unique<StealthProbe>("null", 0); }
std::unique_ptr<TcpProbe> MakeXmasProbe() { return std::make_unique<StealthProbe>("xmas", kFin | kPsh | kUrg); }
std::unique_ptr<TcpProbe> MakeAckProbe() { return std::make_unique<AckProbe>(); }
std::unique_ptr<TcpProbe> MakeWindowProbe() { return std::make_unique<WindowProbe>(); }

}  // namespace tj
