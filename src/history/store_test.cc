// The history store against both backends: SQLite in a temporary file and a
// real PostgreSQL server started for these tests (pg_cluster_testing.h).
// The PostgreSQL cases skip without root or without the package, and fail
// when CI=true.
#include "history/store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "history/pg_cluster_testing.h"
#include "history/sql_db.h"

namespace tj {
namespace {

using std::chrono::system_clock;

Address A(const char* s) { return *Address::Parse(s); }

system_clock::time_point Utc(int64_t unix_seconds) { return system_clock::from_time_t(unix_seconds); }

// A scan that exercises every column: folded closed ports, filtered ports
// with and without an ICMP sender, -sV with and without a certificate,
// IPv6, a down host.
ScanRecord Sample(system_clock::time_point start, uint16_t extra_open = 0) {
  ScanRecord r;
  r.info.version = "0.1.0";
  r.info.args = "tojimari -sV -p 1-200 198.18.0.2 2001:2::2";
  r.info.start = start;
  r.info.scan_type = "syn";
  r.info.tcp_ports = 200;
  r.info.tcp_services = "1-200";
  r.summary.hosts_total = 3;
  r.summary.hosts_up = 2;
  r.summary.elapsed_seconds = 1.25;
  HostResult h;
  h.addr = A("198.18.0.2");
  h.name = "target.lab";
  h.name_from_ptr = true;
  h.reason = Reason::kArpResponse;
  h.latency = std::chrono::microseconds(321);
  for (uint16_t p = 1; p <= 200; ++p) {
    PortResult pr;
    pr.addr = h.addr;
    pr.port = p;
    pr.state = PortState::kClosed;
    pr.reason = Reason::kReset;
    pr.reason_ttl = 64;
    if (p == 22 || p == 143 || p == extra_open) {
      pr.state = PortState::kOpen;
      pr.reason = Reason::kSynAck;
    }
    if (p == 22) {
      ServiceInfo& s = *pr.service;
      s.method = "probed";
      s.conf = 10;
      s.name = "ssh";
      s.product = "OpenSSH";
      s.version = "9.2p1 Debian 2+deb12u3";
      s.extrainfo = "protocol 2.0";
      s.ostype = "Linux";
    }
    if (p == 143) {
      ServiceInfo& s = *pr.service;
      s.method = "probed";
      s.name = "http";
      s.tunnel = "ssl";
      s.has_cert = true;
      s.cert.subject = "CN=target.lab,O=Lab";
      s.cert.issuer = "CN=target.lab,O=Lab";
      s.cert.alt_names = {"DNS:target.lab", "IP:198.18.0.2"};
      s.cert.not_before = "2026-01-01T00:00:00Z";
      s.cert.not_after = "2026-12-01T00:00:00Z";
      s.cert.sha256 = "ab01";
      s.cert.self_signed = true;
      s.cert.expires_soon = true;
    }
    if (p >= 150 && p < 160) {
      pr.state = PortState::kFiltered;
      pr.reason = p < 155 ? Reason::kNoResponse : Reason::kAdminProhibited;
      pr.reason_ttl = 0;
      if (p == 157) {
        pr.reason_ip = A("198.18.0.1");
        pr.reason_ip_set = true;
      }
    }
    h.ports.push_back(pr);
  }
  for (uint16_t p = 50; p < 70; ++p) {  // -sU: mostly silent, one answer
    PortResult pr;
    pr.addr = h.addr;
    pr.port = p;
    pr.proto = Proto::kUdp;
    pr.state = p == 53 ? PortState::kOpen : PortState::kOpenFiltered;
    pr.reason = p == 53 ? Reason::kUdpResponse : Reason::kNoResponse;
    h.ports.push_back(pr);
  }
  r.info.udp_ports = 20;
  r.info.udp_services = "50-69";
  r.unsupported_ports = 3;  // as from an nmap file with SCTP ports
  r.hosts.push_back(h);
  HostResult v6;
  v6.addr = A("2001:2::2");
  v6.status = HostStatus::kTimedOut;
  PortResult p6;
  p6.addr = v6.addr;
  p6.port = 80;
  p6.state = PortState::kOpen;
  p6.reason = Reason::kSynAck;
  v6.ports.push_back(p6);
  r.hosts.push_back(v6);
  HostResult down;
  down.addr = A("198.18.0.3");
  down.status = HostStatus::kDown;
  r.hosts.push_back(down);
  return r;
}

void ExpectSamePort(const PortResult& a, const PortResult& b) {
  SCOPED_TRACE(testing::Message() << "port " << a.port);
  EXPECT_EQ(a.addr, b.addr);
  EXPECT_EQ(a.port, b.port);
  EXPECT_EQ(a.proto, b.proto);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.reason, b.reason);
  EXPECT_EQ(a.reason_ttl, b.reason_ttl);
  EXPECT_EQ(a.reason_ip_set, b.reason_ip_set);
  if (a.reason_ip_set) {
    EXPECT_EQ(a.reason_ip, b.reason_ip);
  }
  ASSERT_EQ(a.service.has_value(), b.service.has_value());
  if (!a.service.has_value()) return;
  const ServiceInfo &x = *a.service, &y = *b.service;
  EXPECT_EQ(std::tie(x.name, x.product, x.version, x.extrainfo, x.hostname, x.ostype, x.devicetype, x.tunnel,
                     x.method, x.conf, x.has_cert),
            std::tie(y.name, y.product, y.version, y.extrainfo, y.hostname, y.ostype, y.devicetype, y.tunnel,
                     y.method, y.conf, y.has_cert));
  EXPECT_EQ(
      std::tie(x.cert.subject, x.cert.issuer, x.cert.alt_names, x.cert.not_before, x.cert.not_after,
               x.cert.sha256, x.cert.self_signed, x.cert.expired, x.cert.expires_soon, x.cert.not_yet_valid),
      std::tie(y.cert.subject, y.cert.issuer, y.cert.alt_names, y.cert.not_before, y.cert.not_after,
               y.cert.sha256, y.cert.self_signed, y.cert.expired, y.cert.expires_soon, y.cert.not_yet_valid));
}

void ExpectSameScan(const ScanRecord& a, const ScanRecord& b) {
  EXPECT_EQ(a.scanner, b.scanner);
  EXPECT_EQ(a.info.args, b.info.args);
  EXPECT_EQ(a.info.version, b.info.version);
  EXPECT_EQ(a.info.start, b.info.start);
  EXPECT_EQ(a.info.scan_type, b.info.scan_type);
  EXPECT_EQ(a.info.tcp_ports, b.info.tcp_ports);
  EXPECT_EQ(a.info.tcp_services, b.info.tcp_services);
  EXPECT_EQ(a.info.udp_ports, b.info.udp_ports);
  EXPECT_EQ(a.info.udp_services, b.info.udp_services);
  EXPECT_EQ(a.unsupported_ports, b.unsupported_ports);
  EXPECT_EQ(a.summary.hosts_up, b.summary.hosts_up);
  EXPECT_EQ(a.summary.hosts_total, b.summary.hosts_total);
  EXPECT_DOUBLE_EQ(a.summary.elapsed_seconds, b.summary.elapsed_seconds);
  EXPECT_EQ(a.summary.interrupted, b.summary.interrupted);
  ASSERT_EQ(a.hosts.size(), b.hosts.size());
  for (size_t i = 0; i < a.hosts.size(); ++i) {
    const HostResult &x = a.hosts[i], &y = b.hosts[i];
    EXPECT_EQ(x.addr, y.addr);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.name_from_ptr, y.name_from_ptr);
    EXPECT_EQ(x.status, y.status);
    EXPECT_EQ(x.reason, y.reason);
    EXPECT_EQ(x.latency, y.latency);
    ASSERT_EQ(x.ports.size(), y.ports.size()) << x.addr.ToString();
    for (size_t p = 0; p < x.ports.size(); ++p) ExpectSamePort(x.ports[p], y.ports[p]);
  }
}

