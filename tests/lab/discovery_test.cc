// Lab tests of host discovery: the --discovery lab (tests/lab/lab.sh) puts
// several addresses behind the target, some answering every probe, some
// none, some only ARP/NDP, some only ICMP timestamp, one dropping ICMP echo.
// Each test asserts exactly which hosts -sn finds and why, per probe
// choice, over IPv4 and IPv6, with and without privileges; that down hosts
// are not port-scanned; and that -sn reports are valid nmap XML and JSON.
//
// Needs root for the lab, like lab_test.cc.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lab.h"
#include "lab_fixture.h"

namespace tjlab {
namespace {

using nlohmann::json;
using std::chrono::seconds;

const std::vector<std::string> kV4 = {"198.18.0.2", "198.18.0.3", "198.18.0.4", "198.18.1.1",
                                      "198.18.1.2", "198.18.1.3", "198.18.1.4", "198.18.1.5"};
const std::vector<std::string> kV6 = {"2001:2::2", "2001:2::3", "2001:2::4", "2001:2:1::1", "2001:2:1::2"};

// From lab.sh's path, which CMake makes absolute (__FILE__ may be relative
// when ccache rewrites paths).
std::string RepoRoot() {
  std::string lab = LabScript();
  return lab.substr(0, lab.rfind("/tests/lab/"));
}

std::string Read(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// What -sn reported for one live host.
struct Live {
  std::string reason;
  std::string mac;  // empty when the report has none
  bool operator==(const Live&) const = default;
};
using LiveMap = std::map<std::string, Live>;

std::ostream& operator<<(std::ostream& o, const LiveMap& m) {
  for (const auto& [addr, l] : m) o << addr << ":" << l.reason << (l.mac.empty() ? "" : "/" + l.mac) << " ";
  return o;
}

class DiscoveryLabTest : public LabFixture {
 protected:
  LabOptions Options() const override {
    LabOptions o;
    o.discovery = true;
    return o;
  }

  RunResult Scan(std::vector<std::string> args, const std::vector<std::string>& targets,
                 const std::vector<std::string>& prefix = {}) {
    args.insert(args.begin(), ScannerBin());
    args.insert(args.begin(), prefix.begin(), prefix.end());
    args.insert(args.end(), targets.begin(), targets.end());
    RunResult r = lab_->RunInScanner(args, seconds(60));
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r;
  }

  // Runs -sn with extra options and returns the live hosts from the JSON report.
  LiveMap Sn(std::vector<std::string> opts, const std::vector<std::string>& targets,
             const std::vector<std::string>& prefix = {}) {
    const std::string out = P("sn.json");
    opts.insert(opts.begin(), {"scan", "-sn", "-n", "-oJ", out});
    RunResult r = Scan(opts, targets, prefix);
    LiveMap m;
    if (r.exit_code != 0) return m;
    json doc = json::parse(Read(out));
    for (const json& h : doc["hosts"]) {
      EXPECT_TRUE(h["ports"].empty()) << "-sn reported ports for " << h["address"];
      EXPECT_EQ(h["status"]["state"], "up");
      m[h["address"]] = {h["status"]["reason"], h.contains("mac") ? std::string(h["mac"]) : ""};
    }
    return m;
  }

  std::string TargetMac() const { return Lower(lab_->Fact("LAB_TARGET_MAC")); }
  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
};

// Any of these reasons is right for a host that answers several probes:
// whichever reply arrives first decides, as in nmap.
bool OneOf(const std::string& got, std::set<std::string> want) { return want.count(got) > 0; }

TEST_F(DiscoveryLabTest, DefaultProbesFindExactlyTheLiveHostsWithNmapsReasons) {
  if (NotReady()) return;
  LiveMap live = Sn({}, kV4);
  std::set<std::string> up;
  for (const auto& [addr, l] : live) up.insert(addr);
  EXPECT_EQ(up, (std::set<std::string>{"198.18.0.2", "198.18.0.3", "198.18.1.1", "198.18.1.3", "198.18.1.4"}))
      << live;
  // On the link, ARP alone decides (nmap's -PR default), with the MAC.
  EXPECT_EQ(live["198.18.0.2"], (Live{"arp-response", TargetMac()}));
  EXPECT_EQ(live["198.18.0.3"], (Live{"arp-response", TargetMac()}));
  // Behind the router, the IP probes; no MAC.
  EXPECT_TRUE(OneOf(live["198.18.1.1"].reason, {"echo-reply", "syn-ack", "reset", "timestamp-reply"})) << live;
  EXPECT_TRUE(OneOf(live["198.18.1.3"].reason, {"syn-ack", "reset", "timestamp-reply"})) << live;
  EXPECT_EQ(live["198.18.1.4"], (Live{"timestamp-reply", ""}));
  EXPECT_EQ(live["198.18.1.1"].mac, "");
}

TEST_F(DiscoveryLabTest, EachProbeFindsTheHostsThatAnswerIt) {
  if (NotReady()) return;
  struct Case {
    std::vector<std::string> opts;
    LiveMap want;
  };
  const std::string mac = TargetMac();
  const Live arp{"arp-response", mac};
  const std::vector<Case> cases = {
      {{"-PE"}, {{"198.18.0.2", arp}, {"198.18.0.3", arp}, {"198.18.1.1", {"echo-reply", ""}}}},
      {{"-PS443"}, {{"198.18.0.2", arp}, {"198.18.0.3", arp}, {"198.18.1.1", {"syn-ack", ""}},
                    {"198.18.1.3", {"syn-ack", ""}}}},
      {{"-PS50001"}, {{"198.18.0.2", arp}, {"198.18.0.3", arp}, {"198.18.1.1", {"reset", ""}},
                      {"198.18.1.3", {"reset", ""}}}},
      {{"-PA"}, {{"198.18.0.2", arp}, {"198.18.0.3", arp}, {"198.18.1.1", {"reset", ""}},
                 {"198.18.1.3", {"reset", ""}}}},
      {{"-PP"}, {{"198.18.0.2", arp}, {"198.18.0.3", arp}, {"198.18.1.1", {"timestamp-reply", ""}},
                 {"198.18.1.3", {"timestamp-reply", ""}}, {"198.18.1.4", {"timestamp-reply", ""}}}},
      {{"-PU"}, {{"198.18.0.2", arp}, {"198.18.0.3", arp}, {"198.18.1.1", {"port-unreach", ""}},
                 {"198.18.1.3", {"port-unreach", ""}}}},
      {{"-PR"}, {{"198.18.0.2", arp}, {"198.18.0.3", arp}}},
      // Without ARP ping the link's hosts get the IP probes too: the one
      // that drops every IP packet is down. The MAC is still known (ARP
      // resolved it to send the probes) and reported, as nmap does.
      {{"-PE", "--disable-arp-ping"}, {{"198.18.0.2", {"echo-reply", mac}}, {"198.18.1.1", {"echo-reply", ""}}}},
  };
  for (const Case& c : cases) {
    LiveMap got = Sn(c.opts, kV4);
    EXPECT_EQ(got, c.want) << "options " << c.opts[0] << ": got " << got << " want " << c.want;
  }
}

TEST_F(DiscoveryLabTest, Ipv6UsesNeighbourDiscoveryOnTheLinkAndEchoBeyond) {
  if (NotReady()) return;
  const std::string mac = TargetMac();
  LiveMap live = Sn({}, kV6);
  std::set<std::string> up;
  for (const auto& [addr, l] : live) up.insert(addr);
  EXPECT_EQ(up, (std::set<std::string>{"2001:2::2", "2001:2::3", "2001:2:1::1"})) << live;
  EXPECT_EQ(live["2001:2::2"], (Live{"nd-response", mac}));
  EXPECT_EQ(live["2001:2::3"], (Live{"nd-response", mac}));
  EXPECT_TRUE(OneOf(live["2001:2:1::1"].reason, {"echo-reply", "syn-ack", "reset"})) << live;

  LiveMap echo = Sn({"-PE", "--disable-arp-ping"}, kV6);
  EXPECT_EQ(echo, (LiveMap{{"2001:2::2", {"echo-reply", mac}}, {"2001:2:1::1", {"echo-reply", ""}}})) << echo;
}

TEST_F(DiscoveryLabTest, WithoutPrivilegesConnectsTo80And443Decide) {
  if (NotReady()) return;
  // The lab's target listens on 80 and 443 on every address; 198.18.1.4
  // drops TCP, 198.18.0.3 drops everything.
  const std::vector<std::string> nobody = {"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"};
  std::filesystem::permissions(dir_, std::filesystem::perms::all);  // nobody writes the report here
  LiveMap live = Sn({}, kV4, nobody);
  std::set<std::string> up;
  for (const auto& [addr, l] : live) {
    up.insert(addr);
    EXPECT_TRUE(OneOf(l.reason, {"syn-ack", "conn-refused"})) << addr << " " << l.reason;
    EXPECT_EQ(l.mac, "");
  }
  EXPECT_EQ(up, (std::set<std::string>{"198.18.0.2", "198.18.1.1", "198.18.1.3"})) << live;
}

TEST_F(DiscoveryLabTest, DownHostsAreCountedButNotPortScanned) {
  if (NotReady()) return;
  const uint64_t before = lab_->DownProbes();
  RunResult r = Scan({"scan", "-n", "-p", "1-300", "-v", "-oX", P("scan.xml")}, {"198.18.1.1", "198.18.1.2"});
  const uint64_t probes = lab_->DownProbes() - before;
  // Discovery's four probes, each sent at most twice; never the 300 ports.
  EXPECT_GE(probes, 4u);
  EXPECT_LE(probes, 8u);
  EXPECT_NE(r.out.find("2 IP addresses (1 host up)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("scan report for 198.18.1.1"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("198.18.1.2"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("Discovery: "), std::string::npos) << r.err;
  const std::string xml = Read(P("scan.xml"));
  EXPECT_NE(xml.find("<hosts up=\"1\" down=\"1\" total=\"2\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("numservices=\"300\""), std::string::npos);
}

TEST_F(DiscoveryLabTest, PingScanReportsAreValid) {
  if (NotReady()) return;
  RunResult r = Scan({"scan", "-sn", "-n", "-oX", P("sn.xml"), "-oJ", P("sn.json"), "-oG", P("sn.gnmap")}, kV4);
  // The normal output lists each live host as nmap's -sn does.
  EXPECT_NE(r.out.find("tojimari scan report for 198.18.0.2\nHost is up ("), std::string::npos) << r.out;
  std::string mac = TargetMac();
  for (char& c : mac) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_NE(r.out.find("Host is up (0.0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("MAC Address: " + mac + " (Unknown)\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("8 IP addresses (5 hosts up)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("PORT"), std::string::npos) << r.out;

  const std::string xml = Read(P("sn.xml"));
  EXPECT_EQ(xml.find("<scaninfo"), std::string::npos);
  EXPECT_EQ(xml.find("<ports"), std::string::npos);
  EXPECT_NE(xml.find("reason=\"arp-response\""), std::string::npos);
  EXPECT_NE(xml.find("addrtype=\"mac\""), std::string::npos);
  EXPECT_NE(xml.find("<hosts up=\"5\" down=\"3\" total=\"8\"/>"), std::string::npos) << xml;
  // An IP reply's TTL is kept (the target is one hop: 64); ARP has none.
  EXPECT_NE(xml.find("reason=\"timestamp-reply\" reason_ttl=\"64\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("reason=\"arp-response\" reason_ttl=\"0\""), std::string::npos) << xml;
  // The DTD allows only scanner="nmap" (docs/XML.md): validated on a copy that says so.
  RunResult dtd = tjlab::Run({"sh", "-c", "sed 's/<nmaprun scanner=\"tojimari\"/<nmaprun scanner=\"nmap\"/' " +
                                       P("sn.xml") + " | xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd -"},
                      seconds(60));
  EXPECT_EQ(dtd.exit_code, 0) << dtd.err;

  const std::string schema = RepoRoot() + "/docs/tojimari-scan.schema.json";
  RunResult js = tjlab::Run({"python3", "-c",
                      "import json,sys\nfrom jsonschema import Draft202012Validator as V\n"
                      "V(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))",
                      schema, P("sn.json")},
                     seconds(60));
  EXPECT_EQ(js.exit_code, 0) << js.err;
  // Latency is the probe's round trip, measured from the frame's arrival.
  json doc = json::parse(Read(P("sn.json")));
  ASSERT_EQ(doc["hosts"].size(), 5u);
  for (const json& h : doc["hosts"]) {
    EXPECT_GT(h["latency_us"].get<int64_t>(), 0) << h["address"];
    EXPECT_LT(h["latency_us"].get<int64_t>(), 1'000'000) << h["address"];
  }
  const std::string gnmap = Read(P("sn.gnmap"));
  EXPECT_NE(gnmap.find("Host: 198.18.1.4 ()\tStatus: Up"), std::string::npos) << gnmap;
  EXPECT_EQ(gnmap.find("Ports:"), std::string::npos) << gnmap;
}

}  // namespace
}  // namespace tjlab
