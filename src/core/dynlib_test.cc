#include "core/dynlib.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdio>
#include <string>
#include <vector>

#include "history/pq_api.h"
#include "net/pcap_api.h"
#include "report/xml_api.h"
#include "watch/curl_api.h"

namespace tj {
namespace {

TEST(DynLib, OpensALibraryAndBindsItsFunctionsTyped) {
  // SQLite is linked already: dlopen hands back the same library, so the
  // function bound by name is the one linked.
  auto lib = DynLib::Open(LibrarySpec{"libsqlite3.so.0", "libsqlite3-0", "the test"});
  ASSERT_TRUE(lib) << lib.error().message;
  decltype(&sqlite3_libversion) version = nullptr;
  ASSERT_TRUE(lib->Bind("sqlite3_libversion", &version));
  EXPECT_STREQ(version(), sqlite3_libversion());
}

TEST(DynLib, AMissingLibraryIsOneLineNamingItsPackage) {
  auto lib = DynLib::Open(LibrarySpec{"libtojimari-absent.so.7", "libtojimari-absent7", "the test"});
  ASSERT_FALSE(lib);
  EXPECT_EQ(
      lib.error().message,
      "the test needs libtojimari-absent.so.7 (Debian package libtojimari-absent7), which is not installed");
}

TEST(DynLib, AMissingFunctionNamesItAndTheLibrary) {
  auto lib = DynLib::Open(LibrarySpec{"libsqlite3.so.0", "libsqlite3-0", "the test"});
  ASSERT_TRUE(lib);
  void (*fn)() = nullptr;
  Status s = lib->Bind("sqlite3_no_such_function", &fn);
  ASSERT_FALSE(s);
  EXPECT_EQ(fn, nullptr);
  EXPECT_NE(s.message().find("the test needs libsqlite3.so.0 (Debian package libsqlite3-0), with "
                             "sqlite3_no_such_function, which this version lacks"),
            std::string::npos)
      << s.message();
  EXPECT_EQ(s.message().find('\n'), std::string::npos);
}

// The sonames in kLazyLibraries are the ones installed beside this build's
// headers, and every function of each table resolves in them (a function
// the headers declare but the library lacks would not).
TEST(DynLib, EveryLazyLibraryLoadsWithAllItsFunctions) {
  EXPECT_TRUE(Pq()) << Pq().error().message;
  EXPECT_TRUE(Curl()) << Curl().error().message;
  EXPECT_TRUE(Xml()) << Xml().error().message;
  EXPECT_TRUE(Pcap()) << Pcap().error().message;
  if (Pq()) {
    EXPECT_GE(Pq()->PQlibVersion(), 100000);
  }
}

// readelf -d's NEEDED entries of a binary.
std::vector<std::string> Needed(const std::string& binary) {
  std::vector<std::string> out;
  FILE* p = popen(("readelf -d --wide '" + binary + "' 2>/dev/null").c_str(), "r");
  if (!p) return out;
  char line[1024];
  while (fgets(line, sizeof line, p)) {
    std::string s(line);
    size_t open = s.find("Shared library: [");
    size_t close = s.find(']', open);
    if (s.find("(NEEDED)") != std::string::npos && open != std::string::npos && close != std::string::npos)
      out.push_back(s.substr(open + 17, close - open - 17));
  }
  pclose(p);
  return out;
}

// Issue 20: a run that needs none of them loads none of them.
TEST(DynLib, TheBinaryLinksNoneOfTheLazyLibraries) {
  std::vector<std::string> needed = Needed(TJ_BINARY);
  ASSERT_FALSE(needed.empty()) << "no NEEDED entry read from " << TJ_BINARY << " (is readelf installed?)";
  for (const LibrarySpec& lib : kLazyLibraries) {
    // Any version of it: "libpq.so" of "libpq.so.5".
    const std::string stem = std::string(lib.soname).substr(0, std::string(lib.soname).find(".so") + 3);
    for (const std::string& n : needed) EXPECT_FALSE(n.starts_with(stem)) << TJ_BINARY << " links " << n;
  }
}

}  // namespace
}  // namespace tj