class StoreTest : public ::testing::TestWithParam<std::string> {
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

TEST_P(StoreTest, ScanRoundTripsWhole) {
  auto store = OpenStore();
  ASSERT_TRUE(store);
  ScanRecord scan = Sample(Utc(1795168800) + std::chrono::microseconds(123456));
  scan.summary.interrupted = true;
  auto id = store->SaveScan(scan, "scan");
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto back = store->LoadScan(*id);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ExpectSameScan(scan, *back);
  // Ports sharing one (proto, state, reason, ttl) are folded, not 220 rows.
  auto db = RawDb();
  ASSERT_TRUE(db);
  auto rows = db->Query("SELECT COUNT(*) FROM ports");
  ASSERT_TRUE(rows.ok());
  EXPECT_LT(std::stoi(*rows->at(0).at(0)), 20);
  EXPECT_FALSE(store->LoadScan(*id + 100).ok());
}

TEST_P(StoreTest, ListsAndResolvesReferences) {
  auto store = OpenStore();
  ASSERT_TRUE(store);
  // Scans at 10:00, 11:00 and 12:00 UTC on 2026-11-20, saved out of order.
  auto id11 = store->SaveScan(Sample(Utc(1795168800 + 3600)), "scan");
  auto id10 = store->SaveScan(Sample(Utc(1795168800)), "scan");
  auto id12 = store->SaveScan(Sample(Utc(1795168800 + 7200), 80), "audit");
  ASSERT_TRUE(id10.ok() && id11.ok() && id12.ok());
  auto all = store->ListScans({});
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, *id12);
  EXPECT_EQ((*all)[0].kind, "audit");
  EXPECT_EQ((*all)[0].open_ports, 5u);  // 22, 143, 80, 53/udp on the v4 host; 80 on the v6 host
  EXPECT_EQ((*all)[1].id, *id11);
  EXPECT_EQ((*all)[2].id, *id10);
  EXPECT_EQ((*all)[2].hosts_up, 2u);
  EXPECT_EQ((*all)[2].args, "tojimari -sV -p 1-200 198.18.0.2 2001:2::2");
  auto two = store->ListScans({.limit = 2, .kind = ""});
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->size(), 2u);
  auto audits = store->ListScans({.limit = 0, .kind = "audit"});
  ASSERT_TRUE(audits.ok());
  ASSERT_EQ(audits->size(), 1u);

  auto is = [&](const char* ref, const Result<int64_t>& want) {
    auto got = store->ResolveRef(ref);
    ASSERT_TRUE(got.ok()) << ref << ": " << got.error().message;
    EXPECT_EQ(*got, *want) << ref;
  };
  is("latest", id12);
  is("latest~1", id11);
  is("latest~2", id10);
  is(std::to_string(*id10).c_str(), id10);
  is("2026-11-20T10:59Z", id10);
  is("2026-11-20T11:00Z", id11);  // at or before
  is("2026-11-20Z", id12);        // a date: the end of that day
  for (const char* missing : {"latest~3", "2026-11-19Z", "999999", "2026-11-20T09:59Z"}) {
    auto got = store->ResolveRef(missing);
    EXPECT_FALSE(got.ok()) << missing;
    if (!got.ok()) {
      EXPECT_NE(got.error().message.find(missing), std::string::npos) << got.error().message;
    }
  }
  EXPECT_FALSE(store->ResolveRef("yesterday").ok());
  auto prev = store->Previous(*id12);
  ASSERT_TRUE(prev.ok());
  EXPECT_EQ(*prev, *id11);
  EXPECT_FALSE(store->Previous(*id10).ok());
}

