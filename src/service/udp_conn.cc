// Connected UDP sockets for service detection; see udp_conn.h.
#include "service/udp_conn.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace tj {

std::unique_ptr<UdpConn> UdpConn::Open(const Address& a, uint16_t port) {
  sockaddr_storage ss{};
  socklen_t len = a.ToSockaddr(port, &ss);
  int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return nullptr;
  std::unique_ptr<UdpConn> c(new UdpConn);
  c->fd_ = fd;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&ss), len) != 0) return nullptr;
  return c;
}

UdpConn::~UdpConn() {
  if (fd_ >= 0) close(fd_);
}

bool UdpConn::Send(std::string_view datagram) {
  while (true) {
    if (send(fd_, datagram.data(), datagram.size(), MSG_NOSIGNAL) >= 0) return true;
    if (errno == EINTR) continue;
    if (errno == ECONNREFUSED) refused_ = true;
    return false;
  }
}

int UdpConn::ReadOne(std::string* buf, size_t room, Clock::time_point until) {
  char data[65536];
  while (true) {
    ssize_t n = recv(fd_, data, sizeof data, 0);
    if (n >= 0) {
      buf->append(data, std::min(static_cast<size_t>(n), room));
      ++datagrams_;
      return 1;
    }
    if (errno == ECONNREFUSED) {
      refused_ = true;
      return -1;
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return -1;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
    if (ms <= 0) return 0;
    pollfd p{fd_, POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(std::min<int64_t>(ms, 60000)));
    if (r == 0) return 0;
    if (r < 0 && errno != EINTR) return -1;
  }
}

}  // namespace tj
