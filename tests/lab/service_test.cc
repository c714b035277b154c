// Lab tests of service detection (-sV): a "service zoo" of real servers from
// Debian's packages (tests/lab/service_zoo.sh) started in the lab's target
// namespace, with the truth taken from dpkg-query, and hostile servers
// (tarpit, endless banner, garbage, broken TLS) beside them.
//
// Servers whose identity tojimari's data does not give yet stay in the zoo
// (their ports must still be reported in time) with those assertions left
// out: kNotYetIdentified, and a product of nullopt.
//
// Needs root and the zoo's packages (scripts/deps.sh installs them). Without root it
// skips (fails under CI=true); a package that is not installed leaves its
// ports out, and a server that is installed but does not start fails.
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lab.h"

namespace tjlab {
namespace {

using std::chrono::seconds;

struct Expected {
  int port = 0;
  std::string name, package;
  std::string tunnel;  // "ssl" (TLS from the first byte), "starttls" (upgrades on request), "-"
};

// What each package's server calls itself, and whether it tells its version.
// A key "package/service" holds a package that serves two protocols.
struct Identity {
  Identity(std::optional<std::string> p, bool v = true, bool first = false, std::string i = "")
      : product(std::move(p)), version(v), version_first(first), info(std::move(i)) {}
  // nullopt: the wire names the product but tojimari's data does not yet,
  // so it is not asserted (the issue lists these).
  std::optional<std::string> product;
  bool version;        // the reply tells the package's upstream version
  bool version_first;  // ... as the first word of a longer one ("3.22 rev 3.22")
  std::string info;    // a part of extrainfo the reply tells, if any
};
const std::map<std::string, Identity> kIdentity = {
    {"openssh-server", {"OpenSSH"}},       {"nginx", {"nginx"}},
    {"apache2", {"Apache httpd"}},         {"lighttpd", {"lighttpd"}},
    {"mariadb-server", {"MariaDB"}},       {"postgresql", {"PostgreSQL DB", false}},
    {"redis-server", {"Redis key-value store"}}, {"memcached", {"memcached"}},
    {"vsftpd", {"vsftpd"}},                {"postfix", {"Postfix smtpd", false}},
    {"dovecot-imapd", {"Dovecot imapd", false}}, {"dovecot-pop3d", {"Dovecot pop3d", false}},
    {"dnsmasq-base", {"dnsmasq"}},         {"mosquitto", {"Mosquitto"}},
    {"samba", {"Samba smbd", false}},      {"xrdp", {"xrdp", false}},
    // "OK MPD 0.23.5": the protocol's version, not mpd's (0.23.12): told as
    // such, never as the daemon's version.
    {"mpd", {"Music Player Daemon", false, false, "protocol 0.23"}},
    {"tigervnc-standalone-server/vnc", {"VNC", false, false, "protocol 003.008"}},
    {"tigervnc-standalone-server/x11", {"", false, false, "access denied"}},
    // "distccd v1": the protocol's version; extrainfo is what its compiler
    // said, if it ran in time.
    {"distcc", {"distccd", false}},
    {"nats-server", {"NATS server"}},
    {"etcd-server", {"etcd", true, false, "cluster "}},
    // "ClamAV 1.4.6" answers VERSION.
    {"clamav-daemon", {"ClamAV"}},
    {"unbound", {"Unbound"}},              // version.bind over DNS over TLS
    {"openvpn", {"OpenVPN", false}},
    {"gpsd", {"gpsd", true, false, "protocol 3."}},
    {"nbd-server", {"Network Block Device", false, false, "newstyle"}},
    {"iperf3", {"iperf3", false}},
    {"pgbouncer", {"PgBouncer", false}},
    {"pptpd", {std::nullopt, false}},
    {"kamailio", {"Kamailio SIP server", true, false, "x86_64/linux"}},
};
// Servers in the zoo that tojimari does not identify yet (no signature, or
// a server that answers one connection at a time): scanned all the same, so
// each must be reported within the scan's bound; nothing else is asserted.
// iperf3 runs one test at a time, and a client that leaves without its
// 37-byte cookie (the port scan's connect, -sV's banner wait) puts it in an
// error state in which it resets the next connections: whether its own
// probe is heard depends on the order of connections (named alone, it is).
const std::set<std::string> kNotYetIdentified = {"iperf3"};

// The upstream part of a Debian version: "1:9.2p1-2+deb12u3" -> "9.2p1".
std::string Upstream(std::string v) {
  if (auto c = v.find(':'); c != std::string::npos) v = v.substr(c + 1);
  if (auto d = v.rfind('-'); d != std::string::npos) v = v.substr(0, d);
  for (const char* cut : {"+dfsg", "~"})
    if (auto p = v.find(cut); p != std::string::npos) v = v.substr(0, p);
  return v;
}

std::string Script() {
  const char* env = std::getenv("SERVICE_ZOO_SH");
  return env ? env : SERVICE_ZOO_SH;
}

class ServiceZoo : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) Skip("lab tests need root");
    tjlab::Run({LabScript(), "sweep"}, seconds(30));
    name_ = "zoo" + std::to_string(getpid() % 100000000);
    // The lab's own listener takes port 22 (its sanity check); the zoo's
    // sshd listens on 2222, where a port number alone would not say ssh.
    auto up = tjlab::Run({LabScript(), "up", name_, "--ports", "22", "--listen-bin", ListenBin(), "--owner",
                   std::to_string(getpid())},
                  seconds(60));
    if (up.exit_code != 0) Skip("lab.sh up failed: " + up.err);
    lab_up_ = true;
    char tmpl[] = "/tmp/tojimari-zoo-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }

