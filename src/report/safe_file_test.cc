#include "report/safe_file.h"

#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace tj {
namespace {

class SafeFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tojimari-safefile-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (const auto& name : Entries()) unlink((dir_ + "/" + name).c_str());
    rmdir(dir_.c_str());
  }
  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    if (DIR* d = opendir(dir_.c_str())) {
      while (dirent* e = readdir(d))
        if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") names.push_back(e->d_name);
      closedir(d);
    }
    return names;
  }
  static std::string Read(const std::string& path) {
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }
  static void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }
  std::string dir_;
};

TEST_F(SafeFileTest, TargetAppearsOnlyOnCommit) {
  std::string path = dir_ + "/a.xml";
  WriteFile(path, "old");
  {
    auto f = OutputFile::Open(path, OutputMode::kReplaceWhenDone);
    ASSERT_TRUE(f.ok()) << f.error().message;
    fputs("new", f->get());
    fflush(f->get());
    EXPECT_EQ(Read(path), "old") << "the target changed before Commit";
    EXPECT_EQ(Entries().size(), 2u) << "a temporary file beside the target";
    ASSERT_TRUE(f->Commit().ok());
    EXPECT_EQ(f->get(), nullptr);
  }
  EXPECT_EQ(Read(path), "new");
  EXPECT_EQ(Entries(), std::vector<std::string>{"a.xml"});
}

TEST_F(SafeFileTest, WithoutCommitTheOldFileStaysAndNoTempIsLeft) {
  std::string path = dir_ + "/a.xml";
  WriteFile(path, "old");
  {
    auto f = OutputFile::Open(path, OutputMode::kReplaceWhenDone);
    ASSERT_TRUE(f.ok());
    fputs("half a docu", f->get());
  }
  EXPECT_EQ(Read(path), "old");
  EXPECT_EQ(Entries(), std::vector<std::string>{"a.xml"});
}

TEST_F(SafeFileTest, MissingDirectoryFailsAtOpenNamingThePath) {
  auto f = OutputFile::Open(dir_ + "/no/such/x.xml", OutputMode::kReplaceWhenDone);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message.find(dir_ + "/no/such/x.xml"), std::string::npos) << f.error().message;
  EXPECT_NE(f.error().message.find("No such file or directory"), std::string::npos) << f.error().message;
  EXPECT_FALSE(OutputFile::Open(dir_ + "/no/such/x.ndjson", OutputMode::kStream).ok());
}

TEST_F(SafeFileTest, StreamIsVisibleWhileWritten) {
  std::string path = dir_ + "/a.ndjson";
  auto f = OutputFile::Open(path, OutputMode::kStream);
  ASSERT_TRUE(f.ok());
  fputs("{}\n", f->get());
  fflush(f->get());
  EXPECT_EQ(Read(path), "{}\n");
  EXPECT_TRUE(f->Commit().ok());
  EXPECT_EQ(Entries(), std::vector<std::string>{"a.ndjson"});
}

