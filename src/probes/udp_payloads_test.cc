#include "probes/udp_payloads.h"

#include <gtest/gtest.h>

namespace tj {
namespace {

std::string Str(const UdpPayload& p) { return std::string(p.bytes.begin(), p.bytes.end()); }

TEST(UdpPayloads, TheBuiltInFileParsesAndCoversTheProtocols) {
  const auto& t = UdpPayloadTable::Builtin();
  for (uint16_t port : {53, 123, 161, 137, 1900, 5353, 111, 11211, 69, 5060, 500, 67})
    EXPECT_FALSE(t.For(port)[0]->bytes.empty()) << port;
  EXPECT_EQ(t.For(161).size(), 3u);  // v1, v2c, v3
  EXPECT_EQ(t.For(40125).size(), 1u);
  EXPECT_TRUE(t.For(40125)[0]->bytes.empty());
}

// The lengths the protocols' own headers declare match what the file builds.
TEST(UdpPayloads, DeclaredLengthsMatch) {
  const auto& t = UdpPayloadTable::Builtin();
  for (const UdpPayload* p : t.For(161)) {
    ASSERT_GE(p->bytes.size(), 2u);
    EXPECT_EQ(p->bytes[0], 0x30);
    EXPECT_EQ(p->bytes[1] + 2u, p->bytes.size()) << p->name;  // BER SEQUENCE length
  }
  const UdpPayload* ike = t.For(500)[0];
  EXPECT_EQ(ike->bytes.size(), 80u);
  EXPECT_EQ(ike->bytes[27], 80);
  EXPECT_EQ(t.For(123)[0]->bytes.size(), 48u);
  EXPECT_EQ(t.For(111)[0]->bytes.size(), 40u);
  EXPECT_EQ(t.For(67)[0]->bytes.size(), 244u);
  EXPECT_EQ(Str(*t.For(11211)[0]).substr(8), "version\r\n");
}

TEST(UdpPayloads, Directives) {
  auto t = UdpPayloadTable::Parse("# c\nudp x 7,9-10\n  hex 0a0B 0c # tail\n  text \"a\\r\\x41\\\"\" zeros 2\n");
  ASSERT_TRUE(t) << t.error().message;
  const auto& p = *t->For(9)[0];
  EXPECT_EQ(p.name, "x");
  EXPECT_EQ(p.bytes, (std::vector<uint8_t>{10, 11, 12, 'a', '\r', 'A', '"', 0, 0}));
  EXPECT_EQ(t->For(10)[0], &p);
  EXPECT_EQ(t->For(7)[0], &p);
  EXPECT_TRUE(t->For(8)[0]->bytes.empty());
}

TEST(UdpPayloads, ErrorsNameTheLine) {
  auto bad = [](std::string_view text) {
    auto t = UdpPayloadTable::Parse(text);
    return t ? std::string("parsed") : t.error().message;
  };
  EXPECT_EQ(bad("  hex 00\n"), "line 1: payload bytes before the first \"udp NAME PORTS\"");
  EXPECT_EQ(bad("udp x 0\n"), "line 1: bad port list \"0\"");
  EXPECT_EQ(bad("udp x 5\n hex 0g\n"), "line 2: bad hex \"0g\"");
  EXPECT_EQ(bad("udp x 5\n hex 012\n"), "line 2: bad hex \"012\": odd number of digits");
  EXPECT_EQ(bad("udp x 5\n text \"abc\n"), "line 2: unterminated string");
  EXPECT_EQ(bad("udp x 5\n zeros 99999\n"), "line 2: zeros needs a count up to 1400");
  EXPECT_EQ(bad("udp x 5\n bytes 00\n"), "line 2: unknown word \"bytes\" (expected hex, text or zeros)");
  EXPECT_EQ(bad("udpx 5\n"), "line 1: an entry starts with \"udp NAME PORTS\"");
}

}  // namespace
}  // namespace tj

namespace tj {

// nmap's format, layered under ours: its payloads only where ours has none;
// strings continued on the next lines, keywords after them ignored.
TEST(UdpPayloads, NmapPayloadsFillOnlyThePortsOursLeavesEmpty) {
  auto ours = UdpPayloadTable::Parse("udp dns 53\n  text \"Q\"\n");
  ASSERT_TRUE(ours) << ours.error().message;
  const char* nmap =
      "# GenericLines\n"
      "udp 7 \"\\x0D\\x0A\\x0D\\x0A\"\n"
      "# DNS, which ours covers\n"
      "udp 53,5353\n"
      "  \"\\x77\\x77\"\n"
      "  \"ab\"\n"
      "source 5678\n"
      "udp 1000-1001 \"x\" source 9\n";
  auto t = ours->WithNmap(nmap);
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_EQ(t->For(53).size(), 1u);
  EXPECT_EQ(t->For(53)[0]->name, "dns");  // ours kept, nmap's not added
  ASSERT_EQ(t->For(5353).size(), 1u);
  EXPECT_EQ(t->For(5353)[0]->bytes, (std::vector<uint8_t>{0x77, 0x77, 'a', 'b'}));
  ASSERT_EQ(t->For(7).size(), 1u);
  EXPECT_EQ(t->For(7)[0]->bytes, (std::vector<uint8_t>{'\r', '\n', '\r', '\n'}));
  EXPECT_EQ(t->For(1001)[0]->bytes, (std::vector<uint8_t>{'x'}));
  EXPECT_TRUE(t->For(8)[0]->bytes.empty());  // neither has one: the empty datagram
  EXPECT_FALSE(ours->WithNmap("udp 70000 \"x\"\n"));
  EXPECT_FALSE(ours->WithNmap("udp 7 \"\\xZZ\"\n"));
}

// The small services that answer only a datagram with something in it.
TEST(UdpPayloads, SmallServicesGetAPayload) {
  const UdpPayloadTable& t = UdpPayloadTable::Builtin();
  for (uint16_t port : {7, 13, 17, 19, 37}) EXPECT_FALSE(t.For(port)[0]->bytes.empty()) << port;
}

}  // namespace tj
