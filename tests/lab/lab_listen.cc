// lab_listen: the lab's target services. Binds every TCP port given on the
// command line on [::] with IPV6_V6ONLY off, so one socket answers IPv4 and
// IPv6, accepts each connection and closes it at once, and prints "ready"
// once every port is bound so lab.sh knows when the truth is in place.
// With --udp, the ports after it are bound as UDP sockets that echo one
// datagram back (for UDP scans that want a "udp-response"). With --greet,
// each TCP connection gets a line ("220 tojimari lab") before it is closed:
// a service that exchanges data (what -sV confirms a SYN-proxied port by).
//
// Usage: lab_listen [--greet] [--tcp] PORT... [--udp PORT...]
// Exits 0 on SIGTERM/SIGINT, 1 when a port cannot be bound (message on stderr).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

namespace {

struct Spec {
  std::vector<int> tcp;
  std::vector<int> udp;
  bool greet = false;
};

bool ParsePort(std::string_view s, int* out) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 1 || v > 65535) return false;
  *out = v;
  return true;
}

bool ParseArgs(int argc, char** argv, Spec* spec) {
  std::vector<int>* cur = &spec->tcp;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--tcp") { cur = &spec->tcp; continue; }
    if (a == "--udp") { cur = &spec->udp; continue; }
    if (a == "--greet") { spec->greet = true; continue; }
    int port = 0;
    if (!ParsePort(a, &port)) {
      std::fprintf(stderr, "lab_listen: bad port \"%s\"\n", argv[i]);
      return false;
    }
    cur->push_back(port);
  }
  return true;
}

// Returns a bound dual-stack socket or -1 with a message on stderr.
int BindDualStack(int type, int port) {
  int fd = socket(AF_INET6, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) { std::perror("lab_listen: socket"); return -1; }
  int off = 0, on = 1;
  setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in6 sa{};
  sa.sin6_family = AF_INET6;
  sa.sin6_addr = in6addr_any;
  sa.sin6_port = htons(static_cast<uint16_t>(port));
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    std::fprintf(stderr, "lab_listen: bind %s port %d: %s\n", type == SOCK_STREAM ? "tcp" : "udp",
                 port, std::strerror(errno));
    close(fd);
    return -1;
  }
  // A full scan plus retries can queue many handshakes at once; a short
  // backlog would turn open ports into timeouts and make the truth lie.
  if (type == SOCK_STREAM && listen(fd, 4096) != 0) {
    std::perror("lab_listen: listen");
    close(fd);
    return -1;
  }
  return fd;
}

void AcceptAll(int lfd, bool greet) {
  static const char kGreeting[] = "220 tojimari lab\r\n";
  for (;;) {
    int c = accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) return;  // EAGAIN: drained
    if (greet) (void)!send(c, kGreeting, sizeof kGreeting - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    close(c);
  }
}

void EchoOne(int ufd) {
  char buf[2048];
  sockaddr_in6 from{};
  socklen_t len = sizeof from;
  ssize_t n = recvfrom(ufd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
  if (n >= 0) sendto(ufd, buf, static_cast<size_t>(n), 0, reinterpret_cast<sockaddr*>(&from), len);
}

// Signals arrive through a signalfd so the loop has one place to stop.
int BlockedSignalFd() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  return signalfd(-1, &set, SFD_CLOEXEC);
}

bool AddAll(int ep, const std::vector<int>& ports, int type, std::vector<int>* kinds) {
  for (int port : ports) {
    int fd = BindDualStack(type, port);
    if (fd < 0) return false;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    if (kinds->size() <= static_cast<size_t>(fd)) kinds->resize(fd + 1, 0);
    (*kinds)[fd] = type;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Spec spec;
  if (!ParseArgs(argc, argv, &spec) || (spec.tcp.empty() && spec.udp.empty())) {
    std::fprintf(stderr, "usage: lab_listen [--tcp] PORT... [--udp PORT...]\n");
    return 1;
  }
  int sfd = BlockedSignalFd();
  int ep = epoll_create1(EPOLL_CLOEXEC);
  std::vector<int> kinds;  // fd -> SOCK_STREAM / SOCK_DGRAM
  if (!AddAll(ep, spec.tcp, SOCK_STREAM, &kinds) || !AddAll(ep, spec.udp, SOCK_DGRAM, &kinds))
    return 1;
  epoll_event sev{};
  sev.events = EPOLLIN;
  sev.data.fd = sfd;
  epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &sev);
  std::printf("ready\n");
  std::fflush(stdout);

  epoll_event evs[64];
  for (;;) {
    int n = epoll_wait(ep, evs, 64, -1);
    if (n < 0 && errno != EINTR) { std::perror("lab_listen: epoll_wait"); return 1; }
    for (int i = 0; i < n; ++i) {
      int fd = evs[i].data.fd;
      if (fd == sfd) return 0;
      if (kinds[fd] == SOCK_STREAM) AcceptAll(fd, spec.greet); else EchoOne(fd);
    }
  }
}
