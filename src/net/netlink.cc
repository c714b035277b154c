#include "net/netlink.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>

namespace tj::nl {
namespace {

constexpr size_t Align4(size_t n) { return (n + 3) & ~size_t{3}; }

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Receives one datagram whole: netlink truncates silently into a short
// buffer, so the size is peeked first.
int ReceiveDatagram(int fd, std::vector<uint8_t>* buf, size_t* len) {
  for (;;) {
    ssize_t n = recv(fd, buf->data(), buf->size(), MSG_PEEK | MSG_TRUNC);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (static_cast<size_t>(n) > buf->size()) buf->resize(static_cast<size_t>(n));
    n = recv(fd, buf->data(), buf->size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    *len = static_cast<size_t>(n);
    return 0;
  }
}

// Walks the messages of one datagram. Returns true once the exchange is over
// (dump done, error or acknowledgement), with *err set to its errno.
bool WalkDatagram(std::span<const uint8_t> data, uint32_t seq, const std::function<void(const Message&)>& fn,
                  int* err) {
  size_t off = 0;
  while (off + sizeof(nlmsghdr) <= data.size()) {
    nlmsghdr h;
    std::memcpy(&h, data.data() + off, sizeof h);
    if (h.nlmsg_len < sizeof h || off + h.nlmsg_len > data.size()) return false;
    auto payload = data.subspan(off + sizeof h, h.nlmsg_len - sizeof h);
    off += Align4(h.nlmsg_len);
    if (h.nlmsg_seq != seq) continue;  // not an answer to this request
    if (h.nlmsg_type == NLMSG_DONE || h.nlmsg_type == NLMSG_ERROR) {
      // Both carry a negative errno first (0 for an acknowledgement).
      int32_t code = 0;
      if (payload.size() >= sizeof code) std::memcpy(&code, payload.data(), sizeof code);
      *err = code < 0 ? -code : 0;
      return true;
    }
    fn(Message{h.nlmsg_type, payload});
  }
  return false;
}

}  // namespace

Request::Request(uint16_t type, uint16_t flags) {
  const bool dump = (flags & NLM_F_DUMP) == NLM_F_DUMP;
  // A plain request is acknowledged so the reply loop knows when it is over.
  nlmsghdr h{};
  h.nlmsg_type = type;
  h.nlmsg_flags = static_cast<uint16_t>(flags | NLM_F_REQUEST | (dump ? 0 : NLM_F_ACK));
  Append(&h, sizeof h);
}

void Request::Append(const void* p, size_t len) {
  const auto* b = static_cast<const uint8_t*>(p);
  buf_.insert(buf_.end(), b, b + len);
  buf_.resize(Align4(buf_.size()), 0);
}

void Request::Attr(uint16_t type, const void* data, size_t len) {
  rtattr a{};
  a.rta_len = static_cast<unsigned short>(RTA_LENGTH(len));
  a.rta_type = type;
  const auto* b = reinterpret_cast<const uint8_t*>(&a);
  buf_.insert(buf_.end(), b, b + sizeof a);
  Append(data, len);
}

std::span<const uint8_t> Request::Finish(uint32_t seq) {
  nlmsghdr h;
  std::memcpy(&h, buf_.data(), sizeof h);
  h.nlmsg_len = static_cast<uint32_t>(buf_.size());
  h.nlmsg_seq = seq;
  std::memcpy(buf_.data(), &h, sizeof h);
  return buf_;
}

int Transact(Request& req, const std::function<void(const Message&)>& fn) {
  Fd fd(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (fd.get() < 0) return errno;
  // The kernel answers at once; the timeout only bounds a reply that never comes.
  timeval tv{2, 0};
  setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  // Any sequence number works: the socket is ours alone.
  constexpr uint32_t kSeq = 1;
  auto bytes = req.Finish(kSeq);
  if (sendto(fd.get(), bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) <
      0) {
    return errno;
  }
  std::vector<uint8_t> buf(32768);
  for (;;) {
    size_t len = 0;
    if (int e = ReceiveDatagram(fd.get(), &buf, &len)) return e;
    int err = 0;
    if (WalkDatagram(std::span(buf).first(len), kSeq, fn, &err)) return err;
  }
}

void ForEachAttr(std::span<const uint8_t> payload, size_t header_len,
                 const std::function<void(uint16_t, std::span<const uint8_t>)>& fn) {
  size_t off = Align4(header_len);
  while (off + sizeof(rtattr) <= payload.size()) {
    rtattr a;
    std::memcpy(&a, payload.data() + off, sizeof a);
    if (a.rta_len < sizeof a || off + a.rta_len > payload.size()) return;
    fn(static_cast<uint16_t>(a.rta_type & NLA_TYPE_MASK),
       payload.subspan(off + sizeof a, a.rta_len - sizeof a));
    off += Align4(a.rta_len);
  }
}

}  // namespace tj::nl
