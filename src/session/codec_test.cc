// The request and record codecs: what goes in comes back, field for field,
// and what a hostile writer can put in is refused with the field named.
#include <gtest/gtest.h>

#include "session/record_codec.h"
#include "session/request_codec.h"

namespace tj {
namespace {

TEST(RequestCodec, EveryFieldComesBack) {
  ScanRequest r;
  r.targets = {"198.18.0.0/24", "db.lab.test"};
  r.target_files = {"hosts.txt"};
  r.excludes = {"198.18.0.9"};
  r.exclude_files = {"skip.txt"};
  r.i_know = true;
  r.max_targets = 5000;
  r.family = FamilyChoice::kV6;
  r.family_given = true;
  r.ports = PortSpec{};
  r.ports->tcp.AddRange(1, 1024);
  r.ports->tcp.Add(8080);
  r.ports->udp.Add(161);
  r.ports_text = "T:1-1024,8080,U:161";
  r.technique = Technique::kXmas;
  r.udp_scan = r.udp_fast = r.defeat_rst_limit = true;
  r.sources = {"198.18.0.10-17"};
  r.shard = "2/4";
  r.ping_echo = r.ping_timestamp = r.ping_arp = r.disable_arp_ping = r.no_dns = true;
  r.ping_syn = std::vector<uint16_t>{22, 443};
  r.ping_ack = std::vector<uint16_t>{};
  r.timing_level = 5;
  r.max_retries = 0;
  r.host_timeout = std::chrono::seconds(30);
  r.scan_delay = std::chrono::milliseconds(5);
  r.min_rate = 10;
  r.max_rate = 1500.5;
  r.max_parallelism = 64;
  r.seed = UINT64_MAX;
  r.version_detect = true;
  r.version_intensity = 9;
  r.service_db = "ours";
  r.version_timeout = std::chrono::seconds(8);
  r.open_only = r.show_reason = true;
  r.verbose = 2;
  r.xml_out = "a.xml";
  r.all_out = "base";
  r.stats_every = std::chrono::seconds(10);
  r.resume_file = "r.resume";
  r.store = true;
  r.db = "postgresql://u:secret@h/db";
  r.command_line = "tojimari scan \xff";  // not UTF-8: replaced, not refused

  auto back = DecodeRequest(EncodeRequest(r));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->targets, r.targets);
  EXPECT_EQ(back->exclude_files, r.exclude_files);
  EXPECT_TRUE(back->i_know);
  EXPECT_EQ(back->max_targets, 5000u);
  EXPECT_EQ(back->family, FamilyChoice::kV6);
  ASSERT_TRUE(back->ports);
  EXPECT_EQ(back->ports->tcp, r.ports->tcp);
  EXPECT_EQ(back->ports->udp, r.ports->udp);
  EXPECT_EQ(back->technique, Technique::kXmas);
  EXPECT_EQ(back->ping_syn, r.ping_syn);
  ASSERT_TRUE(back->ping_ack);
  EXPECT_TRUE(back->ping_ack->empty());  // given without ports: not the same as absent
  EXPECT_FALSE(back->ping_udp);
  EXPECT_EQ(back->max_retries, 0);
  EXPECT_EQ(back->host_timeout, r.host_timeout);
  EXPECT_FALSE(back->min_rtt_timeout);
  EXPECT_EQ(back->scan_delay, r.scan_delay);
  EXPECT_EQ(back->max_rate, 1500.5);
  EXPECT_EQ(back->seed, UINT64_MAX);
  EXPECT_EQ(back->version_timeout, r.version_timeout);
  EXPECT_EQ(back->stats_every, r.stats_every);
  EXPECT_EQ(back->db, r.db);
  EXPECT_EQ(back->shard, "2/4");
  EXPECT_EQ(back->all_out, "base");
  EXPECT_EQ(EncodeRequest(*back), EncodeRequest(r));  // nothing lost either way
}

TEST(RequestCodec, HostileRequestsAreRefusedByField) {
  for (const char* bad : {R"([])", R"({"timing_level":6})", R"({"verbose":-1})", R"({"technique":"sZ"})",
                          R"({"ports":{"tcp":[[0,1]]}})", R"({"ports":{"tcp":[[5,70000]]}})",
                          R"({"ports":{"tcp":[[5]]}})", R"({"ports":{"sctp":[]}})", R"({"ping_syn":[0]})",
                          R"({"targets":[1]})", R"({"seed":-5})", R"({"max_rate":-1})", R"({"exec":"sh"})",
                          R"({"host_timeout_us":"1s"})", R"({"host_timeout_us":9223372036854775807})", R"({"store":"yes"})"}) {
    auto r = DecodeRequest(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
  }
  EXPECT_NE(DecodeRequest(R"({"exec":"sh"})").error().message.find("unknown field \"exec\""), std::string::npos);
  EXPECT_TRUE(DecodeRequest("{}"));  // every field has its default
}

HostResult RichHost() {
  HostResult h;
  h.addr = *Address::Parse("2001:db8::2");
  h.name = "web.lab.test";
  h.name_from_ptr = true;
  h.status = HostStatus::kTimedOut;
  h.reason = Reason::kSynAck;
  h.reason_ttl = 63;
  h.latency = std::chrono::microseconds(1234);
  h.mac = MacAddr{{0x02, 0, 0, 0, 0xab, 0xcd}};
  h.notes.push_back({"rst-ratelimit", "caps its RSTs at ~10/s"});
  PortResult p;
  p.addr = h.addr;
  p.port = 443;
  p.state = PortState::kOpen;
  p.reason = Reason::kSynAck;
  p.reason_ttl = 63;
  p.rtt = std::chrono::microseconds(900);
  p.tries = 3;
  ServiceInfo& s = p.service.mut();
  s.name = "http";
  s.product = "nginx";
  s.version = "1.22.1";
  s.extrainfo = "Debian";
  s.tunnel = "ssl";
  s.method = "probed";
  s.conf = 10;
  s.has_cert = true;
  s.cert.subject = "CN=web.lab.test";
  s.cert.alt_names = {"DNS:web.lab.test", "IP:198.18.0.2"};
  s.cert.not_after = "2027-01-01T00:00:00Z";
  s.cert.self_signed = s.cert.expires_soon = true;
  h.ports.push_back(p);
  PortResult u;
  u.addr = h.addr;
  u.port = 161;
  u.proto = Proto::kUdp;
  u.state = PortState::kFiltered;
  u.reason = Reason::kAdminProhibited;
  u.reason_ip = *Address::Parse("2001:db8::1");
  u.reason_ip_set = true;
  h.ports.push_back(u);
  return h;
}

TEST(RecordCodec, AHostComesBackWhole) {
  const HostResult h = RichHost();
  auto back = DecodeHostLine(EncodeHostLine(h));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->addr, h.addr);
  EXPECT_EQ(back->name, h.name);
  EXPECT_TRUE(back->name_from_ptr);
  EXPECT_EQ(back->status, HostStatus::kTimedOut);
  EXPECT_EQ(back->reason_ttl, 63);
  EXPECT_EQ(back->latency, h.latency);
  EXPECT_EQ(back->mac, h.mac);
  EXPECT_EQ(back->notes, h.notes);
  ASSERT_EQ(back->ports.size(), 2u);
  const PortResult& p = back->ports[0];
  EXPECT_EQ(p.tries, 3);
  ASSERT_TRUE(p.service.has_value());
  EXPECT_EQ(p.service->product, "nginx");
  EXPECT_EQ(p.service->tunnel, "ssl");
  EXPECT_EQ(p.service->conf, 10);
  ASSERT_TRUE(p.service->has_cert);
  EXPECT_EQ(p.service->cert.alt_names, h.ports[0].service->cert.alt_names);
  EXPECT_TRUE(p.service->cert.expires_soon);
  const PortResult& u = back->ports[1];
  EXPECT_EQ(u.proto, Proto::kUdp);
  EXPECT_FALSE(u.service.has_value());
  EXPECT_TRUE(u.reason_ip_set);
  EXPECT_EQ(u.reason_ip, h.ports[1].reason_ip);
  EXPECT_EQ(EncodeHostLine(*back), EncodeHostLine(h));
}

TEST(RecordCodec, ARecordIsInfoHostsSummaryInThatOrder) {
  ScanRecord r;
  r.info.args = "tojimari watch";
  r.info.scan_type = "syn";
  r.info.tcp_ports = 2;
  r.info.start = std::chrono::system_clock::time_point(std::chrono::seconds(1765000000));
  r.summary.hosts_total = 4;
  r.summary.hosts_up = 1;
  r.summary.interrupted = true;
  ScanRecord back;
  RecordDecoder d(&back);
  ASSERT_TRUE(d.Line(EncodeInfoLine(r)).ok());
  EXPECT_FALSE(d.Finish().ok());  // no summary yet: the writer may have died
  ASSERT_TRUE(d.Line(EncodeHostLine(RichHost())).ok());
  ASSERT_TRUE(d.Line(EncodeSummaryLine(r.summary)).ok());
  ASSERT_TRUE(d.Finish().ok());
  EXPECT_EQ(back.info.args, "tojimari watch");
  EXPECT_EQ(back.info.start, r.info.start);
  EXPECT_EQ(back.hosts.size(), 1u);
  EXPECT_EQ(back.summary.hosts_total, 4u);
  EXPECT_TRUE(back.summary.interrupted);
  EXPECT_FALSE(d.Line(EncodeHostLine(RichHost())).ok());  // after the summary
  ScanRecord other;
  RecordDecoder no_info(&other);
  EXPECT_FALSE(no_info.Line(EncodeHostLine(RichHost())).ok());
  // Another version of the encoding is refused, not guessed at.
  std::string info = EncodeInfoLine(r);
  info.replace(info.find("\"record_format\":1"), 17, "\"record_format\":2");
  // A start the clock cannot hold (past 2262) is refused, not wrapped.
  std::string far = EncodeInfoLine(r);
  far.replace(far.find("1765000000000000"), 16, "9223372036854776");
  ScanRecord future;
  RecordDecoder d3(&future);
  EXPECT_FALSE(d3.Line(far).ok());
  ScanRecord newer;
  RecordDecoder d2(&newer);
  EXPECT_NE(d2.Line(info).message().find("record format 2"), std::string::npos);
}

TEST(RecordCodec, HostileHostsAreRefused) {
  for (const char* bad :
       {R"({"host":{"ip":"x","ports":[]}})", R"({"host":{"ip":"198.18.0.2"}})",
        R"({"host":{"ip":"198.18.0.2","ports":[],"mac":"zz:00:00:00:00:00"}})",
        R"({"host":{"ip":"198.18.0.2","ports":[],"status":"sleeping"}})",
        R"({"host":{"ip":"198.18.0.2","ports":[],"notes":[{"id":"rm -rf","text":"x"}]}})",
        R"({"host":{"ip":"198.18.0.2","ports":[[22,"tcp","open","syn-ack",1,1,1,null,{"conf":99}]]}})",
        R"({"host":{"ip":"198.18.0.2","ports":[{"port":22}]}})"})
    EXPECT_FALSE(DecodeHostLine(bad)) << bad;
}

}  // namespace
}  // namespace tj
