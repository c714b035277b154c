#include "core/address.h"

#include <gtest/gtest.h>

#include <unordered_set>

namespace tj {
namespace {

Address V4(const char* s) { return *Address::Parse(s); }

TEST(Address, ParsesIPv4Literal) {
  auto a = Address::Parse("198.18.0.1");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->is_v4());
  EXPECT_EQ(a->family(), Family::kV4);
  EXPECT_EQ(a->v4(), 0xc6120001u);
  EXPECT_EQ(a->ToString(), "198.18.0.1");
  EXPECT_EQ(*a, Address::V4(0xc6120001u));
}

TEST(Address, ParsesIPv6Literal) {
  auto a = Address::Parse("2001:db8::1");
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->is_v4());
  EXPECT_EQ(a->family(), Family::kV6);
  EXPECT_EQ(a->bytes()[0], 0x20);
  EXPECT_EQ(a->bytes()[1], 0x01);
  EXPECT_EQ(a->bytes()[2], 0x0d);
  EXPECT_EQ(a->bytes()[3], 0xb8);
  EXPECT_EQ(a->bytes()[15], 0x01);
  EXPECT_EQ(a->ToString(), "2001:db8::1");
  // The canonical form compresses zeros and lower-cases hex digits.
  EXPECT_EQ(Address::Parse("2001:0DB8:0:0:0:0:0:0001")->ToString(), "2001:db8::1");
  EXPECT_EQ(Address::Parse("::")->ToString(), "::");
  EXPECT_EQ(Address::Parse("::ffff:198.18.0.1")->ToString(), "::ffff:198.18.0.1");
}

TEST(Address, RejectsWhatIsNotALiteral) {
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "198.18.0.300", "1.2.3.4 ", " 1.2.3.4",
                          "01.2.3.4x", "0x7f.0.0.1", "localhost", "2001:db8::1::2", "2001:db8::g",
                          "fe80::1%eth0", "[::1]", "1.2.3.4/24"}) {
    EXPECT_FALSE(Address::Parse(bad)) << bad;
  }
  // Longer than any address can be written: refused without parsing.
  EXPECT_FALSE(Address::Parse(std::string(100, '1')));
}

TEST(Address, OrderIsFamilyThenNumeric) {
  EXPECT_LT(V4("9.0.0.1"), V4("10.0.0.1"));  // numeric, not textual
  EXPECT_LT(V4("198.18.0.2"), V4("198.18.0.10"));
  EXPECT_LT(V4("255.255.255.255"), *Address::Parse("::"));
  EXPECT_LT(*Address::Parse("2001:db8::1"), *Address::Parse("2001:db8::2"));
  // IPv4 and its mapped IPv6 form are different addresses.
  EXPECT_NE(V4("198.18.0.1"), *Address::Parse("::ffff:198.18.0.1"));
  EXPECT_EQ(Address(), V4("0.0.0.0"));
}

TEST(Address, SockaddrRoundTrip) {
  for (const char* text : {"198.18.0.1", "2001:db8::42"}) {
    Address a = *Address::Parse(text);
    sockaddr_storage ss;
    socklen_t len = a.ToSockaddr(8080, &ss);
    EXPECT_EQ(len, a.is_v4() ? sizeof(sockaddr_in) : sizeof(sockaddr_in6));
    EXPECT_EQ(ss.ss_family, a.is_v4() ? AF_INET : AF_INET6);
    uint16_t port = a.is_v4() ? reinterpret_cast<sockaddr_in*>(&ss)->sin_port
                              : reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port;
    EXPECT_EQ(ntohs(port), 8080);
    auto back = Address::FromSockaddr(reinterpret_cast<sockaddr*>(&ss));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, a);
  }
  sockaddr_storage unix_sa{};
  unix_sa.ss_family = AF_UNIX;
  EXPECT_FALSE(Address::FromSockaddr(reinterpret_cast<sockaddr*>(&unix_sa)));
}

TEST(Address, SpecialAddresses) {
  EXPECT_TRUE(V4("224.0.0.1").IsMulticast());
  EXPECT_TRUE(V4("239.255.255.255").IsMulticast());
  EXPECT_FALSE(V4("223.255.255.255").IsMulticast());
  EXPECT_FALSE(V4("240.0.0.1").IsMulticast());
  EXPECT_TRUE(Address::Parse("ff02::1")->IsMulticast());
  EXPECT_FALSE(Address::Parse("fe80::1")->IsMulticast());

  EXPECT_TRUE(V4("0.0.0.0").IsUnspecified());
  EXPECT_FALSE(V4("0.0.0.1").IsUnspecified());
  EXPECT_TRUE(Address::Parse("::")->IsUnspecified());
  EXPECT_FALSE(Address::Parse("::1")->IsUnspecified());

  EXPECT_TRUE(V4("255.255.255.255").IsLimitedBroadcast());
  EXPECT_FALSE(V4("198.18.0.255").IsLimitedBroadcast());
  EXPECT_FALSE(Address::Parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")->IsLimitedBroadcast());

  EXPECT_TRUE(V4("127.0.0.1").IsLoopback());
  EXPECT_TRUE(V4("127.255.0.9").IsLoopback());
  EXPECT_FALSE(V4("128.0.0.1").IsLoopback());
  EXPECT_TRUE(Address::Parse("::1")->IsLoopback());
  EXPECT_FALSE(Address::Parse("::2")->IsLoopback());
  EXPECT_FALSE(Address::Parse("::")->IsLoopback());
}

TEST(Address, HashSeparatesFamiliesAndValues) {
  std::unordered_set<Address, AddressHash> set;
  set.insert(V4("198.18.0.1"));
  set.insert(V4("198.18.0.1"));
  set.insert(V4("198.18.0.2"));
  set.insert(*Address::Parse("::"));
  set.insert(V4("0.0.0.0"));
  EXPECT_EQ(set.size(), 4u);
  EXPECT_NE(AddressHash{}(V4("0.0.0.0")), AddressHash{}(*Address::Parse("::")));
}

}  // namespace
}  // namespace tj
