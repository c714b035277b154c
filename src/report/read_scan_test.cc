// ReadScanText/ReadScanFile: reports written by the real JSON and XML writers
// read back field by field, and nmap's own XML (broken or hostile input:
// read_scan_errors_test.cc).
#include "report/read_scan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include "report/port_fold.h"
#include "report/report_text.h"
#include "support/writer_testing.h"

namespace tj {
namespace {

using namespace tj::report_testing;
using std::chrono::microseconds;

// Two ports a state, so nothing is folded at verbosity 0: TCP and UDP, IPv4
// and IPv6, every field a port can carry.
std::vector<HostResult> RichHosts() {
  HostResult a;
  a.addr = *Address::Parse("198.18.0.2");
  a.name = "lab.example";
  a.name_from_ptr = true;
  a.latency = microseconds(120);
  PortResult p = MakePort("198.18.0.2", 22, PortState::kOpen, Reason::kSynAck);
  p.rtt = microseconds(310);
  p.tries = 2;
  p.reason_ttl = 64;
  a.ports.push_back(p);
  a.ports.push_back(MakePort("198.18.0.2", 81, PortState::kClosed, Reason::kReset));
  PortResult f = MakePort("198.18.0.2", 82, PortState::kFiltered, Reason::kAdminProhibited);
  f.reason_ip = *Address::Parse("198.18.0.1");
  f.reason_ip_set = true;
  f.reason_ttl = 63;
  a.ports.push_back(f);
  a.ports.push_back(ProbedPort());
  PortResult u = MakePort("198.18.0.2", 53, PortState::kOpenFiltered, Reason::kNoResponse);
  u.proto = Proto::kUdp;
  a.ports.push_back(u);
  PortResult c = MakePort("198.18.0.2", 161, PortState::kClosedFiltered, Reason::kUnknownResponse);
  c.proto = Proto::kUdp;
  a.ports.push_back(c);
  PortResult w = MakePort("198.18.0.2", 8080, PortState::kUnfiltered, Reason::kReset);
  w.service->name = "http-proxy";
  w.service->product = "Squid";
  w.service->hostname = "proxy";
  w.service->ostype = "Linux";
  w.service->devicetype = "proxy server";
  w.service->method = "probed";
  w.service->conf = 7;
  a.ports.push_back(w);
  // A host that defended itself: its notes (with characters XML and JSON
  // must escape) and the reasons they explain.
  a.notes.push_back({"host-went-silent", "stopped answering 1 time (\"a ban?\" <IPS> & co)"});
  a.notes.push_back({"syn-proxy", "answered SYN-ACK on 2004 ports"});
  a.ports.push_back(MakePort("198.18.0.2", 2000, PortState::kOpen, Reason::kSynAckUnverified));
  a.ports.push_back(MakePort("198.18.0.2", 2001, PortState::kClosed, Reason::kProxyReset));
  a.ports.push_back(MakePort("198.18.0.2", 3000, PortState::kFiltered, Reason::kHostWentSilent));
  a.ports.push_back(MakePort("198.18.0.2", 3001, PortState::kClosedFiltered, Reason::kRstRateLimit));

  HostResult b;
  b.addr = *Address::Parse("2001:2::5");
  b.name = "given.example";
  b.reason = Reason::kEchoReply;
  b.ports.push_back(MakePort("2001:2::5", 443, PortState::kOpen, Reason::kSynAck));
  HostResult down;
  down.addr = *Address::Parse("198.18.0.9");
  down.status = HostStatus::kDown;
  down.reason = Reason::kNoResponse;
  HostResult slow = SampleHost();
  slow.addr = *Address::Parse("198.18.0.3");
  slow.status = HostStatus::kTimedOut;
  return {a, b, down, slow};
}

ScanRecord Read(const std::string& text, const char* name = "t") {
  Result<ScanRecord> r = ReadScanText(text, name);
  EXPECT_TRUE(r.ok()) << r.error().message << "\n" << text.substr(0, 2000);
  return r.ok() ? std::move(r).value() : ScanRecord{};
}

struct Carries {
  bool rtt_tries_latency;  // JSON only
  bool cert;               // JSON only
  bool all_summary;        // skipped_reserved, excluded: JSON only
};

// What a report of want says, as read back, must equal want where the format carries it.
void ExpectSame(const ScanInfo& info, const std::vector<HostResult>& want, const RunSummary& sum,
                const ScanRecord& got, Carries c) {
  EXPECT_EQ(got.scanner, "tojimari");
  EXPECT_EQ(got.info.version, info.version);
  EXPECT_EQ(got.info.args, info.args);
  EXPECT_EQ(got.info.start, info.start);
  EXPECT_EQ(got.info.scan_type, info.scan_type);
  EXPECT_EQ(got.info.tcp_ports, info.tcp_ports);
  EXPECT_EQ(got.info.tcp_services, info.tcp_services);
  EXPECT_EQ(got.info.verbose, info.verbose);
  EXPECT_EQ(got.summary.hosts_total, sum.hosts_total);
  EXPECT_EQ(got.summary.hosts_up, sum.hosts_up);
  EXPECT_NEAR(got.summary.elapsed_seconds, sum.elapsed_seconds, 0.005);
  EXPECT_EQ(got.summary.interrupted, sum.interrupted);
  if (c.all_summary) {
    EXPECT_EQ(got.summary.skipped_reserved, sum.skipped_reserved);
    EXPECT_EQ(got.summary.excluded, sum.excluded);
  }
  EXPECT_EQ(got.unsupported_ports, 0u);
  ASSERT_EQ(got.hosts.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    const HostResult& w = want[i];
    const HostResult& g = got.hosts[i];
    SCOPED_TRACE(w.addr.ToString());
    EXPECT_EQ(g.addr, w.addr);
    EXPECT_EQ(g.name, w.name);
    EXPECT_EQ(g.name_from_ptr, w.name_from_ptr);
    EXPECT_EQ(g.status, w.status);
    EXPECT_EQ(g.reason, w.reason);
    EXPECT_EQ(g.notes, w.notes);
    if (c.rtt_tries_latency) {
      EXPECT_EQ(g.latency, w.latency);
    }
    // Folded ports are not read back, and a host that timed out lists none.
    std::vector<PortResult> shown;
    if (w.status != HostStatus::kTimedOut)
      for (const PortResult* p : FoldPorts(w.ports, info.verbose, info.open_only).shown) shown.push_back(*p);
    std::sort(shown.begin(), shown.end(), [](const PortResult& a, const PortResult& b) {
      return std::tie(a.proto, a.port) < std::tie(b.proto, b.port);
    });
    ASSERT_EQ(g.ports.size(), shown.size());
    for (size_t j = 0; j < shown.size(); ++j) {
      const PortResult& wp = shown[j];
      const PortResult& gp = g.ports[j];
      SCOPED_TRACE(wp.port);
      EXPECT_EQ(gp.addr, w.addr);
      EXPECT_EQ(gp.port, wp.port);
      EXPECT_EQ(gp.proto, wp.proto);
      EXPECT_EQ(gp.state, wp.state);
      EXPECT_EQ(gp.reason, wp.reason);
      EXPECT_EQ(gp.reason_ttl, wp.reason_ttl);
      EXPECT_EQ(gp.reason_ip_set, wp.reason_ip_set);
      if (wp.reason_ip_set) {
        EXPECT_EQ(gp.reason_ip, wp.reason_ip);
      }
      if (c.rtt_tries_latency) {
        EXPECT_EQ(gp.rtt, wp.rtt);
        EXPECT_EQ(gp.tries, wp.tries);
      }
      // The report holds what the writer reported: -sV's findings, or the table's name.
      ServiceInfo ws = ReportedService(wp, ServiceTable::Builtin());
      const ServiceInfo& gs = *gp.service;
      EXPECT_EQ(gs.name, ws.name);
      EXPECT_EQ(gs.product, ws.product);
      EXPECT_EQ(gs.version, ws.version);
      EXPECT_EQ(gs.extrainfo, ws.extrainfo);
      EXPECT_EQ(gs.tunnel, ws.tunnel);
      EXPECT_EQ(gs.hostname, ws.hostname);
      EXPECT_EQ(gs.ostype, ws.ostype);
      EXPECT_EQ(gs.devicetype, ws.devicetype);
      if (!ws.name.empty()) {
        EXPECT_EQ(gs.method, ws.method);
        EXPECT_EQ(gs.conf, ws.conf);
      }
      EXPECT_EQ(gs.has_cert, c.cert && ws.has_cert);
      if (c.cert && ws.has_cert) {
        EXPECT_EQ(gs.cert.subject, ws.cert.subject);
        EXPECT_EQ(gs.cert.issuer, ws.cert.issuer);
        EXPECT_EQ(gs.cert.alt_names, ws.cert.alt_names);
        EXPECT_EQ(gs.cert.not_before, ws.cert.not_before);
        EXPECT_EQ(gs.cert.not_after, ws.cert.not_after);
        EXPECT_EQ(gs.cert.sha256, ws.cert.sha256);
        EXPECT_EQ(gs.cert.self_signed, ws.cert.self_signed);
        EXPECT_EQ(gs.cert.expired, ws.cert.expired);
      }
    }
  }
}

RunSummary RichSummary() {
  RunSummary s = SampleSummary(4, 2);
  s.skipped_reserved = 3;
  s.excluded = 1;
  s.elapsed_seconds = 12.25;
  return s;
}

TEST(ReadScanTest, JsonRoundTrip) {
  ScanInfo info = SampleInfo();
  info.verbose = 1;
  const auto hosts = RichHosts();
  const RunSummary sum = RichSummary();
  ScanRecord got = Read(Render(MakeJsonWriter, info, hosts, sum));
  ExpectSame(info, hosts, sum, got, {true, true, true});
}

TEST(ReadScanTest, XmlRoundTrip) {
  ScanInfo info = SampleInfo();
  info.verbose = 1;
  const auto hosts = RichHosts();
  const RunSummary sum = RichSummary();
  ScanRecord got = Read(Render(MakeXmlWriter, info, hosts, sum));
  ExpectSame(info, hosts, sum, got, {false, false, false});
}

// At verbosity 0 the closed and filtered ports of SampleHost are folded: only
// the listed ones are read back, and an interrupted scan says so.
TEST(ReadScanTest, FoldedPortsAreLeftOutInBothFormats) {
  const std::vector<HostResult> hosts = {SampleHost()};
  const RunSummary sum = SampleSummary(1, 1, true);
  for (WriterFactory make : {MakeJsonWriter, MakeXmlWriter}) {
    ScanRecord got = Read(Render(make, SampleInfo(), hosts, sum));
    ExpectSame(SampleInfo(), hosts, sum, got, {make == MakeJsonWriter, make == MakeJsonWriter, false});
    ASSERT_EQ(got.hosts.size(), 1u);
    EXPECT_EQ(got.hosts[0].ports.size(), 3u);  // 22, 80, 33080
    EXPECT_TRUE(got.summary.interrupted);
  }
}

// As nmap 7.93 writes it (a loopback run, with ports and elements added that
// a root scan of a LAN host gives): a MAC beside the IP, folded ports,
// SCTP, a reason tojimari has no name for, services, times.
constexpr const char* kNmapXml = R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<?xml-stylesheet href="file:///usr/bin/../share/nmap/nmap.xsl" type="text/xsl"?>
<!-- Nmap 7.93 scan initiated Sun Nov 22 04:25:31 2026 as: nmap -sS -sU -sY -sV -p 1-40 -oX x.xml 198.18.0.2 -->
<nmaprun scanner="nmap" args="nmap -sS -sU -sY -sV -p 1-40 -oX x.xml 198.18.0.2" start="1795321531" startstr="Sun Nov 22 04:25:31 2026" version="7.93" xmloutputversion="1.05">
<scaninfo type="syn" protocol="tcp" numservices="40" services="1-40"/>
<scaninfo type="udp" protocol="udp" numservices="40" services="1-40"/>
<scaninfo type="sctpinit" protocol="sctp" numservices="40" services="1-40"/>
<verbose level="2"/>
<debugging level="0"/>
<hosthint><status state="up" reason="unknown-response" reason_ttl="0"/>
<address addr="198.18.0.2" addrtype="ipv4"/>
</hosthint>
<host starttime="1795321531" endtime="1795321533"><status state="up" reason="nd-response" reason_ttl="0"/>
<address addr="02:00:00:00:00:02" addrtype="mac"/>
<address addr="198.18.0.2" addrtype="ipv4"/>
<hostnames>
<hostname name="target.lab" type="PTR"/>
</hostnames>
<ports><extraports state="closed" count="36">
<extrareasons reason="reset" count="36" proto="tcp" ports="1-21,23-37"/>
</extraports>
<port protocol="tcp" portid="38"><state state="filtered" reason="admin-prohibited" reason_ttl="63" reason_ip="198.18.0.1"/></port>
<port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="64"/><service name="ssh" product="OpenSSH" version="9.2p1 Debian 2+deb12u3" extrainfo="Ubuntu Linux; protocol 2.0" ostype="Linux" method="probed" conf="10"><cpe>cpe:/a:openbsd:openssh:9.2p1</cpe><cpe>cpe:/o:linux:linux_kernel</cpe></service></port>
<port protocol="udp" portid="39"><state state="open|filtered" reason="no-response" reason_ttl="0"/><service name="unknown" method="table" conf="3"/></port>
<port protocol="sctp" portid="40"><state state="open" reason="init-ack" reason_ttl="64"/></port>
<port protocol="tcp" portid="40"><state state="closed|filtered" reason="tcp-response" reason_ttl="64"/><script id="x" output="&lt;&amp;&gt;"/></port>
</ports>
<os><osmatch name="Linux 5.0 - 5.14" accuracy="100" line="1"/></os>
<times srtt="62" rttvar="40" to="100000"/>
</host>
<runstats><finished time="1795321533" timestr="Sun Nov 22 04:25:33 2026" summary="Nmap done" elapsed="2.04" exit="success"/><hosts up="1" down="0" total="1"/>
</runstats>
</nmaprun>
)";

TEST(ReadScanTest, NmapXml) {
  ScanRecord r = Read(kNmapXml);
  EXPECT_EQ(r.scanner, "nmap");
  EXPECT_EQ(r.info.version, "7.93");
  EXPECT_EQ(r.info.args, "nmap -sS -sU -sY -sV -p 1-40 -oX x.xml 198.18.0.2");
  EXPECT_EQ(r.info.start, std::chrono::system_clock::from_time_t(1795321531));
  EXPECT_EQ(r.info.scan_type, "syn");
  EXPECT_EQ(r.info.tcp_ports, 40u);
  EXPECT_EQ(r.info.tcp_services, "1-40");
  EXPECT_EQ(r.info.verbose, 2);
  EXPECT_DOUBLE_EQ(r.summary.elapsed_seconds, 2.04);
  EXPECT_EQ(r.summary.hosts_up, 1u);
  EXPECT_EQ(r.summary.hosts_total, 1u);
  EXPECT_FALSE(r.summary.interrupted);
  EXPECT_EQ(r.unsupported_ports, 1u);  // the SCTP one
  ASSERT_EQ(r.hosts.size(), 1u);        // the hosthint is not a host
  const HostResult& h = r.hosts[0];
  EXPECT_EQ(h.addr.ToString(), "198.18.0.2");
  EXPECT_EQ(h.name, "target.lab");
  EXPECT_TRUE(h.name_from_ptr);
  EXPECT_EQ(h.status, HostStatus::kUp);
  EXPECT_EQ(h.reason, Reason::kNdResponse);
  EXPECT_EQ(h.latency, microseconds(62));
  ASSERT_EQ(h.ports.size(), 4u);  // sorted: tcp 22, 38, 40, then udp 39
  EXPECT_EQ(h.ports[0].port, 22);
  EXPECT_EQ(h.ports[0].state, PortState::kOpen);
  EXPECT_EQ(h.ports[0].reason_ttl, 64);
  EXPECT_EQ(h.ports[0].service->product, "OpenSSH");
  EXPECT_EQ(h.ports[0].service->version, "9.2p1 Debian 2+deb12u3");
  EXPECT_EQ(h.ports[0].service->extrainfo, "Ubuntu Linux; protocol 2.0");
  EXPECT_EQ(h.ports[0].service->ostype, "Linux");
  EXPECT_EQ(h.ports[0].service->method, "probed");
  EXPECT_EQ(h.ports[0].service->conf, 10);
  EXPECT_EQ(h.ports[1].port, 38);
  EXPECT_EQ(h.ports[1].reason, Reason::kAdminProhibited);
  EXPECT_TRUE(h.ports[1].reason_ip_set);
  EXPECT_EQ(h.ports[1].reason_ip.ToString(), "198.18.0.1");
  EXPECT_FALSE(h.ports[1].service.has_value());
  EXPECT_EQ(h.ports[2].port, 40);
  EXPECT_EQ(h.ports[2].state, PortState::kClosedFiltered);
  EXPECT_EQ(h.ports[2].reason, Reason::kUnknownResponse);  // tcp-response
  EXPECT_EQ(h.ports[3].proto, Proto::kUdp);
  EXPECT_EQ(h.ports[3].port, 39);
  EXPECT_EQ(h.ports[3].state, PortState::kOpenFiltered);
  EXPECT_EQ(h.ports[3].service->name, "unknown");
  for (const PortResult& p : h.ports) EXPECT_EQ(p.addr, h.addr);
}

// An external DTD is named but never fetched or loaded: the report reads.
TEST(ReadScanTest, ExternalDtdIsNotLoaded) {
  std::string x = kNmapXml;
  x.replace(x.find("<!DOCTYPE nmaprun>"), 18, "<!DOCTYPE nmaprun SYSTEM \"http://198.18.0.1/nmap.dtd\">");
  EXPECT_EQ(Read(x).hosts.size(), 1u);
}

}  // namespace
}  // namespace tj