  void TearDown() override {
    if (!dir_.empty()) {
      tjlab::Run({Script(), "stop", dir_}, seconds(30));
      tjlab::Run({"rm", "-rf", dir_}, seconds(30));
    }
    if (lab_up_) tjlab::Run({LabScript(), "down", name_}, seconds(60));
  }

  void Skip(const std::string& why) {
    if (InCi()) FAIL() << "lab unavailable and CI=true: " << why;
    GTEST_SKIP() << why;
  }

  std::string TargetNs() const { return "tjt" + name_; }
  std::string ScannerNs() const { return "tjs" + name_; }

  std::vector<Expected> StartZoo() {
    auto r = tjlab::Run({Script(), "start", TargetNs(), dir_, kTarget}, seconds(120));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<Expected> out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
      std::istringstream w(line);
      Expected e;
      if (w >> e.port >> e.name >> e.package >> e.tunnel) out.push_back(e);
    }
    return out;
  }

  // Waits until every port listens in the target namespace.
  bool WaitListening(const std::vector<int>& ports, seconds limit) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      auto r = tjlab::Run({"ip", "netns", "exec", TargetNs(), "ss", "-Hltn"}, seconds(10));
      bool all = true;
      for (int p : ports) {
        bool bound = false;  // to the target's address, or to all of NS's (gpsd, Xvnc's X11)
        for (std::string at : {std::string(kTarget), std::string("0.0.0.0")})
          bound |= r.out.find(at + ":" + std::to_string(p) + " ") != std::string::npos;
        all &= bound;
      }
      if (all) return true;
      usleep(200 * 1000);
    }
    return false;
  }

  // Runs -sV and returns the "event":"service" lines by port.
  std::map<int, nlohmann::json> Detect(const std::vector<int>& ports, RunResult* run) {
    std::string list;
    for (int p : ports) list += (list.empty() ? "" : ",") + std::to_string(p);
    std::string out = dir_ + "/scan.ndjson";
    *run = tjlab::Run({"ip", "netns", "exec", ScannerNs(), ScannerBin(), "-sV", "-p", list, "-n", "-Pn", kTarget,
                "--ndjson", out},
               seconds(180));
    std::map<int, nlohmann::json> found;
    std::ifstream in(out);
    for (std::string line; std::getline(in, line);) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_object() && j.value("event", "") == "service") found[j["port"].get<int>()] = j;
    }
    return found;
  }

  static constexpr const char* kTarget = "198.18.0.2";
  std::string name_, dir_;
  bool lab_up_ = false;
};

