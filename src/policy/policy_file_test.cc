#include "policy/policy_file.h"

#include <gtest/gtest.h>

namespace tj {
namespace {

std::string SourceRoot() { return TJ_SOURCE_DIR; }

constexpr const char* kGood = R"(name = "lab"
scope = ["198.18.0.0/15", "2001:2::/48"]

[groups.web]
hosts = ["198.18.0.2", "198.18.0.10-20", "198.18.1.0/24", "web.lab.test"]
expected = { "22/tcp" = "ssh", "443/tcp" = "" }
forbidden = ["3306/tcp", 5432, "6000-6063/tcp"]
scan = "1-2000"

[groups.db]
hosts = ["2001:2::5"]
expected = ["22", { port = "5432/tcp", service = "postgresql" }, "161/udp"]

[[exceptions]]
group = "web"
port = "8080/tcp"
owner = "ops@example.org"
reason = "migration"
expires = 2026-12-31

[[exceptions]]
host = "198.18.0.2"
port = 33080
owner = "dev"
reason = "demo"
expires = 2025-01-15
)";

// Parses `text` and returns the error, or "" when it parsed.
std::string ErrorOf(const std::string& text) {
  auto p = ParsePolicy(text, "p.toml");
  return p ? "" : p.error().message;
}

TEST(PolicyFile, ReadsEveryPart) {
  auto p = ParsePolicy(kGood, "p.toml");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->name, "lab");
  ASSERT_EQ(p->scope.size(), 2u);
  EXPECT_EQ(p->scope[0].ToString(), "198.18.0.0/15");
  ASSERT_EQ(p->groups.size(), 2u);
  const Group& web = p->groups[0];  // file order, whatever TOML's table order
  EXPECT_EQ(web.name, "web");
  EXPECT_EQ(web.line, 4);
  ASSERT_EQ(web.hosts.size(), 4u);
  EXPECT_FALSE(web.hosts[1].is_name);
  EXPECT_TRUE(web.hosts[1].Matches(*Address::Parse("198.18.0.15"), ""));
  EXPECT_FALSE(web.hosts[1].Matches(*Address::Parse("198.18.0.21"), ""));
  EXPECT_TRUE(web.hosts[3].is_name);
  EXPECT_TRUE(web.hosts[3].Matches(*Address::Parse("198.18.9.9"), "WEB.lab.test"));
  ASSERT_EQ(web.expected.size(), 2u);
  EXPECT_EQ(web.expected[0].ToString(), "22/tcp");
  EXPECT_EQ(web.expected[0].service, "ssh");
  EXPECT_EQ(web.expected[0].line, 6);
  ASSERT_EQ(web.forbidden.size(), 3u);
  EXPECT_EQ(web.forbidden[1].ToString(), "5432/tcp");
  EXPECT_EQ(web.forbidden[2].ToString(), "6000-6063/tcp");
  EXPECT_EQ(web.forbidden[2].line, 7);
  EXPECT_EQ(web.scan_ports, "1-2000");
  const Group& db = p->groups[1];
  ASSERT_EQ(db.expected.size(), 3u);
  EXPECT_EQ(db.expected[1].service, "postgresql");
  EXPECT_EQ(db.expected[2].proto, Proto::kUdp);
  ASSERT_EQ(p->exceptions.size(), 2u);
  EXPECT_EQ(p->exceptions[0].group, "web");
  EXPECT_EQ(p->exceptions[0].expires, (Date{2026, 12, 31}));
  EXPECT_EQ(p->exceptions[0].line, 14);
  EXPECT_EQ(p->exceptions[1].host, "198.18.0.2");
  EXPECT_EQ(p->exceptions[1].port.ToString(), "33080/tcp");
}

TEST(PolicyFile, TheExampleParses) {
  auto p = ReadPolicyFile(SourceRoot() + "/examples/policy.toml");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->groups.size(), 3u);
  EXPECT_EQ(p->exceptions.size(), 2u);
}

