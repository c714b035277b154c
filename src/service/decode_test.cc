#include "service/decode.h"

#include <gtest/gtest.h>

#include <string>

namespace tj {
namespace {

using namespace std::string_literals;

// An RPC reply header: xid, REPLY, MSG_ACCEPTED, AUTH_NULL verifier, SUCCESS.
const std::string kHeader =
    "\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"s;

std::string Entry(uint32_t prog, uint32_t vers, uint32_t prot, uint32_t port) {
  std::string s = "\x00\x00\x00\x01"s;
  for (uint32_t v : {prog, vers, prot, port})
    for (int sh = 24; sh >= 0; sh -= 8) s.push_back(static_cast<char>(v >> sh));
  return s;
}
const std::string kEnd = "\x00\x00\x00\x00"s;

TEST(Decode, RpcDumpGroupsPrograms) {
  std::string r = kHeader + Entry(100000, 4, 6, 111) + Entry(100000, 2, 17, 111) + Entry(100000, 3, 17, 111) +
                  Entry(100024, 1, 17, 40000) + Entry(100003, 3, 6, 2049) + Entry(100003, 4, 6, 2049) +
                  Entry(300019, 1, 6, 700) + kEnd;
  ServiceInfo i;
  ASSERT_TRUE(DecodeRpcDump(r, &i));
  EXPECT_EQ(i.version, "2-4");
  EXPECT_EQ(
      i.extrainfo,
      "RPC #100000; 100000 rpcbind v2-4 tcp/udp, 100024 status v1 udp, 100003 nfs v3-4 tcp, 300019 v1 tcp");
}

TEST(Decode, RpcDumpKeepsSignatureFieldsAndGaps) {
  ServiceInfo i;
  i.version = "from signature";
  ASSERT_TRUE(DecodeRpcDump(kHeader + Entry(100000, 2, 6, 111) + Entry(100000, 4, 6, 111) + kEnd, &i));
  EXPECT_EQ(i.version, "from signature");
  EXPECT_EQ(i.extrainfo, "RPC #100000; 100000 rpcbind v2,4 tcp");
}

TEST(Decode, RpcDumpRejectsMalformed) {
  ServiceInfo i;
  std::string good = kHeader + Entry(100000, 2, 6, 111) + kEnd;
  EXPECT_FALSE(DecodeRpcDump(good.substr(0, good.size() - 1), &i));            // list not ended
  EXPECT_FALSE(DecodeRpcDump(kHeader + Entry(1, 1, 6, 1).substr(0, 12), &i));  // truncated entry
  std::string denied = good;
  denied[11] = 1;  // MSG_DENIED
  EXPECT_FALSE(DecodeRpcDump(denied, &i));
  std::string huge_verf = good;
  huge_verf[16] = '\x7f';  // verifier length far past the end
  EXPECT_FALSE(DecodeRpcDump(huge_verf, &i));
  EXPECT_FALSE(DecodeRpcDump("", &i));
  EXPECT_EQ(i.extrainfo, "");
  // Long lists are cut, with a count.
  std::string many = kHeader;
  for (uint32_t p = 0; p < 20; ++p) many += Entry(200000 + p, 1, 17, 1000 + p);
  ASSERT_TRUE(DecodeRpcDump(many + kEnd, &i));
  EXPECT_NE(i.extrainfo.find(", 8 more"), std::string::npos) << i.extrainfo;
}

TEST(Decode, NtpServerReply) {
  std::string r(48, '\0');
  r[0] = '\x24';  // LI 0, version 4, mode 4
  r[1] = 2;
  ServiceInfo i;
  ASSERT_TRUE(DecodeNtp(r, &i));
  EXPECT_EQ(i.extrainfo, "NTP v4 server; stratum 2");
  r[0] = '\xe4';  // LI 3: not synchronised
  ServiceInfo u;
  ASSERT_TRUE(DecodeNtp(r, &u));
  EXPECT_EQ(u.extrainfo, "NTP v4 server; unsynchronized");
  r[0] = '\x1c';  // version 3
  r[1] = 1;
  r.replace(12, 4, "GPS\0"s);
  ServiceInfo g;
  ASSERT_TRUE(DecodeNtp(r, &g));
  EXPECT_EQ(g.extrainfo, "NTP v3 server; stratum 1, reference GPS");
  r[0] = '\x23';  // mode 3: a client request, not an answer
  EXPECT_FALSE(DecodeNtp(r, &i));
  EXPECT_FALSE(DecodeNtp(r.substr(0, 47), &i));
}

TEST(Decode, Names) {
  EXPECT_TRUE(IsDecoder("ntp"));
  EXPECT_TRUE(IsDecoder("rpc-dump"));
  EXPECT_FALSE(IsDecoder("x"));
  ServiceInfo i;
  EXPECT_FALSE(Decode("x", "anything", &i));
}

}  // namespace
}  // namespace tj
