// What -sU does about one host, as a pure state machine: which ports to
// probe in which round on which lane, and what the answers (or silence)
// mean. The engine (udp_run.cc) sends and listens; this decides.
//
// The problem: a closed UDP port says so only with an ICMP port
// unreachable, and Linux hosts send those to each scanner address at about
// one per second after a burst of six (net.ipv4.icmp_ratelimit). Silence
// is therefore ambiguous: the port may be open or filtered, or its ICMP
// error may have been suppressed.
//
// The answer: a lane is one of our source addresses talking to the host;
// each lane has its own ICMP budget at the host. Rounds of probes on a lane
// end with a *canary*, a port of this host already known to answer with an
// ICMP error. Packets of one round reach the host in order and the host's
// token bucket only refills with time, so if the canary, sent last, was
// answered, every closed port earlier in that round had a token too: the
// ports of that round that stayed silent are silent for real (a strike).
// Two strikes make open|filtered. A round whose canary was not answered
// ran out of tokens and proves nothing. Rounds are paced at the ICMP rate
// the host shows (measured from the spacing of its errors), so tokens are
// neither wasted nor waited for, and no timing model is trusted for
// correctness: only the canary is.
//
// A host that sends no ICMP error at all shows no rate limit; its silent
// ports get plain retries, as nmap does, spread over a few seconds in case
// its bucket was merely empty when the scan began. Fast mode (--udp-fast) stops after
// one round past the first and calls what is left on a limited host
// closed|filtered (icmp-ratelimit).
// Thread-safety: none; the engine's control thread owns each plan.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/types.h"

namespace tj {

struct UdpPlanOptions {
  int strikes = 2;           // conclusive silent rounds before open|filtered
  int silent_tries = 3;      // tries before open|filtered on a host with no ICMP at all
  bool fast = false;         // --udp-fast
  // A host that sent no ICMP error yet may just have an empty bucket (a
  // scan moments ago used it up): silence proves "no ICMP at all" only
  // after this long, a few refills of Linux's default one per second.
  double quiet_proof = 2.5;
};

struct UdpProbeRef {
  uint32_t port;   // index into the host's port list
  uint16_t lane;
};

class UdpHostPlan {
 public:
  UdpHostPlan(size_t ports, size_t lanes, const UdpPlanOptions& opts);

  // Every port once, port i on lane i % lanes.
  std::vector<UdpProbeRef> FirstRound(double now);
  // An answer to a probe of `port` sent on `lane`: a UDP reply (open) or an
  // ICMP error's verdict. from_host: the host itself sent it (not a router).
  void OnUdp(uint32_t port);
  void OnIcmp(uint32_t port, uint16_t lane, Verdict v, bool from_host, double now);
  // The probes of the next round on `lane` if one is due now (canary last);
  // empty when none is. Judge() must run before, to close finished rounds.
  std::vector<UdpProbeRef> StartRound(uint16_t lane, double now);
  // Closes rounds whose wait is over and gives their verdicts. `wait` is
  // how long answers take at most (seconds), as the engine measures it.
  void Judge(double now, double wait);

  bool Done() const { return undecided_ == 0; }
  // The decided verdict of a port; nullopt while undecided.
  std::optional<Verdict> VerdictOf(uint32_t port) const;
  uint8_t Tries(uint32_t port) const { return ports_[port].tries; }
  // Ends the plan: every undecided port gets open|filtered (no-response).
  void Abandon();

  // What the host showed of its ICMP limit (for -v and the bench).
  bool limited() const { return limited_; }
  double icmp_rate() const { return rate_; }  // errors per second per lane; 0 unknown
  int burst() const { return burst_; }         // errors in the first round, most of any lane

 private:
  struct Port {
    std::optional<Verdict> verdict;
    uint8_t strikes = 0, tries = 0;
  };
  struct Round {
    bool open = false;
    double start = 0;
    std::vector<uint32_t> ports;
    std::optional<uint32_t> canary;
    bool canary_answered = false;
    int icmp = 0;  // errors from the host on this lane while the round was open
  };
  struct Lane {
    Round round;
    int rounds = 0;               // rounds after the first
    double next = 0;              // earliest start of its next round
    // Refill samples: (seconds since the previous round, errors in this
    // round) for rounds that, like the one before, ran out of tokens: the
    // errors then count exactly the tokens that came in between.
    std::vector<std::pair<double, int>> refills;
    bool prev_saturated = false;
    double prev_start = 0;
    int first_round_icmp = 0;
    double last_icmp = -1;
    size_t canary_pick = 0;       // which candidate is the canary
    double rotated_for = -1;      // last_icmp when the canary was last changed
  };
  void Decide(uint32_t port, Verdict v);
  void Estimate();
  double Interval() const;

  UdpPlanOptions opts_;
  std::vector<Port> ports_;
  std::vector<Lane> lanes_;
  std::vector<uint32_t> canaries_;  // ports whose ICMP error came from the host itself
  size_t undecided_;
  bool limited_ = false;  // ICMP errors came and silence remained after the first round
  bool first_done_ = false;
  double first_start_ = 0;
  double rate_ = 0;
  int burst_ = 0;
  double wait_ = 0.1;
};

}  // namespace tj