TEST(PolicyFile, SyntaxErrorNamesTheLine) {
  EXPECT_EQ(ErrorOf("name = \"x\"\nscope = [\"198.18.0.0/15\"]\nhosts = [1,\n").substr(0, 7), "p.toml:");
  std::string e = ErrorOf("name = \"x\"\nscope = [\"198.18.0.0/15\"\n\n[groups.a]\n");
  EXPECT_TRUE(e.starts_with("p.toml:")) << e;
  e = ErrorOf("name = \"x\"\nname = \"y\"\n");
  EXPECT_TRUE(e.starts_with("p.toml:2:")) << e;
  e = ErrorOf("name = \"x\"\nscope = [\"198.18.0.0/15\"]\n[groups.a\n");
  EXPECT_TRUE(e.starts_with("p.toml:3:")) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << "one line: " << e;
}

// A bad byte in a multi-line literal string sent toml11 reading outside its
// buffer (policy fuzzer); such a file is refused before toml11 sees it.
TEST(PolicyFile, InvalidUtf8IsRefusedWithTheLine) {
  const std::string kError = " not valid UTF-8 (a TOML file must be)";
  EXPECT_EQ(ErrorOf("name = \"x\"\nnote = '''a\xff b'''\n"), "p.toml:2:" + kError);
  EXPECT_EQ(ErrorOf("name = \"\xc0\xaf\"\n"), "p.toml:1:" + kError) << "overlong";
  EXPECT_EQ(ErrorOf("name = \"\xed\xa0\x80\"\n"), "p.toml:1:" + kError) << "surrogate";
  EXPECT_EQ(ErrorOf("name = \"x\xe2\x82\""), "p.toml:1:" + kError) << "cut short";
  // Valid multi-byte text is no error of this kind.
  EXPECT_EQ(ErrorOf("name = \"戸締まり \xf0\x9f\x94\x92\"\n").find("UTF-8"), std::string::npos);
}

TEST(PolicyFile, UnknownKeysSuggestTheRightOne) {
  std::string e = ErrorOf("name = \"x\"\nscope = [\"198.18.0.0/15\"]\n[groups.a]\nhosts = [\"198.18.0.1\"]\nforbiden = [22]\n");
  EXPECT_EQ(e, "p.toml:5: unknown key \"forbiden\" in group \"a\" (did you mean \"forbidden\"?)");
  e = ErrorOf("name = \"x\"\nscoop = [\"198.18.0.0/15\"]\n");
  EXPECT_EQ(e, "p.toml:2: unknown key \"scoop\" in the policy (did you mean \"scope\"?)");
  e = ErrorOf("name = \"x\"\nscope = [\"198.18.0.0/15\"]\n[groups.a]\nhosts = [\"198.18.0.1\"]\n"
              "[[exceptions]]\nhost = \"198.18.0.1\"\nport = 22\nowner = \"a\"\nreson = \"b\"\nexpires = 2026-01-01\n");
  EXPECT_EQ(e, "p.toml:9: unknown key \"reson\" in an exception (did you mean \"reason\"?)");
}

TEST(PolicyFile, WrongTypes) {
  EXPECT_EQ(ErrorOf("name = 3\nscope = [\"198.18.0.0/15\"]\n"), "p.toml:1: \"name\" must be a string, not an integer");
  EXPECT_EQ(ErrorOf("name = \"x\"\nscope = \"198.18.0.0/15\"\n"),
            "p.toml:2: \"scope\" must be an array of networks (\"198.18.0.0/15\"), not a string");
  EXPECT_EQ(ErrorOf("name = \"x\"\nscope = [\"198.18.0.0/15\"]\n[groups.a]\nhosts = \"198.18.0.1\"\n"),
            "p.toml:4: \"hosts\" must be an array of strings, not a string");
  EXPECT_EQ(ErrorOf("name = \"x\"\nscope = [\"198.18.0.0/15\"]\n[groups.a]\nhosts = [\"198.18.0.1\"]\n"
                    "expected = [true]\n"),
            "p.toml:5: \"expected\" must be a port (22, \"22/tcp\", \"161/udp\"), not a boolean");
}

