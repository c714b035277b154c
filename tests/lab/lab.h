// The lab tests' view of tests/lab/lab.sh: an RAII handle on one lab (two
// network namespaces, real listeners, nftables rules), the truth it defines
// for every TCP port, and a way to run a command inside the scanner's
// namespace with its output captured.
//
// Paths come from CMake (TOJIMARI_BIN, LAB_SH, LAB_LISTEN_BIN compile
// definitions) and can be overridden by environment variables of the same
// names, so the binary can test another build of the scanner.
// Thread-safety: none; one test owns one Lab.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace tjlab {

struct RunResult {
  int exit_code = -1;       // -1 when killed by a signal or on timeout
  bool timed_out = false;
  std::string out;          // everything written to stdout
  std::string err;          // everything written to stderr
  double seconds = 0;       // wall time from fork to exit
  long peak_rss_kb = 0;     // the child's peak resident memory (wait4's ru_maxrss)
};

// Runs argv (argv[0] searched in PATH) with stdin from /dev/null; kills it
// (and only it) with SIGKILL when the timeout expires.
RunResult Run(const std::vector<std::string>& argv, std::chrono::seconds timeout);

// Path of the scanner, lab.sh and lab_listen, each overridable by env.
std::string ScannerBin();
std::string LabScript();
std::string ListenBin();

// True when lab tests must fail rather than skip if the lab is unavailable.
bool InCi();

// True when ScannerBin() is a sanitizer build (it says so in `version`):
// the binary under test decides, not how this test program was built, so
// one build of the lab tests can test both builds of the scanner.
bool ScannerSanitized();

struct LabOptions {
  int loss_pct = 0;  // packet loss each way on the target's veth, in percent
  std::string ports; // the target's TCP listeners ("22,80"); empty: lab.sh's default set
  int sources = 0;   // extra scanner addresses for -S (LAB_SOURCES4/6)
  bool discovery = false;  // lab.sh --discovery: the host discovery addresses
};

// What the lab makes of a TCP port.
enum class Truth { kOpen, kClosed, kDropped, kRejected };

struct PortRange {
  int lo = 0, hi = -1;
  bool Contains(int p) const { return p >= lo && p <= hi; }
  int size() const { return hi - lo + 1; }
};

class Lab {
 public:
  // Brings a fresh lab up. Returns nullptr and sets *why when that is not
  // possible here (not root, no namespaces, missing binaries).
  static std::unique_ptr<Lab> Up(const LabOptions& opts, std::string* why);
  ~Lab();  // lab.sh down: namespaces, veths and our listeners go away
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  const std::string& Fact(const std::string& key) const;  // a LAB_* value
  const std::string& scanner_ns() const { return Fact("LAB_SCANNER_NS"); }
  const std::string& target_ns() const { return Fact("LAB_TARGET_NS"); }
  const std::set<int>& open_tcp() const { return open_tcp_; }
  const PortRange& dropped() const { return dropped_; }
  const PortRange& rejected() const { return rejected_; }
  const PortRange& spare() const { return spare_; }  // closed, free for tests
  Truth TcpTruth(int port) const;

  RunResult RunInScanner(const std::vector<std::string>& argv,
                         std::chrono::seconds timeout = std::chrono::seconds(120)) const;
  // Starts a listener in the target on ports after delay_s seconds (0: now,
  // and returns once it is listening).
  // greet: each connection gets a line of text first (lab_listen --greet).
  bool Listen(const std::vector<int>& ports, int delay_s, bool greet = false) const;
  // TCP and UDP packets the target has received (DNS excluded).
  uint64_t Probes() const;
  // TCP SYNs without ACK the target has received: a SYN scan's probes, not
  // the RSTs the scanner's kernel sends back to SYN-ACKs.
  uint64_t Syns() const;
  // Packets the --discovery lab's silent host 198.18.1.2 has received.
  uint64_t DownProbes() const;
  // lab.sh defend: the target bans, limits its RSTs or SYN-proxies
  // ({"ban", "500", "3"}, {"rst-limit", "200"}, {"synproxy", "1000-3000"}).
  bool Defend(const std::vector<std::string>& args) const;
  // lab.sh counter: "rsts" and "synacks" the target sent, "bans" it made.
  uint64_t Counter(const std::string& name) const;

 private:
  explicit Lab(std::string name) : name_(std::move(name)) {}
  bool ParseFacts(const std::string& text, std::string* why);

  std::string name_;
  std::map<std::string, std::string> facts_;
  std::set<int> open_tcp_;
  PortRange dropped_, rejected_, spare_;
};

}  // namespace tjlab
