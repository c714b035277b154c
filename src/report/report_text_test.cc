#include "report/report_text.h"

#include <gtest/gtest.h>

namespace tj {
namespace {

TEST(XmlEscape, MarkupAndWhitespaceAreReferences) {
  EXPECT_EQ(XmlEscape("a&b<c>\"d'e"), "a&amp;b&lt;c&gt;&quot;d&apos;e");
  EXPECT_EQ(XmlEscape("a\tb\nc\rd"), "a&#9;b&#10;c&#13;d");
}

TEST(XmlEscape, ControlBytesAndBadUtf8BecomeVisibleHex) {
  EXPECT_EQ(XmlEscape(std::string("a\x01z", 3)), "a\\x01z");
  EXPECT_EQ(XmlEscape(std::string("\0", 1)), "\\x00");
  EXPECT_EQ(XmlEscape("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(XmlEscape("\xc3"), "\\xc3");              // truncated sequence
  EXPECT_EQ(XmlEscape("\xc0\xaf"), "\\xc0\\xaf");     // overlong '/'
  EXPECT_EQ(XmlEscape("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(XmlEscape("caf\xc3\xa9 \xe6\x9d\xb1 \xf0\x9f\x94\x92"), "caf\xc3\xa9 \xe6\x9d\xb1 \xf0\x9f\x94\x92");
}

TEST(XmlCommentText, NeverHoldsTwoDashes) {
  EXPECT_EQ(XmlCommentText("as: tojimari --reason -oX -"), "as: tojimari -&#45;reason -oX -");
  std::string three = XmlCommentText("a---b");
  EXPECT_EQ(three.find("--"), std::string::npos) << three;
}

TEST(LineSafe, KeepsTheLineOneLine) {
  EXPECT_EQ(LineSafe("host\tname\nx"), "host\\x09name\\x0ax");
  EXPECT_EQ(LineSafe("plain.example"), "plain.example");
}

TEST(DoneSummary, PluralsAndSeconds) {
  RunSummary s;
  s.hosts_total = 1;
  s.hosts_up = 1;
  s.elapsed_seconds = 3.176;
  EXPECT_EQ(DoneSummary(s), "1 IP address (1 host up) scanned in 3.18 seconds");
  s.hosts_total = 256;
  s.hosts_up = 0;
  EXPECT_EQ(DoneSummary(s), "256 IP addresses (0 hosts up) scanned in 3.18 seconds");
}

TEST(CTimeString, LooksLikeCtime) {
  std::string t = CTimeString(std::chrono::system_clock::from_time_t(1700000000));
  EXPECT_EQ(t.size(), 24u) << t;  // "Tue Nov 14 22:13:20 2023"
  EXPECT_NE(t.find("2023"), std::string::npos) << t;
}

}  // namespace
}  // namespace tj