TEST(PolicyFile, BadNetworksHostsAndPorts) {
  EXPECT_EQ(ErrorOf("name = \"x\"\nscope = [\"198.18.0.0/33\"]\n"),
            "p.toml:2: scope: \"198.18.0.0/33\": the prefix length must be 0-32");
  EXPECT_EQ(ErrorOf("name = \"x\"\nscope = [\"198.18.0.1/15\"]\n"),
            "p.toml:2: scope: \"198.18.0.1/15\" has host bits set (did you mean a network address such as "
            "198.18.0.0/15?)");
  EXPECT_EQ(ErrorOf("name = \"x\"\nscope = [\"198.18.0.0/15\"]\n[groups.a]\nhosts = [\"198.18.0.300\"]\n")
                .substr(0, 21),
            "p.toml:4: group \"a\": ");
  std::string base = "name = \"x\"\nscope = [\"198.18.0.0/15\"]\n[groups.a]\nhosts = [\"198.18.0.1\"]\n";
  EXPECT_EQ(ErrorOf(base + "expected = [\"70000\"]\n"),
            "p.toml:5: expected: \"70000\" is not a port (1-65535, optionally /tcp or /udp)");
  EXPECT_EQ(ErrorOf(base + "forbidden = [\"22/tpc\"]\n"),
            "p.toml:5: forbidden: \"22/tpc\": the protocol is tcp or udp (did you mean \"tcp\"?)");
  EXPECT_EQ(ErrorOf(base + "forbidden = [\"30-20\"]\n"), "p.toml:5: forbidden: \"30-20\": the range is reversed (30 > 20)");
  EXPECT_EQ(ErrorOf(base + "expected = [\"20-30\"]\n"), "p.toml:5: expected: \"20-30\": name one port here, not a range");
  EXPECT_EQ(ErrorOf(base + "expected = [22]\nforbidden = [\"1-100\"]\n"),
            "p.toml:6: port 22/tcp of group \"a\" is both expected (line 5) and forbidden");
  EXPECT_TRUE(ErrorOf(base + "scan = \"1-99999\"\n").starts_with("p.toml:5: ")) << ErrorOf(base + "scan = \"1-99999\"\n");
}

TEST(PolicyFile, GroupOutsideTheScope) {
  EXPECT_EQ(ErrorOf("name = \"x\"\nscope = [\"198.18.0.0/24\"]\n[groups.a]\nhosts = [\"198.18.0.1\",\n"
                    "  \"203.0.113.7\"]\n"),
            "p.toml:5: host \"203.0.113.7\" of group \"a\" is outside the scope (198.18.0.0/24)");
  EXPECT_EQ(ErrorOf("name = \"x\"\nscope = [\"198.18.0.0/24\"]\n[groups.a]\nhosts = [\"198.18.0.0/23\"]\n"),
            "p.toml:4: host \"198.18.0.0/23\" of group \"a\" is outside the scope (198.18.0.0/24): 198.18.1.0 is "
            "not in it");
  // Two adjacent scope networks together hold the range.
  EXPECT_EQ(ErrorOf("name = \"x\"\nscope = [\"198.18.0.0/25\", \"198.18.0.128/25\"]\n[groups.a]\n"
                    "hosts = [\"198.18.0.0/24\"]\n"),
            "");
  EXPECT_EQ(ErrorOf("name = \"x\"\nscope = [\"2001:2::/48\"]\n[groups.a]\nhosts = [\"2001:3::1\"]\n"),
            "p.toml:4: host \"2001:3::1\" of group \"a\" is outside the scope (2001:2::/48)");
}

