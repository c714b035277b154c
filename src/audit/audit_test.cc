#include "audit/audit.h"

#include <gtest/gtest.h>

#include "policy/policy_file.h"

namespace tj {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

constexpr const char* kPolicy = R"(name = "lab"
scope = ["198.18.0.0/15"]

[groups.web]
hosts = ["198.18.0.2"]
expected = { "22/tcp" = "ssh", "443/tcp" = "https" }
forbidden = ["3306/tcp", "6000-6063/tcp"]

[groups.db]
hosts = ["198.18.0.3", "db.lab.test"]
expected = ["5432/tcp", "161/udp"]

[[exceptions]]
host = "198.18.0.2"
port = "8080/tcp"
owner = "web-team"
reason = "migration"
expires = 2026-06-30

[[exceptions]]
group = "db"
port = "11211/tcp"
owner = "db-team"
reason = "cache trial"
expires = 2026-03-01
)";

Policy LabPolicy() {
  auto p = ParsePolicy(kPolicy, "lab.toml");
  EXPECT_TRUE(p) << p.error().message;
  return *p;
}

// A fixed "now": 2026-05-01 12:00 UTC (the first exception is valid, the second expired).
std::chrono::system_clock::time_point Now(int y = 2026, unsigned m = 5, unsigned d = 1) {
  return sys_days{std::chrono::year(y) / m / d} + 12h;
}

PortResult Port(uint16_t port, PortState state, std::string service = "", std::string method = "probed") {
  PortResult p;
  p.port = port;
  p.state = state;
  if (!service.empty() || method != "probed") {
    p.service->name = service;
    p.service->method = method;
  }
  return p;
}

HostResult Host(const char* addr, std::vector<PortResult> ports, std::string name = "") {
  HostResult h;
  h.addr = *Address::Parse(addr);
  h.name = name;
  for (auto& p : ports) p.addr = h.addr;
  h.ports = std::move(ports);
  return h;
}

ScanRecord Record(std::vector<HostResult> hosts, std::string services = "1-65535") {
  ScanRecord r;
  r.info.tcp_services = services;
  r.hosts = std::move(hosts);
  return r;
}

const Finding* Find(const AuditReport& r, FindingKind kind, const std::string& host, uint16_t port) {
  for (const Finding& f : r.findings)
    if (f.kind == kind && f.host == host && f.port == port) return &f;
  return nullptr;
}

std::string Keys(const AuditReport& r) {
  std::string out;
  for (const Finding& f : r.findings) out += f.Key() + "\n";
  return out;
}

TEST(Audit, CompliantHostHasNoFinding) {
  auto rec = Record({Host("198.18.0.2", {Port(22, PortState::kOpen, "ssh"), Port(443, PortState::kOpen, "https"),
                                         Port(3306, PortState::kClosed)})});
  AuditReport r = Audit(rec, LabPolicy(), Now(2026, 2, 1));  // before any exception expires
  EXPECT_EQ(r.CountedFindings(), 0u) << Keys(r);
  EXPECT_EQ(AuditExitCode(r), 0);
  EXPECT_EQ(r.hosts_audited, 1u);
}

