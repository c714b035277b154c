#include "core/target_spec.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>

#include "net/resolve.h"

namespace tj {
namespace {

constexpr auto kV4 = FamilyChoice::kV4;
constexpr auto kV6 = FamilyChoice::kV6;

Address A(std::string_view s) { return *Address::Parse(s); }

// Unit tests never use DNS: literals must not reach the resolver at all.
Result<std::vector<Address>> NoDns(std::string_view name, FamilyChoice) {
  ADD_FAILURE() << "resolver called for \"" << name << "\"";
  return MakeError("no DNS in unit tests");
}

// A fixed zone: each name has addresses of both families.
Result<std::vector<Address>> FakeDns(std::string_view name, FamilyChoice family) {
  static const std::map<std::string, std::pair<std::vector<const char*>, std::vector<const char*>>> zone = {
      {"db.example.test", {{"198.18.0.5", "198.18.0.6"}, {"2001:db8::5"}}},
      {"web.example.test", {{"198.18.7.77"}, {"2001:db8::7:77"}}},
  };
  auto it = zone.find(std::string(name));
  if (it == zone.end()) return MakeError("target \"" + std::string(name) + "\": cannot resolve host name");
  std::vector<Address> out;
  for (const char* s : family == kV4 ? it->second.first : it->second.second) out.push_back(A(s));
  return out;
}

std::vector<TargetRange> Parse(std::string_view text, FamilyChoice family = kV4, const Resolver& r = NoDns) {
  auto got = ParseTarget(text, family, r);
  EXPECT_TRUE(got.ok()) << text << ": " << (got.ok() ? "" : got.error().message);
  return got.ok() ? *got : std::vector<TargetRange>{};
}

TargetRange One(std::string_view text, FamilyChoice family = kV4) {
  auto v = Parse(text, family);
  EXPECT_EQ(v.size(), 1u) << text;
  return v.empty() ? TargetRange::Single(Address()) : v.front();
}

// Expects a parse error that quotes the whole target.
std::string Err(std::string_view text, FamilyChoice family = kV4, const Resolver& r = NoDns) {
  auto got = ParseTarget(text, family, r);
  EXPECT_FALSE(got.ok()) << text;
  if (got.ok()) return "";
  const std::string& msg = got.error().message;
  EXPECT_NE(msg.find("\"" + std::string(text) + "\""), std::string::npos) << msg;
  return msg;
}

void ExpectRange(std::string_view text, uint64_t size, std::string_view first, std::string_view last) {
  TargetRange r = One(text);
  EXPECT_EQ(r.size(), size) << text;
  EXPECT_EQ(r.At(0), A(first)) << text;
  EXPECT_EQ(r.At(r.size() - 1), A(last)) << text;
  EXPECT_FALSE(r.single()) << text;
}

TEST(TargetSpec, Literals) {
  TargetRange v4 = One("198.18.0.1");
  EXPECT_TRUE(v4.single());
  EXPECT_EQ(v4.size(), 1u);
  EXPECT_EQ(v4.At(0), A("198.18.0.1"));
  EXPECT_EQ(v4.name(), "");
  TargetRange v6 = One("2001:db8::1");
  EXPECT_TRUE(v6.single());
  EXPECT_EQ(v6.At(0), A("2001:db8::1"));
  EXPECT_TRUE(One("2001:db8::1/128").single());
}

TEST(TargetSpec, Ipv4Cidr) {
  ExpectRange("198.18.0.0/24", 256, "198.18.0.0", "198.18.0.255");
  ExpectRange("198.18.0.77/24", 256, "198.18.0.0", "198.18.0.255");  // host bits dropped
  ExpectRange("198.18.5.9/22", 1024, "198.18.4.0", "198.18.7.255");
  ExpectRange("198.18.0.1/31", 2, "198.18.0.0", "198.18.0.1");
  ExpectRange("198.18.0.1/32", 1, "198.18.0.1", "198.18.0.1");
  ExpectRange("198.18.0.1/0", uint64_t{1} << 32, "0.0.0.0", "255.255.255.255");
  TargetRange r = One("198.18.0.0/24");
  EXPECT_EQ(r.At(77), A("198.18.0.77"));
}

TEST(TargetSpec, Ipv6Cidr) {
  ExpectRange("2001:db8::/120", 256, "2001:db8::", "2001:db8::ff");
  ExpectRange("2001:db8::1234/112", 65536, "2001:db8::", "2001:db8::ffff");
  ExpectRange("2001:db8::/125", 8, "2001:db8::", "2001:db8::7");
  ExpectRange("2001:db8::/96", uint64_t{1} << 32, "2001:db8::", "2001:db8::ffff:ffff");
  EXPECT_EQ(One("2001:db8::/120").At(0x42), A("2001:db8::42"));
}

TEST(TargetSpec, OctetRanges) {
  ExpectRange("198.18.0.1-20", 20, "198.18.0.1", "198.18.0.20");
  ExpectRange("198.18.0-3.*", 1024, "198.18.0.0", "198.18.3.255");
  ExpectRange("198.18.0.-5", 6, "198.18.0.0", "198.18.0.5");
  ExpectRange("198.18.0.250-", 6, "198.18.0.250", "198.18.0.255");
  ExpectRange("198.18.0.1,5,9", 3, "198.18.0.1", "198.18.0.9");
  ExpectRange("198.18.1,3.1-2,9", 6, "198.18.1.1", "198.18.3.9");
  TargetRange r = One("198.18.0-3.*");
  EXPECT_EQ(r.At(256), A("198.18.1.0"));  // last octet runs fastest
  TargetRange list = One("198.18.0.1,5,9");
  EXPECT_EQ(list.At(1), A("198.18.0.5"));
}

TEST(TargetSpec, SlashEightStaysSmall) {
  TargetRange r = One("10.0.0.0/8");
  EXPECT_EQ(r.size(), 16777216u);
  EXPECT_EQ(r.At(16777215), A("10.255.255.255"));
  EXPECT_EQ(r.At(65536 + 256 + 1), A("10.1.1.1"));
  // Ranges are kept as arithmetic, never as address lists: a whole /0 and
  // a /96 (2^32 each) would exhaust memory if expanded.
  TargetList list;
  ASSERT_TRUE(list.Add("10.0.0.0/8", kV4, NoDns).ok());
  ASSERT_TRUE(list.Add("0.0.0.0/0", kV4, NoDns).ok());
  ASSERT_TRUE(list.Add("2001:db8::/96", kV6, NoDns).ok());
  EXPECT_EQ(list.size(), 16777216u + 2 * (uint64_t{1} << 32));
  EXPECT_LE(sizeof(TargetRange), 2048u);
  EXPECT_LE(sizeof(TargetList), 256u);
  EXPECT_EQ(list.Get(16777216 + 0x0a000001), A("10.0.0.1"));
  EXPECT_EQ(list.Get(list.size() - 1), A("2001:db8::ffff:ffff"));
}

TEST(TargetSpec, AtAndContainsAgree) {
  for (const char* text : {"198.18.0.0/22", "198.18.0-3.1,7,200-210", "198.18.*.-2", "2001:db8::/118",
                           "198.18.0.9", "2001:db8::9"}) {
    TargetRange r = One(text);
    Address prev;
    for (uint64_t i = 0; i < r.size(); ++i) {
      Address a = r.At(i);
      EXPECT_TRUE(r.Contains(a)) << text << " index " << i;
      if (i > 0) {
        EXPECT_LT(prev, a) << text << " is not in ascending order at " << i;
      }
      prev = a;
    }
  }
  TargetRange octets = One("198.18.0-3.1,7,200-210");
  uint64_t inside = 0;
  for (uint32_t v = A("198.18.0.0").v4(); v <= A("198.18.4.255").v4(); ++v)
    inside += octets.Contains(Address::V4(v));
  EXPECT_EQ(inside, octets.size());
  TargetRange v6 = One("2001:db8::/120");
  EXPECT_FALSE(v6.Contains(A("2001:db8::100")));
  EXPECT_FALSE(v6.Contains(A("2001:db9::1")));
  EXPECT_FALSE(v6.Contains(A("0.0.0.1")));
  EXPECT_FALSE(One("0.0.0.0/0").Contains(A("::1")));
  EXPECT_FALSE(One("198.18.0.9").Contains(A("198.18.0.8")));
}

TEST(TargetSpec, Errors) {
  EXPECT_NE(Err("198.18.0.300").find("300"), std::string::npos);
  EXPECT_NE(Err("1.2.3.4/33").find("33"), std::string::npos);
  EXPECT_NE(Err("2001:db8::/33").find("too large"), std::string::npos);
  EXPECT_NE(Err("1.2.3").find("4 octets"), std::string::npos);
  Err("a b");
  Err("1.2.3.4.5");
  Err("198.18.0.5-1");
  Err("198.18..1");
  Err("198.18.0.1,,2");
  Err("1.2.3.4/");
  Err("1.2.3.4/x");
  Err("1.2.3.4/-0");  // not "/0": a sign typo must not sweep all of IPv4
  Err("1.2.3.4/+8");
  Err("2001:db8::/-0");
  Err("198.18.0.1--2");
  Err("1.2.3.4/24/24");
  Err("198.18.0.1-5/24");  // CIDR on a range
  Err("2001:db8::g");
  Err("2001:db8::/129");
  Err("fe80::1%eth0");
  Err("host!");
  EXPECT_FALSE(ParseTarget("", kV4, NoDns).ok());
}

TEST(TargetSpec, HostNamesUseTheResolver) {
  auto v = Parse("db.example.test", kV4, FakeDns);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].At(0), A("198.18.0.5"));
  EXPECT_EQ(v[1].At(0), A("198.18.0.6"));
  EXPECT_TRUE(v[0].single());
  EXPECT_EQ(v[0].name(), "db.example.test");
  auto v6 = Parse("db.example.test", kV6, FakeDns);
  ASSERT_EQ(v6.size(), 1u);
  EXPECT_EQ(v6[0].At(0), A("2001:db8::5"));
  // A name with a prefix sweeps the network around each address.
  auto net = Parse("web.example.test/28", kV4, FakeDns);
  ASSERT_EQ(net.size(), 1u);
  EXPECT_EQ(net[0].size(), 16u);
  EXPECT_EQ(net[0].At(0), A("198.18.7.64"));
  EXPECT_EQ(net[0].At(15), A("198.18.7.79"));
  auto net6 = Parse("web.example.test/120", kV6, FakeDns);
  ASSERT_EQ(net6.size(), 1u);
  EXPECT_EQ(net6[0].size(), 256u);
  EXPECT_EQ(net6[0].At(0), A("2001:db8::7:0"));
  Err("web.example.test/33", kV4, FakeDns);
  Err("web.example.test/64", kV6, FakeDns);
  // Resolver failures come back as the error.
  EXPECT_NE(Err("nosuch.example.test", kV4, FakeDns).find("cannot resolve"), std::string::npos);
}

