// DetectPort against small servers on loopback: a banner, a reply to a
// probe, and the hostile ones (tarpit, endless banner, immediate close),
// each of which must cost no more than the port's budget.
#include "service/detector.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <chrono>
#include <functional>
#include <thread>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace tj {
namespace {

using namespace std::chrono_literals;

// Accepts connections on 127.0.0.1 and hands each to fn on its own thread.
class Server {
 public:
  explicit Server(std::function<void(int)> fn) : fn_(std::move(fn)) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd_, 16);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      while (true) {
        int c = accept(fd_, nullptr, nullptr);
        if (c < 0 || stop_) {
          if (c >= 0) close(c);
          return;
        }
        // A copy of fn: a tarpit's thread may outlive this Server.
        std::thread([fn = fn_, c] {
          fn(c);
          close(c);
        }).detach();
      }
    });
  }
  ~Server() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    thread_.join();
    close(fd_);
  }
  uint16_t port() const { return port_; }

 private:
  std::function<void(int)> fn_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

const ProbeDb& Db() {
  static const ProbeDb db = [] {
    auto r = ParseProbeDb(
        "probe NULL tcp\n"
        "match ssh re=|^SSH-([\\d.]+)-OpenSSH_([\\w.]+)| product=\"OpenSSH\" version=\"$2\"\n"
        "probe Ping tcp rarity=1 wait=500 send=\"PING\\r\\n\"\n"
        "match redis re=|^\\+PONG| product=\"Redis\"\n",
        "test");
    return std::move(*r);
  }();
  return db;
}

DetectOptions Fast() {
  DetectOptions o;
  o.null_wait = 300ms;
  o.max_probe_wait = 500ms;
  o.quiet = 100ms;
  o.port_budget = 2s;
  return o;
}