TEST(Audit, EveryKindOfGap) {
  PortResult tls = Port(443, PortState::kOpen, "http");
  tls.service->tunnel = "ssl";  // ssl/http satisfies "https"
  tls.service->has_cert = true;
  tls.service->cert.expired = true;
  tls.service->cert.self_signed = true;
  tls.service->cert.not_after = "2026-01-01T00:00:00Z";
  auto rec = Record({
      Host("198.18.0.2", {Port(22, PortState::kOpen, "http"), tls, Port(3306, PortState::kOpen, "mysql"),
                          Port(6010, PortState::kOpen, "", "table"), Port(33080, PortState::kOpen, "", "table")}),
      Host("198.18.0.3", {Port(5432, PortState::kFiltered)}),
      Host("198.18.0.99", {Port(23, PortState::kOpen)}),  // in no group: not audited
  });
  AuditReport r = Audit(rec, LabPolicy(), Now());
  const Finding* f = Find(r, FindingKind::kServiceMismatch, "198.18.0.2", 22);
  ASSERT_NE(f, nullptr) << Keys(r);
  EXPECT_EQ(f->expected_service, "ssh");
  EXPECT_EQ(f->service, "http");
  EXPECT_EQ(f->rule, "groups.web.expected 22/tcp");
  EXPECT_EQ(f->rule_line, 6);

  f = Find(r, FindingKind::kForbiddenOpen, "198.18.0.2", 3306);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kCritical);  // mysql is high; forbidden raises it
  EXPECT_EQ(f->risk_id, "mysql");
  EXPECT_EQ(f->rule_line, 7);
  EXPECT_NE(f->remediation.find("bind"), std::string::npos);

  f = Find(r, FindingKind::kForbiddenOpen, "198.18.0.2", 6010);  // inside the forbidden X11 range
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->risk_id, "x11");
  EXPECT_EQ(f->rule, "groups.web.forbidden 6000-6063/tcp");

  f = Find(r, FindingKind::kUnexpectedOpen, "198.18.0.2", 33080);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->risk_id, "dev-web-server");
  EXPECT_EQ(f->severity, Severity::kMedium);
  EXPECT_EQ(f->group, "web");

  f = Find(r, FindingKind::kExpectedMissing, "198.18.0.3", 5432);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->state, "filtered");

  // 161/udp was not scanned (a TCP scan): reported, not counted.
  f = Find(r, FindingKind::kNotScanned, "198.18.0.3", 161);
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(f->Counts());

  int certs = 0;
  for (const Finding& c : r.findings) certs += c.kind == FindingKind::kCertProblem;
  EXPECT_EQ(certs, 2) << Keys(r);  // expired and self-signed
  EXPECT_EQ(Find(r, FindingKind::kServiceMismatch, "198.18.0.2", 443), nullptr) << "ssl/http is https";
  EXPECT_EQ(r.hosts_audited, 2u);
  EXPECT_EQ(r.hosts_outside, 1u);
  EXPECT_EQ(AuditExitCode(r), 1);
  // Worst first.
  EXPECT_EQ(r.findings.front().severity, Severity::kCritical);
  for (size_t i = 1; i < r.findings.size(); ++i) EXPECT_GE(r.findings[i - 1].severity, r.findings[i].severity);
}

TEST(Audit, ExpectedPortOfADownHostOrFoldedAway) {
  HostResult down = Host("198.18.0.2", {});
  down.status = HostStatus::kDown;
  AuditReport r = Audit(Record({down}), LabPolicy(), Now());
  const Finding* f = Find(r, FindingKind::kExpectedMissing, "198.18.0.2", 22);
  ASSERT_NE(f, nullptr) << Keys(r);
  EXPECT_EQ(f->state, "host down");
  // A port the scan covered but does not list (folded as closed) is not open.
  r = Audit(Record({Host("198.18.0.2", {Port(443, PortState::kOpen, "https")})}, "1-1000"), LabPolicy(), Now());
  f = Find(r, FindingKind::kExpectedMissing, "198.18.0.2", 22);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->state, "not open");
  // A port outside the scanned list cannot be judged.
  r = Audit(Record({Host("198.18.0.2", {Port(443, PortState::kOpen, "https")})}, "100-1000"), LabPolicy(), Now());
  EXPECT_EQ(Find(r, FindingKind::kExpectedMissing, "198.18.0.2", 22), nullptr);
  ASSERT_NE(Find(r, FindingKind::kNotScanned, "198.18.0.2", 22), nullptr);
}

TEST(Audit, ServiceIsCheckedOnlyWhenVersionDetectionRan) {
  PortResult guessed = Port(22, PortState::kOpen);  // no -sV: no ServiceInfo at all
  auto rec = Record({Host("198.18.0.2", {guessed, Port(443, PortState::kOpen, "https")})});
  AuditReport r = Audit(rec, LabPolicy(), Now(2026, 2, 1));
  EXPECT_EQ(r.CountedFindings(), 0u) << Keys(r);
}

