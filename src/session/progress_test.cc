#include "session/progress.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace tj {

TEST(Progress, LineHasPercentRateOpenAndEta) {
  ProgressSnapshot s;
  s.total = 1000;
  s.done = 250;
  s.probes = 300;
  s.open = 3;
  s.elapsed = 10;
  s.probe_rate = 30;
  EXPECT_EQ(ProgressLine(s), "25.0% done; 300 probes sent (30/s); 3 open; 0:00:10 elapsed, about 0:00:30 left");
  s.done = 0;
  EXPECT_NE(ProgressLine(s).find("about unknown left"), std::string::npos);
}

TEST(Progress, ReportsLinesAtTheIntervalWhenNotATerminal) {
  char* buf = nullptr;
  size_t len = 0;
  FILE* mem = open_memstream(&buf, &len);
  ProgressCounters c;
  c.total = 10;
  {
    ProgressReporter r(&c, false, std::chrono::milliseconds(30), mem);
    c.done = 5;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  fclose(mem);
  std::string out(buf, len);
  free(buf);
  EXPECT_NE(out.find("Stats: 50.0% done"), std::string::npos) << out;
  EXPECT_EQ(out.find('\r'), std::string::npos);
}

TEST(Progress, SilentWithoutTerminalOrInterval) {
  char* buf = nullptr;
  size_t len = 0;
  FILE* mem = open_memstream(&buf, &len);
  ProgressCounters c;
  { ProgressReporter r(&c, false, std::chrono::milliseconds(0), mem); }
  fclose(mem);
  EXPECT_EQ(len, 0u);
  free(buf);
}

}  // namespace tj
