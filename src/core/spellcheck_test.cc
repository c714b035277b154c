#include "core/spellcheck.h"

#include <gtest/gtest.h>

namespace tj {

TEST(SpellCheck, Distance) {
  EXPECT_EQ(EditDistance("scan", "scan"), 0u);
  EXPECT_EQ(EditDistance("scna", "scan"), 1u);  // swap
  EXPECT_EQ(EditDistance("chek", "check"), 1u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
}

TEST(SpellCheck, SuggestsCloseWordsOnly) {
  std::vector<std::string_view> cmds = {"scan", "check", "help", "version"};
  EXPECT_EQ(SpellCheck("chekc", cmds), "check");
  EXPECT_EQ(SpellCheck("sacn", cmds), "scan");
  EXPECT_EQ(SpellCheck("versoin", cmds), "version");
  EXPECT_EQ(SpellCheck("xyzzy", cmds), "");
}

}  // namespace tj