TEST(Audit, HostsMatchByNameToo) {
  auto rec = Record({Host("198.18.7.7", {Port(11211, PortState::kOpen)}, "DB.lab.test")});
  AuditReport r = Audit(rec, LabPolicy(), Now(2026, 2, 1));
  // 5432 missing; 11211 tolerated by the db group's exception (still valid on Feb 1).
  EXPECT_NE(Find(r, FindingKind::kExpectedMissing, "198.18.7.7", 5432), nullptr) << Keys(r);
  const Finding* f = Find(r, FindingKind::kExceptionApplied, "198.18.7.7", 11211);
  ASSERT_NE(f, nullptr) << Keys(r);
  EXPECT_EQ(f->suppressed, FindingKind::kUnexpectedOpen);
  EXPECT_EQ(f->severity, Severity::kInfo);
  EXPECT_EQ(f->exception_owner, "db-team");
  EXPECT_FALSE(f->Counts());
}

TEST(Audit, ExceptionsSuppressUntilTheirDayEnds) {
  auto rec = Record({Host("198.18.0.2", {Port(22, PortState::kOpen, "ssh"), Port(443, PortState::kOpen, "https"),
                                         Port(8080, PortState::kOpen, "", "table")})});
  // Valid through 2026-06-30 (UTC), inclusive.
  AuditReport r = Audit(rec, LabPolicy(), Now(2026, 6, 30));
  ASSERT_NE(Find(r, FindingKind::kExceptionApplied, "198.18.0.2", 8080), nullptr) << Keys(r);
  EXPECT_EQ(Find(r, FindingKind::kUnexpectedOpen, "198.18.0.2", 8080), nullptr);
  // The db exception (2026-03-01) has expired: a finding of its own.
  const Finding* e = Find(r, FindingKind::kExpiredException, "group db", 11211);
  ASSERT_NE(e, nullptr) << Keys(r);
  EXPECT_EQ(e->exception_expires, "2026-03-01");
  EXPECT_EQ(e->rule_line, 20);
  EXPECT_EQ(AuditExitCode(r), 1);

  // A day later the web exception has lapsed too: the open port is a finding again.
  r = Audit(rec, LabPolicy(), Now(2026, 7, 1));
  const Finding* f = Find(r, FindingKind::kUnexpectedOpen, "198.18.0.2", 8080);
  ASSERT_NE(f, nullptr) << Keys(r);
  EXPECT_EQ(f->exception_expires, "2026-06-30");  // says which exception no longer covers it
  EXPECT_NE(Find(r, FindingKind::kExpiredException, "198.18.0.2", 8080), nullptr);
  EXPECT_EQ(Find(r, FindingKind::kExceptionApplied, "198.18.0.2", 8080), nullptr);
}

TEST(Audit, ChecksListEveryRuleWithItsFailures) {
  auto rec = Record({Host("198.18.0.2", {Port(22, PortState::kOpen, "ssh"), Port(3306, PortState::kOpen, "mysql")})});
  AuditReport r = Audit(rec, LabPolicy(), Now(2026, 2, 1));
  // web: 2 expected + 2 forbidden + unexpected; db: 2 expected + unexpected; 2 exceptions.
  ASSERT_EQ(r.checks.size(), 10u);
  std::map<std::string, size_t> failures;
  for (const RuleCheck& c : r.checks) failures[c.group + ": " + c.name] = c.failures.size();
  EXPECT_EQ(failures["web: 22/tcp expected open (ssh)"], 0u);
  EXPECT_EQ(failures["web: 443/tcp expected open (https)"], 1u);
  EXPECT_EQ(failures["web: 3306/tcp never open"], 1u);
  EXPECT_EQ(failures["web: 6000-6063/tcp never open"], 0u);
  EXPECT_EQ(failures["web: no unexpected open ports"], 0u);
}

