#include "watch/metrics_server.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cstring>
#include <vector>

#include "core/address.h"

namespace tj {
namespace {

constexpr size_t kMaxHead = 8192;
constexpr size_t kMaxClients = 64;
constexpr auto kRequestTime = std::chrono::seconds(2);  // the whole request, not each read

void SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data.remove_prefix(static_cast<size_t>(n));
  }
}

std::string Response(int code, std::string_view reason, std::string_view type, std::string_view body, bool head) {
  return fmt::format("HTTP/1.0 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}", code,
                     reason, type, body.size(), head ? "" : body);
}

}  // namespace

Result<std::pair<std::string, uint16_t>> ParseListenAddress(const std::string& listen) {
  auto bad = [&](std::string_view why) {
    return MakeError(fmt::format("--metrics \"{}\": {} (expected ADDRESS:PORT, e.g. 127.0.0.1:9477)", listen, why));
  };
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return bad("no port");
  std::string host = listen.substr(0, colon), port_text = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (!Address::Parse(host)) return bad("not a numeric IP address");
  unsigned port = 0;
  auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || p != port_text.data() + port_text.size() || port > 65535)
    return bad("bad port");
  return std::make_pair(host, static_cast<uint16_t>(port));
}

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(const std::string& listen,
                                                           std::function<std::string()> render) {
  auto hp = ParseListenAddress(listen);
  if (!hp) return hp.error();
  Address addr = *Address::Parse(hp->first);
  sockaddr_storage ss{};
  socklen_t len = addr.ToSockaddr(hp->second, &ss);
  // Non-blocking: Serve() accepts until there is nothing left to accept.
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return MakeError(fmt::format("--metrics {}: socket: {}", listen, strerror(errno)));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || ::listen(fd, 16) != 0) {
    std::string err = strerror(errno);
    close(fd);
    return MakeError(fmt::format("--metrics {}: cannot listen: {}", listen, err));
  }
  len = sizeof ss;
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  uint16_t port = ntohs(ss.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&ss)->sin_port
                                                 : reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return std::unique_ptr<MetricsServer>(new MetricsServer(fd, port, std::move(render)));
}

MetricsServer::MetricsServer(int fd, uint16_t port, std::function<std::string()> render)
    : fd_(fd), port_(port), render_(std::move(render)) {
  thread_ = std::thread([this] { Serve(); });
}

MetricsServer::~MetricsServer() {
  stop_.store(true);
  thread_.join();
  close(fd_);
}

// Every connection is read at once, without blocking, and each has the whole
// of kRequestTime for its request: a client that sends a byte now and then,
// or many that send nothing, cannot hold the others up. Beyond kMaxClients
// a new connection is closed at once.
void MetricsServer::Serve() {
  using Clock = std::chrono::steady_clock;
  struct Client {
    int fd;
    Clock::time_point deadline;
    std::string head;
  };
  std::vector<Client> clients;
  std::vector<pollfd> fds;
  auto finish = [&](size_t i) {
    Answer(clients[i].fd, clients[i].head);
    close(clients[i].fd);
    clients.erase(clients.begin() + static_cast<std::ptrdiff_t>(i));
  };
  while (!stop_.load()) {
    fds.assign(1, pollfd{fd_, POLLIN, 0});
    for (const Client& c : clients) fds.push_back(pollfd{c.fd, POLLIN, 0});
    if (poll(fds.data(), fds.size(), 100) < 0 && errno != EINTR) continue;
    const auto now = Clock::now();
    if (fds[0].revents & POLLIN) {
      int conn;
      while ((conn = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
        if (clients.size() >= kMaxClients) {
          close(conn);
          continue;
        }
        clients.push_back({conn, now + kRequestTime, {}});
      }
    }
    // Back to front, so finishing one does not shift the ones still to see.
    for (size_t i = clients.size(); i-- > 0;) {
      Client& c = clients[i];
      bool done = now >= c.deadline;
      if (i + 1 < fds.size() && fds[i + 1].fd == c.fd && (fds[i + 1].revents & (POLLIN | POLLHUP | POLLERR))) {
        char buf[1024];
        ssize_t n = recv(c.fd, buf, sizeof buf, 0);
        if (n > 0) c.head.append(buf, static_cast<size_t>(n));
        done |= n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) || c.head.size() >= kMaxHead ||
                c.head.find("\r\n\r\n") != std::string::npos || c.head.find("\n\n") != std::string::npos;
      }
      if (done) finish(i);
    }
  }
  for (const Client& c : clients) close(c.fd);
}

void MetricsServer::Answer(int conn, const std::string& head) {
  // The answer is a few kilobytes: it fits the socket's buffer, and a
  // client that reads nothing gets at most a second of the thread.
  int flags = fcntl(conn, F_GETFL);
  fcntl(conn, F_SETFL, flags & ~O_NONBLOCK);
  timeval tv{1, 0};
  setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  MetricsRoute route = RouteMetricsRequest(head);
  switch (route.code) {
    case 200:
      return SendAll(conn, Response(200, "OK", "text/plain; version=0.0.4; charset=utf-8", render_(), route.head_only));
    case 404:
      return SendAll(conn, Response(404, "Not Found", "text/plain", "see /metrics\n", route.head_only));
    case 405:
      return SendAll(conn, Response(405, "Method Not Allowed", "text/plain", "GET /metrics\n", false));
    default:
      return SendAll(conn, Response(400, "Bad Request", "text/plain", "bad request\n", false));
  }
}

MetricsRoute RouteMetricsRequest(std::string_view head) {
  std::string_view line = head.substr(0, head.find_first_of("\r\n"));
  size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return {400, false};
  size_t sp2 = line.find(' ', sp1 + 1);
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 == std::string_view::npos ? sp2 : sp2 - sp1 - 1);
  std::string_view path = target.substr(0, target.find('?'));
  bool head_only = method == "HEAD";
  if (method != "GET" && !head_only) return {405, false};
  if (path != "/metrics") return {404, head_only};
  return {200, head_only};
}

}  // namespace tj
