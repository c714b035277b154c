#include "core/input_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace tj {
namespace {

std::string TempFile(const std::string& content) {
  char path[] = "/tmp/tj-input-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

}  // namespace

TEST(LineReader, LinesWithoutTheirEnds) {
  std::string path = TempFile("a\r\nbb\n\nlast");
  auto r = LineReader::Open(path);
  ASSERT_TRUE(r) << r.error().message;
  std::string line;
  std::vector<std::string> got;
  while (r->Next(&line)) got.push_back(line);
  EXPECT_TRUE(r->status().ok()) << r->status().message();
  EXPECT_EQ(got, (std::vector<std::string>{"a", "bb", "", "last"}));
  unlink(path.c_str());
}

// Issue 22 row 1: -iL /dev/zero and a 1 GB line fail at the bound with a
// short, printable excerpt, not after eating the memory.
TEST(LineReader, BoundsAreErrorsThatNameTheFileAndLine) {
  auto zero = LineReader::Open("/dev/zero");
  ASSERT_TRUE(zero);
  std::string line;
  EXPECT_FALSE(zero->Next(&line));
  EXPECT_NE(zero->status().message().find("/dev/zero:1: a line longer than 4096 bytes (it starts \"\\x00"),
            std::string::npos)
      << zero->status().message();
  EXPECT_LT(zero->status().message().size(), 400u);

  InputLimits few;
  few.max_lines = 2;
  std::string path = TempFile("1\n2\n3\n");
  auto r = LineReader::Open(path, few);
  ASSERT_TRUE(r);
  while (r->Next(&line)) {}
  EXPECT_NE(r->status().message().find("more than 2 lines"), std::string::npos);
  unlink(path.c_str());

  InputLimits small;
  small.max_bytes = 100;
  auto big = ReadBoundedFile("/dev/zero", 100, "service database");
  EXPECT_FALSE(big);
  EXPECT_NE(big.error().message.find("longer than 100 bytes"), std::string::npos);
}

// Issue 22 row 12: a directory is named as one, not "no targets".
TEST(LineReader, ADirectoryIsSaidToBeOne) {
  auto r = LineReader::Open("/tmp");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "cannot read file \"/tmp\": it is a directory");
  auto f = ReadBoundedFile("/tmp", 100, "policy file");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().message, "cannot read policy file \"/tmp\": it is a directory");
}

}  // namespace tj
