// The built-in signatures against replies recorded from real servers in the
// lab (Debian 12's samba 4.17 and xrdp 0.9.21), and against variants built
// from the protocol specifications (MS-SMB2, MS-NLMP, MS-RDPBCGR) for what
// the lab cannot run (Windows). The UDP replies come from tests/lab/udp_zoo.sh's
// Debian 12 servers: dnsmasq 2.90, net-snmp 5.9.3, chrony 4.3, rpcbind 1.2.6,
// memcached 1.6.18.
#include <gtest/gtest.h>

#include <string>

#include "service/match.h"
#include "service/probe_db.h"
#include "support/signature_testing.h"

namespace tj {
namespace {

using namespace std::string_literals;

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


// ---------------------------------------------------------------- UDP

const std::string kDnsmasq =
    "\x7a\x6a\x84\x80\x00\x01\x00\x01\x00\x00\x00\x00\x07\x76\x65\x72\x73\x69\x6f\x6e\x04\x62\x69\x6e"
    "\x64\x00\x00\x10\x00\x03\xc0\x0c\x00\x10\x00\x03\x00\x00\x00\x00\x00\x0d\x0c\x64\x6e\x73\x6d\x61"
    "\x73\x71\x2d\x32\x2e\x39\x30"s;

const std::string kChrony =
    "\x24\x08\x06\xe6\x00\x00\x00\x00\x00\x00\x00\x00\x7f\x7f\x01\x01\xee\xac\xfb\x69\xb2\x74\x25\xc1"
    "\xc5\x0f\x1a\x2b\x3c\x4d\x5e\x6f\xee\xac\xfb\x6b\x90\x68\x74\x37\xee\xac\xfb\x6b\x91\x5c\x4b\xa4"s;

const std::string kSnmpV1 =
    "\x30\x62\x02\x01\x00\x04\x06\x70\x75\x62\x6c\x69\x63\xa2\x55\x02\x04\x74\x6a\x01\x61\x02\x01\x00"
    "\x02\x01\x00\x30\x47\x30\x45\x06\x08\x2b\x06\x01\x02\x01\x01\x01\x00\x04\x39\x4c\x69\x6e\x75\x78"
    "\x20\x76\x6d\x20\x36\x2e\x31\x38\x2e\x34\x34\x2d\x66\x63\x2d\x76\x36\x36\x39\x20\x23\x31\x20\x53"
    "\x4d\x50\x20\x50\x52\x45\x45\x4d\x50\x54\x5f\x44\x59\x4e\x41\x4d\x49\x43\x20\x40\x30\x20\x78\x38"
    "\x36\x5f\x36\x34"s;

const std::string kSnmpV3 =
    "\x30\x71\x02\x01\x03\x30\x11\x02\x04\x74\x6a\x03\x61\x02\x03\x00\xff\xe3\x04\x01\x00\x02\x01\x03"
    "\x04\x21\x30\x1f\x04\x11\x80\x00\x1f\x88\x80\xff\x2c\xff\x42\xe8\x7c\x02\x6b\x00\x00\x00\x00\x02"
    "\x01\x01\x02\x01\x07\x04\x00\x04\x00\x04\x00\x30\x36\x04\x11\x80\x00\x1f\x88\x80\xff\x2c\xff\x42"
    "\xe8\x7c\x02\x6b\x00\x00\x00\x00\x04\x00\xa8\x1f\x02\x04\x74\x6a\x04\x61\x02\x01\x00\x02\x01\x00"
    "\x30\x11\x30\x0f\x06\x0a\x2b\x06\x01\x06\x03\x0f\x01\x01\x04\x00\x41\x01\x01"s;

const std::string kMemcached =
    "\x7a\x6a\x00\x00\x00\x01\x00\x00\x56\x45\x52\x53\x49\x4f\x4e\x20\x31\x2e\x36\x2e\x31\x38\x0d\x0a"s;

const std::string kRpcbind =
    "\x7a\x6a\x00\x02\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x01\x00\x01\x86\xa0\x00\x00\x00\x04\x00\x00\x00\x06\x00\x00\x00\x6f\x00\x00\x00\x01"
    "\x00\x01\x86\xa0\x00\x00\x00\x03\x00\x00\x00\x06\x00\x00\x00\x6f\x00\x00\x00\x01\x00\x01\x86\xa0"
    "\x00\x00\x00\x02\x00\x00\x00\x06\x00\x00\x00\x6f\x00\x00\x00\x01\x00\x01\x86\xa0\x00\x00\x00\x04"
    "\x00\x00\x00\x11\x00\x00\x00\x6f\x00\x00\x00\x01\x00\x01\x86\xa0\x00\x00\x00\x03\x00\x00\x00\x11"
    "\x00\x00\x00\x6f\x00\x00\x00\x01\x00\x01\x86\xa0\x00\x00\x00\x02\x00\x00\x00\x11\x00\x00\x00\x6f"
    "\x00\x00\x00\x00"s;

TEST(Signatures, DnsmasqVersionBindOverUdp) {
  auto m = Answer("DNSVersionBindUDP", kDnsmasq);
  EXPECT_FALSE(m.soft);
  EXPECT_EQ(m.info.name, "domain");
  EXPECT_EQ(m.info.product, "dnsmasq");
  EXPECT_EQ(m.info.version, "2.90");
  // A refusal (REFUSED, no answer) is still a name server, without product.
  auto r = Answer("DNSVersionBindUDP", "\x7a\x6a\x80\x05\x00\x01\x00\x00\x00\x00\x00\x00"s);
  EXPECT_EQ(r.info.name, "domain");
  EXPECT_EQ(r.info.product, "");
  // Another query's answer (other ID) is not ours.
  EXPECT_FALSE(Answer("DNSVersionBindUDP", "\x12\x34" + kDnsmasq.substr(2)).matched);
}

TEST(Signatures, NetSnmpDiscoveryThenSysDescr) {
  // The Report alone: Net-SNMP's enterprise number in the engine ID.
  auto v3 = Answer("SNMPv3Discovery", kSnmpV3);
  EXPECT_TRUE(v3.soft);
  EXPECT_EQ(v3.info.name, "snmp");
  EXPECT_EQ(v3.info.product, "net-snmp");
  // With the v1 answer after it: sysDescr, the host name in it, Linux.
  auto both = Answer("SNMPv3Discovery", kSnmpV3 + kSnmpV1);
  EXPECT_FALSE(both.soft);
  EXPECT_EQ(both.info.product, "net-snmp");
  EXPECT_EQ(both.info.extrainfo, "SNMPv1 public; Linux vm 6.18.44-fc-v669 #1 SMP PREEMPT_DYNAMIC @0 x86_64");
  EXPECT_EQ(both.info.hostname, "vm");
  EXPECT_EQ(both.info.ostype, "Linux");
  // Another vendor's engine ID (enterprise 9, Cisco): SNMP, no product.
  std::string cisco = kSnmpV3;
  for (size_t at = 0; (at = cisco.find("\x80\x00\x1f\x88"s, at)) != std::string::npos;)
    cisco.replace(at, 4, "\x80\x00\x00\x09"s);
  auto other = Answer("SNMPv3Discovery", cisco + kSnmpV1);
  EXPECT_FALSE(other.soft);
  EXPECT_EQ(other.info.product, "");
  EXPECT_EQ(other.info.name, "snmp");
  // v1 alone.
  auto v1 = Answer("SNMPv1GetSysDescr", kSnmpV1);
  EXPECT_EQ(v1.info.name, "snmp");
  EXPECT_EQ(v1.info.hostname, "vm");
}

TEST(Signatures, ChronyIsNtpWithoutProduct) {
  auto m = Answer("NTPRequest", kChrony);
  EXPECT_TRUE(m.matched);
  EXPECT_TRUE(m.soft);  // nothing in a mode 4 reply names the software
  EXPECT_EQ(m.info.name, "ntp");
  EXPECT_EQ(m.info.product, "");
  EXPECT_EQ(m.info.extrainfo, "NTP v4 server; stratum 8");
  // ntpd's READVAR answer after it (RFC 1305 mode 6, built by hand).
  // (Appended rather than operator+: g++ 12 warns falsely on the latter.)
  std::string readvar = "\x16\x82\x00\x01\x06\x18\x00\x00\x00\x00\x00\x40"s;
  readvar += "version=\"ntpd 4.2.8p15@1.3728-o Wed Sep 23 11:46:38 UTC 2020 (1)\", processor=\"x86_64\"";
  auto ntpd = Answer("NTPRequest", kChrony + readvar);
  EXPECT_FALSE(ntpd.soft);
  EXPECT_EQ(ntpd.info.product, "ntpd");
  EXPECT_EQ(ntpd.info.version, "4.2.8p15");
}

TEST(Signatures, RpcbindDump) {
  auto m = Answer("RPCDump", kRpcbind);
  EXPECT_FALSE(m.soft);
  EXPECT_EQ(m.info.name, "rpcbind");
  EXPECT_EQ(m.info.product, "rpcbind");
  EXPECT_EQ(m.info.version, "2-4");  // filled by the rpc-dump decoder
  EXPECT_EQ(m.info.extrainfo, "RPC #100000; 100000 rpcbind v2-4 tcp/udp");
}

TEST(Signatures, MemcachedOverUdp) {
  auto m = Answer("MemcachedUDPVersion", kMemcached);
  EXPECT_EQ(m.info.name, "memcached");
  EXPECT_EQ(m.info.product, "memcached");
  EXPECT_EQ(m.info.version, "1.6.18");
  // The same text without the frame header is not a UDP answer.
  EXPECT_FALSE(Answer("MemcachedUDPVersion", kMemcached.substr(8)).matched);
}

}  // namespace
}  // namespace tj
