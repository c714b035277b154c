// The fixture the lab tests share: a fresh lab for each test (skipped
// without root, failed when CI=true, as every lab test must) and a private
// temporary directory removed afterwards. Derived SetUp()s call this one
// first and return when it skipped or failed.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "lab.h"

namespace tjlab {

class LabFixture : public ::testing::Test {
 protected:
  virtual LabOptions Options() const { return {}; }

  void SetUp() override {
    std::string why;
    lab_ = Lab::Up(Options(), &why);
    if (!lab_) {
      if (InCi()) FAIL() << "lab unavailable and CI=true: " << why;
      GTEST_SKIP() << "lab unavailable (run as root to enable): " << why;
    }
    char tmpl[] = "/tmp/tojimari-labtest-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  // True when the fixture's SetUp skipped or failed the test.
  bool NotReady() const { return IsSkipped() || HasFatalFailure(); }
  std::string P(const std::string& name) const { return dir_ + "/" + name; }

  std::unique_ptr<Lab> lab_;
  std::string dir_;
};

}  // namespace tjlab
