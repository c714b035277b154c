// Reading a scan's --ndjson output and grading every port against the truth
// the lab defines. Kept apart from the tests so each test says only what it
// scans and what it tolerates.
// Thread-safety: plain functions and values.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lab.h"

namespace tjlab {

struct PortRow {
  std::string state;
  std::string reason;
  std::string service;
  int tries = 0;
  int reason_ttl = 0;  // TTL (hop limit) of the reply; 0 when none came
};
using Rows = std::map<int, PortRow>;  // by port

// Parses one object per line; fails on malformed lines, a wrong ip or proto,
// and duplicate ports.
::testing::AssertionResult ParseNdjson(const std::string& path, const std::string& ip, Rows* rows,
                                       const std::string& proto = "tcp");

// Every port of ip in an -oJ report, listed in ports[] or folded into
// extra_ports[] (the final verdicts, after -sV and the host's notes; an
// NDJSON row is written as each port is found), and the host's notes by id.
::testing::AssertionResult ParseJsonReport(const std::string& path, const std::string& ip, Rows* rows,
                                           std::map<std::string, std::string>* notes = nullptr);

// Which technique scanned: each has its own right (state, reason) per truth.
enum class Technique {
  kConnect,      // -sT
  kSyn,          // -sS: closed ports answer reset
  kFinNullXmas,  // -sF/-sN/-sX: silence is open|filtered
};

struct GradeOptions {
  bool lossy = false;  // closed ports may come back filtered/no-response
  bool v6 = false;     // IPv6 connect() reports admin-prohibited, never host-unreach
  Technique technique = Technique::kConnect;
};

struct Tally {
  int right = 0;
  int tolerated = 0;  // closed ports seen as filtered under loss
  std::vector<std::string> wrong;           // "port: got X, want Y"
  std::map<std::string, int> by_outcome;    // "truth -> state/reason" counts
};

// Grades each port in ports; a port missing from rows is wrong.
Tally GradeAll(const Lab& lab, const Rows& rows, const std::vector<int>& ports,
               const GradeOptions& opts);

// "N wrong, e.g. ..." with the first few, for a failure message.
std::string DescribeWrong(const Tally& t);
std::string DescribeOutcomes(const Tally& t);

std::vector<int> PortsBetween(int lo, int hi);

// "port: reason ttl N" for every answered port (reason other than
// no-response) whose reply TTL is not want.
std::vector<std::string> WrongTtl(const Rows& rows, int want);

}  // namespace tjlab
