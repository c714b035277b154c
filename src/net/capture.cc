#include "net/capture.h"

#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <system_error>
#include <thread>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "net/pcap_api.h"

namespace tj {
namespace {

// The kernel hands a block to us when it is full or kBlockTimeoutMs after
// its first frame, so a lone reply waits up to that long: the engine times
// replies when it reads them. Measured from send to Poll on the lab's veth:
// median 3.9 ms (max 10.9) with 10 ms, 0.9 ms (max 2.1) with 2 ms. Every
// timeout hands over a block however empty, so blocks are kept small for a
// trickle of replies not to use up the ring: 32 MiB in 256 KiB blocks still
// holds a quarter second of one reply per block.
constexpr size_t kBlockSize = 256u << 10;
constexpr unsigned kFrameSize = 2048;  // TPACKET_V3 packs frames; this only sizes the request
constexpr unsigned kBlockTimeoutMs = 2;
constexpr unsigned kMaxBatch = 256;  // frames per sendmmsg

Error Errno(const std::string& what) { return MakeError(what + ": " + std::strerror(errno)); }

// Compiles a tcpdump expression for Ethernet frames into classic BPF.
Result<std::vector<sock_filter>> CompileFilter(std::string_view expr) {
  const Result<PcapApi>& pcap = Pcap();
  if (!pcap) return pcap.error();
  pcap_t* p = pcap->pcap_open_dead(DLT_EN10MB, 65535);
  if (!p) return MakeError("libpcap could not set up a filter compiler");
  bpf_program prog{};
  std::string text(expr);
  if (pcap->pcap_compile(p, &prog, text.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    std::string why = pcap->pcap_geterr(p);
    pcap->pcap_close(p);
    return MakeError("bad capture filter '" + text + "': " + why);
  }
  // libpcap's bpf_insn has the kernel's sock_filter layout; copy field by field anyway.
  std::vector<sock_filter> out(prog.bf_len);
  for (unsigned i = 0; i < prog.bf_len; ++i) {
    const bpf_insn& in = prog.bf_insns[i];
    out[i] = sock_filter{in.code, in.jt, in.jf, in.k};
  }
  pcap->pcap_freecode(&prog);
  pcap->pcap_close(p);
  return out;
}

Status AttachFilter(int fd, std::string_view expr) {
  auto code = CompileFilter(expr);
  if (!code) return code.error();
  sock_fprog fprog{static_cast<unsigned short>(code->size()), code->data()};
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog) != 0) {
    return Errno("cannot attach the capture filter");
  }
  return Status::Ok();
}

Status BindTo(int fd, int ifindex, uint16_t proto) {
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(proto);
  sll.sll_ifindex = ifindex;
  if (bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0) {
    return Errno("cannot bind a packet socket to interface " + std::to_string(ifindex));
  }
  return Status::Ok();
}

std::atomic_ref<uint32_t> BlockStatus(uint8_t* block) {
  return std::atomic_ref<uint32_t>(reinterpret_cast<tpacket_block_desc*>(block)->hdr.bh1.block_status);
}

}  // namespace

// The order matters: the socket starts with protocol 0, which hooks no
// traffic, and is bound to ETH_P_ALL only after the filter is in place, so
// no unfiltered frame can slip into the ring.
Result<std::unique_ptr<CaptureRing>> CaptureRing::Open(int ifindex, std::string_view bpf_expr,
                                                       size_t ring_bytes) {
  std::unique_ptr<CaptureRing> ring(new CaptureRing);
  ring->fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (ring->fd_ < 0) return Errno("cannot open a capture socket (needs root or CAP_NET_RAW)");
  if (Status s = AttachFilter(ring->fd_, bpf_expr); !s) return MakeError(s.message());
  int v3 = TPACKET_V3;
  if (setsockopt(ring->fd_, SOL_PACKET, PACKET_VERSION, &v3, sizeof v3) != 0) {
    return Errno("the kernel lacks TPACKET_V3 capture rings");
  }
  tpacket_req3 req{};
  req.tp_block_size = kBlockSize;
  req.tp_block_nr = static_cast<unsigned>(std::max<size_t>(2, ring_bytes / kBlockSize));
  req.tp_frame_size = kFrameSize;
  req.tp_frame_nr = req.tp_block_nr * (kBlockSize / kFrameSize);
  req.tp_retire_blk_tov = kBlockTimeoutMs;
  if (setsockopt(ring->fd_, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0) {
    return Errno("cannot set up a capture ring of " + std::to_string(req.tp_block_nr) + " blocks");
  }
  ring->block_size_ = kBlockSize;
  ring->block_count_ = req.tp_block_nr;
  ring->map_len_ = ring->block_size_ * ring->block_count_;
  void* map = mmap(nullptr, ring->map_len_, PROT_READ | PROT_WRITE, MAP_SHARED, ring->fd_, 0);
  if (map == MAP_FAILED) return Errno("cannot map the capture ring");
  ring->map_ = static_cast<uint8_t*>(map);
  int one = 1;
  // Our own probes would otherwise be copied into the ring just to be
  // discarded. Kernels before 4.20 lack the option; the filter still holds.
  if (setsockopt(ring->fd_, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) != 0 &&
      errno != ENOPROTOOPT) {
    return Errno("cannot exclude outgoing frames from capture");
  }
  if (Status s = BindTo(ring->fd_, ifindex, ETH_P_ALL); !s) return MakeError(s.message());
  return ring;
}

CaptureRing::~CaptureRing() {
  if (map_) munmap(map_, map_len_);
  if (fd_ >= 0) close(fd_);
}

int CaptureRing::Poll(int timeout_ms, const FrameFn& fn) {
  uint8_t* block = map_ + next_block_ * block_size_;
  if (!(BlockStatus(block).load(std::memory_order_acquire) & TP_STATUS_USER)) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return 0;  // timeout, or EINTR: the caller polls again
    if (p.revents & POLLERR) {  // e.g. the interface went down: read the error so poll stops reporting it
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    }
  }
  int frames = 0;
  // At most one lap, so a flood cannot keep the caller here forever.
  for (size_t lap = 0; lap < block_count_; ++lap) {
    block = map_ + next_block_ * block_size_;
    if (!(BlockStatus(block).load(std::memory_order_acquire) & TP_STATUS_USER)) break;
    const auto* desc = reinterpret_cast<const tpacket_block_desc*>(block);
    const uint32_t count = desc->hdr.bh1.num_pkts;
    size_t off = desc->hdr.bh1.offset_to_first_pkt;
    for (uint32_t i = 0; i < count && off + sizeof(tpacket3_hdr) <= block_size_; ++i) {
      const auto* h = reinterpret_cast<const tpacket3_hdr*>(block + off);
      if (off + h->tp_mac + h->tp_snaplen <= block_size_) {
        frame_time_ = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::seconds(h->tp_sec) + std::chrono::nanoseconds(h->tp_nsec)));
        fn(std::span<const uint8_t>(block + off + h->tp_mac, h->tp_snaplen));
        ++frames;
      }
      if (h->tp_next_offset == 0) break;
      off += h->tp_next_offset;
    }
    // Release: the kernel may refill the block only after we are done reading it.
    BlockStatus(block).store(TP_STATUS_KERNEL, std::memory_order_release);
    next_block_ = (next_block_ + 1) % block_count_;
  }
  return frames;
}

