#include "engine/connect_classify.h"

#include <cerrno>

#include <gtest/gtest.h>

namespace tj {

TEST(ConnectClassify, Errnos) {
  EXPECT_EQ(ClassifyConnectErrno(0)->state, PortState::kOpen);
  EXPECT_EQ(ClassifyConnectErrno(0)->reason, Reason::kSynAck);
  EXPECT_EQ(ClassifyConnectErrno(ECONNREFUSED)->state, PortState::kClosed);
  EXPECT_EQ(ClassifyConnectErrno(ECONNREFUSED)->reason, Reason::kConnRefused);
  EXPECT_EQ(ClassifyConnectErrno(EHOSTUNREACH)->reason, Reason::kHostUnreach);
  EXPECT_EQ(ClassifyConnectErrno(ENETUNREACH)->reason, Reason::kNetUnreach);
  EXPECT_EQ(ClassifyConnectErrno(EACCES)->reason, Reason::kAdminProhibited);
  EXPECT_EQ(ClassifyConnectErrno(EHOSTUNREACH)->state, PortState::kFiltered);
  EXPECT_FALSE(ClassifyConnectErrno(ETIMEDOUT).has_value());
}

TEST(ConnectClassify, IcmpCodes) {
  EXPECT_EQ(ClassifyIcmp(false, 3, 13).reason, Reason::kAdminProhibited);
  EXPECT_EQ(ClassifyIcmp(false, 3, 1).reason, Reason::kHostUnreach);
  EXPECT_EQ(ClassifyIcmp(false, 3, 0).reason, Reason::kNetUnreach);
  EXPECT_EQ(ClassifyIcmp(false, 3, 3).reason, Reason::kPortUnreach);
  EXPECT_EQ(ClassifyIcmp(false, 3, 9).reason, Reason::kNetProhibited);
  EXPECT_EQ(ClassifyIcmp(false, 3, 10).reason, Reason::kHostProhibited);
  EXPECT_EQ(ClassifyIcmp(false, 11, 0).reason, Reason::kTimeExceeded);
  EXPECT_EQ(ClassifyIcmp(true, 1, 1).reason, Reason::kAdminProhibited);
  EXPECT_EQ(ClassifyIcmp(true, 1, 4).reason, Reason::kPortUnreach);
  EXPECT_EQ(ClassifyIcmp(true, 1, 3).reason, Reason::kHostUnreach);
  EXPECT_EQ(ClassifyIcmp(true, 1, 3).state, PortState::kFiltered);
}

}  // namespace tj
