// What the history store's tests share: a scan that fills every column, and
// a fixture that opens a store on either backend.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "support/pg_cluster_testing.h"
#include "history/sql_db.h"
#include "history/store.h"

namespace tj {

std::chrono::system_clock::time_point Utc(int64_t unix_seconds);

// A scan that exercises every column: folded closed ports, filtered ports
// with and without an ICMP sender, -sV with and without a certificate,
// IPv6, a down host. extra_open adds one more open port.
ScanRecord Sample(std::chrono::system_clock::time_point start, uint16_t extra_open = 0);

// A store on the backend the test parameter names ("sqlite": a file in a
// temporary directory; "postgresql": a new database of the shared test
// cluster, skipped without one unless CI=true).
class StoreBackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      PgCluster& pg = PgCluster::Shared();
      if (!pg.ok()) {
        if (InCiForTests()) FAIL() << "PostgreSQL unavailable and CI=true: " << pg.why_not();
        GTEST_SKIP() << "PostgreSQL unavailable: " << pg.why_not();
      }
      url_ = pg.NewDatabase();
    } else {
      char tmpl[] = "/tmp/tojimari-store-XXXXXX";
      ASSERT_NE(mkdtemp(tmpl), nullptr);
      dir_ = tmpl;
      url_ = dir_ + "/history.db";
    }
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<Store> OpenStore() {
    auto s = Store::Open(url_, {});
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s.ok() ? std::move(*s) : nullptr;
  }
  std::unique_ptr<SqlDb> RawDb() {
    auto db = GetParam() == "postgresql" ? OpenPostgres(url_) : OpenSqlite(url_, false);
    EXPECT_TRUE(db.ok()) << db.error().message;
    return db.ok() ? std::move(*db) : nullptr;
  }
  std::string url_, dir_;
};

}  // namespace tj
