#include "history/ref.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

namespace tj {
namespace {

using std::chrono::system_clock;

int64_t Us(system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

TEST(HistoryRef, IdsAndLatest) {
  auto r = ParseHistoryRef("12");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, HistoryRef::Kind::kId);
  EXPECT_EQ(r->id, 12);
  r = ParseHistoryRef("latest");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, HistoryRef::Kind::kLatest);
  EXPECT_EQ(r->back, 0);
  r = ParseHistoryRef("latest~3");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->back, 3);
}

TEST(HistoryRef, UtcTimes) {
  auto r = ParseHistoryRef("2026-11-20T10:00Z");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->kind, HistoryRef::Kind::kTime);
  EXPECT_EQ(Us(r->at), 1795168800LL * 1000000);
  // Seconds given: the whole second counts as "at" it.
  r = ParseHistoryRef("2026-11-20 10:00:30Z");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Us(r->at), 1795168830LL * 1000000 + 999999);
  // A date alone: the end of that day.
  r = ParseHistoryRef("2026-11-20Z");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Us(r->at), 1795219199LL * 1000000 + 999999);
}

TEST(HistoryRef, LocalTimeFollowsTz) {
  const char* old = getenv("TZ");
  std::string saved = old ? old : "";
  setenv("TZ", "Asia/Tokyo", 1);  // UTC+9, no daylight saving
  tzset();
  auto r = ParseHistoryRef("2026-11-20T19:00");
  if (old)
    setenv("TZ", saved.c_str(), 1);
  else
    unsetenv("TZ");
  tzset();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Us(r->at), 1795168800LL * 1000000);
}

TEST(HistoryRef, RejectsWhatIsNotOne) {
  for (const char* bad : {"", "latest~", "latest~x", "latest~-1", "0", "2026-13-01", "2026-11-20T25:00",
                          "2026-11-20T10", "2026-1-20", "scan.xml", "-3", "2026-11-20T10:00:00Zjunk",
                          "9999-12-31Z", "2263-01-01T00:00Z"}) {  // past what the clock holds
    EXPECT_FALSE(ParseHistoryRef(bad).ok()) << bad;
    EXPECT_FALSE(LooksLikeHistoryRef(bad)) << bad;
  }
  auto r = ParseHistoryRef("yesterday");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("\"yesterday\""), std::string::npos);
}

}  // namespace
}  // namespace tj

namespace tj {

TEST(HistoryRef, ADayTheMonthDoesNotHaveIsRefused) {
  auto r = ParseHistoryRef("2026-02-30");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "\"2026-02-30\": 2026-02 has no day 30");
  EXPECT_TRUE(ParseHistoryRef("2028-02-29"));  // a leap year
  EXPECT_FALSE(ParseHistoryRef("2026-04-31T10:00"));
}

}  // namespace tj
