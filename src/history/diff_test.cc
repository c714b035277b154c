#include "history/diff.h"

#include <gtest/gtest.h>

#include "history/diff_report.h"

namespace tj {
namespace {

Address A(const char* s) { return *Address::Parse(s); }

PortResult Port(const char* addr, uint16_t port, PortState st, Reason r = Reason::kNoResponse) {
  PortResult p;
  p.addr = A(addr);
  p.port = port;
  p.state = st;
  p.reason = r;
  return p;
}

PortResult Svc(PortResult p, const char* name, const char* product, const char* version) {
  ServiceInfo& s = *p.service;
  s.method = "probed";
  s.conf = 10;
  s.name = name;
  s.product = product;
  s.version = version;
  return p;
}

HostResult Host(const char* addr, std::vector<PortResult> ports, HostStatus st = HostStatus::kUp) {
  HostResult h;
  h.addr = A(addr);
  h.status = st;
  h.ports = std::move(ports);
  return h;
}

ScanRecord Scan(std::vector<HostResult> hosts) {
  ScanRecord r;
  r.hosts = std::move(hosts);
  return r;
}

constexpr auto kOpen = PortState::kOpen;
constexpr auto kClosed = PortState::kClosed;
constexpr auto kFiltered = PortState::kFiltered;

TEST(Diff, IdenticalScansHaveNoChange) {
  ScanRecord s = Scan({Host("198.18.0.2", {Port("198.18.0.2", 22, kOpen), Port("198.18.0.2", 23, kClosed)})});
  ScanDiff d = DiffScans(s, s);
  EXPECT_TRUE(d.empty());
  EXPECT_EQ(d.counts.ports_opened, 0u);
}

TEST(Diff, NewOpenPort) {
  ScanRecord a =
      Scan({Host("198.18.0.2", {Port("198.18.0.2", 22, kOpen), Port("198.18.0.2", 8080, kClosed)})});
  ScanRecord b = Scan({Host("198.18.0.2", {Port("198.18.0.2", 22, kOpen), Port("198.18.0.2", 8080, kOpen)})});
  ScanDiff d = DiffScans(a, b);
  ASSERT_EQ(d.hosts.size(), 1u);
  EXPECT_EQ(d.hosts[0].kind, HostChangeKind::kChanged);
  ASSERT_EQ(d.hosts[0].ports.size(), 1u);
  const PortChange& c = d.hosts[0].ports[0];
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.kind, PortChangeKind::kOpened);
  EXPECT_EQ(c.before->state, kClosed);
  EXPECT_EQ(c.after->state, kOpen);
  EXPECT_EQ(d.counts.ports_opened, 1u);
  EXPECT_EQ(d.counts.ports_closed, 0u);
}

TEST(Diff, ClosedAndFilteredAndOtherStateChanges) {
  ScanRecord a = Scan({Host("198.18.0.2", {Port("198.18.0.2", 22, kOpen), Port("198.18.0.2", 80, kOpen),
                                           Port("198.18.0.2", 81, kClosed)})});
  ScanRecord b = Scan({Host("198.18.0.2", {Port("198.18.0.2", 22, kClosed), Port("198.18.0.2", 80, kFiltered),
                                           Port("198.18.0.2", 81, kFiltered)})});
  ScanDiff d = DiffScans(a, b);
  ASSERT_EQ(d.hosts.size(), 1u);
  ASSERT_EQ(d.hosts[0].ports.size(), 3u);
  EXPECT_EQ(d.hosts[0].ports[0].kind, PortChangeKind::kClosed);  // 22 open -> closed
  EXPECT_EQ(d.hosts[0].ports[1].kind, PortChangeKind::kClosed);  // 80 open -> filtered
  EXPECT_EQ(d.hosts[0].ports[1].after->state, kFiltered);
  EXPECT_EQ(d.hosts[0].ports[2].kind, PortChangeKind::kState);  // 81 closed -> filtered
  EXPECT_EQ(d.counts.ports_closed, 2u);
  EXPECT_EQ(d.counts.state_changes, 1u);
}

TEST(Diff, ReasonAloneIsNoChange) {
  ScanRecord a = Scan({Host("198.18.0.2", {Port("198.18.0.2", 81, kFiltered, Reason::kNoResponse)})});
  ScanRecord b = Scan({Host("198.18.0.2", {Port("198.18.0.2", 81, kFiltered, Reason::kAdminProhibited)})});
  EXPECT_TRUE(DiffScans(a, b).empty());
}

TEST(Diff, UnreportedPortsCountOnlyWhenOpenOnTheOtherSide) {
  // b scanned fewer ports: 23 (closed before) is not a change; 22 (open
  // before) is; 443 reported only by b, open, is new.
  ScanRecord a = Scan({Host("198.18.0.2", {Port("198.18.0.2", 22, kOpen), Port("198.18.0.2", 23, kClosed)})});
  ScanRecord b = Scan({Host("198.18.0.2", {Port("198.18.0.2", 443, kOpen)})});
  ScanDiff d = DiffScans(a, b);
  ASSERT_EQ(d.hosts.size(), 1u);
  ASSERT_EQ(d.hosts[0].ports.size(), 2u);
  EXPECT_EQ(d.hosts[0].ports[0].port, 22);
  EXPECT_EQ(d.hosts[0].ports[0].kind, PortChangeKind::kClosed);
  EXPECT_FALSE(d.hosts[0].ports[0].after.has_value());
  EXPECT_EQ(d.hosts[0].ports[1].port, 443);
  EXPECT_EQ(d.hosts[0].ports[1].kind, PortChangeKind::kOpened);
  EXPECT_FALSE(d.hosts[0].ports[1].before.has_value());
}

TEST(Diff, HostsAppearAndVanish) {
  ScanRecord a = Scan({Host("198.18.0.2", {Port("198.18.0.2", 22, kOpen)}),
                       Host("198.18.0.3", {Port("198.18.0.3", 80, kOpen), Port("198.18.0.3", 81, kClosed)}),
                       Host("198.18.0.4", {}, HostStatus::kDown), Host("198.18.0.5", {}, HostStatus::kDown)});
  ScanRecord b =
      Scan({Host("198.18.0.2", {Port("198.18.0.2", 22, kOpen)}), Host("198.18.0.3", {}, HostStatus::kDown),
            Host("198.18.0.4", {Port("198.18.0.4", 25, kOpen), Port("198.18.0.4", 26, kClosed)}),
            Host("198.18.0.5", {}, HostStatus::kDown)});
  ScanDiff d = DiffScans(a, b);
  ASSERT_EQ(d.hosts.size(), 2u);  // .2 unchanged and .5 down in both are left out
  EXPECT_EQ(d.hosts[0].addr, A("198.18.0.3"));
  EXPECT_EQ(d.hosts[0].kind, HostChangeKind::kVanished);
  ASSERT_EQ(d.hosts[0].ports.size(), 1u);  // what was open
  EXPECT_EQ(d.hosts[0].ports[0].port, 80);
  EXPECT_EQ(d.hosts[1].addr, A("198.18.0.4"));
  EXPECT_EQ(d.hosts[1].kind, HostChangeKind::kAppeared);
  ASSERT_EQ(d.hosts[1].ports.size(), 1u);  // what is open
  EXPECT_EQ(d.hosts[1].ports[0].port, 25);
  EXPECT_EQ(d.counts.hosts_appeared, 1u);
  EXPECT_EQ(d.counts.hosts_vanished, 1u);
}

TEST(Diff, HostAbsentFromOneScanAppearsOrVanishes) {
  ScanRecord a = Scan({Host("2001:2::1", {Port("2001:2::1", 22, kOpen)})});
  ScanRecord b = Scan({Host("198.18.0.9", {})});
  ScanDiff d = DiffScans(a, b);
  ASSERT_EQ(d.hosts.size(), 2u);
  EXPECT_EQ(d.hosts[0].kind, HostChangeKind::kAppeared);  // IPv4 sorts first
  EXPECT_TRUE(d.hosts[0].ports.empty());
  EXPECT_EQ(d.hosts[1].kind, HostChangeKind::kVanished);
}

TEST(Diff, ServiceAndVersionChanges) {
  ScanRecord a = Scan({Host("198.18.0.2", {Svc(Port("198.18.0.2", 22, kOpen), "ssh", "OpenSSH", "9.1"),
                                           Svc(Port("198.18.0.2", 80, kOpen), "http", "nginx", "1.22.1")})});
  ScanRecord b = Scan({Host("198.18.0.2", {Svc(Port("198.18.0.2", 22, kOpen), "ssh", "OpenSSH", "9.2p1"),
                                           Svc(Port("198.18.0.2", 80, kOpen), "http", "nginx", "1.22.1")})});
  ScanDiff d = DiffScans(a, b);
  ASSERT_EQ(d.hosts.size(), 1u);
  ASSERT_EQ(d.hosts[0].ports.size(), 1u);
  EXPECT_EQ(d.hosts[0].ports[0].kind, PortChangeKind::kService);
  EXPECT_TRUE(d.hosts[0].ports[0].service_changed);
  EXPECT_EQ(d.counts.service_changes, 1u);
  std::string text = DiffText(d, DiffSide{1, "", &a}, DiffSide{2, "", &b});
  EXPECT_NE(text.find("22/tcp"), std::string::npos) << text;
  EXPECT_NE(text.find("OpenSSH 9.1 -> ssh OpenSSH 9.2p1"), std::string::npos) << text;
}

TEST(Diff, ServiceComparedOnlyWhenBothRanDetection) {
  ScanRecord a = Scan({Host("198.18.0.2", {Port("198.18.0.2", 22, kOpen)})});
  ScanRecord b = Scan({Host("198.18.0.2", {Svc(Port("198.18.0.2", 22, kOpen), "ssh", "OpenSSH", "9.2p1")})});
  EXPECT_TRUE(DiffScans(a, b).empty());
  EXPECT_TRUE(DiffScans(b, a).empty());
}

TEST(Diff, CertificateChanges) {
  auto with_cert = [](const char* sha, const char* until) {
    PortResult p = Svc(Port("198.18.0.2", 443, kOpen), "http", "nginx", "");
    p.service->tunnel = "ssl";
    p.service->has_cert = true;
    p.service->cert.subject = "CN=lab";
    p.service->cert.not_after = until;
    p.service->cert.sha256 = sha;
    return p;
  };
  ScanRecord a = Scan({Host("198.18.0.2", {with_cert("aa", "2026-12-01T00:00:00Z")})});
  ScanRecord b = Scan({Host("198.18.0.2", {with_cert("bb", "2027-12-01T00:00:00Z")})});
  ScanDiff d = DiffScans(a, b);
  ASSERT_EQ(d.hosts.size(), 1u);
  ASSERT_EQ(d.hosts[0].ports.size(), 1u);
  EXPECT_EQ(d.hosts[0].ports[0].kind, PortChangeKind::kCert);
  EXPECT_FALSE(d.hosts[0].ports[0].service_changed);
  EXPECT_EQ(d.counts.cert_changes, 1u);
  EXPECT_TRUE(DiffScans(a, a).empty());
  auto j = DiffJson(d, DiffSide{1, "", &a}, DiffSide{2, "", &b});
  EXPECT_EQ(j["hosts"][0]["ports"][0]["change"], "cert");
  EXPECT_EQ(j["hosts"][0]["ports"][0]["after"]["service"]["cert"]["sha256"], "bb");
}

TEST(Diff, JsonDocument) {
  ScanRecord a = Scan({Host("198.18.0.2", {Port("198.18.0.2", 8080, kClosed, Reason::kConnRefused)})});
  ScanRecord b = Scan({Host("198.18.0.2", {Port("198.18.0.2", 8080, kOpen, Reason::kSynAck)})});
  ScanDiff d = DiffScans(a, b);
  auto j = DiffJson(d, DiffSide{std::nullopt, "old.xml", &a}, DiffSide{7, "", &b});
  EXPECT_EQ(j["tojimari_diff"], 1);
  EXPECT_EQ(j["changed"], true);
  EXPECT_EQ(j["before"]["file"], "old.xml");
  EXPECT_EQ(j["after"]["id"], 7);
  EXPECT_EQ(j["counts"]["ports_opened"], 1);
  const auto& p = j["hosts"][0]["ports"][0];
  EXPECT_EQ(j["hosts"][0]["change"], "changed");
  EXPECT_EQ(p["port"], 8080);
  EXPECT_EQ(p["protocol"], "tcp");
  EXPECT_EQ(p["change"], "opened");
  EXPECT_EQ(p["before"]["state"], "closed");
  EXPECT_EQ(p["before"]["reason"], "conn-refused");
  EXPECT_EQ(p["after"]["state"], "open");
  auto none = DiffJson(DiffScans(a, a), DiffSide{1, "", &a}, DiffSide{1, "", &a});
  EXPECT_EQ(none["changed"], false);
  EXPECT_TRUE(none["hosts"].empty());
}

TEST(Diff, TextIsLineSafe) {
  // Service text comes from the network: a banner must not forge lines.
  ScanRecord a = Scan({Host("198.18.0.2", {})});
  ScanRecord b =
      Scan({Host("198.18.0.2", {Svc(Port("198.18.0.2", 21, kOpen), "ftp", "evil\n+ 22/tcp", "1")})});
  std::string text = DiffText(DiffScans(a, b), DiffSide{1, "", &a}, DiffSide{2, "", &b});
  EXPECT_EQ(text.find("\n+ 22/tcp"), std::string::npos) << text;
  EXPECT_NE(text.find("1 port opened."), std::string::npos) << text;
}

}  // namespace
}  // namespace tj