uint64_t CaptureRing::kernel_drops() {
  // Reading the statistics resets them in the kernel, hence the running sum.
  tpacket_stats_v3 st{};
  socklen_t len = sizeof st;
  if (getsockopt(fd_, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0) drops_ += st.tp_drops;
  return drops_;
}

Result<std::unique_ptr<PacketSender>> PacketSender::Open(int ifindex) {
  std::unique_ptr<PacketSender> s(new PacketSender);
  s->ifindex_ = ifindex;
  s->fd_ = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (s->fd_ < 0) return Errno("cannot open a packet socket (needs root or CAP_NET_RAW)");
  // Protocol 0: the socket sends but never receives, so nothing queues up on it.
  if (Status st = BindTo(s->fd_, ifindex, 0); !st) return MakeError(st.message());
  // A deeper send buffer lets one sendmmsg batch fit; FORCE needs
  // CAP_NET_ADMIN, the plain option is capped by net.core.wmem_max.
  int sndbuf = 4 << 20;
  if (setsockopt(s->fd_, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf) != 0) {
    setsockopt(s->fd_, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  }
  // No PACKET_QDISC_BYPASS: on the lab's veth it sent no faster (about
  // 190,000 frames/s either way, since veth has no qdisc to skip), and it
  // hides our probes from tcpdump on this host and from any tc shaping the
  // user set up.
  return s;
}

PacketSender::~PacketSender() {
  if (fd_ >= 0) close(fd_);
}

Result<size_t> PacketSender::Send(std::span<const std::span<const uint8_t>> frames) {
  std::array<mmsghdr, kMaxBatch> msgs;
  std::array<iovec, kMaxBatch> iovs;
  std::array<sockaddr_ll, kMaxBatch> to;
  size_t sent = 0;
  while (sent < frames.size()) {
    const size_t n = std::min<size_t>(kMaxBatch, frames.size() - sent);
    for (size_t i = 0; i < n; ++i) {
      auto f = frames[sent + i];
      iovs[i] = iovec{const_cast<uint8_t*>(f.data()), f.size()};
      // The EtherType from the frame itself, so the kernel sees the right
      // skb->protocol on every kernel version (protocol 0 is the socket's).
      to[i] = sockaddr_ll{};
      to[i].sll_family = AF_PACKET;
      to[i].sll_ifindex = ifindex_;
      if (f.size() >= 14) std::memcpy(&to[i].sll_protocol, f.data() + 12, 2);
      msgs[i] = mmsghdr{};
      msgs[i].msg_hdr.msg_name = &to[i];
      msgs[i].msg_hdr.msg_namelen = sizeof to[i];
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int r = sendmmsg(fd_, msgs.data(), static_cast<unsigned>(n), 0);
    if (r < 0) {
      if (errno == EAGAIN || errno == ENOBUFS || errno == EINTR) return sent;
      return Errno("cannot send on interface " + std::to_string(ifindex_));
    }
    sent += static_cast<size_t>(r);
    if (static_cast<size_t>(r) < n) return sent;  // the next call reports why, or succeeds
  }
  return sent;
}

void CloseTogether(std::vector<std::unique_ptr<FrameSource>> sources,
                   std::vector<std::unique_ptr<FrameSink>> sinks) {
  std::vector<std::thread> closers;
  auto close_beside = [&closers](auto socket) {
    if (!socket) return;
    try {
      closers.emplace_back([s = std::move(socket)]() mutable { s.reset(); });
    } catch (const std::system_error&) {
      // No thread to spare: the socket closed with the lambda that held it.
    }
  };
  for (auto& r : sources) close_beside(std::move(r));
  for (auto& s : sinks) close_beside(std::move(s));
  for (std::thread& t : closers) t.join();
}

}  // namespace tj
