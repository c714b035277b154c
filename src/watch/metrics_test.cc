#include "watch/metrics.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>

#include "watch/metrics_server.h"
#include "support/watch_testing.h"

namespace tj {
namespace {

using testing::Host;
using testing::Record;

WatchRun SampleRun() {
  WatchRun run;
  run.record = Record({Host("198.18.0.2", {{22, PortState::kOpen}, {80, PortState::kOpen}, {81, PortState::kClosed}}),
                       Host("198.18.0.3", {{22, PortState::kFiltered}})});
  run.findings = {{"k1", "high", "t", "198.18.0.2", "80/tcp"}, {"k2", "high", "t", "198.18.0.2", "22/tcp"},
                  {"k3", "low", "t", "198.18.0.3", ""}};
  return run;
}

TEST(WatchMetrics, TextExposition) {
  Metrics m;
  EXPECT_NE(m.Text().find("tojimari_scans_total 0\n"), std::string::npos);
  m.RecordRun(SampleRun(), std::chrono::system_clock::from_time_t(1795000000), 1.25);
  m.AlertSent();
  m.AlertSent();
  m.AlertFailed();
  m.Suppressed(3);
  m.ScanFailed();
  std::string t = m.Text();
  EXPECT_NE(t.find("# TYPE tojimari_open_ports gauge\n"), std::string::npos);
  EXPECT_NE(t.find("tojimari_open_ports{host=\"198.18.0.2\"} 2\n"), std::string::npos);
  EXPECT_NE(t.find("tojimari_open_ports{host=\"198.18.0.3\"} 0\n"), std::string::npos);
  EXPECT_NE(t.find("tojimari_findings{severity=\"high\"} 2\n"), std::string::npos);
  EXPECT_NE(t.find("tojimari_findings{severity=\"low\"} 1\n"), std::string::npos);
  EXPECT_NE(t.find("tojimari_findings{severity=\"critical\"} 0\n"), std::string::npos);
  EXPECT_NE(t.find("tojimari_last_scan_duration_seconds 1.250\n"), std::string::npos);
  EXPECT_NE(t.find("tojimari_last_scan_timestamp_seconds 1795000000.000\n"), std::string::npos);
  EXPECT_NE(t.find("# TYPE tojimari_scans_total counter\ntojimari_scans_total 1\n"), std::string::npos);
  EXPECT_NE(t.find("tojimari_scan_failures_total 1\n"), std::string::npos);
  EXPECT_NE(t.find("tojimari_alerts_sent_total 2\n"), std::string::npos);
  EXPECT_NE(t.find("tojimari_alert_failures_total 1\n"), std::string::npos);
  EXPECT_NE(t.find("tojimari_changes_suppressed_total 3\n"), std::string::npos);
  // Every line is a comment or "name{labels} value".
  size_t pos = 0;
  while (pos < t.size()) {
    size_t end = t.find('\n', pos);
    ASSERT_NE(end, std::string::npos) << "the text ends with a newline";
    std::string line = t.substr(pos, end - pos);
    EXPECT_TRUE(line.starts_with("# HELP tojimari_") || line.starts_with("# TYPE tojimari_") ||
                line.starts_with("tojimari_"))
        << line;
    pos = end + 1;
  }
}

TEST(WatchMetrics, LabelEscaping) {
  EXPECT_EQ(PromLabel("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

std::string Curl(const std::string& args) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(("curl -s -m 5 " + args + " 2>&1").c_str(), "r"), pclose);
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p.get())) > 0) out.append(buf.data(), n);
  return out;
}

TEST(WatchMetrics, ServerScrapedWithCurl) {
  Metrics m;
  m.RecordRun(SampleRun(), std::chrono::system_clock::now(), 0.5);
  auto server = MetricsServer::Start("127.0.0.1:0", [&m] { return m.Text(); });
  ASSERT_TRUE(server.ok()) << server.error().message;
  std::string base = "http://127.0.0.1:" + std::to_string((*server)->port());
  std::string body = Curl(base + "/metrics");
  EXPECT_EQ(body, m.Text());
  EXPECT_NE(body.find("tojimari_open_ports{host=\"198.18.0.2\"} 2"), std::string::npos);
  EXPECT_NE(Curl("-i " + base + "/metrics").find("Content-Type: text/plain; version=0.0.4"), std::string::npos);
  EXPECT_EQ(Curl("-o /dev/null -w '%{http_code}' " + base + "/"), "404");
  EXPECT_EQ(Curl("-o /dev/null -w '%{http_code}' -X POST " + base + "/metrics"), "405");
  // Still answering after those.
  EXPECT_EQ(Curl(base + "/metrics?x=1"), m.Text());
}

