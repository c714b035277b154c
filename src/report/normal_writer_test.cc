#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "report/writer.h"
#include "support/writer_testing.h"

namespace tj {
namespace {

RunSummary Summary(uint64_t total, uint64_t up) {
  RunSummary s;
  s.hosts_total = total;
  s.hosts_up = up;
  return s;
}

// Runs a normal writer over one host into memory and returns the text.
std::string Render(const HostResult& h, ScanInfo info, RunSummary sum = Summary(1, 1)) {
  char* buf = nullptr;
  size_t len = 0;
  FILE* mem = open_memstream(&buf, &len);
  {
    auto w = MakeNormalWriter(FilePtr(mem), ServiceTable::Builtin());
    EXPECT_TRUE(w->Begin(info).ok());
    EXPECT_TRUE(w->Host(h).ok());
    EXPECT_TRUE(w->End(sum).ok());
  }
  std::string out(buf, len);
  free(buf);
  return out;
}

ScanInfo Info(bool reason = false, bool open_only = false) {
  ScanInfo i;
  i.version = "0.1.0";
  i.show_reason = reason;
  i.open_only = open_only;
  return i;
}

PortResult Port(uint16_t p, PortState s, Reason r) {
  PortResult x;
  x.addr = *Address::Parse("198.18.0.2");
  x.port = p;
  x.state = s;
  x.reason = r;
  return x;
}

HostResult BigHost() {
  HostResult h;
  h.addr = *Address::Parse("198.18.0.2");
  h.latency = std::chrono::microseconds(120);
  for (uint16_t p = 1; p <= 1000; ++p) {
    if (p == 22 || p == 80) h.ports.push_back(Port(p, PortState::kOpen, Reason::kSynAck));
    else if (p >= 900 && p < 930) h.ports.push_back(Port(p, PortState::kFiltered, Reason::kNoResponse));
    else if (p == 950) h.ports.push_back(Port(p, PortState::kFiltered, Reason::kAdminProhibited));
    else h.ports.push_back(Port(p, PortState::kClosed, Reason::kConnRefused));
  }
  return h;
}

TEST(NormalWriter, FoldsLargeStatesAndAlignsTable) {
  std::string out = Render(BigHost(), Info());
  EXPECT_NE(out.find("Starting tojimari 0.1.0 at "), std::string::npos);
  EXPECT_NE(out.find("tojimari scan report for 198.18.0.2\n"), std::string::npos);
  EXPECT_NE(out.find("Host is up (0.00012s latency).\n"), std::string::npos) << out;
  EXPECT_NE(out.find("Not shown: 967 closed tcp ports (conn-refused), 30 filtered tcp ports (no-response), "
                     "1 filtered tcp port (admin-prohibited)\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("PORT   STATE SERVICE\n22/tcp open  ssh\n80/tcp open  http\n"), std::string::npos) << out;
  EXPECT_NE(out.find("tojimari done: 1 IP address (1 host up) scanned in"), std::string::npos);
  EXPECT_EQ(out.find("\033["), std::string::npos);  // no colour unless asked
}

TEST(NormalWriter, ReasonColumnAndSmallStatesShown) {
  HostResult h;
  h.addr = *Address::Parse("2001:2::2");
  h.reason = Reason::kConnRefused;
  h.ports = {Port(23, PortState::kClosed, Reason::kConnRefused), Port(443, PortState::kOpen, Reason::kSynAck)};
  std::string out = Render(h, Info(true));
  EXPECT_NE(out.find("Host is up, received conn-refused.\n"), std::string::npos) << out;
  EXPECT_NE(out.find("PORT    STATE  SERVICE REASON\n23/tcp  closed telnet  conn-refused\n"
                     "443/tcp open   https   syn-ack\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("Not shown"), std::string::npos);
}

TEST(NormalWriter, OpenOnlyHidesEverythingElse) {
  std::string out = Render(BigHost(), Info(false, true));
  EXPECT_NE(out.find("Not shown: 967 closed tcp ports (conn-refused), 30 filtered tcp ports (no-response), "
                     "1 filtered tcp port (admin-prohibited)"), std::string::npos) << out;
  EXPECT_EQ(out.find("950/tcp"), std::string::npos);
}

// -sV: the VERSION column, and the certificate under its port as nmap's
// ssl-cert script shows it; a STARTTLS one says how it was reached.
TEST(NormalWriter, ServiceAndCertificate) {
  HostResult h;
  h.addr = *Address::Parse("198.18.0.2");
  PortResult smtp = report_testing::ProbedPort();
  smtp.port = 25;
  smtp.service->name = "smtp";
  smtp.service->product = "Postfix smtpd";
  smtp.service->version = smtp.service->extrainfo = smtp.service->tunnel = "";
  smtp.service->cert.starttls = true;
  smtp.service->cert.expires_soon = true;
  h.ports = {smtp, report_testing::ProbedPort()};
  std::string out = Render(h, Info());
  EXPECT_NE(out.find("25/tcp  open  smtp     Postfix smtpd\n"
                     "| ssl-cert: Subject: CN=lab.example\n"
                     "| Subject Alternative Name: DNS:lab.example\n"
                     "| Issuer: CN=lab.example\n"
                     "| Not valid before: 2026-01-01T00:00:00Z\n"
                     "| Not valid after:  2027-01-01T00:00:00Z\n"
                     "| Flags: self-signed, expires within 30 days\n"
                     "| Reached by: STARTTLS (the service's own upgrade to TLS)\n"
                     "|_SHA-256: 00ff\n"
                     "443/tcp open  ssl/http nginx 1.22.1 (Debian)\n"
                     "| ssl-cert: Subject: CN=lab.example\n"),
            std::string::npos)
      << out;
}

TEST(NormalWriter, SummaryNotes) {
  HostResult h = BigHost();
  RunSummary sum = Summary(3, 1);
  sum.skipped_reserved = 2;
  std::string out = Render(h, Info(), sum);
  EXPECT_NE(out.find("Note: 2 multicast, broadcast or unspecified addresses skipped inside ranges"),
            std::string::npos) << out;
  EXPECT_NE(out.find("tojimari done: 3 IP addresses (1 host up)"), std::string::npos);
}

}  // namespace
// -sn: a host with no port list shows only that it is up, its latency in
// nmap's notation (no exponent) and, on the local link, its MAC.
TEST(NormalWriter, PingScanHostHasNoPortLinesAndItsMac) {
  HostResult h;
  h.addr = *Address::Parse("198.18.0.3");
  h.reason = Reason::kArpResponse;
  h.latency = std::chrono::microseconds(45);
  h.mac = MacAddr{{0x02, 0xab, 0, 0, 0, 0x0f}};
  std::string out = Render(h, Info(true));
  EXPECT_NE(out.find("tojimari scan report for 198.18.0.3\nHost is up, received arp-response (0.000045s latency).\n"
                     "MAC Address: 02:AB:00:00:00:0F (Unknown)\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("PORT"), std::string::npos) << out;
  EXPECT_EQ(out.find("Not shown"), std::string::npos) << out;
  EXPECT_EQ(out.find("ignored states"), std::string::npos) << out;
  h.latency = std::chrono::microseconds(1500000);
  EXPECT_NE(Render(h, Info()).find("Host is up (1.5s latency)."), std::string::npos);
}

}  // namespace tj