TEST(TargetSpec, RealResolverFindsLocalhost) {
  auto v = Parse("localhost", kV4, ResolveHost);
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v[0].At(0), A("127.0.0.1"));
  EXPECT_EQ(v[0].name(), "localhost");
}

TEST(TargetList, IndicesSpanAllRanges) {
  TargetList list;
  EXPECT_TRUE(list.empty());
  ASSERT_TRUE(list.Add("198.18.0.1-3", kV4, NoDns).ok());
  ASSERT_TRUE(list.Add("db.example.test", kV4, FakeDns).ok());
  ASSERT_TRUE(list.Add("::/126", kV6, NoDns).ok());
  ASSERT_EQ(list.size(), 3u + 2u + 4u);
  EXPECT_EQ(list.Get(0), A("198.18.0.1"));
  EXPECT_EQ(list.Get(2), A("198.18.0.3"));
  EXPECT_EQ(list.Get(3), A("198.18.0.5"));
  EXPECT_EQ(list.Get(4), A("198.18.0.6"));
  EXPECT_EQ(list.NameOf(4), "db.example.test");
  EXPECT_EQ(list.NameOf(0), "");
  EXPECT_EQ(list.Get(5), std::nullopt);  // "::" inside a range is skipped
  EXPECT_EQ(list.WhySkipped(5), TargetList::Skip::kReserved);
  EXPECT_EQ(list.Get(8), A("::3"));
  EXPECT_FALSE(list.Add("1.2.3", kV4, NoDns).ok());
  EXPECT_EQ(list.size(), 9u);  // a failed Add leaves the list alone
}

