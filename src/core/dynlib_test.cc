#include "core/dynlib.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

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

}  // namespace
}  // namespace tj
