#include "session/rename_helper.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

namespace tj {

TEST(RenameHelper, RenamesAndRemovesOnlyRegisteredPairs) {
  std::string dir = ::testing::TempDir();
  std::string a = dir + "/tj-rh-a.tmp", b = dir + "/tj-rh-b", c = dir + "/tj-rh-c.tmp";
  std::ofstream(a) << "report";
  std::ofstream(c) << "resume";
  auto h = RenameHelper::Start({{a, b}, {c, dir + "/tj-rh-d"}});
  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ((*h)->Rename(a, dir + "/elsewhere"), EPERM);  // not a registered pair
  EXPECT_EQ((*h)->Remove(b), EPERM);                      // not a registered temporary file
  EXPECT_EQ((*h)->Rename(a, b), 0);
  EXPECT_EQ(access(b.c_str(), F_OK), 0);
  EXPECT_NE(access(a.c_str(), F_OK), 0);
  EXPECT_EQ((*h)->Remove(c), 0);
  EXPECT_NE(access(c.c_str(), F_OK), 0);
  unlink(b.c_str());
}

}  // namespace tj