TEST(TargetList, ReservedSkippedInRangesKeptAlone) {
  TargetList list;
  for (const char* t : {"224.0.0.0/30", "0.0.0.0/30", "255.255.255.254-255", "ff02::/126",  // 0..13
                        "224.0.0.1", "0.0.0.0", "255.255.255.255", "ff02::1", "::"})        // 14..18
    ASSERT_TRUE(list.Add(t, t[0] == 'f' || t[0] == ':' ? kV6 : kV4, NoDns).ok()) << t;
  ASSERT_EQ(list.size(), 19u);
  std::vector<bool> kept;
  for (uint64_t i = 0; i < list.size(); ++i) {
    kept.push_back(list.Get(i).has_value());
    EXPECT_EQ(list.WhySkipped(i) == TargetList::Skip::kNone, kept.back()) << i;
    if (!kept.back()) {
      EXPECT_EQ(list.WhySkipped(i), TargetList::Skip::kReserved) << i;
    }
  }
  std::vector<bool> want = {0, 0, 0, 0,  0, 1, 1, 1,  1, 0,  0, 0, 0, 0,  1, 1, 1, 1, 1};
  EXPECT_EQ(kept, want);
  EXPECT_EQ(list.Get(18), A("::"));
}

TEST(TargetList, Exclusions) {
  TargetList list;
  ASSERT_TRUE(list.Add("198.18.0.0/24", kV4, NoDns).ok());
  ASSERT_TRUE(list.Add("198.18.9.9", kV4, NoDns).ok());
  ASSERT_TRUE(list.Add("2001:db8::/120", kV6, NoDns).ok());
  ASSERT_TRUE(list.AddExclude("198.18.0.1-10", kV4, NoDns).ok());
  ASSERT_TRUE(list.AddExclude("198.18.9.9", kV4, NoDns).ok());
  ASSERT_TRUE(list.AddExclude("2001:db8::80/121", kV6, NoDns).ok());
  ASSERT_TRUE(list.AddExclude("db.example.test", kV4, FakeDns).ok());
  EXPECT_EQ(list.size(), 256u + 1u + 256u);  // exclusions keep the indices
  EXPECT_EQ(list.Get(0), A("198.18.0.0"));
  EXPECT_EQ(list.WhySkipped(0), TargetList::Skip::kNone);
  for (uint64_t i : {1, 5, 6, 10, 256}) {
    EXPECT_EQ(list.Get(i), std::nullopt) << i;
    EXPECT_EQ(list.WhySkipped(i), TargetList::Skip::kExcluded) << i;
  }
  EXPECT_EQ(list.Get(11), A("198.18.0.11"));
  EXPECT_EQ(list.Get(257 + 0x7f), A("2001:db8::7f"));
  EXPECT_EQ(list.WhySkipped(257 + 0x80), TargetList::Skip::kExcluded);
  EXPECT_EQ(list.WhySkipped(257 + 0xff), TargetList::Skip::kExcluded);
  EXPECT_FALSE(list.AddExclude("198.18.0.300", kV4, NoDns).ok());
}

