#include "service/regex.h"

#include <gtest/gtest.h>

#include "service/match.h"
#include "service/probe_db.h"

namespace tj {
namespace {

std::shared_ptr<const Regex> Re(std::string_view p, std::string_view flags = "") {
  auto r = Regex::Compile(p, flags);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : nullptr;
}

TEST(Regex, GroupsAndFlags) {
  std::vector<std::string> g;
  ASSERT_TRUE(Re("^SSH-([\\d.]+)-(\\S+)")->Match("SSH-2.0-OpenSSH_9.2p1\r\n", &g));
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[1], "2.0");
  EXPECT_EQ(g[2], "OpenSSH_9.2p1");
  EXPECT_FALSE(Re("^server: x")->Match("Server: x", &g));
  EXPECT_TRUE(Re("^server: x", "i")->Match("Server: x", &g));
  EXPECT_FALSE(Re("a.b")->Match("a\nb", &g));
  EXPECT_TRUE(Re("a.b", "s")->Match("a\nb", &g));
}

TEST(Regex, BinarySubjectsAndNulBytes) {
  std::vector<std::string> g;
  std::string greeting("\x52\x00\x00\x00\x0a" "5.5.5-10.11.6-MariaDB\x00", 27);
  ASSERT_TRUE(Re("^.\\x00\\x00\\x00\\x0a(?:5\\.5\\.5-)?([\\d.]+)-MariaDB\\x00", "s")->Match(greeting, &g));
  EXPECT_EQ(g[1], "10.11.6");
}

TEST(Regex, BadPatternAndFlag) {
  EXPECT_FALSE(Regex::Compile("(unclosed", "").ok());
  EXPECT_FALSE(Regex::Compile("x", "q").ok());
}

TEST(Regex, CatastrophicBacktrackIsBounded) {
  auto re = Re("^(a+)+$");
  std::string subject(5000, 'a');
  subject += "!";
  std::vector<std::string> g;
  EXPECT_FALSE(re->Match(subject, &g));  // returns (limit hit) instead of running for ages
}

TEST(Substitute, GroupsPrintableAndSubst) {
  std::vector<std::string> g = {"all", "9.2p1", std::string("a\x01" "b", 3), "x_y_z"};
  EXPECT_EQ(Substitute("OpenSSH $1", g), "OpenSSH 9.2p1");
  EXPECT_EQ(Substitute("$2", g), "a\\x01b");
  EXPECT_EQ(Substitute("$P(2)", g), "ab");
  EXPECT_EQ(Substitute("$SUBST(3,\"_\",\".\")", g), "x.y.z");
  EXPECT_EQ(Substitute("$9 and $", g), " and $");
  EXPECT_EQ(Substitute("$P(", g), "$P(");
}

TEST(Match, HardSoftFallbackAndNull) {
  auto db = ParseProbeDb(
      "probe NULL tcp\n"
      "match ssh re=|^SSH-([\\d.]+)-OpenSSH_([\\w.]+)| product=\"OpenSSH\" version=\"$2\" info=\"protocol $1\"\n"
      "probe Get tcp send=\"GET / HTTP/1.0\\r\\n\\r\\n\"\n"
      "match http re=|^HTTP/1\\.. \\d+ .*Server: nginx/([\\d.]+)|s product=\"nginx\" version=\"$1\"\n"
      "soft http re=|^HTTP/1\\.|\n"
      "probe Other tcp fallback=Get send=\"x\"\n",
      "t");
  ASSERT_TRUE(db.ok()) << db.error().message;
  const Probe& get = *db->Find("Get");
  auto m = MatchReply(*db, get, "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n");
  EXPECT_TRUE(m.matched);
  EXPECT_FALSE(m.soft);
  EXPECT_EQ(m.info.name, "http");
  EXPECT_EQ(m.info.product, "nginx");
  EXPECT_EQ(m.info.version, "1.22.1");
  EXPECT_EQ(m.info.conf, 10);
  m = MatchReply(*db, get, "HTTP/1.1 200 OK\r\n\r\n");
  EXPECT_TRUE(m.soft);
  // A banner answers any probe: the NULL probe's signatures apply.
  m = MatchReply(*db, get, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
  EXPECT_EQ(m.info.product, "OpenSSH");
  EXPECT_EQ(m.info.extrainfo, "protocol 2.0");
  // Fallback: Other's replies are matched against Get's signatures.
  m = MatchReply(*db, *db->Find("Other"), "HTTP/1.0 404 x\r\nServer: nginx/1.2\r\n\r\n");
  EXPECT_EQ(m.info.version, "1.2");
  EXPECT_FALSE(MatchReply(*db, get, "").matched);
  EXPECT_TRUE(ProbeCanName(*db, *db->Find("Other"), "http"));
  EXPECT_FALSE(ProbeCanName(*db, get, "ssh"));
}

}  // namespace
}  // namespace tj
