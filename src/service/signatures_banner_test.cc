// The built-in signatures for services that speak first (the NULL probe's
// banners), against greetings captured on loopback from Debian 12's
// packages (proftpd-basic 1.3.8, pure-ftpd 1.0.50, rsync 3.2.7, subversion
// 1.14.2, nats-server 2.9.10, inspircd 3.15, inetutils-telnetd 2.4) and
// greetings built from the protocol documents or the servers' sources
// where the lab cannot run them (each test names which).
#include <gtest/gtest.h>

#include <string>

#include "service/match.h"
#include "service/probe_db.h"
#include "support/signature_testing.h"

namespace tj {
namespace {

using namespace std::string_literals;

MatchResult Banner(const std::string& reply) { return Answer("NULL", reply); }

TEST(SignaturesBanner, SshImplementations) {
  // RFC 4253 4.2 identification strings as each implementation writes them.
  auto win = Banner("SSH-2.0-OpenSSH_for_Windows_8.1\r\n");
  EXPECT_EQ(win.info.name, "ssh");
  EXPECT_EQ(win.info.product, "OpenSSH for Windows");
  EXPECT_EQ(win.info.version, "8.1");
  EXPECT_EQ(win.info.ostype, "Windows");
  auto bsd = Banner("SSH-2.0-OpenSSH_9.3 FreeBSD-20230316\r\n");
  EXPECT_EQ(bsd.info.product, "OpenSSH");
  EXPECT_EQ(bsd.info.version, "9.3");
  EXPECT_EQ(bsd.info.ostype, "FreeBSD");
  auto pi = Banner("SSH-2.0-OpenSSH_8.4p1 Raspbian-5+deb11u3\r\n");
  EXPECT_EQ(pi.info.extrainfo, "Raspbian 5+deb11u3; protocol 2.0");
  auto ros = Banner("SSH-2.0-ROSSSH\r\n");
  EXPECT_EQ(ros.info.product, "MikroTik RouterOS sshd");
  EXPECT_EQ(ros.info.devicetype, "router");
  EXPECT_EQ(Banner("SSH-2.0-Go\r\n").info.product, "Golang x/crypto/ssh server");
  auto pm = Banner("SSH-2.0-paramiko_3.4.0\r\n");
  EXPECT_EQ(pm.info.product, "Paramiko Python sshd");
  EXPECT_EQ(pm.info.version, "3.4.0");
  EXPECT_EQ(Banner("SSH-2.0-AsyncSSH_2.14.2\r\n").info.version, "2.14.2");
  EXPECT_EQ(Banner("SSH-2.0-mod_sftp\r\n").info.product, "ProFTPD mod_sftp");
  EXPECT_EQ(Banner("SSH-2.0-Erlang/5.1.1\r\n").info.version, "5.1.1");
  EXPECT_EQ(Banner("SSH-2.0-HUAWEI-1.5\r\n").info.product, "Huawei VRP sshd");
  // The existing Debian rule still wins for Debian's OpenSSH.
  EXPECT_EQ(Banner("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n").info.ostype, "Linux");
}

TEST(SignaturesBanner, FtpServers) {
  // proftpd-basic 1.3.8 (captured): no version in its default ServerIdent.
  auto pro = Banner("220 ProFTPD Server (tojimari lab) [127.0.0.1]\r\n");
  EXPECT_FALSE(pro.soft);
  EXPECT_EQ(pro.info.name, "ftp");
  EXPECT_EQ(pro.info.product, "ProFTPD");
  EXPECT_EQ(pro.info.extrainfo, "tojimari lab");
  EXPECT_EQ(Banner("220 ProFTPD 1.3.5e Server (Debian) [::ffff:10.0.0.1]\r\n").info.version, "1.3.5e");
  // pure-ftpd 1.0.50 (captured).
  auto pure = Banner(
      "220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------\r\n220-You are user number 1 of 50 "
      "allowed.\r\n220-Local time is now 23:19. Server port: 42122.\r\n220-This is a private system - No "
      "anonymous login\r\n220-IPv6 connections are also welcome on this server.\r\n220 You will be disconnected "
      "after 15 minutes of inactivity.\r\n");
  EXPECT_EQ(pure.info.product, "Pure-FTPd");
  EXPECT_EQ(pure.info.extrainfo, "[privsep] [TLS]");
  // Greetings from the servers' sources.
  auto servu = Banner("220 Serv-U FTP Server v15.4 ready...\r\n");
  EXPECT_EQ(servu.info.product, "Serv-U ftpd");
  EXPECT_EQ(servu.info.version, "15.4");
  auto obsd = Banner("220 files.example.org FTP server (Version 6.4/OpenBSD) ready.\r\n");
  EXPECT_EQ(obsd.info.product, "OpenBSD ftpd");
  EXPECT_EQ(obsd.info.version, "6.4");
  EXPECT_EQ(obsd.info.hostname, "files.example.org");
  EXPECT_EQ(Banner("220 Twisted 22.10.0 FTP Server\r\n").info.product, "Twisted ftpd");
  EXPECT_EQ(Banner("220 pyftpdlib 1.5.7 ready.\r\n").info.version, "1.5.7");
  EXPECT_EQ(Banner("220 Operation successful\r\n").info.product, "BusyBox ftpd");
}

TEST(SignaturesBanner, GenericFtpGreetingNamesFtp) {
  // No product known: still a hard ftp, on the first line or a later one.
  auto one = Banner("220 Welcome to the Example FTP service.\r\n");
  EXPECT_TRUE(one.matched);
  EXPECT_FALSE(one.soft);
  EXPECT_EQ(one.info.name, "ftp");
  EXPECT_EQ(one.info.product, "");
  auto multi = Banner("220-Welcome to files.example.org\r\n220 This is a private FTP system.\r\n");
  EXPECT_FALSE(multi.soft);
  EXPECT_EQ(multi.info.name, "ftp");
  // An SMTP greeting from a host called ftp is SMTP.
  EXPECT_EQ(Banner("220 ftp.example.org ESMTP ready\r\n").info.name, "smtp");
  // A 220 greeting without FTP is not named ftp by the banner alone...
  EXPECT_NE(Banner("220 Service ready for new user.\r\n").info.name, "ftp");
  // ...but its answer to HELP is (proftpd 1.3.8's, captured).
  auto help = Answer("Help",
                     "220 Service ready for new user.\r\n214-The following commands are recognized (* =>'s "
                     "unimplemented):\r\n CWD     XCWD    CDUP    XCUP    SMNT*   QUIT    PORT    PASV    \r\n"
                     " STOR    STOU    APPE    REST    ABOR    RANG    USER    PASS    \r\n214 Direct comments "
                     "to root@localhost\r\n");
  EXPECT_FALSE(help.soft);
  EXPECT_EQ(help.info.name, "ftp");
  // And its 500 for an empty line (proftpd's, captured).
  auto lines = Answer("GenericLines",
                      "220 Service ready for new user.\r\n500 Invalid command: try being more creative\r\n");
  EXPECT_EQ(lines.info.name, "ftp");
}

TEST(SignaturesBanner, SmtpServers) {
  // Postfix behind postscreen sends "220-" first.
  auto pf = Banner("220-mx.example.org ESMTP Postfix (Debian/GNU)\r\n");
  EXPECT_EQ(pf.info.product, "Postfix smtpd");
  EXPECT_EQ(pf.info.hostname, "mx.example.org");
  // Exim's default smtp_banner.
  auto ex = Banner("220 mail.tojimari.lab ESMTP Exim 4.96 Sun, 06 Dec 2026 23:24:00 +0000\r\n");
  EXPECT_EQ(ex.info.product, "Exim smtpd");
  EXPECT_EQ(ex.info.version, "4.96");
  // Sendmail's "$j Sendmail $v/$Z; $b" with Debian's configuration version.
  auto sm = Banner("220 mail.example.org ESMTP Sendmail 8.17.1.9/8.17.1.9/Debian-2+deb12u2; Sun, 6 Dec 2026\r\n");
  EXPECT_EQ(sm.info.product, "Sendmail");
  EXPECT_EQ(sm.info.version, "8.17.1.9");
  EXPECT_EQ(sm.info.extrainfo, "Debian-2+deb12u2");
  auto iis = Banner("220 mx.corp.example Microsoft ESMTP MAIL Service, Version: 10.0.17763.1 ready at  Sun\r\n");
  EXPECT_EQ(iis.info.version, "10.0.17763.1");
  EXPECT_EQ(iis.info.ostype, "Windows");
  EXPECT_EQ(Banner("220 mx.example.org ESMTP Haraka/3.0.3 ready\r\n").info.product, "Haraka smtpd");
  EXPECT_EQ(Banner("220 mail.example.org ESMTP Service (HCL Domino Release 12.0.2) ready\r\n").info.version,
            "12.0.2");
  // A refusal with an enhanced status code names SMTP, softly.
  auto r = Banner("554 5.7.1 Service unavailable; client host blocked\r\n");
  EXPECT_TRUE(r.soft);
  EXPECT_EQ(r.info.name, "smtp");
}

TEST(SignaturesBanner, Pop3AndImapServers) {
  EXPECT_EQ(Banner("+OK Hello there.\r\n").info.product, "Courier pop3d");
  EXPECT_EQ(Banner("+OK The Microsoft Exchange POP3 service is ready.\r\n").info.product,
            "Microsoft Exchange pop3d");
  auto uw = Banner("+OK POP3 localhost v2003.83 server ready\r\n");
  EXPECT_EQ(uw.info.product, "UW ipop3d");
  EXPECT_EQ(uw.info.version, "2003.83");
  EXPECT_EQ(Banner("+OK mail.example.org Zimbra POP3 server ready\r\n").info.hostname, "mail.example.org");
  EXPECT_EQ(Banner("* OK The Microsoft Exchange IMAP4 service is ready.\r\n").info.product,
            "Microsoft Exchange imapd");
  // Cyrus with and without its version (serverinfo).
  auto cy = Banner("* OK [CAPABILITY IMAP4rev1 LITERAL+ ID ENABLE] mail.example.org Cyrus IMAP 3.6.1-4 server ready\r\n");
  EXPECT_EQ(cy.info.product, "Cyrus imapd");
  EXPECT_EQ(cy.info.version, "3.6.1-4");
  auto cyh = Banner("* OK [CAPABILITY IMAP4rev1 LITERAL+ ID ENABLE] mail.example.org Cyrus IMAP server ready\r\n");
  EXPECT_EQ(cyh.info.product, "Cyrus imapd");
  EXPECT_EQ(cyh.info.version, "");
  auto uwi = Banner("* OK [CAPABILITY IMAP4REV1 I18NLEVEL=1] localhost IMAP4rev1 2007f.404 at Sun, 6 Dec 2026\r\n");
  EXPECT_EQ(uwi.info.product, "UW imapd");
  EXPECT_EQ(uwi.info.version, "2007f.404");
  EXPECT_EQ(Banner("* OK Gimap ready for requests from 192.0.2.1 x1mb\r\n").info.product, "Gmail imapd");
}

TEST(SignaturesBanner, MysqlVariants) {
  // TiDB's handshake (protocol 10, "8.0.11-TiDB-v7.5.0").
  std::string tidb = "\x00\x00\x00\x00\x0a"s + "8.0.11-TiDB-v7.5.0" + "\x00"s + "\x01\x02\x03\x04";
  tidb[0] = static_cast<char>(tidb.size() - 4);
  auto t = Banner(tidb);
  EXPECT_EQ(t.info.name, "mysql");
  EXPECT_EQ(t.info.product, "TiDB");
  EXPECT_EQ(t.info.version, "7.5.0");
  // ER_HOST_IS_BLOCKED (1129) before the handshake.
  std::string blocked = "\x4c\x00\x00\x00\xff\x69\x04"s +
                        "Host '192.0.2.7' is blocked because of many connection errors; unblock with "
                        "'mariadb-admin flush-hosts'";
  EXPECT_EQ(Banner(blocked).info.extrainfo, "host blocked");
}

TEST(SignaturesBanner, OtherGreetings) {
  // rsync 3.2.7 (captured): digests after the protocol version.
  auto rs = Banner("@RSYNCD: 32.0 sha512 sha256 sha1 md5 md4\n");
  EXPECT_EQ(rs.info.name, "rsync");
  EXPECT_EQ(rs.info.extrainfo, "protocol 32.0");
  EXPECT_EQ(Banner("@RSYNCD: 31.0\n").info.extrainfo, "protocol 31.0");
  // svnserve 1.14.2 (captured).
  auto svn = Banner(
      "( success ( 2 2 ( ) ( edit-pipeline svndiff1 accepts-svndiff2 absent-entries commit-revprops depth "
      "log-revprops atomic-revprops partial-replay inherited-props ephemeral-txnprops file-revs-reverse list ) ) ) ");
  EXPECT_EQ(svn.info.name, "svn");
  EXPECT_EQ(svn.info.product, "Subversion");
  // nats-server 2.9.10 (captured).
  auto nats = Banner(
      "INFO {\"server_id\":\"NBS2O7KEFLCOYC3QW4FWNO7CJVWGA2NUHEJ5MXZNT3IBAWF7EN4EH7YO\",\"server_name\":"
      "\"NBS2O7KEFLCOYC3QW4FWNO7CJVWGA2NUHEJ5MXZNT3IBAWF7EN4EH7YO\",\"version\":\"2.9.10\",\"proto\":1,\"go\":"
      "\"go1.19.8\",\"host\":\"127.0.0.1\",\"port\":44222,\"headers\":true,\"max_payload\":1048576,\"client_id\":4,"
      "\"client_ip\":\"127.0.0.1\"} \r\n");
  EXPECT_EQ(nats.info.name, "nats");
  EXPECT_EQ(nats.info.version, "2.9.10");
  EXPECT_EQ(nats.info.extrainfo, "Go 1.19.8");
  // InspIRCd 3.15 (captured): NOTICEs, the host but no product.
  auto irc = Banner(":irc.tojimari.lab NOTICE * :*** Looking up your hostname...\r\n");
  EXPECT_EQ(irc.info.name, "irc");
  EXPECT_EQ(irc.info.hostname, "irc.tojimari.lab");
  // inetutils-telnetd 2.4 (captured) and BusyBox (its telnetd.c).
  EXPECT_EQ(Banner("\xff\xfb%\xff\xfb&\xff\xfd\x18\xff\xfd \xff\xfd#\xff\xfd'\xff\xfd$"s).info.name, "telnet");
  EXPECT_EQ(Banner("\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03"s).info.product, "BusyBox telnetd");
  auto ios = Banner("\xff\xfb\x01\xff\xfb\x03\xff\xfd\x18\xff\xfd\x1f\r\n\r\nUser Access Verification\r\n\r\nUsername: "s);
  EXPECT_EQ(ios.info.product, "Cisco telnetd");
  // Apple's Screen Sharing (RFC 6143 version string).
  EXPECT_EQ(Banner("RFB 003.889\n").info.product, "Apple remote desktop vnc");
  EXPECT_EQ(Banner("RFB 003.008\n").info.extrainfo, "protocol 003.008");
  auto leaf = Banner("200 Leafnode NNTP Daemon, version 1.11.12 running at news.example.org (my fqdn: x)\r\n");
  EXPECT_EQ(leaf.info.product, "Leafnode");
  EXPECT_EQ(leaf.info.version, "1.11.12");
  auto munin = Banner("# munin node at web1.example.org\n");
  EXPECT_EQ(munin.info.name, "munin");
  EXPECT_EQ(munin.info.hostname, "web1.example.org");
  EXPECT_EQ(Banner("ncacn_http/1.0").info.name, "ncacn_http");
  EXPECT_EQ(Banner("Sun Dec  6 23:20:56 2026\r\n").info.name, "daytime");
  // xinetd 2.3.15's built-in daytime (captured), NIST's form.
  EXPECT_EQ(Banner("07 DEC 2026 00:00:17 UTC\r\n").info.name, "daytime");
  EXPECT_EQ(Banner("\n60285 26-12-06 23:20:56 00 0 0 123.4 UTC(NIST) * \n").info.name, "daytime");
  EXPECT_FALSE(Banner("07 DEC 2026 00:00:17 UTC\r\nlogin: ").matched);
  EXPECT_EQ(Banner(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n").info.name,
            "chargen");
}

TEST(SignaturesBanner, BinaryGreetings) {
  // ActiveMQ's WireFormatInfo (OpenWire): size, command 1, "ActiveMQ",
  // version 12, then a properties map with ProviderVersion (type 9).
  std::string wf = "\x00\x00\x01\x10\x01"s + "ActiveMQ" + "\x00\x00\x00\x0c\x01\x00\x00\x00\x20"s +
                   "\x00\x0fProviderVersion\x09\x00\x06"s + "5.18.3" + "\x00\x0cProviderName\x09\x00\x08"s +
                   "ActiveMQ";
  auto amq = Banner(wf);
  EXPECT_EQ(amq.info.name, "activemq");
  EXPECT_EQ(amq.info.version, "5.18.3");
  // BGP NOTIFICATION (RFC 4271 4.5): Cease (6), connection rejected (5).
  auto bgp = Banner(std::string(16, '\xff') + "\x00\x15\x03\x06\x05"s);
  EXPECT_EQ(bgp.info.name, "bgp");
  EXPECT_EQ(bgp.info.extrainfo, "NOTIFICATION");
  // ZMTP 3.0 greeting start (RFC 23): signature, major version 3.
  auto zmq = Banner("\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f\x03"s);
  EXPECT_EQ(zmq.info.name, "zmtp");
  EXPECT_EQ(zmq.info.extrainfo, "ZMTP 3.x");
}

TEST(SignaturesBanner, NegativesStayUnnamed) {
  // Random binary bytes and plain text name nothing.
  EXPECT_FALSE(Banner("\x9c\x13\x5e\x01\xd7\x44\x8a\x00\x2f\x61\xc0\x7e\x11\x93"s).matched);
  EXPECT_FALSE(Banner("hello there\r\n").matched);
  // A 220 greeting that is neither FTP nor SMTP stays unnamed.
  EXPECT_FALSE(Banner("220 ready\r\n").matched);
  // Half a BGP marker is not BGP.
  EXPECT_FALSE(Banner(std::string(8, '\xff')).matched);
}

}  // namespace
}  // namespace tj
