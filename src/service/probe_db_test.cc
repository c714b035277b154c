#include "service/probe_db.h"

#include <gtest/gtest.h>

namespace tj {
namespace {

TEST(ProbeDb, ParsesOurFormat) {
  auto db = ParseProbeDb(
      "# comment\n"
      "\n"
      "probe NULL tcp\n"
      "match ftp re=|^220 \\(vsFTPd ([\\w.]+)\\)| product=\"vsftpd\" version=\"$1\"\n"
      "probe Redis tcp rarity=2 wait=1500 ports=6379,7000-7005 sslports=6380 fallback=NULL "
      "send=\"*1\\r\\n$4\\r\\nINFO\\r\\n\"\n"
      "soft redis re=%^-ERR (a|b)%i\n"
      "probe TLS tcp tls rarity=1\n",
      "f.txt");
  ASSERT_TRUE(db.ok()) << db.error().message;
  ASSERT_EQ(db->probes.size(), 3u);
  const Probe& r = db->probes[1];
  EXPECT_EQ(r.name, "Redis");
  EXPECT_EQ(r.rarity, 2);
  EXPECT_EQ(r.wait_ms, 1500);
  EXPECT_TRUE(r.ports.Contains(6379));
  EXPECT_TRUE(r.ports.Contains(7003));
  EXPECT_FALSE(r.ports.Contains(7006));
  EXPECT_TRUE(r.sslports.Contains(6380));
  EXPECT_EQ(r.payload, "*1\r\n$4\r\nINFO\r\n");
  EXPECT_EQ(r.fallback, std::vector<std::string>{"NULL"});
  ASSERT_EQ(r.sigs.size(), 1u);
  EXPECT_TRUE(r.sigs[0].soft);
  EXPECT_EQ(r.sigs[0].line, 6);
  std::vector<std::string> g;
  EXPECT_TRUE(r.sigs[0].re->Match("-err B", &g));
  EXPECT_TRUE(db->probes[2].tls_handshake);
  EXPECT_EQ(db->probes[0].sigs[0].product, "vsftpd");
}

TEST(ProbeDb, ErrorsNameFileAndLine) {
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {
      {"match ssh re=|x|\n", "f:1: a signature before any probe"},
      {"probe A tcp\n\nmatch ssh re=|(x|\n", "f:3: bad regex"},
      {"probe A tcp\nmatch ssh product=\"x\"\n", "f:2: a signature needs a regular expression"},
      {"probe A tcp rarity=12\n", "f:1: \"12\" is not a number"},
      {"probe A sctp\n", "f:1: expected: probe NAME tcp|udp"},
      {"probe A tcp\nprobe A tcp\n", "f:2: probe \"A\" defined twice"},
      {"probe A tcp send=\"\\x4\"\n", "f:1: \\x needs two hex digits"},
      {"probe A tcp send=\"abc\n", "f:1: field send: missing closing '\"'"},
      {"probe A tcp\nmatch ssh re=|x| colour=\"red\"\n", "f:2: unknown signature field \"colour\""},
      {"probes A tcp\n", "f:1: unknown directive \"probes\""},
      {"probe A tcp ports=9-3\n", "f:1: bad port list item \"9-3\""},
  };
  for (const auto& c : cases) {
    auto db = ParseProbeDb(c.text, "f");
    ASSERT_FALSE(db.ok()) << c.text;
    EXPECT_TRUE(db.error().message.starts_with(c.want)) << db.error().message;
  }
}

TEST(ProbeDb, Unescape) {
  EXPECT_EQ(*UnescapePayload("a\\r\\n\\0\\x41\\\\\\\""), std::string("a\r\n\0A\\\"", 7));
  EXPECT_FALSE(UnescapePayload("\\").ok());
  EXPECT_FALSE(UnescapePayload("\\xZZ").ok());
}

TEST(ProbeDb, ParsesNmapFormat) {
  auto db = ParseNmapProbeDb(
      "# nmap style\n"
      "Exclude T:9100-9107\n"
      "Probe TCP NULL q||\n"
      "totalwaitms 6000\n"
      "match ssh m|^SSH-([\\d.]+)-OpenSSH_([\\w.]+)|i p/OpenSSH/ v/$2/ i/protocol $1/ cpe:/a:openbsd:openssh:$2/\n"
      "softmatch ftp m|^220 |\n"
      "Probe TCP GetRequest q|GET / HTTP/1.0\\r\\n\\r\\n|\n"
      "rarity 1\n"
      "ports 80,8080\n"
      "sslports 443\n"
      "fallback NULL\n",
      "nmap-service-probes");
  ASSERT_TRUE(db.ok()) << db.error().message;
  ASSERT_EQ(db->probes.size(), 2u);
  EXPECT_EQ(db->probes[0].wait_ms, 6000);
  EXPECT_EQ(db->probes[0].sigs.size(), 2u);
  EXPECT_EQ(db->probes[0].sigs[0].version, "$2");
  EXPECT_TRUE(db->probes[0].sigs[1].soft);
  EXPECT_EQ(db->probes[1].payload, "GET / HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(db->probes[1].ports.Contains(8080));
  EXPECT_TRUE(db->probes[1].sslports.Contains(443));
  auto bad = ParseNmapProbeDb("Probe TCP NULL q||\nmatch x m|(|\n", "n");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.error().message.starts_with("n:2: bad regex")) << bad.error().message;
}

// then= is a second payload, sent once the first is answered.
TEST(ProbeDb, FollowUpPayload) {
  auto db = ParseProbeDb("probe Two tcp send=\"A\\x00\" then=\"B\\r\\n\"\n", "t");
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(db->probes[0].payload, std::string("A\0", 2));
  EXPECT_EQ(db->probes[0].followup, "B\r\n");
  const Probe* smb = BuiltinProbeDb().Find("SMB2Negotiate");
  ASSERT_NE(smb, nullptr);
  EXPECT_TRUE(smb->followup.find("NTLMSSP") != std::string::npos);
}

// payload= takes -sU's datagram by name; decode= names a reader in code.
TEST(ProbeDb, UdpPayloadAndDecoder) {
  auto db = ParseProbeDb("probe D udp payload=dns decode=ntp\n", "t");
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_TRUE(db->probes[0].udp);
  EXPECT_NE(db->probes[0].payload.find("\x07version\x04" "bind"), std::string::npos);
  EXPECT_EQ(db->probes[0].decoder, "ntp");
  auto bad = ParseProbeDb("probe D udp payload=nosuch\n", "t");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "t:1: no UDP payload named \"nosuch\" in data/udp-payloads.txt");
  auto dec = ParseProbeDb("probe D udp send=x decode=zz\n", "t");
  ASSERT_FALSE(dec);
  EXPECT_EQ(dec.error().message, "t:1: unknown decoder \"zz\" (ntp, rpc-dump)");
  // The built-in UDP probes all carry bytes.
  int udp = 0;
  for (const auto& p : BuiltinProbeDb().probes)
    if (p.udp) {
      ++udp;
      EXPECT_FALSE(p.payload.empty()) << p.name;
    }
  EXPECT_GE(udp, 6);
}

// The built-in database parses, starts with the NULL probe, and each of its
// probes has a name the docs can point at.
TEST(ProbeDb, BuiltinLoads) {
  const ProbeDb& db = BuiltinProbeDb();
  ASSERT_GT(db.probes.size(), 5u);
  EXPECT_EQ(db.probes[0].name, "NULL");
  EXPECT_TRUE(db.probes[0].payload.empty());
  size_t sigs = 0;
  for (const auto& p : db.probes) sigs += p.sigs.size();
  EXPECT_GT(sigs, 50u);
}

}  // namespace
}  // namespace tj
