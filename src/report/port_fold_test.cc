#include "report/port_fold.h"

#include <gtest/gtest.h>

#include "support/writer_testing.h"

namespace tj {
namespace {

using report_testing::MakePort;
using report_testing::SampleHost;

TEST(PortRanges, CollapsesRunsSortsAndDropsDuplicates) {
  EXPECT_EQ(PortRanges({}), "");
  EXPECT_EQ(PortRanges({22}), "22");
  EXPECT_EQ(PortRanges({1, 2, 3, 5, 80, 81}), "1-3,5,80-81");
  EXPECT_EQ(PortRanges({443, 80, 22, 80, 21}), "21-22,80,443");
  EXPECT_EQ(PortRanges({65534, 65535, 1}), "1,65534-65535");
}

TEST(FoldPorts, FoldsLargeStatesLargestFirst) {
  HostResult h = SampleHost();
  PortFold f = FoldPorts(h.ports, 0, false);
  ASSERT_EQ(f.shown.size(), 3u);
  EXPECT_EQ(f.shown[0]->port, 22);
  EXPECT_EQ(f.shown[1]->port, 80);
  EXPECT_EQ(f.shown[2]->port, 33080);
  ASSERT_EQ(f.folded.size(), 2u);
  EXPECT_EQ(f.folded[0].state, PortState::kClosed);
  EXPECT_EQ(f.folded[0].count, 967u);
  // 30 + 1 filtered ports: over 25 together, so the lone admin-prohibited one is folded too.
  EXPECT_EQ(f.folded[1].state, PortState::kFiltered);
  EXPECT_EQ(f.folded[1].count, 31u);
}

TEST(FoldPorts, TwoStatesAndReasonsBrokenDown) {
  std::vector<PortResult> ports;
  for (uint16_t p = 1; p <= 40; ++p) ports.push_back(MakePort("198.18.0.2", p, PortState::kClosed, Reason::kConnRefused));
  for (uint16_t p = 100; p < 130; ++p)
    ports.push_back(MakePort("198.18.0.2", p, PortState::kFiltered, p < 110 ? Reason::kAdminProhibited : Reason::kNoResponse));
  ports.push_back(MakePort("198.18.0.2", 22, PortState::kOpen, Reason::kSynAck));
  PortFold f = FoldPorts(ports, 0, false);
  ASSERT_EQ(f.shown.size(), 1u);
  ASSERT_EQ(f.folded.size(), 2u);
  EXPECT_EQ(f.folded[0].state, PortState::kClosed);
  EXPECT_EQ(f.folded[0].count, 40u);
  EXPECT_EQ(f.folded[1].state, PortState::kFiltered);
  ASSERT_EQ(f.folded[1].reasons.size(), 2u);
  EXPECT_EQ(f.folded[1].reasons[0].reason, Reason::kNoResponse);  // 20 before 10
  EXPECT_EQ(PortRanges(f.folded[1].reasons[0].ports), "110-129");
  EXPECT_EQ(PortRanges(f.folded[1].reasons[1].ports), "100-109");
}

TEST(FoldPorts, VerbosityRaisesTheThreshold) {
  std::vector<PortResult> ports;
  for (uint16_t p = 1; p <= 40; ++p) ports.push_back(MakePort("198.18.0.2", p, PortState::kClosed, Reason::kConnRefused));
  EXPECT_EQ(FoldPorts(ports, 0, false).shown.size(), 0u);
  EXPECT_EQ(FoldPorts(ports, 1, false).shown.size(), 40u);  // 40 <= 50
}

TEST(FoldPorts, OpenOnlyFoldsEvenFewClosedPorts) {
  std::vector<PortResult> ports = {MakePort("198.18.0.2", 21, PortState::kClosed, Reason::kConnRefused),
                                   MakePort("198.18.0.2", 22, PortState::kOpen, Reason::kSynAck),
                                   MakePort("198.18.0.2", 23, PortState::kOpenFiltered, Reason::kNoResponse)};
  PortFold f = FoldPorts(ports, 0, true);
  ASSERT_EQ(f.shown.size(), 2u);
  EXPECT_EQ(f.shown[0]->port, 22);
  EXPECT_EQ(f.shown[1]->port, 23);
  ASSERT_EQ(f.folded.size(), 1u);
  EXPECT_EQ(f.folded[0].count, 1u);
}

}  // namespace
}  // namespace tj
