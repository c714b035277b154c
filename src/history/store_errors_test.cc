// The history store refusing databases it cannot use: each refusal is one
// line naming the problem, and nothing is written to what is not ours.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/pg_cluster_testing.h"
#include "history/sql_db.h"
#include "history/store.h"

namespace tj {
namespace {

// Databases that cannot be used: one line naming the problem.
class StoreErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tojimari-store-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string OpenError(const std::string& url, bool create = true) {
    auto s = Store::Open(url, OpenOptions{.create = create});
    EXPECT_FALSE(s.ok()) << url;
    if (s.ok()) return "";
    EXPECT_EQ(s.error().message.find('\n'), std::string::npos) << s.error().message;
    return s.error().message;
  }
  std::string dir_;
};

TEST_F(StoreErrors, NotADatabase) {
  std::ofstream(dir_ + "/junk.db") << std::string(4096, 'x');
  std::string e = OpenError(dir_ + "/junk.db");
  EXPECT_NE(e.find("not a database"), std::string::npos) << e;
  EXPECT_NE(e.find("junk.db"), std::string::npos) << e;
}

TEST_F(StoreErrors, AnotherApplicationsDatabaseIsLeftAlone) {
  const std::string path = dir_ + "/other.db";
  {
    auto db = OpenSqlite(path, true);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("CREATE TABLE bookmarks (url TEXT)").ok());
  }
  std::string e = OpenError(path);
  EXPECT_NE(e.find("not a tojimari history"), std::string::npos) << e;
  auto db = OpenSqlite(path, false);
  ASSERT_TRUE(db.ok());
  auto tables = (*db)->Query("SELECT name FROM sqlite_master WHERE type = 'table'", {});
  ASSERT_TRUE(tables.ok());
  EXPECT_EQ(tables->size(), 1u) << "tables were added to another application's database";
}

TEST_F(StoreErrors, CorruptDatabase) {
  const std::string path = dir_ + "/h.db";
  {
    auto s = Store::Open(path, {});
    ASSERT_TRUE(s.ok());
    ScanRecord scan;
    scan.scanner = "tojimari";
    scan.info.start = std::chrono::system_clock::from_time_t(1795168800);
    ASSERT_TRUE((*s)->SaveScan(scan, "scan").ok());
  }
  // Overwrite the first page past the header: the schema is unreadable.
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(100);
  f << std::string(3000, '\xff');
  f.close();
  std::string e = OpenError(path);
  EXPECT_NE(e.find("h.db"), std::string::npos) << e;
}

TEST_F(StoreErrors, MissingFileIsNotCreatedForReaders) {
  std::string e = OpenError(dir_ + "/none.db", false);
  EXPECT_NE(e.find("no history database"), std::string::npos) << e;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/none.db"));
  e = OpenError(dir_ + "/no/such/dir/h.db");
  EXPECT_NE(e.find("unable to open"), std::string::npos) << e;
  e = OpenError(dir_);
  EXPECT_NE(e.find("not a regular file"), std::string::npos) << e;
}

TEST_F(StoreErrors, UnknownSchemeAndRefusedConnection) {
  std::string e = OpenError("mysql://db.example/scans");
  EXPECT_NE(e.find("mysql://"), std::string::npos) << e;
  e = OpenError(PgCluster::Shared().DeadUrl());
  EXPECT_NE(e.find("history database"), std::string::npos) << e;
  EXPECT_NE(e.find("No such file"), std::string::npos) << e;
  e = OpenError("postgresql://tj:secret@[::1]:1/db?connect_timeout=2");
  EXPECT_EQ(e.find("secret"), std::string::npos) << "password in the message: " << e;
}

TEST_F(StoreErrors, NewFileIsPrivate) {
  auto s = Store::Open(dir_ + "/p.db", {});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(std::filesystem::status(dir_ + "/p.db").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

}  // namespace
}  // namespace tj
