// The built-in signatures against replies recorded from real servers in the
// lab (Debian 12's samba 4.17 and xrdp 0.9.21), and against variants built
// from the protocol specifications (MS-SMB2, MS-NLMP, MS-RDPBCGR) for what
// the lab cannot run (Windows).
#include <gtest/gtest.h>

#include <string>

#include "service/match.h"
#include "service/probe_db.h"

namespace tj {
namespace {

using namespace std::string_literals;

MatchResult Answer(const std::string& probe, const std::string& reply) {
  const ProbeDb& db = BuiltinProbeDb();
  const Probe* p = db.Find(probe);
  EXPECT_NE(p, nullptr) << probe;
  return p ? MatchReply(db, *p, reply) : MatchResult{};
}

// smbd's answer to SMB2Negotiate: NEGOTIATE (dialect 3.0.2, GUID "zoo"),
// then SESSION_SETUP's NTLM CHALLENGE (computer ZOO, Version 6.1.0 rev 15).
const std::string kSamba =
    "\x00\x00\x00\xca\xfe\x53\x4d\x42\x40\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x01\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x41"
    "\x00\x01\x00\x02\x03\x00\x00\x7a\x6f\x6f\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x07\x00\x00\x00\x00\x00\x80\x00\x00\x00\x80\x00\x00\x00\x80\x00\x54\x2c\x58\x43\x3a\x7a\xdd"
    "\x01\x00\x00\x00\x00\x00\x00\x00\x00\x80\x00\x4a\x00\x00\x00\x00\x00\x60\x48\x06\x06\x2b\x06"
    "\x01\x05\x05\x02\xa0\x3e\x30\x3c\xa0\x0e\x30\x0c\x06\x0a\x2b\x06\x01\x04\x01\x82\x37\x02\x02"
    "\x0a\xa3\x2a\x30\x28\xa0\x26\x1b\x24\x6e\x6f\x74\x5f\x64\x65\x66\x69\x6e\x65\x64\x5f\x69\x6e"
    "\x5f\x52\x46\x43\x34\x31\x37\x38\x40\x70\x6c\x65\x61\x73\x65\x5f\x69\x67\x6e\x6f\x72\x65\x00"
    "\x00\x00\xb6\xfe\x53\x4d\x42\x40\x00\x00\x00\x16\x00\x00\xc0\x01\x00\x01\x00\x01\x00\x00\x00"
    "\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x25\x6f\x86"
    "\xaf\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x09\x00"
    "\x00\x00\x48\x00\x6e\x00\x4e\x54\x4c\x4d\x53\x53\x50\x00\x02\x00\x00\x00\x06\x00\x06\x00\x38"
    "\x00\x00\x00\x05\x82\x8a\xa2\xa7\xb6\xb9\x94\xb7\x0e\xbb\xc0\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x30\x00\x30\x00\x3e\x00\x00\x00\x06\x01\x00\x00\x00\x00\x00\x0f\x5a\x00\x4f\x00\x4f\x00\x02"
    "\x00\x06\x00\x5a\x00\x4f\x00\x4f\x00\x01\x00\x06\x00\x5a\x00\x4f\x00\x4f\x00\x04\x00\x00\x00"
    "\x03\x00\x04\x00\x76\x00\x6d\x00\x07\x00\x08\x00\x52\x15\x71\x43\x3a\x7a\xdd\x01\x00\x00\x00"
    "\x00"s;

TEST(Signatures, SambaOverSmb2) {
  auto m = Answer("SMB2Negotiate", kSamba);
  ASSERT_TRUE(m.matched);
  EXPECT_FALSE(m.soft);
  EXPECT_EQ(m.info.name, "microsoft-ds");
  EXPECT_EQ(m.info.product, "Samba smbd");
  EXPECT_EQ(m.info.hostname, "ZOO");
  // Over a NetBIOS session: the positive session response first.
  auto nb = Answer("NBSessionSMB2", "\x82\x00\x00\x00"s + kSamba);
  EXPECT_EQ(nb.info.name, "netbios-ssn");
  EXPECT_EQ(nb.info.product, "Samba smbd");
  EXPECT_EQ(nb.info.hostname, "ZOO");
}

TEST(Signatures, WindowsOverSmb2) {
  // The same reply as Windows would send it: a random GUID and its real
  // build in the NTLM Version (10.0 build 20348).
  std::string win = kSamba;
  size_t guid = 4 + 64 + 8;
  win.replace(guid, 16, "\x8a\x31\xc2\x07\x55\x1e\x4b\x4a\x9a\x0d\x17\x22\x61\x7c\x3b\x90"s);
  size_t ver = win.find("\x06\x01\x00\x00\x00\x00\x00\x0f"s);
  ASSERT_NE(ver, std::string::npos);
  win.replace(ver, 8, "\x0a\x00\x7c\x4f\x00\x00\x00\x0f"s);
  auto m = Answer("SMB2Negotiate", win);
  EXPECT_EQ(m.info.product, "Microsoft Windows SMB");
  EXPECT_EQ(m.info.ostype, "Windows");
  EXPECT_EQ(m.info.hostname, "ZOO");
  // The NEGOTIATE reply alone still names the service.
  auto only = Answer("SMB2Negotiate", kSamba.substr(0, 4 + 0xca));
  EXPECT_TRUE(only.matched);
  EXPECT_TRUE(only.soft);
  EXPECT_EQ(only.info.name, "microsoft-ds");
}

TEST(Signatures, RdpConnectionConfirm) {
  // xrdp 0.9.21 with a certificate: flags 0x01, TLS chosen over CredSSP.
  auto x =
      Answer("RDPConnect", "\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x02\x01\x08\x00\x01\x00\x00\x00"s);
  EXPECT_EQ(x.info.name, "ms-wbt-server");
  EXPECT_EQ(x.info.product, "xrdp");
  EXPECT_EQ(x.info.extrainfo, "TLS security");
  // Windows with NLA: more flags, CredSSP (2) chosen.
  auto w =
      Answer("RDPConnect", "\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x02\x1f\x08\x00\x02\x00\x00\x00"s);
  EXPECT_EQ(w.info.product, "Microsoft Terminal Services");
  EXPECT_EQ(w.info.extrainfo, "CredSSP (NLA)");
  // A Negotiation Failure (type 3) is still RDP.
  auto f =
      Answer("RDPConnect", "\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x03\x00\x08\x00\x05\x00\x00\x00"s);
  EXPECT_EQ(f.info.name, "ms-wbt-server");
  EXPECT_EQ(f.info.extrainfo, "negotiation failure");
}

}  // namespace
}  // namespace tj
