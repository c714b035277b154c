// -sU against real UDP servers (tests/lab/udp_zoo.sh: dnsmasq, snmpd,
// chrony, rpcbind, memcached) in the lab target, with closed ports and an
// nftables-dropped range, and the target's default ICMP rate limit left on:
// every port's state and reason is asserted against the truth.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "lab_fixture.h"
#include "scan_check.h"

namespace tjlab {
namespace {

using std::chrono::seconds;

constexpr char kTarget4[] = "198.18.0.2";
constexpr char kTarget6[] = "2001:2::2";
constexpr int kClosedLo = 1000;  // nothing listens on UDP there

std::string ZooScript() {
  const char* env = std::getenv("UDP_ZOO_SH");
  return env ? env : UDP_ZOO_SH;
}

class UdpScan : public LabFixture {
 protected:
  // No TCP listener on 53 (dnsmasq binds TCP 53 too); 8 more scanner
  // addresses for -S.
  LabOptions Options() const override {
    LabOptions o;
    o.ports = "22,80";
    o.sources = 8;
    return o;
  }

  void SetUp() override {
    LabFixture::SetUp();
    if (NotReady()) return;
    auto r = tjlab::Run({ZooScript(), "start", lab_->target_ns(), dir_, kTarget4}, seconds(60));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::istringstream in(r.out);
    int port;
    std::string name, package;
    while (in >> port >> name >> package) open_.insert(port);
    // Every UDP server of the zoo must run (CI installs them all), these
    // five at least: the tests below lean on them (udp_service_test.cc
    // checks the rest).
    for (int p : {53, 111, 123, 161, 11211}) ASSERT_TRUE(open_.count(p)) << p << "\n" << r.out << r.err;
    ASSERT_TRUE(WaitForSockets()) << "the UDP servers did not bind in time";
    // The point of the test: the target limits its ICMP errors as Linux
    // does by default (about one per second per scanner address).
    auto rl = tjlab::Run({"ip", "netns", "exec", lab_->target_ns(), "sysctl", "-n", "net.ipv4.icmp_ratelimit"},
                  seconds(10));
    ASSERT_EQ(rl.out, "1000\n");
  }
  void TearDown() override {
    if (!dir_.empty()) tjlab::Run({ZooScript(), "stop", dir_}, seconds(30));
    LabFixture::TearDown();
  }

  bool WaitForSockets() {
    for (int i = 0; i < 100; ++i) {
      auto r = tjlab::Run({"ip", "netns", "exec", lab_->target_ns(), "ss", "-Hulnp"}, seconds(10));
      int bound = 0;
      for (int p : open_) bound += r.out.find(":" + std::to_string(p) + " ") != std::string::npos;
      if (bound == static_cast<int>(open_.size())) return true;
      usleep(100 * 1000);
    }
    return false;
  }

  // The truth of a UDP port in this lab.
  std::string Truth(int port) const {
    if (open_.count(port)) return "open/udp-response";
    const std::string drop = lab_->Fact("LAB_DROP_UDP");
    int lo = std::stoi(drop.substr(0, drop.find('-'))), hi = std::stoi(drop.substr(drop.find('-') + 1));
    if (port >= lo && port <= hi) return "open|filtered/no-response";
    return "closed/port-unreach";
  }

  // Ports: the zoo, five dropped ones and `closed` closed ones.
  std::vector<int> Ports(int closed) const {
    std::vector<int> ports(open_.begin(), open_.end());
    for (int p = 40000; p < 40005; ++p) ports.push_back(p);
    for (int p = kClosedLo; p < kClosedLo + closed; ++p) ports.push_back(p);
    return ports;
  }
  static std::string Spec(const std::vector<int>& ports) {
    std::string s = "U:";
    for (int p : ports) s += std::to_string(p) + ",";
    s.pop_back();
    return s;
  }

  // Scans and returns the rows; the NDJSON stream is kept in *lines.
  Rows Scan(const std::vector<std::string>& extra, const std::string& ip, const std::vector<int>& ports,
            std::vector<std::string>* lines = nullptr) {
    const std::string out = P("udp.ndjson");
    std::vector<std::string> argv = {ScannerBin(), "-sU", "-Pn", "-n", "-p", Spec(ports), "--ndjson", out};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(ip);
    auto r = lab_->RunInScanner(argv, seconds(300));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    Rows rows;
    EXPECT_TRUE(ParseNdjson(out, ip, &rows, "udp"));
    if (lines) {
      std::ifstream in(out);
      for (std::string l; std::getline(in, l);) lines->push_back(l);
    }
    return rows;
  }

  void ExpectTruth(const Rows& rows, const std::vector<int>& ports) {
    std::vector<std::string> wrong;
    for (int p : ports) {
      auto it = rows.find(p);
      std::string got = it == rows.end() ? "missing" : it->second.state + "/" + it->second.reason;
      if (got != Truth(p)) wrong.push_back(std::to_string(p) + ": got " + got + ", want " + Truth(p));
    }
    EXPECT_TRUE(wrong.empty()) << wrong.size() << " wrong, first: " << wrong.front();
    EXPECT_EQ(rows.size(), ports.size());
  }