TEST_P(StoreTest, AuditsSitBesideTheirScan) {
  auto store = OpenStore();
  ASSERT_TRUE(store);
  auto id = store->SaveScan(Sample(Utc(1795168800)), "audit");
  ASSERT_TRUE(id.ok());
  AuditSummary a;
  a.policy_path = "examples/policy.toml";
  a.policy_name = "lab";
  a.findings_json = R"({"findings": [{"port": 111, "severity": "high", "rule": "portmapper"}]})";
  a.by_severity = {{"high", 1}, {"medium", 0}};
  ASSERT_TRUE(store->SaveAudit(*id, a).ok());
  auto back = store->LoadAudit(*id);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ((*back)->policy_path, a.policy_path);
  EXPECT_EQ((*back)->policy_name, a.policy_name);
  // PostgreSQL keeps JSONB in its own spelling: compare as JSON.
  EXPECT_EQ(nlohmann::json::parse((*back)->findings_json), nlohmann::json::parse(a.findings_json));
  EXPECT_EQ((*back)->by_severity, a.by_severity);
  auto none = store->LoadAudit(*id + 1);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  // One audit per scan; an audit of no scan is refused by the schema.
  EXPECT_FALSE(store->SaveAudit(*id, a).ok());
  EXPECT_FALSE(store->SaveAudit(*id + 50, a).ok());
  EXPECT_FALSE(store->SaveScan(Sample(Utc(0)), "other").ok());

  // Scan and audit in one transaction: a bad audit stores neither.
  auto both = store->SaveAuditedScan(Sample(Utc(1795168900)), a);
  ASSERT_TRUE(both.ok()) << both.error().message;
  auto loaded = store->LoadAudit(*both);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->by_severity, a.by_severity);
  auto before = store->ListScans({});
  ASSERT_TRUE(before.ok());
  AuditSummary bad = a;
  bad.by_severity = {{"high", -1}};  // refused by the schema, after the scan's rows went in
  EXPECT_FALSE(store->SaveAuditedScan(Sample(Utc(1795169000)), bad).ok());
  auto after = store->ListScans({});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->size(), before->size()) << "the scan was stored without its audit";
}

TEST_P(StoreTest, MigrationsAreVersionedAndANewerDatabaseIsRefused) {
  ASSERT_TRUE(OpenStore());
  ASSERT_TRUE(OpenStore());  // a second open migrates nothing
  auto db = RawDb();
  ASSERT_TRUE(db);
  auto rows = db->Query("SELECT version FROM schema_version ORDER BY version");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(static_cast<int>(rows->size()), SchemaVersion());
  EXPECT_EQ(*rows->back()[0], std::to_string(SchemaVersion()));
  ASSERT_TRUE(db->Query("INSERT INTO schema_version (version, applied_us) VALUES (99, 0)").ok());
  auto s = Store::Open(url_, {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("schema version 99"), std::string::npos) << s.error().message;
  EXPECT_EQ(s.error().message.find('\n'), std::string::npos);
}

// A writer killed with SIGKILL in the middle of its writes: the database
// opens, is consistent, and every scan it had committed loads whole.
TEST_P(StoreTest, KillNineDuringWritesLosesNothingCommitted) {
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
TEST_P(StoreTest, SurvivesALostConnectionBetweenWrites) {
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

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

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
    ASSERT_TRUE((*s)->SaveScan(Sample(Utc(1795168800)), "scan").ok());
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