TEST_F(ServiceZoo, IdentifiesEveryServerAndSurvivesHostileOnes) {
  std::vector<Expected> zoo = StartZoo();
  if (zoo.empty()) {
    if (InCi()) FAIL() << "CI=true but none of the zoo's packages is installed";
    GTEST_SKIP() << "none of the zoo's packages is installed (run scripts/deps.sh)";
  }
  const std::vector<int> hostile = {50001, 50002, 50003, 50004};  // tarpit, endless, garbage, broken TLS
  auto h = tjlab::Run({Script(), "hostile", TargetNs(), dir_, kTarget, "50001", "50002", "50003", "50004"}, seconds(10));
  ASSERT_EQ(h.exit_code, 0) << h.err;
  std::vector<int> ports = hostile;
  for (const auto& e : zoo) ports.push_back(e.port);
  if (!WaitListening(ports, seconds(60))) {
    auto logs = tjlab::Run({"bash", "-c", "tail -n 5 " + dir_ + "/*.log"}, seconds(10));
    FAIL() << "some zoo servers did not start; their logs:\n" << logs.out;
  }

  RunResult run;
  auto found = Detect(ports, &run);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // Bounded: every port has a 15 s budget and ports run in parallel, so the
  // tarpit and the endless banner cost their own budget and no more.
  EXPECT_LT(run.seconds, 30.0) << run.out;

  int names = 0, products = 0, versions = 0, with_version = 0;
  for (const auto& e : zoo) {
    SCOPED_TRACE(std::to_string(e.port) + " " + e.package);
    ASSERT_TRUE(found.count(e.port)) << run.out;
    const auto& j = found[e.port];
    const auto& v = j["version"];
    if (kNotYetIdentified.count(e.package)) continue;
    auto two = kIdentity.find(e.package + "/" + e.name);
    const Identity& id = two != kIdentity.end() ? two->second : kIdentity.at(e.package);
    std::string truth = Upstream(
        tjlab::Run({"dpkg-query", "-W", "-f=${Version}", e.package}, seconds(10)).out);
    // Named by what the server said, not by the port table's guess
    // ("pptp?" once passed here while the probe never got an answer).
    names += j["service"] == e.name && v["method"] == "probed";
    EXPECT_EQ(j["service"], e.name);
    EXPECT_EQ(v["method"], "probed");
    if (id.product) {
      products += v["product"] == *id.product;
      EXPECT_EQ(v["product"], *id.product);
    }
    EXPECT_EQ(v["tunnel"], e.tunnel == "ssl" ? "ssl" : "");
    if (id.version) {
      ++with_version;
      std::string told = v["version"];
      bool right = told == truth || (id.version_first && told.rfind(truth + " ", 0) == 0);
      versions += right;
      EXPECT_TRUE(right) << "version " << told << ", package " << truth;
    }
    if (!id.info.empty()) {
      EXPECT_NE(v["extrainfo"].get<std::string>().find(id.info), std::string::npos) << v.dump();
    }
    // SMB names the machine (smb.conf's netbios name) in its NTLM challenge.
    if (e.package == "samba") {
      EXPECT_EQ(v["hostname"], "ZOO");
    }
    if (e.tunnel == "-") {
      EXPECT_FALSE(v.contains("cert"));
    } else {
      ASSERT_TRUE(v.contains("cert"));
      EXPECT_EQ(v["cert"]["starttls"], e.tunnel == "starttls");
      EXPECT_EQ(v["cert"]["subject"], "O=tojimari lab,CN=zoo.lab");
      EXPECT_TRUE(v["cert"]["self_signed"].get<bool>());
      EXPECT_FALSE(v["cert"]["expired"].get<bool>());
      EXPECT_TRUE(v["cert"]["expires_soon"].get<bool>());  // made for 20 days
      EXPECT_EQ(v["cert"]["alt_names"], nlohmann::json({"DNS:zoo.lab", std::string("IP:") + kTarget}));
    }
  }
  for (int p : hostile) EXPECT_TRUE(found.count(p)) << "hostile port " << p << " missing from the report";
  std::cout << "service zoo: " << zoo.size() << " ports (" << kNotYetIdentified.size()
            << " servers not asserted yet); service right " << names << ", product right "
            << products << ", version right " << versions << "/" << with_version << "; scan took "
            << run.seconds << " s\n"
            << run.out;
}

}  // namespace
}  // namespace tjlab
