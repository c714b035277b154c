#include "net/tcp_connect.h"

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tj {

int StartConnect(const Address& dst, uint16_t port, int* immediate_errno) {
  *immediate_errno = 0;
  const bool v6 = !dst.is_v4();
  int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  int one = 1;
  // Without RECVERR the kernel folds every ICMP unreachable into one errno.
  if (v6) setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof one);
  else setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof one);
  sockaddr_storage ss;
  socklen_t len = dst.ToSockaddr(port, &ss);
  if (connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 && errno != EINPROGRESS)
    *immediate_errno = errno;
  return fd;
}

int PendingError(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  return err;
}

std::optional<IcmpError> ReadIcmpError(int fd, bool v6) {
  char data[64];
  char control[512];
  sockaddr_storage from{};
  iovec iov{data, sizeof data};
  msghdr msg{};
  msg.msg_name = &from;
  msg.msg_namelen = sizeof from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) return std::nullopt;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    bool ours = (!v6 && c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
                (v6 && c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR);
    if (!ours) continue;
    sock_extended_err ee;
    std::memcpy(&ee, CMSG_DATA(c), sizeof ee);
    if (ee.ee_origin != SO_EE_ORIGIN_ICMP && ee.ee_origin != SO_EE_ORIGIN_ICMP6) continue;
    IcmpError out;
    out.type = ee.ee_type;
    out.code = ee.ee_code;
    // The offender address follows the extended error in the same cmsg.
    const auto* off = SO_EE_OFFENDER(reinterpret_cast<sock_extended_err*>(CMSG_DATA(c)));
    if (auto a = Address::FromSockaddr(off)) {
      out.offender = *a;
      out.has_offender = true;
    }
    return out;
  }
  return std::nullopt;
}

bool IsSelfConnect(int fd) {
  sockaddr_storage local{}, peer{};
  socklen_t llen = sizeof local, plen = sizeof peer;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &llen) != 0 ||
      getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &plen) != 0)
    return false;
  return llen == plen && std::memcmp(&local, &peer, llen) == 0;
}

void PlainClose(int fd) { close(fd); }

void AbortClose(int fd) {
  linger l{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close(fd);
}

}  // namespace tj