ServiceInfo Detect(uint16_t port, double* seconds = nullptr) {
  auto t0 = std::chrono::steady_clock::now();
  ServiceInfo s = DetectPort(Db(), Fast(), *Address::Parse("127.0.0.1"), port, "table-name");
  if (seconds) *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

void Send(int c, std::string_view s) { (void)!send(c, s.data(), s.size(), MSG_NOSIGNAL); }

TEST(Detector, Banner) {
  Server srv([](int c) { Send(c, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"); });
  ServiceInfo s = Detect(srv.port());
  EXPECT_EQ(s.name, "ssh");
  EXPECT_EQ(s.product, "OpenSSH");
  EXPECT_EQ(s.version, "9.2p1");
  EXPECT_EQ(s.method, "probed");
}

TEST(Detector, ProbeReply) {
  Server srv([](int c) {
    char buf[64];
    if (recv(c, buf, sizeof buf, 0) > 0) Send(c, "+PONG\r\n");
  });
  ServiceInfo s = Detect(srv.port());
  EXPECT_EQ(s.name, "redis");
  EXPECT_EQ(s.product, "Redis");
}

TEST(Detector, TarpitCostsItsBudgetOnly) {
  Server srv([](int) { std::this_thread::sleep_for(3s); });
  double secs = 0;
  ServiceInfo s = Detect(srv.port(), &secs);
  EXPECT_EQ(s.method, "table");
  EXPECT_EQ(s.name, "table-name");
  EXPECT_LT(secs, 2.5);
}

TEST(Detector, EndlessBannerIsCapped) {
  Server srv([](int c) {
    std::string junk(4096, 'A');
    for (int i = 0; i < 2000; ++i)
      if (send(c, junk.data(), junk.size(), MSG_NOSIGNAL) < 0) return;
  });
  double secs = 0;
  ServiceInfo s = Detect(srv.port(), &secs);
  EXPECT_EQ(s.method, "table");
  EXPECT_LT(secs, 2.5);
}

// A proxy holds the request while its backend fails and answers after the
// path's short wait but inside the probe's own: the connection is read
// again once the other probes named nothing.
TEST(Detector, LateAnswerInsideTheProbesWaitCounts) {
  static const ProbeDb db = [] {
    auto r = ParseProbeDb(
        "probe NULL tcp\n"
        "probe Ping tcp rarity=1 wait=1500 send=\"PING\\r\\n\"\n"
        "match redis re=|^\\+PONG| product=\"Redis\"\n"
        "probe Other tcp rarity=2 wait=1500 send=\"OTHER\\r\\n\"\n",
        "test");
    return std::move(*r);
  }();
  Server srv([](int c) {
    char buf[64];
    ssize_t n = recv(c, buf, sizeof buf, 0);
    if (n <= 0 || std::string_view(buf, n) != "PING\r\n") return;
    std::this_thread::sleep_for(900ms);
    Send(c, "+PONG\r\n");
  });
  DetectOptions o = Fast();
  o.null_wait = 200ms;
  o.max_probe_wait = 1500ms;
  o.probe_floor = 200ms;
  o.probe_rtts = 1;
  o.port_budget = 4s;
  ServiceInfo s = DetectPort(db, o, *Address::Parse("127.0.0.1"), srv.port(), "table-name");
  EXPECT_EQ(s.name, "redis");
  EXPECT_EQ(s.product, "Redis");
}

TEST(Detector, ClosedAtOnceIsTcpwrapped) {
  Server srv([](int) {});
  ServiceInfo s = Detect(srv.port());
  EXPECT_EQ(s.name, "tcpwrapped");
}

// A TLS server context with a fresh self-signed certificate (CN=tls.lab).
// OpenSSL writes with write(2): a peer gone mid-write raises SIGPIPE, which
// tojimari's main ignores, and so must this test binary.
SSL_CTX* ServerContext() {
  static SSL_CTX* ctx = [] {
    signal(SIGPIPE, SIG_IGN);
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, key);
    X509_NAME* name = X509_get_subject_name(x);
    const auto* cn = reinterpret_cast<const unsigned char*>("tls.lab");
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn, -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509_sign(x, key, EVP_sha256());
    SSL_CTX* c = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(c, x);
    SSL_CTX_use_PrivateKey(c, key);
    X509_free(x);
    EVP_PKEY_free(key);
    return c;
  }();
  return ctx;
}

// Answers PING with +PONG inside TLS on fd c.
void ServeTlsPing(int c) {
  SSL* s = SSL_new(ServerContext());
  SSL_set_fd(s, c);
  char buf[256];
  if (SSL_accept(s) == 1) {
    int n = SSL_read(s, buf, sizeof buf);
    if (n > 0 && std::string_view(buf, n).find("PING") != std::string_view::npos)
      SSL_write(s, "+PONG\r\n", 7);
  }
  SSL_free(s);
}

std::string RecvLine(int c) {
  std::string line;
  char ch;
  while (recv(c, &ch, 1, 0) == 1 && line.size() < 512) {
    line += ch;
    if (ch == '\n') break;
  }
  return line;
}

const ProbeDb& TlsDb() {
  static const ProbeDb db = [] {
    auto r = ParseProbeDb(
        "probe NULL tcp\n"
        "match smtp re=|^220 ([\\w.]+) ESMTP Postfix| product=\"Postfix smtpd\" host=\"$1\"\n"
        "probe TLS tcp tls rarity=1 wait=500\n"
        "probe Ping tcp rarity=1 wait=500 send=\"PING\\r\\n\"\n"
        "match redis re=|^\\+PONG| product=\"Redis\"\n",
        "test");
    return std::move(*r);
  }();
  return db;
}

// Every handshake takes 700 ms on the server's side (a loaded machine):
// more than the connect timeout, within the handshake's own time. The
// probes inside TLS still run and name the service.
TEST(Detector, SlowHandshakesDoNotEatTheProbes) {
  Server srv([](int c) {
    std::this_thread::sleep_for(700ms);
    ServeTlsPing(c);
  });
  DetectOptions o = Fast();
  o.connect_timeout = 300ms;
  o.tls_handshake = 2s;
  o.port_budget = 8s;
  ServiceInfo s = DetectPort(TlsDb(), o, *Address::Parse("127.0.0.1"), srv.port(), "table-name");
  EXPECT_EQ(s.tunnel, "ssl");
  EXPECT_EQ(s.name, "redis");
  EXPECT_EQ(s.product, "Redis");
  ASSERT_TRUE(s.has_cert);
  EXPECT_EQ(s.cert.subject, "CN=tls.lab");
  EXPECT_FALSE(s.cert.starttls);
}

// SMTP with STARTTLS: identified in plain text, then upgraded on a new
// connection for its certificate.
TEST(Detector, StartTlsReportsTheCertificate) {
  Server srv([](int c) {
    Send(c, "220 mail.lab ESMTP Postfix\r\n");
    if (!RecvLine(c).starts_with("EHLO ")) return;
    Send(c, "250-mail.lab\r\n250-PIPELINING\r\n250 STARTTLS\r\n");
    if (RecvLine(c) != "STARTTLS\r\n") return;
    Send(c, "220 2.0.0 Ready to start TLS\r\n");
    SSL* s = SSL_new(ServerContext());
    SSL_set_fd(s, c);
    SSL_accept(s);
    SSL_free(s);
  });
  ServiceInfo s = DetectPort(TlsDb(), Fast(), *Address::Parse("127.0.0.1"), srv.port(), "table-name");
  EXPECT_EQ(s.name, "smtp");
  EXPECT_EQ(s.product, "Postfix smtpd");
  EXPECT_EQ(s.tunnel, "");
  ASSERT_TRUE(s.has_cert);
  EXPECT_TRUE(s.cert.starttls);
  EXPECT_EQ(s.cert.subject, "CN=tls.lab");
  EXPECT_TRUE(s.cert.self_signed);
}

// A server that refuses the upgrade leaves no certificate and the service as found.
TEST(Detector, StartTlsRefusedChangesNothing) {
  Server srv([](int c) {
    Send(c, "220 mail.lab ESMTP Postfix\r\n");
    if (RecvLine(c).starts_with("EHLO ")) Send(c, "250 mail.lab\r\n");
    if (!RecvLine(c).empty()) Send(c, "502 5.5.1 Error: command not implemented\r\n");
  });
  ServiceInfo s = DetectPort(TlsDb(), Fast(), *Address::Parse("127.0.0.1"), srv.port(), "table-name");
  EXPECT_EQ(s.product, "Postfix smtpd");
  EXPECT_FALSE(s.has_cert);
}

}  // namespace
}  // namespace tj