TEST_F(SafeFileTest, DevicesAreWrittenInPlaceNotReplaced) {
  auto f = OutputFile::Open("/dev/null", OutputMode::kReplaceWhenDone);
  ASSERT_TRUE(f.ok()) << f.error().message;
  fputs("x", f->get());
  EXPECT_TRUE(f->Commit().ok());
  struct stat st {};
  ASSERT_EQ(stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "/dev/null is no longer a device";
}

TEST_F(SafeFileTest, SymlinkStaysALinkAndItsTargetIsReplaced) {
  std::string real = dir_ + "/real.xml", link = dir_ + "/link.xml";
  WriteFile(real, "old");
  ASSERT_EQ(symlink(real.c_str(), link.c_str()), 0);
  auto f = OutputFile::Open(link, OutputMode::kReplaceWhenDone);
  ASSERT_TRUE(f.ok());
  fputs("new", f->get());
  ASSERT_TRUE(f->Commit().ok());
  struct stat st {};
  ASSERT_EQ(lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_EQ(Read(real), "new");
}

TEST_F(SafeFileTest, ReplacementKeepsTheOldMode) {
  std::string path = dir_ + "/a.xml";
  WriteFile(path, "old");
  ASSERT_EQ(chmod(path.c_str(), 0640), 0);
  auto f = OutputFile::Open(path, OutputMode::kReplaceWhenDone);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(f->Commit().ok());
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
}

// A full disk, simulated with a file size limit: the write fails with EFBIG
// as it would with ENOSPC, and the previous report must survive.
TEST_F(SafeFileTest, FailedWriteKeepsThePreviousFile) {
  std::string path = dir_ + "/a.xml";
  WriteFile(path, "old and good");
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  auto old_handler = signal(SIGXFSZ, SIG_IGN);
  Status committed;
  {
    auto f = OutputFile::Open(path, OutputMode::kReplaceWhenDone);
    ASSERT_TRUE(f.ok());
    rlimit small = saved;
    small.rlim_cur = 4096;
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
    std::string block(1 << 16, 'x');
    fwrite(block.data(), 1, block.size(), f->get());
    committed = f->Commit();
    setrlimit(RLIMIT_FSIZE, &saved);
  }
  signal(SIGXFSZ, old_handler);
  EXPECT_FALSE(committed.ok());
  EXPECT_NE(committed.message().find("unchanged"), std::string::npos) << committed.message();
  EXPECT_EQ(Read(path), "old and good");
  EXPECT_EQ(Entries(), std::vector<std::string>{"a.xml"});
}

TEST_F(SafeFileTest, FullStreamReportsTheError) {
  auto f = OutputFile::Open("/dev/full", OutputMode::kStream);
  ASSERT_TRUE(f.ok());
  fputs("x", f->get());
  Status s = f->Commit();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/dev/full"), std::string::npos) << s.message();
}

TEST_F(SafeFileTest, DashIsStdout) {
  auto f = OutputFile::Open("-", OutputMode::kReplaceWhenDone);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->get(), stdout);
  EXPECT_TRUE(f->Commit().ok());
}

}  // namespace
}  // namespace tj

#include <sys/file.h>

#include <filesystem>

namespace tj {

// Issue 22 row 10: a run killed while writing leaves "X.tmp-abcdef"; the
// next run that writes X removes it, but never one a live run holds.
TEST(SafeFile, TheNextRunRemovesTheTempFilesOfAKilledOne) {
  char dir[] = "/tmp/tj-safe-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string target = std::string(dir) + "/k.xml";
  const std::string stale = target + ".tmp-dead01", live = target + ".tmp-live01";
  std::ofstream(stale) << "<partial";
  int held = open((std::ofstream(live) << "x", live).c_str(), O_RDONLY);
  ASSERT_GE(held, 0);
  ASSERT_EQ(flock(held, LOCK_EX), 0);  // a run still writing it
  auto out = OutputFile::Open(target, OutputMode::kReplaceWhenDone);
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_GE(fputs("<done/>", out->get()), 0);
  ASSERT_TRUE(out->Commit().ok());
  EXPECT_NE(access(stale.c_str(), F_OK), 0) << "the killed run's temp file is still there";
  EXPECT_EQ(access(live.c_str(), F_OK), 0) << "a live run's temp file was removed";
  close(held);
  std::filesystem::remove_all(dir);
}

// Issue 22 row 5: in a shared directory (sticky, writable by all), a link
// another user planted where root's report goes is refused.
TEST(SafeFile, ALinkAnotherUserPlantedInASharedDirectoryIsNotFollowed) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to make a link owned by another user";
  char dir[] = "/tmp/tj-shared-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  ASSERT_EQ(chmod(dir, 01777), 0);
  const std::string victim = std::string(dir) + "-victim";
  std::ofstream(victim) << "root's own file";
  const std::string link = std::string(dir) + "/report.xml";
  ASSERT_EQ(symlink(victim.c_str(), link.c_str()), 0);
  ASSERT_EQ(lchown(link.c_str(), 65534, 65534), 0);  // nobody's link
  auto out = OutputFile::Open(link, OutputMode::kReplaceWhenDone);
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("another user (uid 65534)"), std::string::npos) << out.error().message;
  std::ifstream in(victim);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "root's own file");
  // One's own link there is followed, as before.
  ASSERT_EQ(lchown(link.c_str(), 0, 0), 0);
  EXPECT_TRUE(OutputFile::Open(link, OutputMode::kReplaceWhenDone));
  std::filesystem::remove_all(dir);
  unlink(victim.c_str());
}

}  // namespace tj
