#include "core/params.h"

#include <gtest/gtest.h>

#include "cli/scan_params.h"

namespace tj {

namespace {
Status Parse(std::vector<std::string> args, ScanOptions* o) {
  return ParseParams(ScanParams(), args, o, &o->targets);
}
}  // namespace

TEST(ScanParams, NmapStyleWords) {
  ScanOptions o;
  ASSERT_TRUE(Parse({"-sT", "-p-", "-T4", "-Pn", "-n", "--open", "--reason", "-v", "198.18.0.2"}, &o).ok());
  EXPECT_EQ(o.technique, Technique::kConnect);
  EXPECT_EQ(o.ports_text, "-");
  ASSERT_TRUE(FinishScanOptions(&o).ok());
  ASSERT_TRUE(o.ports);
  EXPECT_EQ(o.ports->tcp.size(), 65535u);
  EXPECT_EQ(o.timing_level, 4);
  EXPECT_TRUE(o.skip_discovery && o.no_dns && o.open_only && o.show_reason);
  EXPECT_EQ(o.verbose, 1);
  EXPECT_EQ(o.targets, std::vector<std::string>{"198.18.0.2"});
}

TEST(ScanParams, AttachedAndSeparateValues) {
  ScanOptions o;
  ASSERT_TRUE(Parse({"-p22,80", "--top-ports=50", "-T", "2", "--max-retries", "3", "-iL", "f.txt",
                     "--exclude", "198.18.0.5,198.18.0.6", "--host-timeout", "30s"}, &o).ok());
  EXPECT_EQ(o.ports_text, "22,80");
  EXPECT_EQ(o.top_ports, 50);
  EXPECT_EQ(o.timing_level, 2);
  EXPECT_EQ(o.max_retries, 3);
  EXPECT_EQ(o.target_files, std::vector<std::string>{"f.txt"});
  EXPECT_EQ(o.excludes.size(), 2u);
  EXPECT_EQ(o.host_timeout, std::chrono::seconds(30));
}

TEST(ScanParams, Errors) {
  ScanOptions o;
  Status s = Parse({"-sZ"}, &o);
  EXPECT_EQ(s.message(), "unknown option \"-sZ\" (did you mean \"-sT\"?)");
  s = Parse({"--top-port", "5"}, &o);
  EXPECT_NE(s.message().find("did you mean \"--top-ports\""), std::string::npos);
  s = Parse({"-T9"}, &o);
  EXPECT_EQ(s.message(), "-T: 9 is out of range (0-5)");
  s = Parse({"-p"}, &o);
  EXPECT_EQ(s.message(), "option \"-p\" needs a value (PORTS)");
  s = Parse({"--open=yes"}, &o);
  EXPECT_EQ(s.message(), "option \"--open\" takes no value");
  s = Parse({"--host-timeout", "soon"}, &o);
  EXPECT_FALSE(s.ok());
}

// -PS/-PA/-PU take ports only when attached: "-PS 198.18.0.2" must not
// eat the target.
TEST(ScanParams, DiscoveryProbesTakeAttachedPortsOnly) {
  ScanOptions o;
  ASSERT_TRUE(Parse({"-sn", "-PS", "198.18.0.2", "-PA22,80-82", "-PU", "-PE", "-PP", "--disable-arp-ping"}, &o).ok());
  EXPECT_TRUE(o.ping_scan && o.ping_echo && o.ping_timestamp && o.disable_arp_ping);
  EXPECT_EQ(o.targets, std::vector<std::string>{"198.18.0.2"});
  ASSERT_TRUE(o.ping_syn && o.ping_ack && o.ping_udp);
  EXPECT_TRUE(o.ping_syn->empty());
  EXPECT_EQ(*o.ping_ack, (std::vector<uint16_t>{22, 80, 81, 82}));
  EXPECT_TRUE(o.ping_udp->empty());
  EXPECT_FALSE(o.ping_arp);
  EXPECT_FALSE(Parse({"-PS99999"}, &o).ok());
  EXPECT_NE(Parse({"-PQ"}, &o).message().find("unknown option"), std::string::npos);
}

TEST(ScanParams, HelpListsEveryDocumentedOption) {
  std::string help = ParamsHelp(ScanParams());
  for (const char* opt : {"-p PORTS", "--top-ports N", "-F", "-sT", "-Pn", "-n", "--open", "--reason",
                          "-iL FILE", "--exclude LIST", "--exclude-file FILE", "-6", "--max-retries N",
                          "--host-timeout TIME", "-T 0-5", "--min-rate N", "--max-rate N", "-v", "-sn", "-PE",
                          "-PP", "-PS [PORTS]", "-PA [PORTS]", "-PU [PORTS]", "-PR", "--disable-arp-ping"})
    EXPECT_NE(help.find(opt), std::string::npos) << opt;
}

}  // namespace tj

namespace tj {

// Issue 22 row 11: options that nmap users mistype, each refused in one
// line instead of silently taking the last or the default.
TEST(ScanParams, ContradictionsAndRepeatsAreRefused) {
  auto err = [](std::vector<std::string> args) {
    ScanOptions o;
    Status s = ParseParams(ScanParams(), args, &o, &o.targets);
    if (s.ok()) s = FinishScanOptions(&o);
    return s.ok() ? std::string("accepted") : s.message();
  };
  EXPECT_NE(err({"-p", ""}).find("empty port list"), std::string::npos);
  EXPECT_EQ(err({"--min-rate", "100", "--max-rate", "10"}), "--min-rate 100 is above --max-rate 10");
  EXPECT_NE(err({"-sT", "-sS"}).find("two TCP scan techniques"), std::string::npos);
  EXPECT_NE(err({"-F", "--top-ports", "5"}).find("give one"), std::string::npos);
  EXPECT_EQ(err({"-p", "80", "-p", "81"}), "option \"-p\" is given twice (give it once)");
  EXPECT_EQ(err({"-oX", "a", "-oX", "b"}), "option \"-oX\" is given twice (give it once)");
  EXPECT_NE(err({"-4", "-6"}).find("contradict"), std::string::npos);
  // What may repeat does.
  EXPECT_EQ(err({"-v", "-v", "-iL", "a", "-iL", "b", "--exclude", "x", "--exclude", "y", "-sS", "-sS"}), "accepted");
}

}  // namespace tj