TEST(TargetList, AddFileWithComments) {
  char path[] = "/tmp/tj_targets_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "# lab hosts\n198.18.0.1 198.18.0.2  # two on a line\n\n"
                         "   \t\n198.18.1.0/30\n#198.18.2.0/24\ndb.example.test\n";
  TargetList list;
  ASSERT_TRUE(list.AddFile(path, kV4, FakeDns, false).ok());
  EXPECT_EQ(list.size(), 2u + 4u + 2u);
  EXPECT_EQ(list.Get(3), A("198.18.1.1"));
  TargetList ex;
  ASSERT_TRUE(ex.Add("198.18.0.0/23", kV4, NoDns).ok());
  ASSERT_TRUE(ex.AddFile(path, kV4, FakeDns, true).ok());
  EXPECT_EQ(ex.WhySkipped(2), TargetList::Skip::kExcluded);
  EXPECT_EQ(ex.WhySkipped(256 + 3), TargetList::Skip::kExcluded);
  EXPECT_EQ(ex.WhySkipped(256 + 4), TargetList::Skip::kNone);

  std::ofstream(path) << "198.18.0.1\n\n198.18.0.300 # bad\n";
  Status s = TargetList().AddFile(path, kV4, NoDns, false);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(std::string(path) + ":3:"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("198.18.0.300"), std::string::npos) << s.message();
  std::remove(path);
  Status missing = TargetList().AddFile(path, kV4, NoDns, false);
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find(path), std::string::npos) << missing.message();
}

}  // namespace
}  // namespace tj
