// The built-in signatures of the probes for services that answer only a
// request: databases, queues, RPC, remote access, chat, version control,
// VoIP, tunnels. Replies captured on loopback from Debian 12's packages
// (slapd 2.5.13, git 2.39.5's git daemon, ngircd 26.1, inspircd 3.15,
// zabbix-agent 6.0.14) or built byte for byte from the protocol
// specifications named in data/service-probes.txt.
#include <gtest/gtest.h>

#include <string>

#include "service/match.h"
#include "service/probe_db.h"
#include "support/signature_testing.h"

namespace tj {
namespace {

using namespace std::string_literals;

// Each probe's own bytes sent back (an echo service, or a relay) name
// "echo" (match.cc), never the service the probe asks after; and every
// probe for a few ports lists them and is too rare to go to every port.
TEST(SignaturesProto, EchoOfTheProbeIsNotTheService) {
  const ProbeDb& db = BuiltinProbeDb();
  for (const char* name :
       {"MSSQLPrelogin", "OracleTNSVersion", "CQLOptions", "KafkaApiVersions", "BoltHandshake", "MongoIsMaster",
        "STOMPConnect", "EPMDNames", "RPCDumpTCP", "NFSNull", "MSRPCEpmBind", "JavaRMI", "X11Setup", "IRCVersion",
        "XMPPClientStream", "XMPPServerStream", "GitDaemon", "SIPOptions", "RTSPOptions", "PPTPStart",
        "OpenVPNReset", "Socks5", "AJPCPing", "FastCGIGetValues", "HTTP2Preface", "ZabbixAgentVersion",
        "AFPGetStatus", "IdentQuery", "STUNBinding", "ModbusDeviceId", "S7Connect", "ENIPListIdentity",
        "HTTPVersionAPI", "ConsulAgentSelf", "VaultHealth", "MatrixFederationVersion", "NUTVersion", "NRPECheck",
        "GearmanEcho", "BeanstalkdStats", "ClamdVersion", "IPerf3Cookie"}) {
    const Probe* p = db.Find(name);
    ASSERT_NE(p, nullptr) << name;
    ASSERT_FALSE(p->payload.empty()) << name;
    EXPECT_FALSE(p->ports.ranges.empty()) << name;
    EXPECT_GE(p->rarity, 5) << name << ": a probe for a few ports must not go to every port";
    auto m = MatchReply(db, *p, p->payload);
    EXPECT_TRUE(!m.matched || m.info.name == "echo") << name << " named " << m.info.name;
    // Nor does the echo name the service when something follows it.
    auto more = MatchReply(db, *p, p->payload + "\r\n");
    EXPECT_TRUE(!more.matched || more.info.name == "echo") << name << " named " << more.info.name;
  }
}

TEST(SignaturesProto, RandomBlobNamesNothing) {
  const std::string blob = "\x8e\x21\x07\xfa\x00\x3c\x9b\x51\x44\xe0\x12\x7d\xc3\x00\x00\x65\x2a\xb1"s;
  for (const char* name : {"MSSQLPrelogin", "OracleTNSVersion", "CQLOptions", "KafkaApiVersions", "MSRPCEpmBind",
                           "ModbusDeviceId", "S7Connect", "ENIPListIdentity", "PPTPStart", "X11Setup"})
    EXPECT_FALSE(Answer(name, blob).matched) << name;
}

TEST(SignaturesProto, Databases) {
  // MS-TDS 2.2.6.5 PRELOGIN answer: VERSION 15.0.2000.5 (SQL Server 2019).
  auto sql = Answer("MSSQLPrelogin",
                    "\x04\x01\x00+\x00\x00\x01\x00\x00\x00\x15\x00\x06\x01\x00\x1b\x00\x01\x02\x00\x1c\x00\x01\x03"
                    "\x00\x1d\x00\x00\x04\x00\x1d\x00\x01\xff\x0f\x00\x07\xd0\x00\x05\x00\x00\x00"s);
  EXPECT_EQ(sql.info.name, "ms-sql-s");
  EXPECT_EQ(sql.info.product, "Microsoft SQL Server 2019");
  EXPECT_EQ(sql.info.version, "15.0");
  // A TNS REFUSE with the 19c VSNNUM, and an unknown one.
  auto ora = Answer("OracleTNSVersion",
                    "\x00" "e\x00\x00\x04\x00\x00\x00\"\x00\x00Y(DESCRIPTION=(TMP=)(VSNNUM=318767104)(ERR=1189)"
                    "(ERROR_STACK=(ERROR=(CODE=1189)(EMFI=4))))"s);
  EXPECT_EQ(ora.info.name, "oracle-tns");
  EXPECT_EQ(ora.info.version, "19.0.0.0.0");
  auto ora2 = Answer("OracleTNSVersion", "\x00<\x00\x00\x04\x00\x00\x00\"\x00\x00" "0(DESCRIPTION=(TMP=)"
                                         "(VSNNUM=999)(ERR=1189))"s);
  EXPECT_EQ(ora2.info.extrainfo, "VSNNUM 999; error 1189");
  // CQL v4 SUPPORTED (native_protocol_v4.spec 4.2.4), Cassandra 5.0's keys.
  auto cql = Answer("CQLOptions",
                    "\x84\x00\x00\x00\x06\x00\x00\x00[\x00\x03\x00\x11PROTOCOL_VERSIONS\x00\x03\x00\x04" "3/v3\x00"
                    "\x04" "4/v4\x00\x04" "5/v5\x00\x0b" "COMPRESSION\x00\x02\x00\x06snappy\x00\x03lz4\x00\x0b"
                    "CQL_VERSION\x00\x01\x00\x05" "3.4.7"s);
  EXPECT_EQ(cql.info.name, "cassandra");
  EXPECT_EQ(cql.info.product, "Apache Cassandra");
  EXPECT_EQ(cql.info.extrainfo, "CQL 3.4.7");
  // Kafka ApiVersions v0 answer: our correlation ID, no error, Produce first.
  auto kafka = Answer("KafkaApiVersions", "\x00\x00\x00\x16zj\x00\x01\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00"
                                          "\x09\x00\x01\x00\x00\x00\x0d"s);
  EXPECT_EQ(kafka.info.name, "kafka");
  EXPECT_EQ(kafka.info.product, "Apache Kafka");
  auto zk = Answer("ZooKeeperSrvr",
                   "Zookeeper version: 3.8.0-5a02a05eddb59aee6ac762f7ea82e92a68eb9c0f, built on 2022-02-25 08:49 "
                   "UTC\nLatency min/avg/max: 0/0.0/0\nReceived: 1\nSent: 0\nConnections: 1\nOutstanding: 0\nZxid: "
                   "0x0\nMode: standalone\nNode count: 5\n");
  EXPECT_EQ(zk.info.version, "3.8.0-5a02a05eddb59aee6ac762f7ea82e92a68eb9c0f");
  EXPECT_EQ(zk.info.extrainfo, "mode standalone");
  auto bolt = Answer("BoltHandshake", "\x00\x00\x04\x05"s);
  EXPECT_EQ(bolt.info.name, "bolt");
  EXPECT_EQ(bolt.info.extrainfo, "Bolt 5");
  EXPECT_FALSE(Answer("BoltHandshake", "\x00\x00\x00\x00"s).matched);
}

TEST(SignaturesProto, MongoIsMasterThenBuildInfo) {
  // OP_REPLY to isMaster (flags, cursor, start, count 1, a document).
  std::string doc = "\x2d\x00\x00\x00\x08ismaster\x00\x01\x10maxWireVersion\x00\x15\x00\x00\x00\x10minWireVersion"
                    "\x00\x00\x00\x00\x00\x00"s;
  std::string reply = "\x00\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x08\x00\x00\x00"s +
                      std::string(8, '\0') + "\x00\x00\x00\x00\x01\x00\x00\x00"s + doc;
  reply[0] = static_cast<char>(reply.size());
  auto first = Answer("MongoIsMaster", reply);
  EXPECT_TRUE(first.soft);  // so that the buildinfo follow-up is sent
  EXPECT_EQ(first.info.name, "mongodb");
  // OP_MSG (2013) with {version: "7.0.4", ok: 1.0}.
  std::string msg = "\x00\x00\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00\xdd\x07\x00\x00\x00\x00\x00\x00\x00"s +
                    "\x25\x00\x00\x00\x02version\x00\x06\x00\x00\x00" "7.0.4\x00\x01ok\x00"s +
                    std::string(7, '\0') + "\xf0\x3f\x00"s;
  msg[0] = static_cast<char>(msg.size());
  auto both = Answer("MongoIsMaster", reply + msg);
  EXPECT_FALSE(both.soft);
  EXPECT_EQ(both.info.product, "MongoDB");
  EXPECT_EQ(both.info.version, "7.0.4");
}

TEST(SignaturesProto, Messaging) {
  auto stomp = Answer("STOMPConnect", "CONNECTED\nserver:ActiveMQ/5.18.3\nheart-beat:0,0\nsession:ID:x-1\n"
                                      "version:1.2\n\n\x00"s);
  EXPECT_EQ(stomp.info.name, "stomp");
  EXPECT_EQ(stomp.info.product, "ActiveMQ");
  EXPECT_EQ(stomp.info.version, "5.18.3");
  EXPECT_EQ(Answer("STOMPConnect", "ERROR\nmessage:Access refused for user 'guest'\n\n\x00"s).info.extrainfo,
            "Access refused for user 'guest'");
  auto epmd = Answer("EPMDNames", "\x00\x00\x11\x11name rabbit at port 25672\n"s);
  EXPECT_EQ(epmd.info.name, "epmd");
  EXPECT_EQ(epmd.info.extrainfo, "node rabbit on port 25672");
  EXPECT_EQ(Answer("AMQPHeader", "AMQP\x03\x01\x00\x00"s).info.extrainfo, "AMQP 1.0, SASL");
}

TEST(SignaturesProto, DirectoryAndRpc) {
  // slapd 2.5.13's root DSE (captured).
  auto ldap = Answer("LDAPRootDSE", "00\x02\x01\x01" "d+\x04\x00" "0'0%\x04\x0bobjectClass1\x16\x04\x03top\x04"
                                    "\x0fOpenLDAProotDSE0\x0c\x02\x01\x01" "e\x07\n\x01\x00\x04\x00\x04\x00"s);
  EXPECT_EQ(ldap.info.name, "ldap");
  EXPECT_EQ(ldap.info.product, "OpenLDAP");
  // rpcbind 1.2.6's DUMP answer (signatures_test.cc's kRpcbind) behind a
  // TCP record mark, with our TCP xid.
  std::string dump =
      "\x7a\x6a\x00\x03\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
      "\x00\x00\x00\x01\x00\x01\x86\xa0\x00\x00\x00\x04\x00\x00\x00\x06\x00\x00\x00\x6f\x00\x00\x00\x00"s;
  std::string marked = "\x80\x00\x00"s + static_cast<char>(dump.size()) + dump;
  auto rpc = Answer("RPCDumpTCP", marked);
  EXPECT_EQ(rpc.info.name, "rpcbind");
  EXPECT_EQ(rpc.info.product, "rpcbind");
  std::string nfs = "\x80\x00\x00\x18\x7a\x6a\x00\x04\x00\x00\x00\x01"s + std::string(16, '\0');
  EXPECT_EQ(Answer("NFSNull", nfs).info.name, "nfs");
  // A DCE/RPC bind_ack from the endpoint mapper (C706 12.6.4.4).
  auto epm = Answer("MSRPCEpmBind",
                    "\x05\x00\x0c\x03\x10\x00\x00\x00<\x00\x00\x00\x01\x00\x00\x00\xb8\x10\xb8\x10" "E#\x01\x00\x04"
                    "\x00" "135\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x04]\x88\x8a\xeb\x1c\xc9\x11\x9f\xe8\x08"
                    "\x00+\x10H`\x02\x00\x00\x00"s);
  EXPECT_EQ(epm.info.name, "msrpc");
  EXPECT_EQ(epm.info.extrainfo, "endpoint mapper");
  auto rmi = Answer("JavaRMI", "N\x00\x09" "127.0.0.1\x00\x00\xc8\""s);
  EXPECT_EQ(rmi.info.name, "java-rmi");
  EXPECT_EQ(rmi.info.extrainfo, "client seen as 127.0.0.1");
}

TEST(SignaturesProto, RemoteAccessChatAndVcs) {
  // X11 Connection Setup answers (X protocol, "Connection Setup").
  auto denied = Answer("X11Setup", "\x00\x16\x0b\x00\x00\x00\x06\x00No protocol specified\x0a\x00\x00"s);
  EXPECT_EQ(denied.info.name, "x11");
  EXPECT_EQ(denied.info.extrainfo, "access denied: No protocol specified");
  auto open = Answer("X11Setup",
                     "\x01\x00\x0b\x00\x00\x00\x14\x00\x8c\xa5\xb8\x00\x00\x00@\x00\xff\xff\x1f\x00\x00\x01\x00\x00\x14"
                     "\x00\xff\xff\x01\x07\x00\x00  \x08\xff\x00\x00\x00\x00The X.Org Foundation\x01\x01 \x00"s);
  EXPECT_EQ(open.info.product, "The X.Org Foundation");
  EXPECT_EQ(open.info.extrainfo, "open access; X11 11.0");
  // ngircd 26.1 and InspIRCd 3.15 (captured).
  auto ng = Answer("IRCVersion", ":irc.tojimari.lab 451 * :Connection not registered\r\n");
  EXPECT_EQ(ng.info.product, "ngircd");
  EXPECT_EQ(ng.info.hostname, "irc.tojimari.lab");
  auto insp = Answer("IRCVersion",
                     ":irc.tojimari.lab NOTICE * :*** Looking up your hostname...\r\n:irc.tojimari.lab 451 * VERSION "
                     ":You have not registered.\r\n");
  EXPECT_EQ(insp.info.name, "irc");
  // Registered (NICK and USER): 004 RPL_MYINFO names the software and its
  // version (ngircd 26.1, captured; the InspIRCd line from its docs' form).
  auto reg = Answer("IRCRegister",
                    ":irc.zoo.lab 001 tjzj :Welcome to the Internet Relay Network tjzj!~tjzj@198.18.0.1\r\n"
                    ":irc.zoo.lab 002 tjzj :Your host is irc.zoo.lab, running version ngircd-26.1 "
                    "(x86_64/pc/linux-gnu)\r\n:irc.zoo.lab 004 tjzj irc.zoo.lab ngircd-26.1 abBcCFiIoqrRswx "
                    "abehiIklmMnoOPqQrRstvVz\r\n");
  EXPECT_EQ(reg.info.product, "ngircd");
  EXPECT_EQ(reg.info.version, "26.1");
  EXPECT_EQ(reg.info.hostname, "irc.zoo.lab");
  auto reg2 = Answer("IRCRegister", ":irc.example.net 004 tjzj irc.example.net InspIRCd-3 iosw biklmnopstv :bklov\r\n");
  EXPECT_EQ(reg2.info.product, "InspIRCd");
  EXPECT_EQ(reg2.info.version, "3");
  // munin-node 2.0.73's greeting and its answer to "version" (captured).
  auto mu = Answer("MuninVersion", "# munin node at zoo.lab\nmunins node on zoo.lab version: 2.0.73\n");
  EXPECT_EQ(mu.info.product, "Munin node");
  EXPECT_EQ(mu.info.version, "2.0.73");
  EXPECT_EQ(mu.info.hostname, "zoo.lab");
  // XMPP stream headers (RFC 6120 4.2 example, Prosody's attribute order).
  auto xc = Answer("XMPPClientStream",
                   "<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
                   "xml:lang='en' id='1c4a' from='chat.example.org' version='1.0' xmlns='jabber:client'>"
                   "<stream:features/>");
  EXPECT_EQ(xc.info.name, "xmpp-client");
  EXPECT_EQ(xc.info.hostname, "chat.example.org");
  auto xs = Answer("XMPPServerStream",
                   "<?xml version='1.0'?><stream:stream xmlns='jabber:server' "
                   "xmlns:stream='http://etherx.jabber.org/streams' id='9' version='1.0'>");
  EXPECT_EQ(xs.info.name, "xmpp-server");
  // git daemon 2.39.5 (captured).
  auto git = Answer("GitDaemon", "0045ERR access denied or repository not exported: /tojimari-probe.git");
  EXPECT_EQ(git.info.name, "git");
  EXPECT_EQ(git.info.product, "git daemon");
}

TEST(SignaturesProto, VoiceTunnelsAndAppServers) {
  auto ast = Answer("SIPOptions",
                    "SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP nm;branch=z9hG4bK-tojimari\r\nFrom: <sip:nm@nm>;tag=tojimari\r\n"
                    "Call-ID: 7a6a0002@nm\r\nCSeq: 42 OPTIONS\r\nServer: Asterisk PBX 18.10.0~dfsg+~cs6.10.40431411-1\r\n"
                    "Content-Length: 0\r\n\r\n");
  EXPECT_EQ(ast.info.name, "sip");
  EXPECT_EQ(ast.info.product, "Asterisk PBX");
  EXPECT_EQ(ast.info.version, "18.10.0~dfsg");
  auto kam = Answer("SIPOptions", "SIP/2.0 200 OK\r\nServer: kamailio (5.6.4 (x86_64/linux))\r\n\r\n");
  EXPECT_EQ(kam.info.version, "5.6.4");
  EXPECT_EQ(kam.info.extrainfo, "x86_64/linux");
  auto rtsp = Answer("RTSPOptions", "RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: GStreamer RTSP server\r\n\r\n");
  EXPECT_EQ(rtsp.info.product, "GStreamer RTSP server");
  // PPTP Start-Control-Connection-Reply (RFC 2637 2.2).
  std::string pptp = "\x00\x9c\x00\x01\x1a+<M\x00\x02\x00\x00\x01\x00\x01\x00\x00\x00\x00\x01\x00\x00\x00\x01\x00"
                     "\x01\x00\x01"s + "vpn-gw" + std::string(58, '\0') + "linux" + std::string(59, '\0');
  auto pp = Answer("PPTPStart", pptp);
  EXPECT_EQ(pp.info.name, "pptp");
  EXPECT_EQ(pp.info.hostname, "vpn-gw");
  EXPECT_EQ(pp.info.extrainfo, "vendor linux");
  EXPECT_EQ(Answer("OpenVPNReset", "\x00\x1a@SRVSESS1\x01\x00\x00\x00\x00tojimari\x00\x00\x00\x00"s).info.name,
            "openvpn");
  EXPECT_EQ(Answer("Socks5", "\x05\x00"s).info.extrainfo, "no authentication");
  EXPECT_EQ(Answer("Socks5", "\x05\xff"s).info.name, "socks5");
  EXPECT_EQ(Answer("AJPCPing", "AB\x00\x01\x09"s).info.name, "ajp13");
  EXPECT_EQ(Answer("FastCGIGetValues", "\x01\x0a\x00\x00\x00\x12\x06\x00\x0f\x01" "FCGI_MPXS_CONNS0"s).info.name,
            "fastcgi");
  EXPECT_EQ(Answer("HTTP2Preface", "\x00\x00\x06\x04\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x64"s).info.name,
            "http2");
  // An HTTP/1 server answering the preface: GetRequest's signatures.
  EXPECT_EQ(Answer("HTTP2Preface", "HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n\r\n").info.product, "nginx");
}

TEST(SignaturesProto, MonitoringFilesAndSmallServices) {
  // zabbix_agentd 6.0.14 (captured).
  auto zbx = Answer("ZabbixAgentVersion", "ZBXD\x01\x06\x00\x00\x00\x00\x00\x00\x00" "6.0.14"s);
  EXPECT_EQ(zbx.info.name, "zabbix-agent");
  EXPECT_EQ(zbx.info.version, "6.0.14");
  auto afp = Answer("AFPGetStatus", "\x01\x03\x00\x01\x00\x00\x00\x00\x00\x00\x00&\x00\x00\x00\x00\x00\x1a\x00*\x00"
                                    "8\x00\x00\x0eNetatalk3.1.12\x02\x06" "AFP3.4\x06" "AFPX03"s);
  EXPECT_EQ(afp.info.product, "Netatalk");
  EXPECT_EQ(afp.info.version, "3.1.12");
  auto ident = Answer("IdentQuery", "0 , 0 : ERROR : INVALID-PORT\r\n");
  EXPECT_EQ(ident.info.name, "ident");
  EXPECT_EQ(ident.info.extrainfo, "INVALID-PORT");
  EXPECT_EQ(Answer("FingerList", "No one logged on.\r\n").info.name, "finger");
  auto stun = Answer("STUNBinding", "\x01\x01\x00\x18!\x12\xa4" "Btojimaristun\x80\"\x00\x14" "Coturn-4.6.1 'Gorst'"s);
  EXPECT_EQ(stun.info.name, "stun");
  EXPECT_EQ(stun.info.product, "coturn");
  EXPECT_EQ(stun.info.version, "4.6.1");
}

// Daemons that say nothing useful until asked in their own words: the
// generic probes' errors name them (soft), their own request the version.
// Each reply captured from Debian 12's package.
TEST(SignaturesProto, QueuesAndUpsAnswerTheirOwnRequests) {
  // nut-server 2.8.0
  EXPECT_EQ(Answer("GenericLines", "ERR UNKNOWN-COMMAND\nERR UNKNOWN-COMMAND\n").info.name, "nut");
  EXPECT_TRUE(Answer("GenericLines", "ERR UNKNOWN-COMMAND\nERR UNKNOWN-COMMAND\n").soft);
  EXPECT_EQ(Answer("Help", "Commands: HELP VER GET LIST SET INSTCMD LOGIN LOGOUT USERNAME PASSWORD STARTTLS\n").info.name,
            "nut");
  auto nut = Answer("NUTVersion", "Network UPS Tools upsd 2.8.0 - http://www.networkupstools.org/\n");
  EXPECT_EQ(nut.info.name, "nut");
  EXPECT_FALSE(nut.soft);
  EXPECT_EQ(nut.info.product, "Network UPS Tools upsd");
  EXPECT_EQ(nut.info.version, "2.8.0");
  // gearman-job-server 1.1.20+ds: the echo, then "version" on the same connection.
  auto gm_err = Answer("GenericLines", "ERR UNKNOWN_COMMAND Unknown+server+command\r\n");
  EXPECT_EQ(gm_err.info.name, "gearman");
  EXPECT_TRUE(gm_err.soft);
  const std::string echo = "\0RES\0\0\0\x11\0\0\0\x04tjzj"s;
  EXPECT_TRUE(Answer("GearmanEcho", echo).soft);
  auto gm = Answer("GearmanEcho", echo + "OK 1.1.20+ds\n");
  EXPECT_FALSE(gm.soft);
  EXPECT_EQ(gm.info.product, "gearmand");
  EXPECT_EQ(gm.info.version, "1.1.20");
  // beanstalkd 1.12
  EXPECT_EQ(Answer("GenericLines", "UNKNOWN_COMMAND\r\nUNKNOWN_COMMAND\r\n").info.name, "beanstalkd");
  auto bs = Answer("BeanstalkdStats",
                   "OK 957\r\n---\ncurrent-jobs-urgent: 0\ncurrent-jobs-ready: 0\ntotal-jobs: 0\n"
                   "max-job-size: 65535\npid: 10467\nversion: \"1.12\"\nrusage-utime: 0.007885\nuptime: 21\n"
                   "hostname: vm\nplatform: x86_64\n\r\n");
  EXPECT_EQ(bs.info.name, "beanstalkd");
  EXPECT_EQ(bs.info.version, "1.12");
  // cvs 1.12.13 under xinetd: any first line but its own is refused by name.
  auto cvs = Answer("GenericLines", "cvs [pserver aborted]: bad auth protocol start: \r\n");
  EXPECT_EQ(cvs.info.name, "cvspserver");
  EXPECT_EQ(cvs.info.product, "CVS pserver");
  EXPECT_EQ(Answer("Help", "cvs [pserver aborted]: bad auth protocol start: HELP\r\n").info.name, "cvspserver");
  // nagios-nrpe-server 4.1.0, a v2 answer inside TLS: version 2, type 2,
  // CRC, result 0, then the 1024-byte buffer.
  std::string nrpe = "\x00\x02\x00\x02o\x16" "B-\x00\x00" "NRPE v4.1.0"s;
  nrpe.resize(1036, '\0');
  auto nr = Answer("NRPECheck", nrpe);
  EXPECT_EQ(nr.info.name, "nrpe");
  EXPECT_EQ(nr.info.version, "4.1.0");
  // Our own query is a well-formed v2 packet: its CRC-32 checks out.
  const Probe* q = BuiltinProbeDb().Find("NRPECheck");
  ASSERT_NE(q, nullptr);
  ASSERT_EQ(q->payload.size(), 1036u);
  EXPECT_EQ(q->payload.substr(10, 12), "_NRPE_CHECK\0"s);
}

// Captured in the test zoo from Debian 12's packages.
TEST(SignaturesProto, ZooDaemonsOfTheirOwnKind) {
  auto nbd = Answer("NULL", "NBDMAGICIHAVEOPT\x00\x03"s);
  EXPECT_EQ(nbd.info.name, "nbd");
  EXPECT_EQ(nbd.info.product, "Network Block Device");
  // mpd 0.23.12 greets with its protocol's version, not its own.
  auto mpd = Answer("NULL", "OK MPD 0.23.5\n");
  EXPECT_EQ(mpd.info.name, "mpd");
  EXPECT_EQ(mpd.info.version, "");
  EXPECT_EQ(mpd.info.extrainfo, "protocol 0.23.5");
  auto gps = Answer("NULL", R"({"class":"VERSION","release":"3.22","rev":"3.22","proto_major":3,"proto_minor":14})"
                            "\r\n");
  EXPECT_EQ(gps.info.product, "gpsd");
  EXPECT_EQ(gps.info.version, "3.22");
  EXPECT_EQ(gps.info.extrainfo, "rev 3.22; protocol 3.14");
  // PgBouncer 1.18.0 (S, C, M only) against PostgreSQL 15 (V, F, L, R too).
  auto bouncer = Answer("PgStartup", "E\x00\x00\x00\x32" "SFATAL\x00" "C08P01\x00" "M\"trust\" authentication failed\x00\x00"s);
  EXPECT_EQ(bouncer.info.name, "pgbouncer");
  EXPECT_EQ(bouncer.info.product, "PgBouncer");
  auto pg = Answer("PgStartup", "E\x00\x00\x00\x67" "SFATAL\x00VFATAL\x00" "C28000\x00Mno pg_hba.conf entry\x00"
                                "Fauth.c\x00L543\x00RClientAuthentication\x00\x00"s);
  EXPECT_EQ(pg.info.name, "postgresql");
  auto clam = Answer("ClamdVersion", "ClamAV 1.4.6\n");
  EXPECT_EQ(clam.info.product, "ClamAV");
  EXPECT_EQ(clam.info.version, "1.4.6");
  auto clam_db = Answer("ClamdVersion", "ClamAV 1.4.6/27000/Mon Dec  7 09:00:00 2026\n");
  EXPECT_EQ(clam_db.info.version, "1.4.6");
  EXPECT_EQ(clam_db.info.extrainfo, "signatures 27000, Mon Dec  7 09:00:00 2026");
  EXPECT_EQ(Answer("IPerf3Cookie", "\x09").info.name, "iperf3");
  EXPECT_FALSE(Answer("IPerf3Cookie", "\x09\x00"s).matched);
  auto vpn = Answer("OpenVPNReset", "\x00\x1a@\x01\x02\x03\x04\x05\x06\x07\x08\x01\x00\x00\x00\x00tojimari\x00\x00\x00\x00"s);
  EXPECT_EQ(vpn.info.name, "openvpn");
  EXPECT_EQ(vpn.info.product, "OpenVPN");
}

TEST(SignaturesProto, Industrial) {
  // Modbus Read Device Identification answer (Modbus spec 6.21).
  auto mb = Answer("ModbusDeviceId", "zj\x00\x00\x00&\xff+\x0e\x01\x01\x00\x00\x03\x00\x09Schneider\x01\x0a"
                                     "BMX P34 20\x02\x05v3.10"s);
  EXPECT_EQ(mb.info.name, "modbus");
  EXPECT_EQ(mb.info.product, "Schneider BMX P34 20");
  EXPECT_EQ(mb.info.version, "v3.10");
  // An exception (illegal function) is Modbus all the same.
  auto ex = Answer("ModbusDeviceId", "zj\x00\x00\x00\x03\xff\xab\x01"s);
  EXPECT_EQ(ex.info.name, "modbus");
  EXPECT_EQ(ex.info.extrainfo, "exception");
  // S7: the COTP Connection Confirm alone (soft, so Setup Communication
  // follows), then with the S7comm ack_data.
  std::string cc = "\x03\x00\x00\x16\x11\xd0\x00\x01\x00\x0c\x00\xc0\x01\x0a\xc1\x02\x01\x00\xc2\x02\x01\x02"s;
  auto s7cc = Answer("S7Connect", cc);
  EXPECT_TRUE(s7cc.soft);
  EXPECT_EQ(s7cc.info.name, "iso-tsap");
  auto s7 = Answer("S7Connect", cc + "\x03\x00\x00\x1b\x02\xf0\x80" "2\x03\x00\x00\x00\x00\x00\x08\x00\x00\x00\x00"
                                     "\xf0\x00\x00\x01\x00\x01\x00\xf0"s);
  EXPECT_FALSE(s7.soft);
  EXPECT_EQ(s7.info.product, "Siemens S7 PLC");
  // EtherNet/IP ListIdentity answer (CIP Vol. 2 2-4.3.2).
  auto enip = Answer("ENIPListIdentity",
                     "c\x00" "3\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                     "\x01\x00\x0c\x00-\x00\x01\x00\x00\x02\xaf\x12\x7f\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00"
                     "\x01\x00\x0c\x00\xa6\x00\x0b\x02" "0\x00xV4\x12\x0b" "1756-EN2T/D\x03"s);
  EXPECT_EQ(enip.info.name, "enip");
  EXPECT_EQ(enip.info.product, "1756-EN2T/D");
}

}  // namespace
}  // namespace tj