TEST(Audit, AHostReportedTwiceIsAuditedOnce) {
  auto rec = Record({Host("198.18.0.2", {Port(3306, PortState::kOpen)}), Host("198.18.0.2", {Port(3306, PortState::kOpen)})});
  AuditReport r = Audit(rec, LabPolicy(), Now());
  int n = 0;
  for (const Finding& f : r.findings) n += f.kind == FindingKind::kForbiddenOpen;
  EXPECT_EQ(n, 1);
}

}  // namespace
}  // namespace tj

namespace tj {

// A host that banned the scanner: its unanswered ports are undecided, one
// finding for the host naming the policy's ports among them, and never
// "expected-missing" or a locked door.
TEST(Audit, UndecidedPortsAreOneFindingNotMissingOnes) {
  PortResult p22 = Port(22, PortState::kOpen, "ssh");
  PortResult p443 = Port(443, PortState::kFiltered);
  p443.reason = Reason::kHostWentSilent;
  PortResult p3306 = Port(3306, PortState::kFiltered);
  p3306.reason = Reason::kHostWentSilent;
  HostResult h = Host("198.18.0.2", {p22, p443, p3306});
  h.notes.push_back({"host-went-silent", "stopped answering 1 time"});
  AuditReport r = Audit(Record({h}), LabPolicy(), Now(2026, 2, 1));
  EXPECT_EQ(Find(r, FindingKind::kExpectedMissing, "198.18.0.2", 443), nullptr) << Keys(r);
  const Finding* f = Find(r, FindingKind::kUndecided, "198.18.0.2", 0);
  ASSERT_NE(f, nullptr) << Keys(r);
  EXPECT_FALSE(f->has_port);
  EXPECT_NE(f->detail.find("2 TCP ports undecided"), std::string::npos) << f->detail;
  EXPECT_NE(f->detail.find("expected 443/tcp"), std::string::npos) << f->detail;
  EXPECT_NE(f->detail.find("forbidden 3306/tcp"), std::string::npos) << f->detail;
  EXPECT_NE(f->detail.find("stopped answering"), std::string::npos) << f->detail;
  EXPECT_TRUE(f->Counts());
  EXPECT_FALSE(f->risk.empty());
  EXPECT_FALSE(f->remediation.empty());
}

// A SYN proxy: its SYN-ACK-only ports are one unverified-open finding, not
// one unexpected or forbidden open each.
TEST(Audit, UnverifiedOpensAreTheirOwnFindingClass) {
  std::vector<PortResult> ports = {Port(22, PortState::kOpen, "ssh")};
  for (uint16_t p = 3300; p < 3400; ++p) {
    PortResult q = Port(p, PortState::kOpen);
    q.reason = Reason::kSynAckUnverified;
    ports.push_back(q);
  }
  HostResult h = Host("198.18.0.2", ports);
  h.notes.push_back({"syn-proxy", "answered SYN-ACK on 100 ports"});
  AuditReport r = Audit(Record({h}), LabPolicy(), Now(2026, 2, 1));
  EXPECT_EQ(Find(r, FindingKind::kForbiddenOpen, "198.18.0.2", 3306), nullptr) << Keys(r);
  EXPECT_EQ(Find(r, FindingKind::kUnexpectedOpen, "198.18.0.2", 3350), nullptr) << Keys(r);
  const Finding* f = Find(r, FindingKind::kUnverifiedOpen, "198.18.0.2", 0);
  ASSERT_NE(f, nullptr) << Keys(r);
  EXPECT_NE(f->detail.find("100 TCP ports open but unverified"), std::string::npos) << f->detail;
  EXPECT_NE(f->detail.find("forbidden 3306/tcp"), std::string::npos) << f->detail;
  EXPECT_EQ(FindingKindName(f->kind), "unverified-open");
}

}  // namespace tj
