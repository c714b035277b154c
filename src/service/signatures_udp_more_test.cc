// The built-in UDP probes added for SIP, SQL Server Browser, BACnet/IP, STUN,
// EtherNet/IP, IKE, NetBIOS, SSDP, mDNS, OpenVPN and CoAP, against answers
// built byte for byte from their specifications (named in
// data/service-probes.txt), and the probes' own datagrams as negatives.
#include <gtest/gtest.h>

#include <string>

#include "probes/udp_payloads.h"
#include "service/match.h"
#include "service/probe_db.h"
#include "support/signature_testing.h"

namespace tj {
namespace {

using namespace std::string_literals;

TEST(SignaturesUdpMore, ProbesAreUdpAndEchoesAreNotTheService) {
  const ProbeDb& db = BuiltinProbeDb();
  for (const char* name : {"SIPOptionsUDP", "MSSQLBrowser", "BACnetReadProperty", "STUNBindingUDP",
                           "ENIPListIdentityUDP", "IKEMainMode", "NBNSNodeStatus", "SSDPSearch", "MDNSServices",
                           "OpenVPNResetUDP", "CoAPWellKnownCore", "DaytimeUDP", "ChargenUDP", "TimeUDP"}) {
    const Probe* p = db.Find(name);
    ASSERT_NE(p, nullptr) << name;
    EXPECT_TRUE(p->udp) << name;
    EXPECT_FALSE(p->payload.empty()) << name;
    auto m = MatchReply(db, *p, p->payload);
    EXPECT_TRUE(!m.matched || m.info.name == "echo") << name << " named " << m.info.name;
  }
  // -sU asks BACnet's question too (udp-payloads.txt).
  ASSERT_EQ(UdpPayloadTable::Builtin().For(47808).size(), 1u);
  EXPECT_EQ(UdpPayloadTable::Builtin().For(47808)[0]->bytes.size(), 17u);
}

// xinetd 2.3.15's UDP built-ins (captured): chargen continues its pattern
// where the last datagram stopped.
TEST(SignaturesUdpMore, SmallServices) {
  EXPECT_EQ(Answer("DaytimeUDP", "07 DEC 2026 00:13:12 UTC\r\n").info.name, "daytime");
  const std::string line1 = "FGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~ !\"#$%&'()*+,-.";
  const std::string line2 = "GHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~ !\"#$%&'()*+,-./";
  ASSERT_EQ(line1.size(), 72u);
  EXPECT_EQ(Answer("ChargenUDP", line1 + "\r\n" + line2 + "\r\n").info.name, "chargen");
  auto t = Answer("TimeUDP", "\xee\xc0x\x99");
  EXPECT_EQ(t.info.name, "time");
  EXPECT_EQ(t.info.extrainfo, "32 bits");
  EXPECT_FALSE(Answer("TimeUDP", "\xee\xc0x\x99\x00"s).matched);
  // Too little to say beyond their own ports.
  EXPECT_EQ(BuiltinProbeDb().Find("TimeUDP")->rarity, 9);
  EXPECT_EQ(BuiltinProbeDb().Find("ChargenUDP")->rarity, 9);
}

TEST(SignaturesUdpMore, SipOverUdp) {
  auto m = Answer("SIPOptionsUDP",
                  "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP nm;branch=z9hG4bK-tojimari;rport=5060\r\nCall-ID: 7a6a0001@nm\r\n"
                  "CSeq: 42 OPTIONS\r\nUser-Agent: FPBX-16.0.40.7(18.20.0)\r\nAllow: INVITE, ACK, OPTIONS\r\n"
                  "Content-Length: 0\r\n\r\n");
  EXPECT_EQ(m.info.name, "sip");
  EXPECT_EQ(m.info.product, "FreePBX");
  EXPECT_EQ(m.info.version, "16.0.40.7");
  EXPECT_EQ(m.info.extrainfo, "Asterisk 18.20.0");
  auto fs = Answer("SIPOptionsUDP", "SIP/2.0 200 OK\r\nUser-Agent: FreeSWITCH-mod_sofia/1.10.10-release~64bit\r\n\r\n");
  EXPECT_EQ(fs.info.product, "FreeSWITCH");
  EXPECT_EQ(fs.info.version, "1.10.10-release");
}

TEST(SignaturesUdpMore, SqlServerBrowser) {
  std::string resp = "ServerName;DB01;InstanceName;MSSQLSERVER;IsClustered;No;Version;15.0.2000.5;tcp;1433;;";
  std::string dgram = "\x05"s + static_cast<char>(resp.size()) + "\x00"s + resp;
  auto m = Answer("MSSQLBrowser", dgram);
  EXPECT_EQ(m.info.name, "ms-sql-m");
  EXPECT_EQ(m.info.product, "Microsoft SQL Server");
  EXPECT_EQ(m.info.version, "15.0.2000.5");
  EXPECT_EQ(m.info.hostname, "DB01");
  EXPECT_EQ(m.info.extrainfo, "instance MSSQLSERVER; tcp port 1433");
}

TEST(SignaturesUdpMore, BacnetVendorName) {
  // ComplexACK for ReadProperty(device 4194303, vendor-name): a character
  // string of 30 bytes (encoding 0 and 29 characters).
  std::string name = "Siemens Building Technologies";
  std::string ack = "\x81\x0a\x00\x00\x01\x00\x30\x01\x0c\x0c\x02\x00\x00\x01\x19\x79\x3e\x75"s +
                    static_cast<char>(name.size() + 1) + "\x00"s + name + "\x3f"s;
  ack[3] = static_cast<char>(ack.size());
  auto m = Answer("BACnetReadProperty", ack);
  EXPECT_EQ(m.info.name, "bacnet");
  EXPECT_EQ(m.info.product, name);
  EXPECT_EQ(m.info.devicetype, "specialized");
  // A short name uses the length in the tag byte itself (0x74: 4 bytes).
  auto shrt = Answer("BACnetReadProperty", "\x81\x0a\x00\x17\x01\x00\x30\x01\x0c\x0c\x02\x00\x00\x01\x19\x79\x3e\x74"
                                           "\x00" "ABC\x3f"s);
  EXPECT_EQ(shrt.info.product, "ABC");
  // An Error PDU for our invoke ID: BACnet, no product.
  auto err = Answer("BACnetReadProperty", "\x81\x0a\x00\x0d\x01\x00\x50\x01\x0c\x91\x02\x91\x20"s);
  EXPECT_EQ(err.info.name, "bacnet");
  EXPECT_EQ(err.info.product, "");
}

TEST(SignaturesUdpMore, StunEnipAndIke) {
  auto stun = Answer("STUNBindingUDP", "\x01\x01\x00\x0c!\x12\xa4" "Btojimaristun\x00\x20\x00\x08\x00\x01\xe1\x2a"
                                       "\x5e\x12\xa4\x43"s);
  EXPECT_EQ(stun.info.name, "stun");
  // Another transaction's answer is not ours.
  EXPECT_FALSE(Answer("STUNBindingUDP", "\x01\x01\x00\x00!\x12\xa4" "Bsomeoneelse"s).matched);
  auto enip = Answer("ENIPListIdentityUDP",
                     "c\x00" "3\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                     "\x01\x00\x0c\x00-\x00\x01\x00\x00\x02\xaf\x12\x7f\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00"
                     "\x01\x00\x0c\x00\xa6\x00\x0b\x02" "0\x00xV4\x12\x0b" "1756-EN2T/D\x03"s);
  EXPECT_EQ(enip.info.product, "1756-EN2T/D");
  // ISAKMP answer: our initiator cookie, a responder cookie, next payload
  // SA (1), version 1.0, main mode (2).
  auto ike = Answer("IKEMainMode", "zjtojima\x11\x22\x33\x44\x55\x66\x77\x88\x01\x10\x02\x00\x00\x00\x00\x00\x00\x00"
                                   "\x00\x50"s);
  EXPECT_EQ(ike.info.name, "isakmp");
  EXPECT_EQ(ike.info.extrainfo, "IKEv1");
}

TEST(SignaturesUdpMore, NetbiosSsdpMdns) {
  // NBSTAT answer (RFC 1002 4.2.18): two names, the machine's first.
  std::string nb = "\x7a\x6a\x84\x00\x00\x00\x00\x01\x00\x00\x00\x00\x20"s + "CK" + std::string(30, 'A') +
                   "\x00\x00\x21\x00\x01\x00\x00\x00\x00\x00\x41\x02"s + "FILESRV        " + "\x00\x04\x00"s +
                   "WORKGROUP      " + "\x00\x84\x00"s + std::string(6, '\0');
  auto n = Answer("NBNSNodeStatus", nb);
  EXPECT_EQ(n.info.name, "netbios-ns");
  EXPECT_EQ(n.info.hostname, "FILESRV");
  auto ssdp = Answer("SSDPSearch",
                     "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: upnp:rootdevice\r\nUSN: uuid:1::upnp:rootdevice\r\n"
                     "EXT:\r\nSERVER: OpenWRT/23.05 UPnP/1.1 MiniUPnPd/2.3.3\r\nLOCATION: http://192.0.2.1:5000/rootDesc.xml\r\n\r\n");
  EXPECT_EQ(ssdp.info.name, "upnp");
  EXPECT_EQ(ssdp.info.product, "MiniUPnP");
  EXPECT_EQ(ssdp.info.version, "2.3.3");
  EXPECT_EQ(Answer("MDNSServices", "\x7a\x6a\x84\x00\x00\x01\x00\x01\x00\x00\x00\x00"s).info.name, "mdns");
}

TEST(SignaturesUdpMore, OpenVpnAndCoap) {
  EXPECT_EQ(Answer("OpenVPNResetUDP", "@SRVSESS1\x01\x00\x00\x00\x00tojimari\x00\x00\x00\x00"s).info.name, "openvpn");
  auto coap = Answer("CoAPWellKnownCore", "\x60\x45\x7a\x6a\xc1\x28\xff</sensors/temp>;rt=\"temperature\""s);
  EXPECT_EQ(coap.info.name, "coap");
  EXPECT_EQ(coap.info.extrainfo, "resource list");
  // A random datagram is none of them.
  const std::string blob = "\x3c\x91\x00\x07\xe2\x5d\x44\x10\xfe\x08"s;
  for (const char* name : {"MSSQLBrowser", "BACnetReadProperty", "IKEMainMode", "NBNSNodeStatus", "CoAPWellKnownCore"})
    EXPECT_FALSE(Answer(name, blob).matched) << name;
}

}  // namespace
}  // namespace tj
