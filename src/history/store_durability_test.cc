// The history store when things go wrong under it: a writer killed with
// SIGKILL mid-transaction, a PostgreSQL connection dropped between writes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/store_testing.h"

namespace tj {
namespace {

class StoreDurability : public StoreBackendTest {};

// A writer killed with SIGKILL in the middle of its writes: the database
// opens, is consistent, and every scan it had committed loads whole.
TEST_P(StoreDurability, KillNineDuringWritesLosesNothingCommitted) {
  ASSERT_TRUE(OpenStore());  // schema in place before the child starts
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    auto s = Store::Open(url_, {});
    if (!s) _exit(3);
    for (int i = 0;; ++i) {
      ScanRecord scan = Sample(Utc(1795168800 + i));
      for (int h = 0; h < 40; ++h) {  // bigger scans: more time inside each transaction
        HostResult extra = scan.hosts[0];
        extra.addr = Address::V4(0xC6120100u + static_cast<uint32_t>(h));
        for (auto& p : extra.ports) p.addr = extra.addr;
        scan.hosts.push_back(extra);
      }
      auto id = (*s)->SaveScan(scan, "scan");
      if (!id) _exit(4);
      int64_t v = *id;
      if (write(fds[1], &v, sizeof v) != sizeof v) _exit(5);
    }
  }
  close(fds[1]);
  std::vector<int64_t> committed;
  int64_t v;
  while (committed.size() < 6 && read(fds[0], &v, sizeof v) == sizeof v) committed.push_back(v);
  usleep(20000);  // well inside the next transaction
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  while (read(fds[0], &v, sizeof v) == sizeof v) committed.push_back(v);
  close(fds[0]);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself: status " << status;
  ASSERT_GE(committed.size(), 6u);

  if (GetParam() == "sqlite") {
    auto db = RawDb();
    ASSERT_TRUE(db);
    auto check = db->Query("PRAGMA integrity_check");
    ASSERT_TRUE(check.ok()) << check.error().message;
    EXPECT_EQ(*check->at(0).at(0), "ok");
    auto fk = db->Query("PRAGMA foreign_key_check");
    ASSERT_TRUE(fk.ok());
    EXPECT_TRUE(fk->empty());
  }
  auto store = OpenStore();
  ASSERT_TRUE(store);
  auto all = store->ListScans({});
  ASSERT_TRUE(all.ok());
  // Each committed scan is there; at most the one being written is not.
  EXPECT_GE(all->size(), committed.size());
  EXPECT_LE(all->size(), committed.size() + 1);
  for (const ScanSummary& s : *all) {
    auto scan = store->LoadScan(s.id);
    ASSERT_TRUE(scan.ok()) << scan.error().message;
    ASSERT_EQ(scan->hosts.size(), 43u) << "scan " << s.id << " is not whole";
    for (const HostResult& h : scan->hosts)
      if (h.status == HostStatus::kUp) {
        EXPECT_EQ(h.ports.size(), 220u) << "scan " << s.id;
      }
  }
}

// A server that dropped the connection while the store sat idle (through a
// long scan, or a watch's interval) is reconnected to before the next write.
TEST_P(StoreDurability, SurvivesALostConnectionBetweenWrites) {
  if (GetParam() != "postgresql") GTEST_SKIP() << "a SQLite file has no connection to lose";
  auto store = OpenStore();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->SaveScan(Sample(Utc(1795168800)), "scan").ok());
  auto admin = RawDb();
  ASSERT_TRUE(admin);
  auto killed = admin->Query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
      "AND pid <> pg_backend_pid()");
  ASSERT_TRUE(killed.ok()) << killed.error().message;
  ASSERT_EQ(killed->size(), 1u);
  auto id = store->SaveScan(Sample(Utc(1795168801)), "scan");
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto all = store->ListScans({});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreDurability, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tj
