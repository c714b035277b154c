#include "watch/metrics_server.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <charconv>
#include <cstring>

#include "core/address.h"

namespace tj {
namespace {

constexpr size_t kMaxHead = 8192;

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
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
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

void MetricsServer::Serve() {
  while (!stop_.load()) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    int conn = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) continue;
    Answer(conn);
    close(conn);
  }
}

void MetricsServer::Answer(int conn) {
  timeval tv{2, 0};
  setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  std::string head;
  char buf[1024];
  while (head.size() < kMaxHead && head.find("\r\n\r\n") == std::string::npos &&
         head.find("\n\n") == std::string::npos) {
    ssize_t n = recv(conn, buf, sizeof buf, 0);
    if (n <= 0) break;
    head.append(buf, static_cast<size_t>(n));
  }
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
