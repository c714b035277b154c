// Raw frames in and out of one interface through AF_PACKET.
//
// CaptureRing receives through a memory-mapped TPACKET_V3 ring, so the
// kernel fills blocks of frames without a system call per packet, and a
// classic BPF filter (compiled from a tcpdump-style expression by libpcap)
// runs in the kernel so only candidate replies are copied at all. Outgoing
// frames are not captured (PACKET_IGNORE_OUTGOING).
//
// PacketSender sends whole Ethernet frames, many per system call (sendmmsg).
// They are the real FrameSource and FrameSink (frame_io.h), the seams the
// engines hold so that tests can feed them frames instead.
// Thread-safety: one thread per object; a CaptureRing and a PacketSender may
// be used concurrently from different threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "net/frame_io.h"

namespace tj {

class CaptureRing : public FrameSource {
 public:
  // REQUIRES: CAP_NET_RAW (or root) at the time of the call.
  static Result<std::unique_ptr<CaptureRing>> Open(int ifindex, std::string_view bpf_expr,
                                                   size_t ring_bytes = 32u << 20);
  ~CaptureRing() override;
  int Poll(int timeout_ms, const FrameFn& fn) override;
  // Frames the kernel dropped because the ring was full (PACKET_STATISTICS).
  uint64_t kernel_drops() override;
  // When the kernel received the frame (its timestamp in the ring), so the
  // ring's block delay is not counted in a round trip.
  std::chrono::system_clock::time_point frame_time() const override { return frame_time_; }

 private:
  CaptureRing() = default;
  int fd_ = -1;
  uint8_t* map_ = nullptr;
  size_t map_len_ = 0, block_size_ = 0, block_count_ = 0, next_block_ = 0;
  uint64_t drops_ = 0;
  std::chrono::system_clock::time_point frame_time_;
};

class PacketSender : public FrameSink {
 public:
  // REQUIRES: CAP_NET_RAW (or root) at the time of the call.
  static Result<std::unique_ptr<PacketSender>> Open(int ifindex);
  ~PacketSender() override;
  // Sends every frame; returns how many the kernel took (it may refuse some
  // when its queue is full: the caller retries those later). Never blocks.
  Result<size_t> Send(std::span<const std::span<const uint8_t>> frames) override;

 private:
  PacketSender() = default;
  int fd_ = -1;
  int ifindex_ = 0;
};

// Closes these sources and sinks side by side and returns when all are
// closed. Closing a packet socket waits for an RCU grace period (af_packet's
// packet_release calls synchronize_net: 15-25 ms each, measured), and a scan
// holds three or more: one after the other they were half of a one-port
// scan's run time.
void CloseTogether(std::vector<std::unique_ptr<FrameSource>> sources,
                   std::vector<std::unique_ptr<FrameSink>> sinks);

}  // namespace tj