  std::set<int> open_;
};

// 100 ports, 90 of them closed: beyond the target's burst of six, each
// closed port costs one ICMP token, so eight source addresses share the
// wait. Open ports are reported before anything else is decided.
TEST_F(UdpScan, EveryPortRightWithEightSourceAddresses) {
  if (NotReady()) return;
  auto ports = Ports(90);
  std::vector<std::string> lines;
  Rows rows = Scan({"-S", lab_->Fact("LAB_SOURCES4")}, kTarget4, ports, &lines);
  ExpectTruth(rows, ports);
  // Open ports stream out at once, closed ones when the host is decided.
  size_t last_open = 0, first_other = lines.size();
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find("\"state\":\"open\"") != std::string::npos) last_open = i;
    else first_other = std::min(first_other, i);
  }
  EXPECT_LT(last_open, first_other) << "an open port was reported after a closed one";
}

// One source address: the plan must wait out the limit, never calling a
// closed port open|filtered because its ICMP error was suppressed. The
// second scan starts with the bucket the first one emptied: no ICMP error
// at all in its first round, which is not the same as a host that sends none.
TEST_F(UdpScan, EveryPortRightWithOneSourceAddress) {
  if (NotReady()) return;
  auto ports = Ports(12);
  ExpectTruth(Scan({}, kTarget4, ports), ports);
  ExpectTruth(Scan({}, kTarget4, ports), ports);
}

// --udp-fast: open ports still right; what the limit left unanswered is
// closed|filtered with the honest reason, never "closed" or "open|filtered"
// for a port that is something else.
TEST_F(UdpScan, FastModeIsHonestAboutTheLimit) {
  if (NotReady()) return;
  auto ports = Ports(90);
  Rows rows = Scan({"--udp-fast"}, kTarget4, ports);
  int limited = 0;
  for (int p : ports) {
    const PortRow& r = rows[p];
    std::string got = r.state + "/" + r.reason;
    if (got == "closed|filtered/icmp-ratelimit") {
      ++limited;
      EXPECT_NE(Truth(p), "open/udp-response") << p;
      continue;
    }
    EXPECT_EQ(got, Truth(p)) << p;
  }
  EXPECT_GT(limited, 50) << "90 closed ports and a burst of six: most must be limited";
}

TEST_F(UdpScan, Ipv6WithEightSourceAddresses) {
  if (NotReady()) return;
  // Only chrony listens on IPv6 ([::]:123); dnsmasq and the rest are bound
  // to the IPv4 address, so their ports are closed here.
  std::vector<int> ports = {53, 123, 161, 40000, 40001};
  for (int p = kClosedLo; p < kClosedLo + 40; ++p) ports.push_back(p);
  Rows rows = Scan({"-6", "-S", lab_->Fact("LAB_SOURCES6")}, kTarget6, ports);
  for (int p : ports) {
    std::string want = p == 123 ? "open/udp-response"
                       : p >= 40000 && p <= 40001 ? "open|filtered/no-response"
                                                  : "closed/port-unreach";
    EXPECT_EQ(rows[p].state + "/" + rows[p].reason, want) << p;
  }
}

// -sS -sU in one run: both protocols, each with its own truth.
TEST_F(UdpScan, TcpAndUdpInOneRun) {
  if (NotReady()) return;
  const std::string out = P("both.json");
  auto r = lab_->RunInScanner({ScannerBin(), "-sS", "-sU", "-Pn", "-n", "-p", "T:22,81,U:53,123,1000", "-oJ", out,
                               kTarget4},
                              seconds(120));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(out);
  auto j = nlohmann::json::parse(in);
  std::map<std::string, std::string> got;
  for (const auto& p : j["hosts"][0]["ports"])
    got[std::to_string(p["port"].get<int>()) + "/" + p["proto"].get<std::string>()] = p["state"];
  EXPECT_EQ(got, (std::map<std::string, std::string>{{"22/tcp", "open"}, {"81/tcp", "closed"}, {"53/udp", "open"},
                                                      {"123/udp", "open"}, {"1000/udp", "closed"}}));
  EXPECT_EQ(j["scan_info"].size(), 2u);
}

// -S must name this machine's own addresses (answers come back to them);
// a wrong one is refused before any packet is sent.
TEST_F(UdpScan, ForeignSourceAddressIsRefused) {
  if (NotReady()) return;
  uint64_t before = lab_->Probes();
  auto r = lab_->RunInScanner({ScannerBin(), "-sU", "-Pn", "-S", "198.18.0.99", "-p", "U:53", kTarget4}, seconds(30));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("-S 198.18.0.99: not an address of this machine"), std::string::npos) << r.err;
  EXPECT_EQ(lab_->Probes(), before);
}

}  // namespace
}  // namespace tjlab