TEST(WatchMetrics, RequestRouting) {
  EXPECT_EQ(RouteMetricsRequest("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").code, 200);
  EXPECT_EQ(RouteMetricsRequest("GET /metrics?x=1 HTTP/1.0\n\n").code, 200);
  EXPECT_EQ(RouteMetricsRequest("GET /metrics").code, 200);  // HTTP/0.9 style, no version
  MetricsRoute head = RouteMetricsRequest("HEAD /metrics HTTP/1.1\r\n\r\n");
  EXPECT_EQ(head.code, 200);
  EXPECT_TRUE(head.head_only);
  EXPECT_EQ(RouteMetricsRequest("GET / HTTP/1.1\r\n\r\n").code, 404);
  EXPECT_EQ(RouteMetricsRequest("GET /metricsx HTTP/1.1\r\n\r\n").code, 404);
  EXPECT_EQ(RouteMetricsRequest("POST /metrics HTTP/1.1\r\n\r\n").code, 405);
  EXPECT_EQ(RouteMetricsRequest("get /metrics HTTP/1.1\r\n\r\n").code, 405);  // methods are case-sensitive
  EXPECT_EQ(RouteMetricsRequest("").code, 400);
  EXPECT_EQ(RouteMetricsRequest("GET\r\n/metrics ").code, 400);  // only the first line counts
  EXPECT_EQ(RouteMetricsRequest(std::string_view("GET /metrics\0 HTTP/1.1", 22)).code, 404);
}

TEST(WatchMetrics, ListenAddress) {
  EXPECT_TRUE(ParseListenAddress("127.0.0.1:9477").ok());
  auto v6 = ParseListenAddress("[::1]:9477");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->first, "::1");
  EXPECT_FALSE(ParseListenAddress("127.0.0.1").ok());
  EXPECT_FALSE(ParseListenAddress("localhost:9477").ok());
  EXPECT_FALSE(ParseListenAddress("127.0.0.1:99999").ok());
  auto busy = MetricsServer::Start("127.0.0.1:0", [] { return std::string(); });
  ASSERT_TRUE(busy.ok());
  auto again = MetricsServer::Start("127.0.0.1:" + std::to_string((*busy)->port()), [] { return std::string(); });
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("cannot listen"), std::string::npos);
}

}  // namespace
}  // namespace tj

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

namespace tj {
namespace {

int ConnectLoopback(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

// Issue 22 row 7: fifty clients that send a header byte now and then (and
// never finish) do not hold up a scrape: each request has 2 s in all, and
// requests are read side by side.
TEST(WatchMetrics, SlowClientsDoNotHoldUpAScrape) {
  auto server = MetricsServer::Start("127.0.0.1:0", [] { return std::string("up 1\n"); });
  ASSERT_TRUE(server) << server.error().message;
  const uint16_t port = (*server)->port();
  std::vector<int> slow;
  for (int i = 0; i < 50; ++i) {
    int fd = ConnectLoopback(port);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(send(fd, "G", 1, MSG_NOSIGNAL), 1);
    slow.push_back(fd);
  }
  int fd = ConnectLoopback(port);
  ASSERT_GE(fd, 0);
  const std::string req = "GET /metrics HTTP/1.0\r\n\r\n";
  ASSERT_EQ(send(fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
  timeval tv{5, 0};  // the old server made this wait 20 s and more
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[512];
  ssize_t n = recv(fd, buf, sizeof buf, 0);
  ASSERT_GT(n, 0) << "no answer while slow clients were connected";
  EXPECT_TRUE(std::string(buf, static_cast<size_t>(n)).starts_with("HTTP/1.0 200 OK"));
  close(fd);
  for (int s : slow) close(s);
}

}  // namespace tj
