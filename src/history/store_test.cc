// The history store against both backends: SQLite in a temporary file and a
// real PostgreSQL server started for these tests (pg_cluster_testing.h).
// The PostgreSQL cases skip without root or without the package, and fail
// when CI=true.
#include "history/store.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/store_testing.h"

namespace tj {
namespace {

using std::chrono::system_clock;

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

class StoreTest : public StoreBackendTest {};

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

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tj
