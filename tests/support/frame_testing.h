// In-memory frames for the raw runners' unit tests: a FrameSource and a
// FrameSink (net/frame_io.h) that stand in for the capture ring and the
// packet sender, and builders of the frames a target sends back. A test
// scripts the target as a function from each probe the sink sees to the
// frames it answers with, which go straight into the source: the runners
// run as in a scan, without root or a network.
// Thread-safety: FakeFrameSource::Push and FakeFrameSink::Send from any
// thread; Poll from one thread at a time.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "engine/raw_link.h"
#include "net/frame_io.h"

namespace tj {

using TestFrame = std::vector<uint8_t>;

class FakeFrameSource : public FrameSource {
 public:
  // Queues a frame, stamped with the time it was pushed.
  void Push(TestFrame frame);
  int Poll(int timeout_ms, const FrameFn& fn) override;
  std::chrono::system_clock::time_point frame_time() const override { return frame_time_; }
  uint64_t kernel_drops() override { return 0; }
  // How many Polls have run, and the timeout of the last one.
  int polls() const;
  int last_timeout() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::pair<std::chrono::system_clock::time_point, TestFrame>> frames_;  // guarded by mu_
  int polls_ = 0, last_timeout_ = -1;                                               // guarded by mu_
  std::chrono::system_clock::time_point frame_time_;  // the polling thread's
};

class FakeFrameSink : public FrameSink {
 public:
  // The scripted target: the frames it sends back for one probe.
  using Target = std::function<std::vector<TestFrame>(std::span<const uint8_t> probe)>;
  // REQUIRES: replies outlives the sink.
  FakeFrameSink(FakeFrameSource* replies, Target target) : replies_(replies), target_(std::move(target)) {}
  // Takes every frame, records it and pushes the target's answers.
  Result<size_t> Send(std::span<const std::span<const uint8_t>> frames) override;
  std::vector<TestFrame> sent() const;

 private:
  FakeFrameSource* replies_;
  Target target_;
  mutable std::mutex mu_;
  std::vector<TestFrame> sent_;  // guarded by mu_
};

// A RawLink over fakes, and the fakes it owns.
struct FakeLink {
  RawLink link;
  FakeFrameSource* rx = nullptr;
  FakeFrameSink* tx = nullptr;
};
// One link with one sender whose frames `target` answers.
// REQUIRES: route.src is set (our address on the link).
std::unique_ptr<FakeLink> MakeFakeLink(const RouteInfo& route, FakeFrameSink::Target target);

// What a probe frame is, read back by the test's target.
struct SeenProbe {
  Address src, dst;
  uint8_t proto = 0;            // 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6; 0 for ARP
  uint16_t sport = 0, dport = 0;
  uint32_t seq = 0, ack = 0;    // TCP
  uint8_t flags = 0;            // TCP
  uint8_t icmp_type = 0;        // ICMP: type; identifier in sport, sequence in seq
  std::span<const uint8_t> ip;  // the IP packet (for an ICMP error to quote)
};
// nullopt for frames that are not Ethernet + IPv4/IPv6 (ARP: see ArpTarget).
std::optional<SeenProbe> ReadProbe(std::span<const uint8_t> frame);
// The address an ARP request asks for.
std::optional<Address> ArpTarget(std::span<const uint8_t> frame);

// Frames a target sends back (Ethernet with zero MACs, checksums filled).
TestFrame TcpReplyFrame(const Address& from, uint16_t sport, const Address& to, uint16_t dport, uint8_t flags,
                        uint32_t seq, uint32_t ack);
TestFrame UdpReplyFrame(const Address& from, uint16_t sport, const Address& to, uint16_t dport);
// An ICMP (ICMPv6 for IPv6) error from `from` quoting the probe's IP packet.
TestFrame IcmpErrorFrame(const Address& from, uint8_t type, uint8_t code, const SeenProbe& probe);
// An ICMP echo reply (ICMPv6 129) to an echo request.
TestFrame EchoReplyFrame(const Address& from, const Address& to, uint16_t id, uint16_t seq);

}  // namespace tj
