#include "core/duration.h"

#include <gtest/gtest.h>

namespace tj {
namespace {

using namespace std::chrono_literals;

Duration Ok(std::string_view text) {
  auto d = ParseDuration(text);
  EXPECT_TRUE(d.ok()) << text << ": " << (d.ok() ? "" : d.error().message);
  return d.ok() ? *d : Duration(-1);
}

std::string Bad(std::string_view text) {
  auto d = ParseDuration(text);
  EXPECT_FALSE(d.ok()) << text << " parsed as " << (d.ok() ? d->count() : 0) << "us";
  return d.ok() ? "" : d.error().message;
}

TEST(Duration, Units) {
  EXPECT_EQ(Ok("500ms"), 500ms);
  EXPECT_EQ(Ok("30s"), 30s);
  EXPECT_EQ(Ok("5m"), 5min);
  EXPECT_EQ(Ok("2h"), 2h);
  EXPECT_EQ(Ok("250us"), 250us);
}

TEST(Duration, BareNumberIsSeconds) {
  EXPECT_EQ(Ok("30"), 30s);
  EXPECT_EQ(Ok("0"), 0s);
  EXPECT_EQ(Ok("0.25"), 250ms);
}

TEST(Duration, Fractions) {
  EXPECT_EQ(Ok("1.5s"), 1500ms);
  EXPECT_EQ(Ok("0.5m"), 30s);
  EXPECT_EQ(Ok("1.5h"), 90min);
  EXPECT_EQ(Ok("2.5ms"), 2500us);
  // Rounded to the nearest microsecond, not truncated.
  EXPECT_EQ(Ok("0.0000006s"), 1us);
  EXPECT_EQ(Ok("0.0000004s"), 0us);
}

TEST(Duration, LongestAllowed) {
  EXPECT_EQ(Ok("1000h"), 1000h);
  EXPECT_NE(Bad("1e12h").find("too long"), std::string::npos);
}

TEST(Duration, ErrorsQuoteTheInput) {
  for (const char* text : {"", "abc", "s", "ms", "-1s", "-5", "1.5x", "5 s", "5S", "5sec", "10mm",
                           "nan", "inf", "1e999", " 5s", "+5s", "1,5s"}) {
    std::string msg = Bad(text);
    EXPECT_NE(msg.find(std::string("\"") + text + "\""), std::string::npos) << msg;
  }
}

TEST(Duration, UnknownUnitIsNamed) {
  std::string msg = Bad("10d");
  EXPECT_NE(msg.find("\"10d\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("unit \"d\""), std::string::npos) << msg;
}

}  // namespace
}  // namespace tj
