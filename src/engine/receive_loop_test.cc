// The receive loop on frames in memory: answers come out in the order their
// frames went in, frames that answer nothing are dropped, and Stop reads
// what is still waiting before it joins.
#include "engine/receive_loop.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/frame_testing.h"

namespace tj {
namespace {

// A frame's first byte is its answer; 0 answers nothing.
std::optional<int> FirstByte(std::span<const uint8_t> f) {
  if (f.empty() || f[0] == 0) return std::nullopt;
  return f[0];
}

// Drains until `want` answers came or a second passed.
std::vector<int> DrainUntil(ReceiveLoop<int>& loop, size_t want) {
  std::vector<int> got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (got.size() < want && std::chrono::steady_clock::now() < deadline) {
    for (int a : loop.Drain()) got.push_back(a);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return got;
}

TEST(ReceiveLoop, AnswersComeOutInTheOrderTheirFramesCameIn) {
  FakeFrameSource source;
  ReceiveLoop<int> loop(source, FirstByte);
  loop.Start();
  for (uint8_t b : {3, 0, 1, 2}) source.Push({b});
  EXPECT_EQ(DrainUntil(loop, 3), (std::vector<int>{3, 1, 2}));
  source.Push({7});
  source.Push({});
  source.Push({5});
  EXPECT_EQ(DrainUntil(loop, 2), (std::vector<int>{7, 5}));
  loop.Stop();
  EXPECT_TRUE(loop.Drain().empty());
}

TEST(ReceiveLoop, DrainTakesEachAnswerOnce) {
  FakeFrameSource source;
  ReceiveLoop<int> loop(source, FirstByte);
  loop.Start();
  source.Push({9});
  EXPECT_EQ(DrainUntil(loop, 1), std::vector<int>{9});
  EXPECT_TRUE(loop.Drain().empty());
}

TEST(ReceiveLoop, StopReadsWhatIsLeftThenJoins) {
  FakeFrameSource source;
  ReceiveLoop<int> loop(source, FirstByte);
  loop.Start();
  for (uint8_t b = 1; b <= 50; ++b) source.Push({b});
  loop.Stop();
  // The last poll does not wait: it takes what the source already holds.
  EXPECT_EQ(source.last_timeout(), 0);
  std::vector<int> got = loop.Drain();
  ASSERT_EQ(got.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(got[i], i + 1);
  const int polls = source.polls();
  loop.Stop();  // stopping twice does nothing
  EXPECT_EQ(source.polls(), polls);
}

TEST(ReceiveLoop, NeverStartedPollsNothing) {
  FakeFrameSource source;
  source.Push({1});
  {
    ReceiveLoop<int> loop(source, FirstByte);
    loop.Stop();
    EXPECT_TRUE(loop.Drain().empty());
  }
  EXPECT_EQ(source.polls(), 0);
}

TEST(ReceiveLoop, TheParserRunsOnTheReceiveThread) {
  FakeFrameSource source;
  std::thread::id parsed_on;
  ReceiveLoop<int> loop(source, [&](std::span<const uint8_t> f) {
    parsed_on = std::this_thread::get_id();
    return FirstByte(f);
  });
  loop.Start();
  source.Push({4});
  EXPECT_EQ(DrainUntil(loop, 1), std::vector<int>{4});
  loop.Stop();  // joins: parsed_on is safe to read
  EXPECT_NE(parsed_on, std::this_thread::get_id());
}

}  // namespace
}  // namespace tj