TEST(PolicyFile, ExceptionsNeedOwnerReasonAndDate) {
  std::string base = "name = \"x\"\nscope = [\"198.18.0.0/15\"]\n[groups.web]\nhosts = [\"198.18.0.1\"]\n[[exceptions]]\n";
  EXPECT_EQ(ErrorOf(base + "host = \"198.18.0.1\"\nport = 22\nreason = \"r\"\nexpires = 2026-01-01\n"),
            "p.toml:5: an exception has no owner");
  EXPECT_EQ(ErrorOf(base + "host = \"198.18.0.1\"\nport = 22\nowner = \" \"\nreason = \"r\"\nexpires = 2026-01-01\n"),
            "p.toml:8: owner of an exception is empty");
  EXPECT_EQ(ErrorOf(base + "host = \"198.18.0.1\"\nport = 22\nowner = \"o\"\nreason = \"r\"\n"),
            "p.toml:5: an exception has no expiry date (add expires = YYYY-MM-DD; no exception lasts forever)");
  EXPECT_EQ(ErrorOf(base + "host = \"198.18.0.1\"\nport = 22\nowner = \"o\"\nreason = \"r\"\nexpires = \"2026-01-01\"\n"),
            "p.toml:10: expires: write the date as a TOML date without quotes, expires = 2026-01-01");
  EXPECT_EQ(ErrorOf(base + "host = \"198.18.0.1\"\nport = 22\nowner = \"o\"\nreason = \"r\"\nexpires = \"31/12/2026\"\n"),
            "p.toml:10: expires: write the date as a TOML date without quotes, expires = 2026-12-31");
  EXPECT_EQ(ErrorOf(base + "host = \"198.18.0.1\"\nport = 22\nowner = \"o\"\nreason = \"r\"\nexpires = 2026-02-30\n")
                .substr(0, 10),
            "p.toml:10:")
      << ErrorOf(base + "host = \"198.18.0.1\"\nport = 22\nowner = \"o\"\nreason = \"r\"\nexpires = 2026-02-30\n");
  EXPECT_EQ(ErrorOf(base + "group = \"wbe\"\nport = 22\nowner = \"o\"\nreason = \"r\"\nexpires = 2026-01-01\n"),
            "p.toml:6: exception names group \"wbe\", which the policy does not define (did you mean \"web\"?)");
  EXPECT_EQ(ErrorOf(base + "port = 22\nowner = \"o\"\nreason = \"r\"\nexpires = 2026-01-01\n"),
            "p.toml:5: an exception names either a host or a group (exactly one)");
}

TEST(PolicyFile, MissingPartsAndFiles) {
  EXPECT_EQ(ErrorOf("scope = [\"198.18.0.0/15\"]\n"), "p.toml:1: the policy has no name (add name = \"...\" at the top)");
  EXPECT_TRUE(ErrorOf("name = \"x\"\n").starts_with("p.toml:1: the policy has no scope"));
  EXPECT_EQ(ErrorOf("name = \"x\"\nscope = []\n"), "p.toml:2: the scope is empty: nothing could be scanned");
  auto r = ReadPolicyFile("/nonexistent/policy.toml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "cannot read policy file \"/nonexistent/policy.toml\": No such file or directory");
}

}  // namespace
}  // namespace tj

namespace tj {
namespace {

TEST(PolicyFile, DeepNestingIsRefusedNotACrash) {
  // toml11 recurses on nesting; these would overflow the stack.
  EXPECT_EQ(ErrorOf("name = \"x\"\na = " + std::string(100000, '[')),
            "p.toml:2: arrays and tables nest deeper than 32 levels");
  std::string inline_tables;
  for (int i = 0; i < 50000; ++i) inline_tables += "{b=";
  EXPECT_EQ(ErrorOf("a = " + inline_tables), "p.toml:1: arrays and tables nest deeper than 32 levels");
  std::string dotted = "a";
  for (int i = 0; i < 50000; ++i) dotted += ".a";
  EXPECT_EQ(ErrorOf("\n[" + dotted + "]\n"), "p.toml:2: keys nest deeper than 32 levels");
  // Brackets and dots inside strings and comments are text.
  EXPECT_EQ(ErrorOf("name = \"" + std::string(100, '[') + "\" # " + std::string(100, '{') +
                    "\nscope = ['" + std::string(100, '.') + "']\n"),
            "p.toml:2: scope: \"" + std::string(100, '.') + "\" is not a network (write it as 198.18.0.0/15 or 2001:2::/48)");
}

}  // namespace
}  // namespace tj

namespace tj {

// Issue 22 row 12: toml11 numbers the lines of a date-time's time part on
// its own ("line 1"); the error names the policy's real line.
TEST(PolicyFile, ABadTimeInADateTimeNamesItsOwnLine) {
  auto p = ParsePolicy("name = \"x\"\nscope = [\"198.18.0.0/15\"]\n\n[[exceptions]]\nhost = \"198.18.0.2\"\n"
                       "port = \"80/tcp\"\nowner = \"me\"\nreason = \"r\"\nexpires = 2026-06-30T25:00:00\n",
                       "p.toml");
  ASSERT_FALSE(p);
  EXPECT_TRUE(p.error().message.starts_with("p.toml:9: invalid time")) << p.error().message;
}

}  // namespace tj
