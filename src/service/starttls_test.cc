// When a reply to an upgrade step is complete and whether it agreed, on
// replies as Postfix, Dovecot, vsftpd, PostgreSQL, OpenLDAP and xrdp send
// them (and as they refuse).
#include "service/starttls.h"

#include <gtest/gtest.h>

namespace tj {
namespace {

using namespace std::string_literals;

TEST(StartTls, Smtp) {
  EXPECT_TRUE(HasStartTls("smtp"));
  EXPECT_EQ(JudgeStep("smtp", 0, "220 zoo.lab ESMTP Pos"), StepReply::kIncomplete);
  EXPECT_EQ(JudgeStep("smtp", 0, "220 zoo.lab ESMTP Postfix (Debian/GNU)\r\n"), StepReply::kYes);
  EXPECT_EQ(JudgeStep("smtp", 0, "554 no\r\n"), StepReply::kNo);
  // EHLO: complete only at the line without a dash.
  std::string ehlo = "250-zoo.lab\r\n250-PIPELINING\r\n250-STARTTLS\r\n";
  EXPECT_EQ(JudgeStep("smtp", 1, ehlo), StepReply::kIncomplete);
  EXPECT_EQ(JudgeStep("smtp", 1, ehlo + "250 CHUNKING\r\n"), StepReply::kYes);
  EXPECT_EQ(JudgeStep("smtp", 2, "220 2.0.0 Ready to start TLS\r\n"), StepReply::kYes);
  EXPECT_EQ(JudgeStep("smtp", 2, "502 5.5.1 Error: command not implemented\r\n"), StepReply::kNo);
  EXPECT_EQ(JudgeStep("smtp", 2, "\x16\x03\x01 garbage\n"), StepReply::kNo);
  EXPECT_EQ(JudgeStep("smtp", 3, "220 \r\n"), StepReply::kNo);  // no such step
}

TEST(StartTls, ImapPop3Ftp) {
  EXPECT_EQ(JudgeStep("imap", 0, "* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot (Debian) ready.\r\n"),
            StepReply::kYes);
  EXPECT_EQ(JudgeStep("imap", 1, "* BYE shutting down\r\n"), StepReply::kIncomplete);
  EXPECT_EQ(JudgeStep("imap", 1, "* CAPABILITY x\r\na OK Begin TLS negotiation now.\r\n"), StepReply::kYes);
  EXPECT_EQ(JudgeStep("imap", 1, "a BAD TLS support isn't enabled.\r\n"), StepReply::kNo);
  EXPECT_EQ(JudgeStep("pop3", 1, "+OK Begin TLS negotiation now.\r\n"), StepReply::kYes);
  EXPECT_EQ(JudgeStep("pop3", 1, "-ERR Unknown command.\r\n"), StepReply::kNo);
  EXPECT_EQ(JudgeStep("ftp", 0, "220-Welcome\r\n220 (vsFTPd 3.0.3)\r\n"), StepReply::kYes);
  EXPECT_EQ(JudgeStep("ftp", 1, "234 Proceed with negotiation.\r\n"), StepReply::kYes);
  EXPECT_EQ(JudgeStep("ftp", 1, "530 Please login with USER and PASS.\r\n"), StepReply::kNo);
  EXPECT_FALSE(HasStartTls("ssh"));
  EXPECT_EQ(JudgeStep("ssh", 0, "SSH-2.0-x\r\n"), StepReply::kNo);
}

TEST(StartTls, Binary) {
  EXPECT_EQ(JudgeStep("postgresql", 0, ""), StepReply::kIncomplete);
  EXPECT_EQ(JudgeStep("postgresql", 0, "S"), StepReply::kYes);
  EXPECT_EQ(JudgeStep("postgresql", 0, "N"), StepReply::kNo);
  // LDAP ExtendedResponse, resultCode success; and protocolError (2).
  std::string ok = "\x30\x0c\x02\x01\x01\x78\x07\x0a\x01\x00\x04\x00\x04\x00"s;
  EXPECT_EQ(JudgeStep("ldap", 0, ok.substr(0, 8)), StepReply::kIncomplete);
  EXPECT_EQ(JudgeStep("ldap", 0, ok), StepReply::kYes);
  std::string refused = ok;
  refused[9] = 2;
  EXPECT_EQ(JudgeStep("ldap", 0, refused), StepReply::kNo);
  EXPECT_EQ(JudgeStep("ldap", 0, "\x30\x84\xff\xff\xff\xff"s), StepReply::kNo);  // too long to be an answer
  // RDP: xrdp's Connection Confirm choosing TLS; one choosing standard RDP security.
  std::string cc = "\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x02\x01\x08\x00\x01\x00\x00\x00"s;
  EXPECT_EQ(JudgeStep("ms-wbt-server", 0, cc.substr(0, 10)), StepReply::kIncomplete);
  EXPECT_EQ(JudgeStep("ms-wbt-server", 0, cc), StepReply::kYes);
  cc[15] = 0;
  EXPECT_EQ(JudgeStep("ms-wbt-server", 0, cc), StepReply::kNo);
  EXPECT_EQ(JudgeStep("ms-wbt-server", 0, "\x03\x00\x00\x04"s), StepReply::kNo);
}

}  // namespace
}  // namespace tj
