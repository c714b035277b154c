#include "http_receiver.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <future>

namespace tjlab {

std::unique_ptr<HttpReceiver> HttpReceiver::Start(const std::string& netns, std::string* why) {
  std::unique_ptr<HttpReceiver> r(new HttpReceiver);
  // The socket is made on a thread that joins the namespace: only that
  // thread changes namespace, and the socket keeps it.
  std::promise<std::string> made;
  std::thread([&] {
    int ns = open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
    if (ns < 0 || setns(ns, CLONE_NEWNET) != 0) {
      made.set_value(std::string("setns ") + netns + ": " + strerror(errno));
      if (ns >= 0) close(ns);
      return;
    }
    close(ns);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      made.set_value(std::string("listen: ") + strerror(errno));
      return;
    }
    r->fd_ = fd;
    r->port_ = ntohs(a.sin_port);
    made.set_value("");
  }).join();
  *why = made.get_future().get();
  if (!why->empty()) return nullptr;
  r->thread_ = std::thread([p = r.get()] { p->Serve(); });
  return r;
}

HttpReceiver::~HttpReceiver() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) close(fd_);
}

std::vector<std::string> HttpReceiver::Bodies() const {
  std::lock_guard lock(mu_);
  return bodies_;
}

bool HttpReceiver::WaitFor(size_t n, std::chrono::seconds timeout) const {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (Bodies().size() >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Bodies().size() >= n;
}

void HttpReceiver::Serve() {
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    int conn = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) continue;
    Handle(conn);
    close(conn);
  }
}

void HttpReceiver::Handle(int conn) {
  timeval tv{5, 0};
  setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string data;
  char buf[4096];
  size_t head_end = std::string::npos, want = 0;
  while (true) {
    if (head_end == std::string::npos && (head_end = data.find("\r\n\r\n")) != std::string::npos) {
      head_end += 4;
      std::string head = data.substr(0, head_end);
      for (auto& c : head) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
      size_t cl = head.find("content-length:");
      want = cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 15));
    }
    if (head_end != std::string::npos && data.size() >= head_end + want) break;
    ssize_t n = recv(conn, buf, sizeof buf, 0);
    if (n <= 0) return;
    data.append(buf, static_cast<size_t>(n));
  }
  {
    std::lock_guard lock(mu_);
    bodies_.push_back(data.substr(head_end, want));
  }
  const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
  send(conn, ok, sizeof ok - 1, MSG_NOSIGNAL);
}

}  // namespace tjlab
