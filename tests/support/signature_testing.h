// For the signature tests: the built-in data's answer to one probe.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "service/match.h"
#include "service/probe_db.h"

namespace tj {

// What the built-in probe named `probe` makes of `reply` (a test failure,
// and no match, when there is no such probe).
inline MatchResult Answer(const std::string& probe, const std::string& reply) {
  const ProbeDb& db = BuiltinProbeDb();
  const Probe* p = db.Find(probe);
  EXPECT_NE(p, nullptr) << probe;
  return p ? MatchReply(db, *p, reply) : MatchResult{};
}

}  // namespace tj
