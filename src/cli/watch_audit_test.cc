#include "cli/watch_audit.h"

#include <gtest/gtest.h>

namespace tj {
namespace {

using V = std::vector<std::string>;

TEST(WatchRecheckArgs, KeepTheTechniqueDropTargetsPortsAndOutputs) {
  V scan = {"-sS", "-T4", "--max-retries", "0", "-p", "22,80", "-oJ", "out.json", "--top-ports=100",
            "-p1-5", "198.18.0.2", "--max-rate", "500", "-Pn", "-iL", "hosts.txt", "--resume-file", "r", "--store"};
  EXPECT_EQ(RecheckBase(scan), (V{"-sS", "-T4", "--max-retries", "0", "--max-rate", "500", "-Pn"}));
}

TEST(WatchRecheckArgs, OneHostsPortsWithoutDiscovery) {
  Recheck r;
  r.host = *Address::Parse("198.18.0.2");
  r.tcp = {22, 23, 80};
  EXPECT_EQ(RecheckArgs({"-sT"}, r), (V{"-sT", "-Pn", "-p", "T:22-23,80", "198.18.0.2"}));
  EXPECT_EQ(RecheckArgs({"-Pn"}, r), (V{"-Pn", "-p", "T:22-23,80", "198.18.0.2"}));
  // UDP ports need -sU; TCP beside them then needs a TCP technique.
  r.udp = {161};
  EXPECT_EQ(RecheckArgs({}, r), (V{"-sU", "-sS", "-Pn", "-p", "T:22-23,80,U:161", "198.18.0.2"}));
  EXPECT_EQ(RecheckArgs({"-sT", "-sU"}, r), (V{"-sT", "-sU", "-Pn", "-p", "T:22-23,80,U:161", "198.18.0.2"}));
  r.tcp.clear();
  EXPECT_EQ(RecheckArgs({"-sU"}, r), (V{"-sU", "-Pn", "-p", "U:161", "198.18.0.2"}));
}

}  // namespace
}  // namespace tj
