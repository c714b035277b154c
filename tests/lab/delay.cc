// lab_delay: the lab's delay line. This kernel has no sch_netem and nftables
// cannot queue, so lab.sh sends what reaches the target over its veth to an
// NFQUEUE (iptables-legacy -t mangle -A PREROUTING -i VETH -j NFQUEUE
// --queue-num N) and this program holds each packet for a fixed delay, then
// accepts it. (lab.sh says why the probes and not the replies are held.)
//
// Packets leave in the order they came: the queue hands them over with
// increasing ids and every packet waits the same time, so a FIFO of
// (id, release time) is always sorted by both. One verdict for the newest due
// id accepts every older one too (nfq_set_verdict_batch), which keeps the
// userspace hop cheap. The loop never blocks on a held packet: it sleeps in
// ppoll until the next packet arrives or the oldest one is due.
//
// It is a userspace hop, so it caps the link's packet rate (bench/README.md
// says how much): accepting a packet runs the target's whole receive path
// (TCP, the reply, the veth) inside this process's system call. Beyond that
// rate packets wait longer than the delay. The queue is large and fail-open,
// so under overload the kernel lets packets through rather than drop them.
//
// Usage: lab_delay [--queue N] [--maxlen N] DELAY_MS
// Prints "ready" once bound; on SIGTERM/SIGINT releases what it holds,
// prints one line of counts and exits 0. Exits 1 on a setup error.
#include <arpa/inet.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <string_view>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  uint16_t queue = 0;
  uint32_t maxlen = 1 << 16;  // packets held at once; 5 ms at 1M pps needs 5,000
  std::chrono::microseconds delay{0};
};

struct Held {
  uint32_t id;
  Clock::time_point release;
};

// The state the queue callback fills; owned by main's loop.
struct Line {
  nfq_q_handle* qh = nullptr;
  std::chrono::microseconds delay{0};
  std::deque<Held> fifo;
  uint64_t seen = 0;
  size_t max_held = 0;
};

template <typename T>
bool ParseNumber(std::string_view s, T* out) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return false;
  *out = v;
  return true;
}

bool ParseArgs(int argc, char** argv, Options* o) {
  bool have_delay = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if ((a == "--queue" || a == "--maxlen") && i + 1 < argc) {
      bool ok = a == "--queue" ? ParseNumber(argv[++i], &o->queue) : ParseNumber(argv[++i], &o->maxlen);
      if (!ok) return false;
      continue;
    }
    uint32_t ms = 0;
    if (have_delay || !ParseNumber(a, &ms)) return false;
    o->delay = std::chrono::milliseconds(ms);
    have_delay = true;
  }
  return have_delay;
}

// Called by nfq_handle_packet for each queued packet: note it, decide later.
int OnPacket(nfq_q_handle*, nfgenmsg*, nfq_data* nfa, void* data) {
  auto* line = static_cast<Line*>(data);
  nfqnl_msg_packet_hdr* ph = nfq_get_msg_packet_hdr(nfa);
  if (ph == nullptr) return 0;
  line->fifo.push_back({ntohl(ph->packet_id), Clock::now() + line->delay});
  ++line->seen;
  line->max_held = std::max(line->max_held, line->fifo.size());
  return 0;
}

// Accepts every held packet due by `now` with one batch verdict.
void ReleaseDue(Line* line, Clock::time_point now) {
  uint32_t last = 0;
  bool any = false;
  while (!line->fifo.empty() && line->fifo.front().release <= now) {
    last = line->fifo.front().id;
    line->fifo.pop_front();
    any = true;
  }
  if (any) nfq_set_verdict_batch(line->qh, last, NF_ACCEPT);
}

// How long ppoll may sleep: until the oldest held packet is due, or forever.
const timespec* SleepFor(const Line& line, timespec* ts) {
  if (line.fifo.empty()) return nullptr;
  auto left = line.fifo.front().release - Clock::now();
  auto ns = std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::nanoseconds>(left).count());
  ts->tv_sec = ns / 1'000'000'000;
  ts->tv_nsec = ns % 1'000'000'000;
  return ts;
}

nfq_q_handle* OpenQueue(nfq_handle* h, const Options& o, Line* line) {
  nfq_q_handle* qh = nfq_create_queue(h, o.queue, &OnPacket, line);
  if (qh == nullptr) return nullptr;
  // Metadata only: the id is all a verdict needs, and copying no payload
  // is what lets one thread keep up with the veth.
  if (nfq_set_mode(qh, NFQNL_COPY_META, 0) < 0) return nullptr;
  if (nfq_set_queue_maxlen(qh, o.maxlen) < 0) return nullptr;
  nfq_set_queue_flags(qh, NFQA_CFG_F_FAIL_OPEN, NFQA_CFG_F_FAIL_OPEN);  // older kernels: best effort
  int fd = nfq_fd(h);
  int big = 64 << 20;  // a burst of notifications must not overflow the socket
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
  int one = 1;  // an overflow is counted by the kernel; do not fail recv over it
  setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof one);
  return qh;
}

// Reads the notifications waiting on the socket, 64 per system call (one
// packet is one datagram), bounded so releases stay on time under a flood.
void ReadPackets(nfq_handle* h, int fd) {
  constexpr int kBatch = 64;
  constexpr size_t kSize = 512;  // metadata only: a notification is ~100 bytes
  alignas(8) static char bufs[kBatch][kSize];
  static iovec iov[kBatch];
  static mmsghdr msgs[kBatch];
  for (int round = 0; round < 16; ++round) {
    for (int i = 0; i < kBatch; ++i) {
      iov[i] = {bufs[i], kSize};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int n = recvmmsg(fd, msgs, kBatch, MSG_DONTWAIT, nullptr);
    for (int i = 0; i < n; ++i) nfq_handle_packet(h, bufs[i], static_cast<int>(msgs[i].msg_len));
    if (n < kBatch) return;
  }
}

int Run(nfq_handle* h, Line* line, int sigfd) {
  const int fd = nfq_fd(h);
  pollfd fds[2] = {{fd, POLLIN, 0}, {sigfd, POLLIN, 0}};
  std::printf("ready\n");
  std::fflush(stdout);
  for (;;) {
    timespec ts;
    int r = ppoll(fds, 2, SleepFor(*line, &ts), nullptr);
    if (r < 0 && errno != EINTR) {
      std::perror("lab_delay: ppoll");
      return 1;
    }
    if (fds[1].revents & POLLIN) break;
    if (fds[0].revents & POLLIN) ReadPackets(h, fd);
    ReleaseDue(line, Clock::now());
  }
  ReleaseDue(line, Clock::time_point::max());  // nothing held is lost at exit
  std::printf("lab_delay: %llu packets delayed, at most %zu held at once\n",
              static_cast<unsigned long long>(line->seen), line->max_held);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options opts;
  if (!ParseArgs(argc, argv, &opts)) {
    std::fprintf(stderr, "usage: lab_delay [--queue N] [--maxlen N] DELAY_MS\n");
    return 1;
  }
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  sigprocmask(SIG_BLOCK, &sigs, nullptr);
  int sigfd = signalfd(-1, &sigs, SFD_CLOEXEC);
  Line line;
  line.delay = opts.delay;
  nfq_handle* h = nfq_open();
  if (h == nullptr || sigfd < 0 || (line.qh = OpenQueue(h, opts, &line)) == nullptr) {
    std::fprintf(stderr, "lab_delay: cannot bind queue %u: %s\n", opts.queue, std::strerror(errno));
    return 1;
  }
  int rc = Run(h, &line, sigfd);
  nfq_destroy_queue(line.qh);
  nfq_close(h);
  return rc;
}
