// `tojimari audit` refuses what it cannot do before any scan starts: each
// case returns 2 without scanning (none of these policies reach a network).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli/commands.h"

namespace tj {
namespace {

class AuditCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tojimari-audit-cmd-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    policy_ = dir_ + "/p.toml";
    std::ofstream(policy_) << "name = \"x\"\nscope = [\"198.18.0.0/15\"]\n[groups.a]\nhosts = [\"198.18.0.2\"]\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  int Run(std::vector<std::string> args) {
    std::atomic<bool> stop{false};
    CommandContext ctx{"tojimari audit", &stop};
    return RunAudit(args, ctx);
  }
  std::string dir_, policy_;
};

TEST_F(AuditCommand, RefusesBeforeScanning) {
  EXPECT_EQ(Run({}), 2);                                                  // no --policy
  EXPECT_EQ(Run({"--policy", dir_ + "/missing.toml"}), 2);                // unreadable
  EXPECT_EQ(Run({"--policy", policy_, "--format", "yaml"}), 2);           // unknown format
  EXPECT_EQ(Run({"--policy", policy_, "198.18.0.3"}), 2);                 // targets come from the policy
  EXPECT_EQ(Run({"--policy", policy_, "-p", "22"}), 2);                   // so do ports
  EXPECT_EQ(Run({"--policy", policy_, "-iL", "hosts.txt"}), 2);
  EXPECT_EQ(Run({"--policy", policy_, "--polcy", "x"}), 2);               // typo
  EXPECT_EQ(Run({"--policy", policy_, "--from", "scan.json", "-T4"}), 2);  // scan options need a scan
  EXPECT_EQ(Run({"--policy", policy_, "-o", dir_ + "/no/such/dir/out"}), 2);
  EXPECT_EQ(Run({"--help"}), 0);
}

}  // namespace
}  // namespace tj
