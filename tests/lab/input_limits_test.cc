// Hostile and huge inputs against the real binary, with its peak memory
// (wait4's ru_maxrss): an endless -iL, --exclude-file or --service-db, a
// gigabyte line, a 200 MB XML attribute, and reports of 160 MB whose hosts
// carry bulk the record has no place for. Each must end in one line (or
// succeed) with memory that follows what tojimari keeps, not the input's
// size. Runs without the lab: the scans named here fail before sending
// anything, and the rest read files.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <unistd.h>

#include "lab.h"

namespace tjlab {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

// The bound is the plain binary's. AddressSanitizer's shadow memory roughly
// triples a process's footprint, and its quarantine keeps up to 256 MB of
// freed blocks (quarantine_size_mb's default) before reusing any: a reader
// that streams 320 MB through small buffers fills it.
long BoundKb(long plain_mb) { return ScannerSanitized() ? (plain_mb * 3 + 256) * 1024 : plain_mb * 1024; }

class InputLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("tj-input-limits-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string P(const std::string& name) const { return (dir_ / name).string(); }

  // One line on stderr naming `names`, exit 2 (bad input) or 1, and the memory bound.
  void ExpectOneLineError(const std::vector<std::string>& args, const std::string& names, long bound_kb) {
    std::vector<std::string> argv = {ScannerBin()};
    argv.insert(argv.end(), args.begin(), args.end());
    RunResult r = tjlab::Run(argv, seconds(120));
    ASSERT_FALSE(r.timed_out);
    EXPECT_NE(r.exit_code, 0);
    std::string err = r.err;
    while (!err.empty() && err.back() == '\n') err.pop_back();
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 0) << r.err.substr(0, 2000);
    EXPECT_LT(err.size(), 400u) << "the error quotes too much: " << err.substr(0, 400);
    EXPECT_NE(err.find(names), std::string::npos) << err;
    EXPECT_LT(r.peak_rss_kb, bound_kb) << "peak RSS in KB";
    std::cout << "  " << names << ": peak RSS " << r.peak_rss_kb / 1024 << " MB\n";
  }

  fs::path dir_;
};

TEST_F(InputLimits, EndlessInputsStopAtTheirBound) {
  for (const char* opt : {"-iL", "--exclude-file"}) {
    SCOPED_TRACE(opt);
    ExpectOneLineError({"-sT", "-Pn", "-n", "-p", "80", opt, "/dev/zero", "127.0.0.1"}, "/dev/zero", BoundKb(64));
  }
  ExpectOneLineError({"-sT", "-sV", "-Pn", "-n", "-p", "80", "--service-db", "/dev/zero", "127.0.0.1"}, "/dev/zero",
                     BoundKb(64));
}

TEST_F(InputLimits, AHugeLineIsRefusedWithAShortQuote) {
  {
    std::ofstream f(P("one-line.txt"));
    std::string chunk(1 << 20, 'A');
    for (int i = 0; i < 300; ++i) f << chunk;  // 300 MB, no newline
  }
  ExpectOneLineError({"-sT", "-Pn", "-n", "-p", "80", "-iL", P("one-line.txt"), "127.0.0.1"}, "one-line.txt",
                     BoundKb(64));
}

TEST_F(InputLimits, AHugeXmlAttributeIsOneLine) {
  {
    std::ofstream f(P("attr.xml"));
    f << "<?xml version=\"1.0\"?>\n<nmaprun scanner=\"";
    std::string chunk(1 << 20, 'A');
    for (int i = 0; i < 200; ++i) f << chunk;
    f << "\"/>\n";
  }
  ExpectOneLineError({"diff", P("attr.xml"), P("attr.xml")}, "attr.xml", BoundKb(64));
}

// 20,000 hosts of one open port each, every host with 8 KB the record has
// no place for (an OS guess, a JSON field of another tool): 160 MB files.
// A tree of either would take gigabytes; read as a stream, memory is the
// record's.
TEST_F(InputLimits, LargeReportsAreReadAsAStream) {
  constexpr int kHosts = 20000;
  const std::string bulk(8000, 'x');
  {
    std::ofstream x(P("big.xml"));
    x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n"
         "<nmaprun scanner=\"nmap\" args=\"nmap -sS\" start=\"1700000000\" version=\"7.93\">\n"
         "<scaninfo type=\"syn\" protocol=\"tcp\" numservices=\"1\" services=\"22\"/>\n";
    std::ofstream j(P("big.json"));
    j << R"({"format":"tojimari-scan","schema_version":1,"scanner":"tojimari","hosts":[)";
    for (int i = 0; i < kHosts; ++i) {
      const std::string ip = "198.18." + std::to_string(i / 256) + "." + std::to_string(i % 256);
      x << "<host><status state=\"up\" reason=\"user-set\"/><address addr=\"" << ip
        << "\" addrtype=\"ipv4\"/><ports><port protocol=\"tcp\" portid=\"22\"><state state=\"open\" "
           "reason=\"syn-ack\" reason_ttl=\"64\"/></port></ports><os><osmatch name=\""
        << bulk << "\" accuracy=\"100\"/></os></host>\n";
      j << (i ? "," : "") << R"({"address":")" << ip << R"(","status":{"state":"up"},"other_tool":")" << bulk
        << R"(","ports":[{"port":22,"proto":"tcp","state":"open","reason":"syn-ack"}]})";
    }
    x << "<runstats><finished time=\"1700000100\" elapsed=\"100\" exit=\"success\"/>"
         "<hosts up=\"20000\" down=\"0\" total=\"20000\"/></runstats>\n</nmaprun>\n";
    j << R"(],"run_stats":{"elapsed":100,"exit":"success","hosts":{"up":20000,"total":20000}}})";
  }
  ASSERT_GT(fs::file_size(P("big.xml")), 150u << 20);
  ASSERT_GT(fs::file_size(P("big.json")), 150u << 20);
  for (const char* file : {"big.xml", "big.json"}) {
    SCOPED_TRACE(file);
    RunResult r = tjlab::Run({ScannerBin(), "diff", "--json", P(file), P("big.xml")}, seconds(300));
    ASSERT_FALSE(r.timed_out);
    // The same 20,000 open ports on both sides: nothing changed.
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out.substr(0, 500);
    EXPECT_LT(r.peak_rss_kb, BoundKb(96)) << "peak RSS in KB for two 160 MB reports";
    std::cout << "  diff " << file << " big.xml: peak RSS " << r.peak_rss_kb / 1024 << " MB, " << r.seconds
              << " s\n";
  }
}

}  // namespace
}  // namespace tjlab
